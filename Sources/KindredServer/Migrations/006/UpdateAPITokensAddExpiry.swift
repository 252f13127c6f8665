import Fluent
import FluentSQL
import Foundation
import KindredCore

/// API tokens end after a stretch without use, and say when they were last used and from
/// what, so a forgotten token on a lost phone ends by itself and can be recognised.
struct UpdateAPITokensAddExpiry: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // SQLite adds one column per statement.
        try await database.schema("api_tokens").field("last_used_at", .datetime).update()
        try await database.schema("api_tokens")
            .field("idle_days", .int, .required, .sql(.default(TokenPolicy.defaultIdleDays))).update()
        try await database.schema("api_tokens").field("expires_at", .datetime).update()
        try await database.schema("api_tokens").field("device", .string, .required, .sql(.default(""))).update()
        // Tokens made before today get the default from now on: none ends the moment it upgrades.
        try await database.query(APIToken.self)
            .set(\.$expiresAt, to: TokenPolicy.expiry(after: Date(), idleDays: TokenPolicy.defaultIdleDays))
            .update()
        try await database.createIndex("idx_api_tokens_expires", on: "api_tokens", columns: ["expires_at"])
    }

    func revert(on database: any Database) async throws {
        try await database.dropIndex("idx_api_tokens_expires")
        for field in ["last_used_at", "idle_days", "expires_at", "device"] {
            try await database.schema("api_tokens").deleteField(FieldKey(stringLiteral: field)).update()
        }
    }
}
