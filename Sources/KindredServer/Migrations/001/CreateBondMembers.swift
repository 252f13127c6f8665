import Fluent
import FluentSQL

struct CreateBondMembers: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("bond_members")
            .id()
            .field("bond_id", .uuid, .required, .references("bonds", "id", onDelete: .cascade))
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("slot", .int, .required)
            .field("joined_at", .datetime, .required)
            // At most one person per slot and slots 1–2 only: a bond never has a third member,
            // however many accepts race.
            .unique(on: "bond_id", "slot", name: "uq_bond_members_bond_slot")
            .unique(on: "bond_id", "user_id", name: "uq_bond_members_bond_user")
            .constraint(.sql(unsafeRaw: "CONSTRAINT ck_bond_members_slot CHECK (slot IN (1, 2))"))
            .create()
        try await database.createIndex("idx_bond_members_user", on: "bond_members", columns: ["user_id"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema("bond_members").delete()
    }
}
