import Fluent
import Foundation
import KindredCore

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
    /// Which of the fixed set, sealed: a mark someone made is as private as their words.
    @Field(key: "reaction") var sealedReaction: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    init(bondID: UUID, userID: UUID, targetKind: String, targetKey: String, reaction: Reaction, cipher: TextCipher, now: Date) throws {
        self.id = UUID()
        self.$bond.id = bondID
        self.$user.id = userID
        self.targetKind = targetKind
        self.targetKey = targetKey
        self.createdAt = now
        self.updatedAt = now
        self.sealedReaction = ""
        try set(reaction, cipher: cipher)
    }

    static let purpose = "reactions.reaction"
    var place: SealedPlace { SealedPlace(purpose: Self.purpose, row: id!, owner: $user.id, bond: $bond.id, period: targetKey) }

    func set(_ reaction: Reaction, cipher: TextCipher) throws {
        sealedReaction = try cipher.seal(reaction.rawValue, at: place)
    }

    /// Nil for a value that does not open here (moved in the database): it is simply not shown.
    func reaction(_ cipher: TextCipher) -> Reaction? {
        (try? cipher.open(sealedReaction, at: place)).flatMap(Reaction.init(rawValue:))
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
