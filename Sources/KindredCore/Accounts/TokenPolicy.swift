import Foundation

/// When an API token stops working: after a stretch without use (90 days unless its owner
/// chose otherwise when making it), so a token left on a lost or sold phone ends by itself.
public struct TokenPolicy: Sendable, Equatable {
    public static let defaultIdleDays = 90
    /// What a person may choose: a day to a year. Never "forever": a forgotten token must end.
    public static let idleDays = 1...365
    /// `last used` is written at most this often, so an API call is not also a write.
    public var touchInterval: TimeInterval

    public init(touchInterval: TimeInterval = 5 * 60) {
        self.touchInterval = touchInterval
    }

    public enum State: Equatable, Sendable {
        case valid(needsTouch: Bool)
        case expired
    }

    /// `expiresAt` is kept on the row (last use plus the token's idle days), so expired tokens
    /// can be found and swept with one indexed query.
    public func state(lastUsedAt: Date?, createdAt: Date, expiresAt: Date, now: Date) -> State {
        if now >= expiresAt { return .expired }
        return .valid(needsTouch: now.timeIntervalSince(lastUsedAt ?? createdAt) >= touchInterval)
    }

    /// When a token used (or made) at `date` ends if it is not used again.
    public static func expiry(after date: Date, idleDays: Int) -> Date {
        date.addingTimeInterval(TimeInterval(idleDays) * 24 * 3600)
    }
}
