import Fluent

/// Sign-ups waiting for the link sent to their address (issue 11, item 3).
struct CreatePendingSignups: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("pending_signups")
            .id()
            .field("email", .string, .required)
            .field("display_name", .string, .required)
            .field("password_hash", .string, .required)
            .field("time_zone", .string, .required)
            .field("next", .string)
            .field("token_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("used_at", .datetime)
            .unique(on: "token_hash", name: "uq_pending_signups_token")
            .create()
        try await database.createIndex("idx_pending_signups_expires", on: "pending_signups", columns: ["expires_at"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema("pending_signups").delete()
    }
}
