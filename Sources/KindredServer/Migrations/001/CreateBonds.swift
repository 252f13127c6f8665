import Fluent

struct CreateBonds: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("bonds")
            .id()
            .field("kind", .string, .required)
            .field("name", .string)
            .field("created_at", .datetime, .required)
            .field("ended_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("bonds").delete()
    }
}
