import Fluent

/// Planned time together and "what we liked" (issue 12).
struct CreatePlans: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("plans")
            .id()
            .field("bond_id", .uuid, .required, .references("bonds", "id", onDelete: .cascade))
            .field("created_by", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("proposed_by", .uuid, .required)
            .field("title", .string, .required)
            .field("idea_id", .string)
            .field("starts_at", .datetime, .required)
            .field("minutes", .int, .required)
            .field("mode", .string, .required)
            .field("state", .string, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("responded_at", .datetime)
            .create()
        try await database.createIndex("idx_plans_bond", on: "plans", columns: ["bond_id", "starts_at"])
        try await database.schema("plan_notes")
            .id()
            .field("plan_id", .uuid, .required, .references("plans", "id", onDelete: .cascade))
            .field("bond_id", .uuid, .required, .references("bonds", "id", onDelete: .cascade))
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("text", .string, .required)
            .field("shared", .bool, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "plan_id", "user_id", name: "uq_plan_notes_one_per_member")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("plan_notes").delete()
        try await database.schema("plans").delete()
    }
}
