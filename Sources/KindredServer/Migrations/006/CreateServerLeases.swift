import Fluent

/// Serving nodes' leases, so `kindred keys rotate` can refuse to run beside a server.
struct CreateServerLeases: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("server_leases")
            .id()
            .field("node", .string, .required)
            .field("seen_at", .datetime, .required)
            .field("stopped_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("server_leases").delete()
    }
}
