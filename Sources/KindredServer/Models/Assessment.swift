import Fluent
import Foundation
import KindredCore
import NIOConcurrencyHelpers

/// One completed questionnaire: about yourself (`self`) or your guess at the other
/// member's answers (`predict`). Private to its owner unless they share a `self` result.
final class Assessment: Model, @unchecked Sendable {
    static let schema = "assessments"

    @ID(key: .id) var id: UUID?
    @Parent(key: "bond_id") var bond: Bond
    @Parent(key: "user_id") var user: User
    @Field(key: "instrument_key") var instrumentKey: String
    @Field(key: "instrument_version") var instrumentVersion: Int
    @Field(key: "mode") var mode: String
    @Field(key: "shared") var shared: Bool
    @OptionalField(key: "shared_at") var sharedAt: Date?
    @Field(key: "taken_at") var takenAt: Date
    /// The answers as JSON `{"itemId": value}`, sealed: what someone marked about their
    /// relationship is as private as what they write.
    @Field(key: "answers") var sealedAnswers: String
    /// Always 0 now: the score is sealed with the rest (the column stays for older databases).
    @Field(key: "total") var total: Double
    /// The whole `InstrumentScore` as JSON, sealed, so history never has to re-score.
    @Field(key: "score") var sealedScore: String
    /// For a prediction: the other member's self-result it is judged against, pinned once
    /// (`PerceptionGap.pin`) so later results and sharing cannot move the figure.
    @OptionalField(key: "compared_with") var comparedWith: UUID?

    init() {}

    /// The id is made here, so the answers can be sealed to this row before it is stored.
    init(bondID: UUID, userID: UUID, instrument: Instrument, mode: ResultSummary.Mode, shared: Bool,
         takenAt: Date, answers: [String: Int], score: InstrumentScore, cipher: TextCipher) throws {
        self.id = UUID()
        self.$bond.id = bondID
        self.$user.id = userID
        self.instrumentKey = instrument.key
        self.instrumentVersion = instrument.version
        self.mode = mode.rawValue
        self.shared = shared
        self.sharedAt = shared ? takenAt : nil
        self.takenAt = takenAt
        self.total = 0
        self.sealedAnswers = try cipher.seal(String(decoding: try Self.encoder.encode(answers), as: UTF8.self), at: answersPlace)
        self.sealedScore = try cipher.seal(String(decoding: try Self.encoder.encode(score), as: UTF8.self), at: scorePlace)
        self.opened = (answers, score)
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()

    static let answersPurpose = "assessments.answers"
    static let scorePurpose = "assessments.score"
    var answersPlace: SealedPlace { SealedPlace(purpose: Self.answersPurpose, row: id!, owner: $user.id, bond: $bond.id) }
    var scorePlace: SealedPlace { SealedPlace(purpose: Self.scorePurpose, row: id!, owner: $user.id, bond: $bond.id) }

    /// Filled by `open(_:)`, which every read path calls once per loaded row.
    private var opened: (answers: [String: Int], score: InstrumentScore)?

    func open(_ cipher: TextCipher) throws {
        guard opened == nil else { return }
        let id = try requireID()
        let key = OpenedResults.Key(id: id, owner: $user.id, bond: $bond.id, sealedAnswers: sealedAnswers, sealedScore: sealedScore)
        if let known = Self.recentlyOpened.lookup(key) {
            opened = known
            return
        }
        let answers = try JSONDecoder().decode([String: Int].self, from: Data(try cipher.open(sealedAnswers, at: answersPlace).utf8))
        let score = try JSONDecoder().decode(InstrumentScore.self, from: Data(try cipher.open(sealedScore, at: scorePlace).utf8))
        opened = (answers, score)
        Self.recentlyOpened.keep(key, (answers, score))
    }

    /// Opening a result (two AES-GCM opens and two JSON decodes) was most of the dashboard's
    /// time (issue 15), for rows that never change once written. A result opened here is
    /// kept under everything its seal is bound to (id, owner, bond) *and its exact sealed
    /// values*, so only a row read back unchanged from the database is answered from memory:
    /// one changed, re-sealed by a key rotation or moved to another person or bond misses and
    /// is opened (and checked) afresh, on any node. Bounded; a full cache starts over.
    static let recentlyOpened = OpenedResults(capacity: 4096)

    var answers: [String: Int] {
        assert(opened != nil, "an assessment's answers are read before open(_:)")
        return opened?.answers ?? [:]
    }

    var score: InstrumentScore? {
        assert(opened != nil, "an assessment's score is read before open(_:)")
        return opened?.score
    }

    var resultMode: ResultSummary.Mode { ResultSummary.Mode(rawValue: mode) ?? .self }

    var summary: ResultSummary? {
        guard let score else { return nil }
        return ResultSummary(owner: UserID($user.id), instrument: instrumentKey, mode: resultMode, shared: shared,
                             takenAt: takenAt, answers: answers, score: score)
    }
}

extension Array where Element == Assessment {
    /// Opens every row's sealed answers and score (once each), for reading. A row that does not
    /// open in its place (moved or altered in the database) is left out: one bad row must not
    /// take both members' pages down, and it is nobody's to see.
    func opened(_ cipher: TextCipher) throws -> [Assessment] {
        filter { (try? $0.open(cipher)) != nil }
    }
}

/// Results already opened in this process, under what each was sealed to and its sealed values.
final class OpenedResults: Sendable {
    typealias Opened = (answers: [String: Int], score: InstrumentScore)
    struct Key: Hashable {
        let id: UUID
        let owner: UUID
        let bond: UUID
        let sealedAnswers: String
        let sealedScore: String
    }
    private let entries = NIOLockedValueBox<[Key: Opened]>([:])
    let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    func lookup(_ key: Key) -> Opened? { entries.withLockedValue { $0[key] } }

    func keep(_ key: Key, _ opened: Opened) {
        entries.withLockedValue { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = opened
        }
    }
}
