import Fluent
import Foundation
import KindredCore

/// How one person wants to be reminded. No row means no reminders.
final class ReminderSetting: Model, @unchecked Sendable {
    static let schema = "reminder_settings"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    @OptionalField(key: "daily_at") var dailyAt: String?
    @Field(key: "email") var email: Bool
    @Field(key: "push") var push: Bool
    @Field(key: "partner_activity") var partnerActivity: Bool
    @Field(key: "include_names") var includeNames: Bool
    @OptionalField(key: "next_daily_at") var nextDailyAt: Date?
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    init(userID: UUID, now: Date) {
        self.$user.id = userID
        self.email = false
        self.push = false
        self.partnerActivity = false
        self.includeNames = false
        self.updatedAt = now
    }

    var preferences: ReminderPreferences {
        ReminderPreferences(dailyAt: dailyAt.flatMap(LocalTime.init(string:)), email: email, push: push,
                            partnerActivity: partnerActivity, includeNames: includeNames)
    }
}

/// One browser or device that accepted Web Push notifications.
final class PushSubscription: Model, @unchecked Sendable {
    static let schema = "push_subscriptions"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    @Field(key: "endpoint") var endpoint: String
    @Field(key: "p256dh") var p256dh: String
    @Field(key: "auth") var auth: String
    /// "Firefox on Android", from the user agent: for the person's own list of devices.
    @Field(key: "device") var device: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "last_sent_at") var lastSentAt: Date?

    init() {}

    init(userID: UUID, endpoint: String, p256dh: String, auth: String, device: String, now: Date) {
        self.$user.id = userID
        self.endpoint = endpoint
        self.p256dh = p256dh
        self.auth = auth
        self.device = device
        self.createdAt = now
    }
}

/// One notice waiting to go out (or gone): the outbox every node's scheduler drains.
final class Notice: Model, @unchecked Sendable {
    static let schema = "notices"

    enum Channel: String, Codable { case email, push }

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    @OptionalField(key: "bond_id") var bondID: UUID?
    @Field(key: "kind") var kind: String
    @Field(key: "channel") var channel: String
    @Field(key: "dedupe_key") var dedupeKey: String
    @Field(key: "due_at") var dueAt: Date
    @OptionalField(key: "claimed_by") var claimedBy: String?
    @OptionalField(key: "claimed_until") var claimedUntil: Date?
    @Field(key: "attempts") var attempts: Int
    @OptionalField(key: "sent_at") var sentAt: Date?
    @OptionalField(key: "failed_at") var failedAt: Date?
    @OptionalField(key: "last_error") var lastError: String?
    @OptionalField(key: "unsubscribe_hash") var unsubscribeHash: String?
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// A password reset link; only the SHA-256 of its token is kept.
final class PasswordResetToken: Model, @unchecked Sendable {
    static let schema = "password_resets"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "used_at") var usedAt: Date?

    init() {}

    init(userID: UUID, tokenHash: String, now: Date) {
        self.$user.id = userID
        self.tokenHash = tokenHash
        self.createdAt = now
        self.expiresAt = now.addingTimeInterval(PasswordReset.lifetime)
    }
}

/// One invite sent by email (who sent it, when): for the limits on sending them.
final class InviteEmail: Model, @unchecked Sendable {
    static let schema = "invite_emails"

    @ID(key: .id) var id: UUID?
    @Parent(key: "invite_id") var invite: Invite
    @Parent(key: "user_id") var user: User
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(inviteID: UUID, userID: UUID, now: Date) {
        self.$invite.id = inviteID
        self.$user.id = userID
        self.createdAt = now
    }
}
