import Fluent

struct CreateAPITokens: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("api_tokens")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("name", .string, .required)
            .field("token_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "token_hash", name: "uq_api_tokens_token_hash")
            .create()
        try await database.createIndex("idx_api_tokens_user", on: "api_tokens", columns: ["user_id"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema("api_tokens").delete()
    }
}
