import Fluent
import Foundation

/// The prompt a bond is asked on one local day. One row per bond and day: the unique
/// index makes two members arriving at once agree on the same prompt.
final class DailyQuestion: Model, @unchecked Sendable {
    static let schema = "daily_questions"

    @ID(key: .id) var id: UUID?
    @Parent(key: "bond_id") var bond: Bond
    /// `YYYY-MM-DD`, the members' local date.
    @Field(key: "day") var day: String
    @Field(key: "prompt_id") var promptID: String
    @Field(key: "created_at") var createdAt: Date
    /// Who asked for another prompt today, and the one it replaced.
    @OptionalField(key: "swapped_by") var swappedBy: UUID?
    @OptionalField(key: "swapped_prompt_id") var swappedPromptID: String?

    init() {}

    init(bondID: UUID, day: String, promptID: String, now: Date) {
        self.$bond.id = bondID
        self.day = day
        self.promptID = promptID
        self.createdAt = now
    }
}

/// One member's answer to one day's question. The text is sealed (AES-GCM); it is opened
/// for the other member only once both have answered.
final class DailyAnswer: Model, @unchecked Sendable {
    static let schema = "daily_answers"

    @ID(key: .id) var id: UUID?
    @Parent(key: "bond_id") var bond: Bond
    @Field(key: "day") var day: String
    @Parent(key: "user_id") var user: User
    @Field(key: "text") var sealedText: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    /// The id is made here, so the text can be sealed to this row before it is stored.
    init(bondID: UUID, day: String, userID: UUID, text: String, cipher: TextCipher, now: Date) throws {
        self.id = UUID()
        self.$bond.id = bondID
        self.day = day
        self.$user.id = userID
        self.createdAt = now
        self.updatedAt = now
        self.sealedText = try cipher.seal(text, at: place)
    }

    var place: SealedPlace { SealedPlace(purpose: TodayService.answerPurpose, row: id!, owner: $user.id, bond: $bond.id, period: day) }
}

/// A reply in the short thread under a revealed day.
final class DailyReply: Model, @unchecked Sendable {
    static let schema = "daily_replies"

    @ID(key: .id) var id: UUID?
    @Parent(key: "bond_id") var bond: Bond
    @Field(key: "day") var day: String
    @Parent(key: "user_id") var user: User
    @Field(key: "text") var sealedText: String
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(bondID: UUID, day: String, userID: UUID, text: String, cipher: TextCipher, now: Date) throws {
        self.id = UUID()
        self.$bond.id = bondID
        self.day = day
        self.$user.id = userID
        self.createdAt = now
        self.sealedText = try cipher.seal(text, at: place)
    }

    var place: SealedPlace { SealedPlace(purpose: TodayService.replyPurpose, row: id!, owner: $user.id, bond: $bond.id, period: day) }
}

/// A short note of thanks from one member to the other.
final class Appreciation: Model, @unchecked Sendable {
    static let schema = "appreciations"

    @ID(key: .id) var id: UUID?
    @Parent(key: "bond_id") var bond: Bond
    @Parent(key: "from_user_id") var from: User
    @Field(key: "text") var sealedText: String
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(bondID: UUID, fromUserID: UUID, text: String, cipher: TextCipher, now: Date) throws {
        self.id = UUID()
        self.$bond.id = bondID
        self.$from.id = fromUserID
        self.createdAt = now
        self.sealedText = try cipher.seal(text, at: place)
    }

    var place: SealedPlace { SealedPlace(purpose: AppreciationService.purpose, row: id!, owner: $from.id, bond: $bond.id) }
}

/// One member's weekly "state of us": a 1–5 pulse per sign and an optional note.
final class Checkin: Model, @unchecked Sendable {
    static let schema = "checkins"

    @ID(key: .id) var id: UUID?
    @Parent(key: "bond_id") var bond: Bond
    /// ISO week of the member's local date, e.g. `2026-W48`.
    @Field(key: "week") var week: String
    @Parent(key: "user_id") var user: User
    /// `{"sign": 1…5}` as JSON, sealed: a person's marks are as private as their words.
    @Field(key: "ratings") var sealedRatings: String
    @OptionalField(key: "note") var sealedNote: String?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    init(bondID: UUID, week: String, userID: UUID, ratings: [String: Int], note: String?, cipher: TextCipher, now: Date) throws {
        self.id = UUID()
        self.$bond.id = bondID
        self.week = week
        self.$user.id = userID
        self.createdAt = now
        self.updatedAt = now
        self.sealedRatings = ""
        try write(ratings: ratings, note: note, cipher: cipher)
    }

    func write(ratings: [String: Int], note: String?, cipher: TextCipher) throws {
        let json = String(decoding: try Assessment.encoder.encode(ratings), as: UTF8.self)
        sealedRatings = try cipher.seal(json, at: ratingsPlace)
        sealedNote = try note.map { try cipher.seal($0, at: notePlace) }
    }

    func ratings(_ cipher: TextCipher) throws -> [String: Int] {
        try JSONDecoder().decode([String: Int].self, from: Data(try cipher.open(sealedRatings, at: ratingsPlace).utf8))
    }

    func note(_ cipher: TextCipher) throws -> String? {
        try sealedNote.map { try cipher.open($0, at: notePlace) }
    }

    var ratingsPlace: SealedPlace { SealedPlace(purpose: CheckinService.ratingsPurpose, row: id!, owner: $user.id, bond: $bond.id, period: week) }
    var notePlace: SealedPlace { SealedPlace(purpose: CheckinService.purpose, row: id!, owner: $user.id, bond: $bond.id, period: week) }
}

/// A guided deep conversation, done together in one sitting; progress is kept so it can be resumed.
final class Conversation: Model, @unchecked Sendable {
    static let schema = "conversations"

    @ID(key: .id) var id: UUID?
    @Parent(key: "bond_id") var bond: Bond
    @Parent(key: "started_by") var starter: User
    /// Index of the question the two of them are on (0-based, over all three sets).
    @Field(key: "position") var position: Int
    @Field(key: "started_at") var startedAt: Date
    @Field(key: "updated_at") var updatedAt: Date
    @OptionalField(key: "completed_at") var completedAt: Date?

    init() {}

    init(bondID: UUID, starterID: UUID, now: Date) {
        self.$bond.id = bondID
        self.$starter.id = starterID
        self.position = 0
        self.startedAt = now
        self.updatedAt = now
    }
}
