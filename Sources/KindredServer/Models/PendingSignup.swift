import Fluent
import Foundation
import KindredCore

/// A sign-up waiting for its link to be opened (`KINDRED_SIGNUP_CONFIRMATION=email`). It holds
/// what the account will start with; only the SHA-256 of the link's token is kept. Swept a day
/// after it ends.
final class PendingSignup: Model, @unchecked Sendable {
    static let schema = "pending_signups"

    @ID(key: .id) var id: UUID?
    @Field(key: "email") var email: String
    @Field(key: "display_name") var displayName: String
    @Field(key: "password_hash") var passwordHash: String
    @Field(key: "time_zone") var timeZone: String
    /// Where the person was going (an invite link), checked again when it is used.
    @OptionalField(key: "next") var next: String?
    /// The role and professional details the account will start with (issue 14).
    @Field(key: "role") var roleName: String
    @OptionalField(key: "practice_name") var practiceName: String?
    @OptionalField(key: "credentials") var credentials: String?
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "used_at") var usedAt: Date?

    init() {}

    init(email: String, displayName: String, passwordHash: String, timeZone: String, next: String?, profile: ProfessionalProfile, tokenHash: String, now: Date) {
        self.roleName = profile.role.rawValue
        self.practiceName = profile.practiceName
        self.credentials = profile.credentials
        self.email = email
        self.displayName = displayName
        self.passwordHash = passwordHash
        self.timeZone = timeZone
        self.next = next
        self.tokenHash = tokenHash
        self.createdAt = now
        self.expiresAt = now.addingTimeInterval(SignupLink.lifetime)
    }
}
