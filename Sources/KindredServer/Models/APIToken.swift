import Fluent
import Foundation
import KindredCore

/// A bearer token for a client app. Shown once at creation; only its SHA-256 is stored.
final class APIToken: Model, @unchecked Sendable {
    static let schema = "api_tokens"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    @Field(key: "name") var name: String
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "created_at") var createdAt: Date
    /// Written at most every few minutes (`TokenPolicy.touchInterval`); nil until first used.
    @OptionalField(key: "last_used_at") var lastUsedAt: Date?
    /// How many days without use end it (chosen at creation, 90 unless said otherwise).
    @Field(key: "idle_days") var idleDays: Int
    /// Last use (or creation) plus `idleDays`, kept on the row so sweeping is one indexed query.
    @Field(key: "expires_at") var expiresAt: Date
    /// What made it ("curl", "Safari on iPhone"), so its owner can recognise it in Devices.
    @Field(key: "device") var device: String

    init() {}

    init(userID: UUID, name: String, tokenHash: String, now: Date, idleDays: Int = TokenPolicy.defaultIdleDays, device: String = "") {
        self.$user.id = userID
        self.name = name
        self.tokenHash = tokenHash
        self.createdAt = now
        self.lastUsedAt = nil
        self.idleDays = idleDays
        self.expiresAt = TokenPolicy.expiry(after: now, idleDays: idleDays)
        self.device = device
    }
}
