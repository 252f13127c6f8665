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

    init(bondID: UUID, day: String, userID: UUID, sealedText: String, now: Date) {
        self.$bond.id = bondID
        self.day = day
        self.$user.id = userID
        self.sealedText = sealedText
        self.createdAt = now
        self.updatedAt = now
    }
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

    init(bondID: UUID, day: String, userID: UUID, sealedText: String, now: Date) {
        self.$bond.id = bondID
        self.day = day
        self.$user.id = userID
        self.sealedText = sealedText
        self.createdAt = now
    }
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

    init(bondID: UUID, fromUserID: UUID, sealedText: String, now: Date) {
        self.$bond.id = bondID
        self.$from.id = fromUserID
        self.sealedText = sealedText
        self.createdAt = now
    }
}

/// One member's weekly "state of us": a 1–5 pulse per sign and an optional note.
final class Checkin: Model, @unchecked Sendable {
    static let schema = "checkins"

    @ID(key: .id) var id: UUID?
    @Parent(key: "bond_id") var bond: Bond
    /// ISO week of the member's local date, e.g. `2026-W48`.
    @Field(key: "week") var week: String
    @Parent(key: "user_id") var user: User
    /// `{"sign": 1…5}` as JSON.
    @Field(key: "ratings") var ratingsJSON: String
    @OptionalField(key: "note") var sealedNote: String?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    init(bondID: UUID, week: String, userID: UUID, ratingsJSON: String, sealedNote: String?, now: Date) {
        self.$bond.id = bondID
        self.week = week
        self.$user.id = userID
        self.ratingsJSON = ratingsJSON
        self.sealedNote = sealedNote
        self.createdAt = now
        self.updatedAt = now
    }

    var ratings: [String: Int] { (try? JSONDecoder().decode([String: Int].self, from: Data(ratingsJSON.utf8))) ?? [:] }
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
