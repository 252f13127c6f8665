import Foundation

/// When a signed-in web session stops being valid.
public struct SessionPolicy: Sendable, Equatable {
    /// Signed out after this long without a request.
    public var idleTimeout: TimeInterval
    /// Signed out this long after signing in, however active.
    public var absoluteTimeout: TimeInterval
    /// `last seen` is written at most this often, so reading a page is not a write.
    public var touchInterval: TimeInterval

    public init(idleTimeout: TimeInterval = 30 * 60, absoluteTimeout: TimeInterval = 12 * 3600, touchInterval: TimeInterval = 60) {
        self.idleTimeout = idleTimeout
        self.absoluteTimeout = absoluteTimeout
        self.touchInterval = min(touchInterval, idleTimeout / 2)
    }

    public enum State: Equatable, Sendable {
        case valid(needsTouch: Bool)
        case idleExpired
        case absoluteExpired
    }

    public func state(createdAt: Date, lastSeenAt: Date, now: Date) -> State {
        if now.timeIntervalSince(createdAt) >= absoluteTimeout { return .absoluteExpired }
        if now.timeIntervalSince(lastSeenAt) >= idleTimeout { return .idleExpired }
        return .valid(needsTouch: now.timeIntervalSince(lastSeenAt) >= touchInterval)
    }
}
