import Foundation
import Testing
@testable import KindredCore

@Suite struct SignInThrottleTests {
    let throttle = SignInThrottle(maxFailures: 10, window: 900)
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func ninefailuresAreAllowed() {
        let failures = (1...9).map { now.addingTimeInterval(-Double($0) * 10) }
        #expect(throttle.decide(failures: failures, now: now) == .allowed)
    }

    @Test func tenFailuresInTheWindowMeanWaiting() {
        // Failures every 10 s ending now; the oldest is 90 s old and frees in 810 s.
        let failures = (0..<10).map { now.addingTimeInterval(-Double($0) * 10) }
        #expect(throttle.decide(failures: failures, now: now) == .wait(seconds: 810))
    }

    /// Another node (or a guess that got the lock first) may stamp its failure a moment after
    /// this guess read the clock: it still counts, or a burst across nodes gets one guess too many.
    @Test func failuresStampedJustAfterNowStillCount() {
        let failures = (0..<9).map { now.addingTimeInterval(-Double($0)) } + [now.addingTimeInterval(0.05)]
        #expect(throttle.decide(failures: failures, now: now) != .allowed)
    }

    @Test func failuresOutsideTheWindowDoNotCount() {
        let old = (0..<20).map { now.addingTimeInterval(-900 - Double($0)) }
        #expect(throttle.decide(failures: old, now: now) == .allowed)
    }

    @Test func waitEndsExactlyWhenEnoughFailuresAgeOut() {
        let failures = (0..<10).map { now.addingTimeInterval(-Double($0)) }
        guard case .wait(let seconds) = throttle.decide(failures: failures, now: now) else {
            Issue.record("expected to wait"); return
        }
        let later = now.addingTimeInterval(Double(seconds))
        #expect(throttle.decide(failures: failures, now: later) == .allowed)
        #expect(throttle.decide(failures: failures, now: later.addingTimeInterval(-1)) != .allowed)
    }

    @Test func waitIsNeverZero() {
        let failures = (0..<10).map { _ in now.addingTimeInterval(-899.9) }
        #expect(throttle.decide(failures: failures, now: now) == .wait(seconds: 1))
    }

    @Test func strictestDecisionWins() {
        #expect(SignInThrottle.strictest([.allowed, .allowed]) == .allowed)
        #expect(SignInThrottle.strictest([.allowed, .wait(seconds: 5)]) == .wait(seconds: 5))
        #expect(SignInThrottle.strictest([.wait(seconds: 50), .wait(seconds: 5)]) == .wait(seconds: 50))
    }
}
