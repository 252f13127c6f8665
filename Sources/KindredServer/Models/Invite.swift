import Fluent
import Foundation
import KindredCore

/// A single-use invitation into a waiting bond. Only the code's SHA-256 is stored,
/// so a copy of the database cannot be used to join anyone's bond.
final class Invite: Model, @unchecked Sendable {
    static let schema = "invites"

    @ID(key: .id) var id: UUID?
    @Parent(key: "bond_id") var bond: Bond
    @Parent(key: "created_by") var creator: User
    @Field(key: "code_hash") var codeHash: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "used_at") var usedAt: Date?
    @OptionalField(key: "used_by") var usedBy: UUID?
    @OptionalField(key: "revoked_at") var revokedAt: Date?

    init() {}

    init(bondID: UUID, createdBy: UUID, codeHash: String, now: Date) {
        self.$bond.id = bondID
        self.$creator.id = createdBy
        self.codeHash = codeHash
        self.createdAt = now
        self.expiresAt = now.addingTimeInterval(InviteRules.lifetime)
    }

    var rules: InviteRules.Invite {
        InviteRules.Invite(
            id: InviteID(id!), bondID: BondID($bond.id), createdBy: UserID($creator.id),
            expiresAt: expiresAt, usedAt: usedAt, revokedAt: revokedAt
        )
    }
}
