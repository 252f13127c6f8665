import Fluent

struct CreateAssessments: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("assessments")
            .id()
            .field("bond_id", .uuid, .required, .references("bonds", "id", onDelete: .cascade))
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("instrument_key", .string, .required)
            .field("instrument_version", .int, .required)
            .field("mode", .string, .required)
            .field("shared", .bool, .required)
            .field("shared_at", .datetime)
            .field("taken_at", .datetime, .required)
            .field("answers", .string, .required)
            .field("total", .double, .required)
            .field("score", .string, .required)
            .create()
        // History and the dashboard read one bond's results, newest first.
        try await database.createIndex("idx_assessments_bond_instrument_taken", on: "assessments", columns: ["bond_id", "instrument_key", "taken_at"])
        try await database.createIndex("idx_assessments_user", on: "assessments", columns: ["user_id"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema("assessments").delete()
    }
}
