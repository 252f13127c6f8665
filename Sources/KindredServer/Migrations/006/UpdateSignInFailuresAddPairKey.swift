import Fluent

/// Guesses are counted per account *and client* (the pair), so someone who knows an email
/// can slow down only their own guessing, never lock its owner out.
struct UpdateSignInFailuresAddPairKey: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("sign_in_failures").field("pair_key", .string).update()
        try await database.createIndex("idx_sign_in_failures_pair", on: "sign_in_failures", columns: ["pair_key", "failed_at"])
    }

    func revert(on database: any Database) async throws {
        try await database.dropIndex("idx_sign_in_failures_pair")
        try await database.schema("sign_in_failures").deleteField("pair_key").update()
    }
}
