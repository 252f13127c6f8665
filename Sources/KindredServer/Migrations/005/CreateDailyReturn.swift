import Fluent

struct CreateDailyPasses: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("daily_passes")
            .id()
            .field("bond_id", .uuid, .required, .references("bonds", "id", onDelete: .cascade))
            .field("day", .string, .required)
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("created_at", .datetime, .required)
            .unique(on: "bond_id", "day", "user_id", name: "uq_daily_passes_bond_day_user")
            .create()
        try await database.createIndex("idx_daily_passes_user", on: "daily_passes", columns: ["user_id"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema("daily_passes").delete()
    }
}

struct CreateReactions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("reactions")
            .id()
            .field("bond_id", .uuid, .required, .references("bonds", "id", onDelete: .cascade))
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            // `day` or `appreciation`, and the day (YYYY-MM-DD) or the appreciation's id.
            .field("target_kind", .string, .required)
            .field("target_key", .string, .required)
            .field("reaction", .string, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            // One reaction per person per thing: changing it updates this row.
            .unique(on: "bond_id", "target_kind", "target_key", "user_id", name: "uq_reactions_target_user")
            .create()
        try await database.createIndex("idx_reactions_bond_updated", on: "reactions", columns: ["bond_id", "updated_at"])
        try await database.createIndex("idx_reactions_user", on: "reactions", columns: ["user_id"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema("reactions").delete()
    }
}

struct CreateNudges: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("nudges")
            .id()
            .field("bond_id", .uuid, .required, .references("bonds", "id", onDelete: .cascade))
            .field("from_user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("to_user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            // The sender’s local date: at most one nudge a day, even when two nodes race.
            .field("day", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "bond_id", "from_user_id", "day", name: "uq_nudges_bond_from_day")
            .create()
        try await database.createIndex("idx_nudges_to_created", on: "nudges", columns: ["to_user_id", "created_at"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema("nudges").delete()
    }
}

/// "What's new" reads each kind of thing the other member did after a moment: indexed by
/// bond, member and time, so the home costs the same after a year as after a week.
struct CreateWhatsNewIndexes: AsyncMigration {
    static let indexes: [(name: String, table: String, columns: [String])] = [
        ("idx_daily_answers_bond_user_created", "daily_answers", ["bond_id", "user_id", "created_at"]),
        ("idx_daily_passes_bond_user_created", "daily_passes", ["bond_id", "user_id", "created_at"]),
        ("idx_daily_replies_bond_user_created", "daily_replies", ["bond_id", "user_id", "created_at"]),
        ("idx_checkins_bond_user_created", "checkins", ["bond_id", "user_id", "created_at"]),
        ("idx_assessments_bond_user_shared", "assessments", ["bond_id", "user_id", "shared_at"]),
        ("idx_appreciations_bond_from_created", "appreciations", ["bond_id", "from_user_id", "created_at"]),
        ("idx_reactions_bond_user_updated", "reactions", ["bond_id", "user_id", "updated_at"]),
        ("idx_notices_claimed_by", "notices", ["claimed_by"]),
    ]

    func prepare(on database: any Database) async throws {
        for index in Self.indexes { try await database.createIndex(index.name, on: index.table, columns: index.columns) }
    }

    func revert(on database: any Database) async throws {
        for index in Self.indexes { try await database.dropIndex(index.name) }
    }
}
