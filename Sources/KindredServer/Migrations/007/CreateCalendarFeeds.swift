import Fluent

/// Private calendar feeds of a bond's rituals (issue 12).
struct CreateCalendarFeeds: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("calendar_feeds")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("bond_id", .uuid, .required, .references("bonds", "id", onDelete: .cascade))
            .field("token_hash", .string, .required)
            .field("alarm_minutes", .int)
            .field("include_daily", .bool, .required)
            .field("created_at", .datetime, .required)
            .field("last_fetched_at", .datetime)
            .unique(on: "token_hash", name: "uq_calendar_feeds_token")
            .create()
        try await database.createIndex("idx_calendar_feeds_member", on: "calendar_feeds", columns: ["user_id", "bond_id"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema("calendar_feeds").delete()
    }
}
