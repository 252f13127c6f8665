import Fluent

struct CreateSignInFailures: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("sign_in_failures")
            .id()
            .field("account_key", .string, .required)
            .field("client_key", .string, .required)
            .field("failed_at", .datetime, .required)
            .create()
        try await database.createIndex("idx_sign_in_failures_account", on: "sign_in_failures", columns: ["account_key", "failed_at"])
        try await database.createIndex("idx_sign_in_failures_client", on: "sign_in_failures", columns: ["client_key", "failed_at"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema("sign_in_failures").delete()
    }
}
