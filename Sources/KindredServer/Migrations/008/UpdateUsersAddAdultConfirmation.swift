import Fluent

/// When a person confirmed they are 18 or over, which opens needs and desires (issue 13).
struct UpdateUsersAddAdultConfirmation: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("users").field("adult_confirmed_at", .datetime).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("users").deleteField("adult_confirmed_at").update()
    }
}
