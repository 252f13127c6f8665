import Fluent

/// Repair and let go, and needs and desires (issue 13).
struct CreateRepairsAndDesires: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("repairs")
            .id()
            .field("bond_id", .uuid, .required, .references("bonds", "id", onDelete: .cascade))
            .field("raised_by", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("happened", .string)
            .field("felt", .string)
            .field("would_help", .string)
            .field("reply", .string)
            .field("raiser_will", .string)
            .field("other_will", .string)
            .field("step", .string, .required)
            .field("let_go_suggested", .bool, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("acknowledged_at", .datetime)
            .create()
        try await database.createIndex("idx_repairs_bond", on: "repairs", columns: ["bond_id", "created_at"])
        // Export and account deletion look repairs and marks up by person.
        try await database.createIndex("idx_repairs_raiser", on: "repairs", columns: ["raised_by"])
        try await database.schema("desire_marks")
            .id()
            .field("bond_id", .uuid, .required, .references("bonds", "id", onDelete: .cascade))
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("item_id", .string, .required)
            .field("mark", .string, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "bond_id", "user_id", "item_id", name: "uq_desire_marks_one_per_item")
            .create()
        try await database.createIndex("idx_desire_marks_user", on: "desire_marks", columns: ["user_id"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema("desire_marks").delete()
        try await database.schema("repairs").delete()
    }
}
