import Fluent
import Foundation
import KindredCore

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
    /// The answers as JSON `{"itemId": value}`: numbers only, no free text.
    @Field(key: "answers") var answersJSON: String
    @Field(key: "total") var total: Double
    /// The whole `InstrumentScore` as JSON, so history never has to re-score.
    @Field(key: "score") var scoreJSON: String
    /// For a prediction: the other member's self-result it is judged against, pinned once
    /// (`PerceptionGap.pin`) so later results and sharing cannot move the figure.
    @OptionalField(key: "compared_with") var comparedWith: UUID?

    init() {}

    init(bondID: UUID, userID: UUID, instrument: Instrument, mode: ResultSummary.Mode, shared: Bool,
         takenAt: Date, answers: [String: Int], score: InstrumentScore) throws {
        self.$bond.id = bondID
        self.$user.id = userID
        self.instrumentKey = instrument.key
        self.instrumentVersion = instrument.version
        self.mode = mode.rawValue
        self.shared = shared
        self.sharedAt = shared ? takenAt : nil
        self.takenAt = takenAt
        self.answersJSON = String(decoding: try Self.encoder.encode(answers), as: UTF8.self)
        self.total = score.total
        self.scoreJSON = String(decoding: try Self.encoder.encode(score), as: UTF8.self)
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()

    /// Decoded once per loaded row: pages read these many times.
    private var decodedAnswers: [String: Int]?
    private var decodedScore: InstrumentScore??

    var answers: [String: Int] {
        if let decodedAnswers { return decodedAnswers }
        let value = (try? JSONDecoder().decode([String: Int].self, from: Data(answersJSON.utf8))) ?? [:]
        decodedAnswers = value
        return value
    }

    var score: InstrumentScore? {
        if let decodedScore { return decodedScore }
        let value = try? JSONDecoder().decode(InstrumentScore.self, from: Data(scoreJSON.utf8))
        decodedScore = .some(value)
        return value
    }
    var resultMode: ResultSummary.Mode { ResultSummary.Mode(rawValue: mode) ?? .self }

    var summary: ResultSummary? {
        guard let score else { return nil }
        return ResultSummary(owner: UserID($user.id), instrument: instrumentKey, mode: resultMode, shared: shared,
                             takenAt: takenAt, answers: answers, score: score)
    }
}
