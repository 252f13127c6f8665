import Fluent

struct CreateReminderSettings: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("reminder_settings")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("daily_at", .string)
            .field("email", .bool, .required)
            .field("push", .bool, .required)
            .field("partner_activity", .bool, .required)
            .field("include_names", .bool, .required)
            // The next instant the daily reminder is due (UTC), kept so the scheduler reads
            // only what is due through an index.
            .field("next_daily_at", .datetime)
            .field("updated_at", .datetime, .required)
            .unique(on: "user_id", name: "uq_reminder_settings_user")
            .create()
        try await database.createIndex("idx_reminder_settings_next", on: "reminder_settings", columns: ["next_daily_at"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema("reminder_settings").delete()
    }
}

struct CreatePushSubscriptions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("push_subscriptions")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("endpoint", .string, .required)
            .field("p256dh", .string, .required)
            .field("auth", .string, .required)
            .field("device", .string, .required)
            .field("created_at", .datetime, .required)
            .field("last_sent_at", .datetime)
            .unique(on: "endpoint", name: "uq_push_subscriptions_endpoint")
            .create()
        try await database.createIndex("idx_push_subscriptions_user", on: "push_subscriptions", columns: ["user_id"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema("push_subscriptions").delete()
    }
}

/// The outbox: every notice to send, claimed atomically by one node, sent once.
struct CreateNotices: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("notices")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("bond_id", .uuid)
            .field("kind", .string, .required)
            .field("channel", .string, .required)
            // One notice per person, kind, occasion and channel: two nodes planning the same
            // reminder insert it once.
            .field("dedupe_key", .string, .required)
            .field("due_at", .datetime, .required)
            .field("claimed_by", .string)
            .field("claimed_until", .datetime)
            .field("attempts", .int, .required)
            .field("sent_at", .datetime)
            .field("failed_at", .datetime)
            .field("last_error", .string)
            // SHA-256 of the one-click unsubscribe token this email carried.
            .field("unsubscribe_hash", .string)
            .field("created_at", .datetime, .required)
            .unique(on: "dedupe_key", name: "uq_notices_dedupe")
            .create()
        try await database.createIndex("idx_notices_pending", on: "notices", columns: ["sent_at", "failed_at", "due_at"])
        try await database.createIndex("idx_notices_user", on: "notices", columns: ["user_id"])
        try await database.createIndex("idx_notices_unsubscribe", on: "notices", columns: ["unsubscribe_hash"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema("notices").delete()
    }
}

struct CreatePasswordResets: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("password_resets")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("token_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("used_at", .datetime)
            .unique(on: "token_hash", name: "uq_password_resets_token")
            .create()
        try await database.createIndex("idx_password_resets_user", on: "password_resets", columns: ["user_id", "created_at"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema("password_resets").delete()
    }
}

/// Invites sent by email, so one person cannot use Kindred to send mail to anyone, without end.
struct CreateInviteEmails: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("invite_emails")
            .id()
            .field("invite_id", .uuid, .required, .references("invites", "id", onDelete: .cascade))
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("created_at", .datetime, .required)
            .create()
        try await database.createIndex("idx_invite_emails_user_created", on: "invite_emails", columns: ["user_id", "created_at"])
        try await database.createIndex("idx_invite_emails_invite", on: "invite_emails", columns: ["invite_id"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema("invite_emails").delete()
    }
}
