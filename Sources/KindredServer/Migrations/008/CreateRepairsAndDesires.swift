import Fluent

/// Repair and let go, needs and desires, and when a person confirmed they are 18 or over
/// (issue 13).
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
        try await database.schema("desire_marks")
            .id()
            .field("bond_id", .uuid, .required, .references("bonds", "id", onDelete: .cascade))
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("item_id", .string, .required)
            .field("mark", .string, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "bond_id", "user_id", "item_id", name: "uq_desire_marks_one_per_item")
            .create()
        try await database.schema("users").field("adult_confirmed_at", .datetime).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("users").deleteField("adult_confirmed_at").update()
        try await database.schema("desire_marks").delete()
        try await database.schema("repairs").delete()
    }
}
