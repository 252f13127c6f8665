import Fluent
import Foundation
import KindredCore

final class Bond: Model, @unchecked Sendable {
    static let schema = "bonds"

    @ID(key: .id) var id: UUID?
    @Enum(key: "kind") var kind: BondKind
    @OptionalField(key: "name") var name: String?
    @Field(key: "created_at") var createdAt: Date
    /// Set when either member leaves; the bond is then read-only for both.
    @OptionalField(key: "ended_at") var endedAt: Date?

    init() {}

    init(kind: BondKind, name: String?, now: Date) {
        self.kind = kind
        self.name = name
        self.createdAt = now
    }
}

/// One person's place in a bond. `slot` is 1 for the creator and 2 for the person who
/// accepted; the unique (bond, slot) index is what makes a third member impossible.
final class BondMember: Model, @unchecked Sendable {
    static let schema = "bond_members"

    @ID(key: .id) var id: UUID?
    @Parent(key: "bond_id") var bond: Bond
    @Parent(key: "user_id") var user: User
    @Field(key: "slot") var slot: Int
    @Field(key: "joined_at") var joinedAt: Date

    init() {}

    init(bondID: UUID, userID: UUID, slot: Int, now: Date) {
        self.$bond.id = bondID
        self.$user.id = userID
        self.slot = slot
        self.joinedAt = now
    }
}
