import Foundation
import Testing
@testable import KindredCore

/// Both-awake hours for two people in different zones, across a change of clocks.
@Suite struct OverlapTests {
    let iso = ISO8601DateFormatter()
    func member(_ zone: String, _ wake: Int = 8, _ sleep: Int = 22) -> BondDay.Member {
        BondDay.Member(zone: TimeZone(identifier: zone)!, wake: LocalTime(hour: wake, minute: 0)!, sleep: LocalTime(hour: sleep, minute: 0)!)
    }

    @Test func londonAndNewYorkShareTheirAfternoon() {
        // Winter: London 08–22 is 08–22 UTC; New York 08–22 is 13–03 UTC. Both awake 13–22 UTC.
        let from = iso.date(from: "2027-01-11T00:00:00Z")!
        let stretches = Overlap.bothAwake([member("Europe/London"), member("America/New_York")], from: from, days: 1)
        #expect(stretches == [DateInterval(start: iso.date(from: "2027-01-11T13:00:00Z")!, end: iso.date(from: "2027-01-11T22:00:00Z")!)])
        #expect(Overlap.fits(start: iso.date(from: "2027-01-11T19:00:00Z")!, duration: 3600, in: stretches))
        #expect(!Overlap.fits(start: iso.date(from: "2027-01-11T21:30:00Z")!, duration: 3600, in: stretches), "runs past London's bedtime")
    }

    @Test func theSharedHoursMoveWhenOneSideChangesItsClocks() {
        // 14 March 2027: New York springs forward, London not until the 28th. Before: 13–22 UTC;
        // from the 14th, New York wakes at 12:00 UTC, so both are awake 12–22 UTC.
        let from = iso.date(from: "2027-03-13T00:00:00Z")!
        let stretches = Overlap.bothAwake([member("Europe/London"), member("America/New_York")], from: from, days: 3)
        let hours: [TimeInterval] = [9 * 3600, 10 * 3600, 10 * 3600]
        #expect(stretches.map(\.duration) == hours)
        #expect(stretches.first?.start == iso.date(from: "2027-03-13T13:00:00Z"))
        #expect(stretches.last?.start == iso.date(from: "2027-03-15T12:00:00Z"))
    }

    @Test func farApartZonesMayShareNothingAndNightOwlsReachPastMidnight() {
        let from = iso.date(from: "2027-01-11T00:00:00Z")!
        // Kiritimati (UTC+14) 08–22 is 18:00–08:00 UTC; Pago Pago (UTC−11) 08–22 is 19:00–09:00 UTC.
        let kiribati = Overlap.bothAwake([member("Pacific/Kiritimati"), member("Pacific/Pago_Pago")], from: from, days: 2)
        let end = from.addingTimeInterval(2 * 86_400)
        let whole: [Bool] = kiribati.map { stretch in stretch.duration == 13 * 3600 || stretch.start == from || stretch.end == end }
        #expect(!kiribati.isEmpty && !whole.contains(false), "\(kiribati)")
        let owl = member("UTC", 18, 2), lark = member("UTC", 5, 19)
        let shared = Overlap.bothAwake([owl, lark], from: from, days: 1)
        #expect(shared == [DateInterval(start: iso.date(from: "2027-01-11T18:00:00Z")!, end: iso.date(from: "2027-01-11T19:00:00Z")!)])
        #expect(Overlap.awake(owl, from: from, to: from.addingTimeInterval(86_400)).first?.end == iso.date(from: "2027-01-11T02:00:00Z"),
                "the night before reaches into the day")
    }
}

@Suite struct WakingHoursTests {
    @Test func hoursAreReadCheckedAndDefaulted() throws {
        #expect(WakingHours(wake: nil, sleep: nil) == .standard)
        #expect(WakingHours(wake: "garbage", sleep: "23:30") == WakingHours(wake: LocalTime(hour: 8, minute: 0)!, sleep: LocalTime(hour: 23, minute: 30)!))
        let owl = try WakingHours.parse(wake: "18:00", sleep: "02:00").get()
        #expect(owl.awakeMinutes == 8 * 60, "across midnight")
        guard case .failure(let short) = WakingHours.parse(wake: "08:00", sleep: "10:00") else { Issue.record("two hours awake was taken"); return }
        #expect(short.errors.map(\.field) == ["sleep"])
        guard case .failure(let long) = WakingHours.parse(wake: "08:00", sleep: "06:00") else { Issue.record("22 hours awake was taken"); return }
        #expect(long.errors.map(\.field) == ["sleep"])
        guard case .failure(let both) = WakingHours.parse(wake: "8am", sleep: "late") else { Issue.record("nonsense was taken"); return }
        #expect(both.errors.map(\.field) == ["wake", "sleep"])
    }
}

@Suite struct PlanRulesTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)  // 2027-01-15 08:00 UTC

    @Test func theTurnPassesBetweenThemAndOnlyAnOpenProposalIsAnswered() {
        #expect(PlanRules.mayRespond(state: .proposed, lastProposedByViewer: false))
        #expect(!PlanRules.mayRespond(state: .proposed, lastProposedByViewer: true))
        #expect(!PlanRules.mayRespond(state: .accepted, lastProposedByViewer: false))
        #expect(!PlanRules.mayRespond(state: .declined, lastProposedByViewer: false))
    }

    @Test func whatWeLikedIsForAfterwardsAndRevealedOnlyWhenBothWroteOrItWasShared() {
        #expect(!PlanRules.mayWriteLiked(state: .accepted, startsAt: now.addingTimeInterval(60), now: now))
        #expect(PlanRules.mayWriteLiked(state: .accepted, startsAt: now, now: now))
        #expect(!PlanRules.mayWriteLiked(state: .proposed, startsAt: now.addingTimeInterval(-3600), now: now))
        #expect(!PlanRules.theirLikedVisible(theirs: true, theyShared: false, youWrote: false))
        #expect(PlanRules.theirLikedVisible(theirs: true, theyShared: false, youWrote: true))
        #expect(PlanRules.theirLikedVisible(theirs: true, theyShared: true, youWrote: false))
        #expect(!PlanRules.theirLikedVisible(theirs: false, theyShared: true, youWrote: true))
    }

    @Test func startsAreSuggestedInsideTheHoursBothAreAwake() {
        let london = BondDay.Member(zone: TimeZone(identifier: "Europe/London")!)
        let tokyo = BondDay.Member(zone: TimeZone(identifier: "Asia/Tokyo")!)
        let stretches = Overlap.bothAwake([london, tokyo], from: now, days: 3)
        let starts = PlanRules.suggestedStarts(in: stretches, minutes: 60, after: now)
        #expect(starts.count == 3)
        for start in starts {
            #expect(Overlap.fits(start: start, duration: 3600, in: stretches))
            #expect(Int(start.timeIntervalSince1970) % 1800 == 0)
        }
        #expect(starts.first == now, "08:00 London is 17:00 in Tokyo: now fits")
        #expect(PlanRules.suggestedStarts(in: stretches, minutes: 6 * 60, after: now).isEmpty, "five hours a day: six never fit")
        #expect(PlanRules.startProblem(now.addingTimeInterval(-3600), now: now) != nil)
        #expect(PlanRules.startProblem(now.addingTimeInterval(400 * 86_400), now: now) != nil)
        #expect(PlanRules.startProblem(now.addingTimeInterval(3600), now: now) == nil)
    }
}
