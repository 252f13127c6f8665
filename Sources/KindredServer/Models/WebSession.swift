import Fluent
import Foundation

/// A signed-in browser. Kept in the database so any node can serve any request.
/// The cookie holds a random secret; only its SHA-256 is stored.
final class WebSession: Model, @unchecked Sendable {
    static let schema = "web_sessions"

    @ID(key: .id) var id: UUID?
    @Field(key: "token_hash") var tokenHash: String
    @Parent(key: "user_id") var user: User
    /// Every form in this session must echo it back.
    @Field(key: "csrf_token") var csrfToken: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "last_seen_at") var lastSeenAt: Date
    /// A rough description ("Firefox on Android") so the owner can recognise it.
    @Field(key: "device") var device: String

    init() {}

    init(tokenHash: String, userID: UUID, csrfToken: String, now: Date, device: String) {
        self.tokenHash = tokenHash
        self.$user.id = userID
        self.csrfToken = csrfToken
        self.createdAt = now
        self.lastSeenAt = now
        self.device = device
    }
}
