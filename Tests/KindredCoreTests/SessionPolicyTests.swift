import Foundation
import Testing
@testable import KindredCore

@Suite struct SessionPolicyTests {
    let policy = SessionPolicy(idleTimeout: 30 * 60, absoluteTimeout: 12 * 3600, touchInterval: 60)
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func freshSessionIsValidAndNeedsNoTouch() {
        #expect(policy.state(createdAt: start, lastSeenAt: start, now: start.addingTimeInterval(5)) == .valid(needsTouch: false))
    }

    @Test func activityIsRecordedAtMostEveryMinute() {
        #expect(policy.state(createdAt: start, lastSeenAt: start, now: start.addingTimeInterval(61)) == .valid(needsTouch: true))
    }

    @Test func idleForThirtyMinutesExpires() {
        #expect(policy.state(createdAt: start, lastSeenAt: start, now: start.addingTimeInterval(29 * 60 + 59)) == .valid(needsTouch: true))
        #expect(policy.state(createdAt: start, lastSeenAt: start, now: start.addingTimeInterval(30 * 60)) == .idleExpired)
    }

    @Test func twelveHoursExpiresHoweverActive() {
        let now = start.addingTimeInterval(12 * 3600)
        #expect(policy.state(createdAt: start, lastSeenAt: now.addingTimeInterval(-1), now: now) == .absoluteExpired)
    }

    @Test func touchIntervalNeverExceedsHalfTheIdleTimeout() {
        let short = SessionPolicy(idleTimeout: 60, absoluteTimeout: 3600, touchInterval: 600)
        #expect(short.touchInterval == 30)
    }
}
