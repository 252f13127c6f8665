import Fluent

/// One day for both (issue 12): each bond's clock — when its day turns over, and the name of
/// the day under way — as JSON. Empty until the bond's day is first asked for: existing days
/// keep their rows and names, and the clock starts from the day under way then.
struct UpdateBondsAddDayClock: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("bonds").field("day_clock", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("bonds").deleteField("day_clock").update()
    }
}
