import Fluent

/// Rituals and the marks on their occurrences (issue 12).
struct CreateRituals: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("rituals")
            .id()
            .field("bond_id", .uuid, .required, .references("bonds", "id", onDelete: .cascade))
            // A ritual someone proposed is their words: it goes with their account.
            .field("proposed_by", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("title", .string, .required)
            .field("description", .string)
            .field("schedule", .string, .required)
            .field("participation", .string, .required)
            .field("status", .string, .required)
            .field("idea_id", .string)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("responded_at", .datetime)
            .create()
        try await database.createIndex("idx_rituals_bond", on: "rituals", columns: ["bond_id", "created_at"])
        try await database.schema("ritual_marks")
            .id()
            .field("ritual_id", .uuid, .required, .references("rituals", "id", onDelete: .cascade))
            .field("bond_id", .uuid, .required, .references("bonds", "id", onDelete: .cascade))
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("day", .string, .required)
            .field("mark", .string, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "ritual_id", "day", "user_id", name: "uq_ritual_marks_one_per_member")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("ritual_marks").delete()
        try await database.schema("rituals").delete()
    }
}
