import Fluent

struct CreateWebSessions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("web_sessions")
            .id()
            .field("token_hash", .string, .required)
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("csrf_token", .string, .required)
            .field("created_at", .datetime, .required)
            .field("last_seen_at", .datetime, .required)
            .field("device", .string, .required)
            .unique(on: "token_hash", name: "uq_web_sessions_token_hash")
            .create()
        try await database.createIndex("idx_web_sessions_user", on: "web_sessions", columns: ["user_id"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema("web_sessions").delete()
    }
}
