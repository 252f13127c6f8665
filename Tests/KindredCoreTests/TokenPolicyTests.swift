import Foundation
import Testing
@testable import KindredCore

@Suite struct TokenPolicyTests {
    let policy = TokenPolicy(touchInterval: 300)
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func aTokenEndsAfterItsDaysWithoutUse() {
        let expires = TokenPolicy.expiry(after: start, idleDays: 90)
        #expect(expires == start.addingTimeInterval(90 * 86_400))
        #expect(policy.state(lastUsedAt: nil, createdAt: start, expiresAt: expires, now: expires.addingTimeInterval(-1)) == .valid(needsTouch: true))
        #expect(policy.state(lastUsedAt: nil, createdAt: start, expiresAt: expires, now: expires) == .expired)
    }

    @Test func useIsRecordedAtMostEveryFiveMinutes() {
        let expires = TokenPolicy.expiry(after: start, idleDays: 1)
        #expect(policy.state(lastUsedAt: nil, createdAt: start, expiresAt: expires, now: start.addingTimeInterval(299)) == .valid(needsTouch: false))
        #expect(policy.state(lastUsedAt: nil, createdAt: start, expiresAt: expires, now: start.addingTimeInterval(300)) == .valid(needsTouch: true))
        let used = start.addingTimeInterval(1000)
        #expect(policy.state(lastUsedAt: used, createdAt: start, expiresAt: expires, now: used.addingTimeInterval(10)) == .valid(needsTouch: false))
    }

    @Test func aPersonChoosesBetweenADayAndAYear() {
        #expect(TokenPolicy.idleDays.contains(TokenPolicy.defaultIdleDays))
        #expect(!TokenPolicy.idleDays.contains(0))
        #expect(!TokenPolicy.idleDays.contains(366))
    }
}
