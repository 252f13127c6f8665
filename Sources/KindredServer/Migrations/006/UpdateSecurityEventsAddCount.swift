import Fluent
import FluentSQL

/// A burst of failed sign-ins is one entry with a count, so nobody can flush a person's log.
struct UpdateSecurityEventsAddCount: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("security_events")
            .field("count", .int, .required, .sql(.default(1)))
            .update()
        try await database.createIndex("idx_security_events_user_kind_at", on: "security_events", columns: ["user_id", "kind", "at"])
    }

    func revert(on database: any Database) async throws {
        try await database.dropIndex("idx_security_events_user_kind_at")
        try await database.schema("security_events").deleteField("count").update()
    }
}
