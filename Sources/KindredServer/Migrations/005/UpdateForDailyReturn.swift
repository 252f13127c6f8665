import Fluent
import FluentSQL

/// The decks and depth a bond chose for its daily question (nil: every deck, rising depth).
struct UpdateBondsAddThemes: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("bonds")
            .field("theme_decks", .string)
            .update()
        try await database.schema("bonds")
            .field("theme_depth", .int)
            .update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("bonds").deleteField("theme_decks").update()
        try await database.schema("bonds").deleteField("theme_depth").update()
    }
}

/// When each member last looked at the bond's home, for their own "what's new" only: it is
/// never shown to the other member (no "last seen").
struct UpdateBondMembersAddHomeSeenAt: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("bond_members").field("home_seen_at", .datetime).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("bond_members").deleteField("home_seen_at").update()
    }
}

/// A day's question can be swapped once: who asked, and the prompt it replaced (so the
/// selector treats it as asked).
struct UpdateDailyQuestionsAddSwap: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("daily_questions").field("swapped_by", .uuid).update()
        try await database.schema("daily_questions").field("swapped_prompt_id", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("daily_questions").deleteField("swapped_by").update()
        try await database.schema("daily_questions").deleteField("swapped_prompt_id").update()
    }
}
