import Fluent

/// Each person's waking hours (issue 12): empty means 08:00–22:00. And whether a bond is
/// long-distance, which favours ideas that work apart.
struct UpdateUsersAddWakingHours: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("users").field("wake_at", .string).update()
        try await database.schema("users").field("sleep_at", .string).update()
        try await database.schema("bonds").field("long_distance", .bool).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("bonds").deleteField("long_distance").update()
        try await database.schema("users").deleteField("sleep_at").update()
        try await database.schema("users").deleteField("wake_at").update()
    }
}
