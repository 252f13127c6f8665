import Foundation

/// Limits password guessing: too many failed sign-ins for one account, or from one
/// client address, within a window → wait. Unknown emails count exactly like real ones,
/// so the limit reveals nothing about which accounts exist.
public struct SignInThrottle: Sendable, Equatable {
    public var maxFailures: Int
    public var window: TimeInterval

    public init(maxFailures: Int = 10, window: TimeInterval = 15 * 60) {
        self.maxFailures = maxFailures
        self.window = window
    }

    public enum Decision: Equatable, Sendable {
        case allowed
        /// Try again after this many whole seconds (for `Retry-After`).
        case wait(seconds: Int)
    }

    /// The earliest failure that still counts, for a query's lower bound.
    public func windowStart(now: Date) -> Date { now.addingTimeInterval(-window) }

    /// `failures` are the times of recent failures for one key (account or address);
    /// any order, any age — older ones are ignored.
    public func decide(failures: [Date], now: Date) -> Decision {
        let start = windowStart(now: now)
        // A failure stamped a little after `now` still counts: another node (or a request that
        // got the lock first) may have read its clock a moment later than this one did.
        let recent = failures.filter { $0 > start }.sorted()
        guard recent.count >= maxFailures else { return .allowed }
        // Allowed again once enough of them have aged out of the window.
        let freeing = recent[recent.count - maxFailures]
        let seconds = freeing.addingTimeInterval(window).timeIntervalSince(now)
        return .wait(seconds: max(1, Int(seconds.rounded(.up))))
    }

    /// The stricter of several decisions (account and address).
    public static func strictest(_ decisions: [Decision]) -> Decision {
        decisions.reduce(.allowed) { worst, next in
            switch (worst, next) {
            case (.allowed, _): next
            case (_, .allowed): worst
            case let (.wait(a), .wait(b)): .wait(seconds: max(a, b))
            }
        }
    }
}
