import Fluent
import SQLKit

/// A therapist or counsellor serving a bond with both members' consent (issue 14): accounts
/// gain a role, and a bond gains invites for professionals, their links, each member's consent
/// and the log of every view of a summary.
struct CreateProfessionalAccess: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // One column per ALTER: SQLite takes no more.
        for table in ["users", "pending_signups"] {
            try await database.schema(table).field("role", .string, .required, .sql(.default("member"))).update()
            try await database.schema(table).field("practice_name", .string).update()
            try await database.schema(table).field("credentials", .string).update()
        }
        try await database.schema("professional_invites")
            .id()
            .field("bond_id", .uuid, .required, .references("bonds", "id", onDelete: .cascade))
            .field("created_by", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("code_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("used_at", .datetime)
            .field("used_by", .uuid)
            .field("revoked_at", .datetime)
            .unique(on: "code_hash", name: "uq_professional_invites_code")
            .create()
        try await database.createIndex("idx_professional_invites_bond", on: "professional_invites", columns: ["bond_id"])
        try await database.schema("professional_links")
            .id()
            .field("bond_id", .uuid, .required, .references("bonds", "id", onDelete: .cascade))
            // A professional who deletes their account leaves the link, ended, so members still
            // see that access ended (and the log keeps their name).
            .field("professional_id", .uuid, .references("users", "id", onDelete: .setNull))
            .field("professional_name", .string, .required)
            .field("accepted_at", .datetime, .required)
            // When access ended; never who ended it.
            .field("ended_at", .datetime)
            .create()
        try await database.createIndex("idx_professional_links_bond", on: "professional_links", columns: ["bond_id"])
        try await database.createIndex("idx_professional_links_professional", on: "professional_links", columns: ["professional_id"])
        try await database.schema("professional_consents")
            .id()
            .field("link_id", .uuid, .required, .references("professional_links", "id", onDelete: .cascade))
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("scopes", .string, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "link_id", "user_id", name: "uq_professional_consents_one_each")
            .create()
        try await database.createIndex("idx_professional_consents_user", on: "professional_consents", columns: ["user_id"])
        try await database.schema("professional_access_log")
            .id()
            .field("bond_id", .uuid, .required, .references("bonds", "id", onDelete: .cascade))
            // The name as it was when they looked, so the log survives their account.
            .field("professional_name", .string, .required)
            .field("scopes", .string, .required)
            .field("viewed_at", .datetime, .required)
            .create()
        try await database.createIndex("idx_professional_access_log_bond", on: "professional_access_log", columns: ["bond_id", "viewed_at"])
    }

    func revert(on database: any Database) async throws {
        for table in ["professional_access_log", "professional_consents", "professional_links", "professional_invites"] {
            try await database.schema(table).delete()
        }
        for table in ["pending_signups", "users"] {
            for column in ["role", "practice_name", "credentials"] { try await database.schema(table).deleteField(FieldKey(stringLiteral: column)).update() }
        }
    }
}
