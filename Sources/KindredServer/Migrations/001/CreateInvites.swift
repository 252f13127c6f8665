import Fluent

struct CreateInvites: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("invites")
            .id()
            .field("bond_id", .uuid, .required, .references("bonds", "id", onDelete: .cascade))
            .field("created_by", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("code_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("used_at", .datetime)
            .field("used_by", .uuid, .references("users", "id", onDelete: .setNull))
            .field("revoked_at", .datetime)
            .unique(on: "code_hash", name: "uq_invites_code_hash")
            .create()
        try await database.createIndex("idx_invites_bond", on: "invites", columns: ["bond_id"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema("invites").delete()
    }
}
