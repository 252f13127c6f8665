import Fluent
import Foundation

/// A member's private calendar feed of a bond (issue 12): only the SHA-256 of its secret is
/// kept, so the address is shown once, when it is made. It ends when revoked, when its owner
/// leaves the bond, or with the account.
final class CalendarFeedLink: Model, @unchecked Sendable {
    static let schema = "calendar_feeds"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    @Parent(key: "bond_id") var bond: Bond
    @Field(key: "token_hash") var tokenHash: String
    /// Minutes before each ritual to remind, if the person chose to be.
    @OptionalField(key: "alarm_minutes") var alarmMinutes: Int?
    /// Whether the feed also holds the person's daily-question reminder time.
    @Field(key: "include_daily") var includeDaily: Bool
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "last_fetched_at") var lastFetchedAt: Date?

    init() {}
}
