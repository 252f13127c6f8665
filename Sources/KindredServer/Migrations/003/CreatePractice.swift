import Fluent

struct CreateDailyQuestions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("daily_questions")
            .id()
            .field("bond_id", .uuid, .required, .references("bonds", "id", onDelete: .cascade))
            .field("day", .string, .required)
            .field("prompt_id", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "bond_id", "day", name: "uq_daily_questions_bond_day")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("daily_questions").delete()
    }
}

struct CreateDailyAnswers: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("daily_answers")
            .id()
            .field("bond_id", .uuid, .required, .references("bonds", "id", onDelete: .cascade))
            .field("day", .string, .required)
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("text", .string, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            // One answer per member per day: simultaneous writes cannot duplicate it.
            .unique(on: "bond_id", "day", "user_id", name: "uq_daily_answers_bond_day_user")
            .create()
        try await database.createIndex("idx_daily_answers_user", on: "daily_answers", columns: ["user_id"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema("daily_answers").delete()
    }
}

struct CreateDailyReplies: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("daily_replies")
            .id()
            .field("bond_id", .uuid, .required, .references("bonds", "id", onDelete: .cascade))
            .field("day", .string, .required)
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("text", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.createIndex("idx_daily_replies_bond_day", on: "daily_replies", columns: ["bond_id", "day"])
        try await database.createIndex("idx_daily_replies_user", on: "daily_replies", columns: ["user_id"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema("daily_replies").delete()
    }
}

struct CreateAppreciations: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("appreciations")
            .id()
            .field("bond_id", .uuid, .required, .references("bonds", "id", onDelete: .cascade))
            .field("from_user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("text", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.createIndex("idx_appreciations_bond_created", on: "appreciations", columns: ["bond_id", "created_at"])
        try await database.createIndex("idx_appreciations_from", on: "appreciations", columns: ["from_user_id"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema("appreciations").delete()
    }
}

struct CreateCheckins: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("checkins")
            .id()
            .field("bond_id", .uuid, .required, .references("bonds", "id", onDelete: .cascade))
            .field("week", .string, .required)
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("ratings", .string, .required)
            .field("note", .string)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "bond_id", "week", "user_id", name: "uq_checkins_bond_week_user")
            .create()
        try await database.createIndex("idx_checkins_user", on: "checkins", columns: ["user_id"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema("checkins").delete()
    }
}

struct CreateConversations: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("conversations")
            .id()
            .field("bond_id", .uuid, .required, .references("bonds", "id", onDelete: .cascade))
            .field("started_by", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("position", .int, .required)
            .field("started_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("completed_at", .datetime)
            .create()
        try await database.createIndex("idx_conversations_bond", on: "conversations", columns: ["bond_id", "started_at"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema("conversations").delete()
    }
}
