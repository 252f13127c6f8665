import Fluent
import Foundation
import KindredCore

/// What a new account starts as: a member, or a professional with a practice and
/// self-described credentials (issue 14).
struct ProfessionalProfile: Sendable, Equatable {
    var role: ProfessionalAccess.Role
    var practiceName: String?
    var credentials: String?

    static let member = ProfessionalProfile(role: .member)

    /// Trimmed, empty as nil; a member has neither field.
    init(role: ProfessionalAccess.Role, practiceName: String? = nil, credentials: String? = nil) {
        self.role = role
        func clean(_ text: String?) -> String? {
            guard role == .professional, let trimmed = text?.trimmingCharacters(in: .whitespacesAndNewlines), !trimmed.isEmpty else { return nil }
            return trimmed
        }
        self.practiceName = clean(practiceName)
        self.credentials = clean(credentials)
    }

    func apply(to user: User) {
        user.roleName = role.rawValue
        user.practiceName = practiceName
        user.credentials = credentials
    }
}

/// A single-use link a member makes for a professional; only the code's SHA-256 is stored.
final class ProfessionalInvite: Model, @unchecked Sendable {
    static let schema = "professional_invites"

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

    var isPending: Bool { usedAt == nil && revokedAt == nil }
}

/// A professional serving a bond. Access opens once both members consent and ends, for good,
/// when either withdraws or the bond ends; who ended it is not kept.
final class ProfessionalLink: Model, @unchecked Sendable {
    static let schema = "professional_links"

    @ID(key: .id) var id: UUID?
    @Parent(key: "bond_id") var bond: Bond
    @OptionalParent(key: "professional_id") var professional: User?
    /// Their name when they accepted, for members once the account is gone.
    @Field(key: "professional_name") var professionalName: String
    @Field(key: "accepted_at") var acceptedAt: Date
    @OptionalField(key: "ended_at") var endedAt: Date?

    init() {}

    init(bondID: UUID, professional: User, now: Date) {
        self.$bond.id = bondID
        self.$professional.id = professional.id
        self.professionalName = professional.displayName
        self.acceptedAt = now
    }
}

/// One member's consent to one link, with the scopes they chose.
final class ProfessionalConsent: Model, @unchecked Sendable {
    static let schema = "professional_consents"

    @ID(key: .id) var id: UUID?
    @Parent(key: "link_id") var link: ProfessionalLink
    @Parent(key: "user_id") var user: User
    /// Scope names, comma-separated.
    @Field(key: "scopes") var scopeNames: String
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    init(linkID: UUID, userID: UUID, scopes: Set<ProfessionalAccess.Scope>, now: Date) {
        self.$link.id = linkID
        self.$user.id = userID
        self.scopes = scopes
        self.updatedAt = now
    }

    var scopes: Set<ProfessionalAccess.Scope> {
        get { ProfessionalAccess.Scope.parse(scopeNames) }
        set { scopeNames = ProfessionalAccess.Scope.stored(newValue) }
    }
}

/// Every view of a summary by a professional, which both members can read.
final class ProfessionalAccessEntry: Model, @unchecked Sendable {
    static let schema = "professional_access_log"

    @ID(key: .id) var id: UUID?
    @Parent(key: "bond_id") var bond: Bond
    @Field(key: "professional_name") var professionalName: String
    @Field(key: "scopes") var scopeNames: String
    @Field(key: "viewed_at") var viewedAt: Date

    init() {}

    init(bondID: UUID, professionalName: String, scopes: Set<ProfessionalAccess.Scope>, now: Date) {
        self.$bond.id = bondID
        self.professionalName = professionalName
        self.scopeNames = ProfessionalAccess.Scope.stored(scopes)
        self.viewedAt = now
    }

    var scopes: Set<ProfessionalAccess.Scope> { ProfessionalAccess.Scope.parse(scopeNames) }
}
