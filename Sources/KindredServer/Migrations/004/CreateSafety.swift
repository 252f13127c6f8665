import Fluent
import FluentSQL

struct UpdateUsersAddQuickExitSignsOut: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("users")
            .field("quick_exit_signs_out", .bool, .required, .sql(.default(false)))
            .update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("users").deleteField("quick_exit_signs_out").update()
    }
}

struct CreateSavedSafetyChecks: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("saved_safety_checks")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            // Answers and country, sealed together: nothing about the check is readable at rest.
            .field("sealed", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.createIndex("idx_saved_safety_checks_user", on: "saved_safety_checks", columns: ["user_id"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema("saved_safety_checks").delete()
    }
}

struct CreateSecurityEvents: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("security_events")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("device", .string, .required)
            .field("at", .datetime, .required)
            .create()
        try await database.createIndex("idx_security_events_user_at", on: "security_events", columns: ["user_id", "at"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema("security_events").delete()
    }
}
