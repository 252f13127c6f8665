import Fluent
import Foundation

/// A member passing on one day's question: no penalty, and kept from the other member
/// until they have answered or passed too.
final class DailyPass: Model, @unchecked Sendable {
    static let schema = "daily_passes"

    @ID(key: .id) var id: UUID?
    @Parent(key: "bond_id") var bond: Bond
    @Field(key: "day") var day: String
    @Parent(key: "user_id") var user: User
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(bondID: UUID, day: String, userID: UUID, now: Date) {
        self.$bond.id = bondID
        self.day = day
        self.$user.id = userID
        self.createdAt = now
    }
}

/// One person's reaction to a revealed day or an appreciation.
final class ReactionRow: Model, @unchecked Sendable {
    static let schema = "reactions"

    @ID(key: .id) var id: UUID?
    @Parent(key: "bond_id") var bond: Bond
    @Parent(key: "user_id") var user: User
    @Field(key: "target_kind") var targetKind: String
    @Field(key: "target_key") var targetKey: String
    @Field(key: "reaction") var reaction: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    init(bondID: UUID, userID: UUID, targetKind: String, targetKey: String, reaction: String, now: Date) {
        self.$bond.id = bondID
        self.$user.id = userID
        self.targetKind = targetKind
        self.targetKey = targetKey
        self.reaction = reaction
        self.createdAt = now
        self.updatedAt = now
    }
}

/// "Bea would love to hear your answer": at most one a day from each member.
final class Nudge: Model, @unchecked Sendable {
    static let schema = "nudges"

    @ID(key: .id) var id: UUID?
    @Parent(key: "bond_id") var bond: Bond
    @Parent(key: "from_user_id") var from: User
    @Parent(key: "to_user_id") var to: User
    @Field(key: "day") var day: String
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(bondID: UUID, fromUserID: UUID, toUserID: UUID, day: String, now: Date) {
        self.$bond.id = bondID
        self.$from.id = fromUserID
        self.$to.id = toUserID
        self.day = day
        self.createdAt = now
    }
}
