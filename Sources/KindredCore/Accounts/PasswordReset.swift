import Foundation

/// A password reset link: single use, short-lived, for the account's owner only.
public enum PasswordReset {
    /// Thirty minutes: long enough to find the email, short enough that an old inbox
    /// someone else opens later holds nothing that still works.
    public static let lifetime: TimeInterval = 30 * 60

    /// How many links one account may be sent in `window`, so nobody can flood an inbox.
    public static let perAccountLimit = 3
    public static let window: TimeInterval = 60 * 60

    public enum State: Sendable, Equatable { case usable, used, expired }

    public static func state(expiresAt: Date, usedAt: Date?, now: Date) -> State {
        if usedAt != nil { return .used }
        return now < expiresAt ? .usable : .expired
    }

    /// Whether another link may be made, given when the recent ones were made.
    public static func mayIssue(recent: [Date], now: Date) -> Bool {
        recent.filter { now.timeIntervalSince($0) < window }.count < perAccountLimit
    }
}
