import Foundation
import Testing
@testable import KindredCore

/// One day for both: where the turnover falls, and that the bond's days run one after another
/// whatever the members' zones, DST, and changes of turnover.
@Suite struct BondDayTests {
    static let zones = [
        "Europe/London", "America/New_York", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Asia/Kathmandu",
        "Asia/Calcutta", "Australia/Adelaide", "America/St_Johns", "Australia/Lord_Howe", "Asia/Tokyo", "UTC",
    ]
    /// 2027-03-28 12:00 UTC: the day Europe moved its clocks on (the US already had).
    let reference = Date(timeIntervalSince1970: 1_806_235_200)
    /// Through the year, with summer time on and off north and south: 15 January, 28 March,
    /// 16 July, 30 October and 6 November (the eves of Europe's and the US's return to winter time).
    static let seasons = [1_800_014_400, 1_806_235_200, 1_815_739_200, 1_824_897_600, 1_825_502_400].map { Date(timeIntervalSince1970: $0) }

    func member(_ zone: String) -> BondDay.Member { BondDay.Member(zone: TimeZone(identifier: zone)!) }

    @Test func aTurnoverWhileTheySleepCutsNothing() {
        let london = member("Europe/London")
        // 03:00 UTC is 04:00 in London in summer time: asleep.
        #expect(BondDay.cut(of: london, atUTCMinute: 3 * 60, on: reference) == 0)
        // 12:00 UTC is 13:00 local: 5 hours after waking, 9 before sleep.
        #expect(BondDay.cut(of: london, atUTCMinute: 12 * 60, on: reference) == 5 * 60)
        // A night owl awake 18:00–02:00 is cut at 01:00 local by one hour.
        let owl = BondDay.Member(zone: TimeZone(identifier: "UTC")!, wake: LocalTime(hour: 18, minute: 0)!, sleep: LocalTime(hour: 2, minute: 0)!)
        #expect(BondDay.cut(of: owl, atUTCMinute: 60, on: reference) == 60)
        #expect(BondDay.cut(of: owl, atUTCMinute: 12 * 60, on: reference) == 0)
    }

    @Test func oneMemberTurnsOverNearFourInTheMorning() {
        let minute = BondDay.turnover(for: [member("America/New_York")], on: reference)
        // 04:00 in New York (EDT, UTC−4) is 08:00 UTC.
        #expect(minute == 8 * 60)
    }

    /// Over every pair of zones: when some half hour finds both asleep, the turnover falls in
    /// it; otherwise it cuts no one by more than half their waking day, and the choice is the same
    /// however often it is asked.
    @Test(arguments: zones)
    func theTurnoverIsFairForEveryPair(first: String) {
        for reference in Self.seasons {
            for second in Self.zones {
                let members = [member(first), member(second)]
                let chosen = BondDay.turnover(for: members, on: reference)
                #expect(chosen % BondDay.step == 0 && (0..<1440).contains(chosen))
                let cuts = members.map { BondDay.cut(of: $0, atUTCMinute: chosen, on: reference) }
                let bothAsleepSomewhere = stride(from: 0, to: 1440, by: BondDay.step).contains { minute in
                    members.allSatisfy { BondDay.cut(of: $0, atUTCMinute: minute, on: reference) == 0 }
                }
                if bothAsleepSomewhere {
                    #expect(cuts == [0, 0], "\(first) with \(second) on \(reference): turnover at \(chosen) cuts \(cuts)")
                }
                #expect(cuts.allSatisfy { $0 <= 7 * 60 }, "\(first) with \(second): \(cuts)")
                let best = stride(from: 0, to: 1440, by: BondDay.step).map { minute in
                    members.map { BondDay.cut(of: $0, atUTCMinute: minute, on: reference) }.max()!
                }.min()!
                #expect(cuts.max()! == best, "\(first) with \(second): not the least cut")
                #expect(BondDay.turnover(for: members, on: reference) == chosen)
            }
        }
    }

    @Test func bothMembersSeeTheSameDayAndTheNextTurnover() {
        let minute = BondDay.turnover(for: [member("Europe/London"), member("America/New_York")], on: reference)
        let clock = BondClock(turnoverMinute: minute, day: LocalDay(year: 2027, month: 3, day: 28), at: reference)
        // A day is a function of the instant alone: there is nothing per member to differ.
        let next = clock.nextTurnover(after: reference)
        #expect(clock.day(at: next.addingTimeInterval(-1)) == LocalDay(year: 2027, month: 3, day: 28))
        #expect(clock.day(at: next) == LocalDay(year: 2027, month: 3, day: 29))
        #expect(next.timeIntervalSince(clock.start(of: reference)) == 86_400)
    }

    /// Random changes of turnover (members moving, DST, new waking hours) over 400 days: the day
    /// only ever moves on by one, at a turnover, and every day lasts between 12 and 48 hours.
    @Test(arguments: 1...20)
    func daysNeverSkipOrRepeatWhateverTheChanges(seed: UInt64) {
        var random = SplitMix(seed: seed)
        let start = reference
        var clock = BondClock(turnoverMinute: Int(random.next() % 48) * 30, day: LocalDay(year: 2027, month: 3, day: 28), at: start)
        var changes: [(Date, Int)] = []
        var at = start
        for _ in 0..<40 {
            at.addTimeInterval(Double(random.next() % (20 * 86_400)))
            changes.append((at, Int(random.next() % 48) * 30))
        }
        var pending = changes[...]
        var previous = clock.day(at: start)
        var began = clock.start(of: start)
        var seen: Set<LocalDay> = [previous]
        var instant = start
        let end = start.addingTimeInterval(400 * 86_400)
        while instant < end {
            instant.addTimeInterval(17 * 60)
            while let change = pending.first, change.0 <= instant {
                clock.changeTurnover(to: change.1, at: change.0)
                pending = pending.dropFirst()
            }
            let day = clock.day(at: instant)
            if day != previous {
                #expect(day == previous.adding(days: 1), "seed \(seed): \(previous) then \(day)")
                #expect(!seen.contains(day), "seed \(seed): \(day) shown twice")
                let length = clock.start(of: instant).timeIntervalSince(began)
                #expect(length >= BondClock.shortestDay && length <= 48 * 3600, "seed \(seed): a day of \(length / 3600) hours")
                began = clock.start(of: instant)
                seen.insert(day)
                previous = day
            }
        }
        #expect(seen.count > 350, "the days went on")
    }

    @Test func aNewClockNamesTheDayForTheFirstMembersCalendar() {
        // 15 January 2027, 08:00 UTC: 08:00 in London, 03:00 in New York.
        let morning = Date(timeIntervalSince1970: 1_800_000_000)
        let alone = BondClock.starting(for: [member("Europe/London")], at: morning)
        #expect(alone.day(at: morning) == LocalDay(morning, inZone: "Europe/London"))
        // London first, New York second, or the other way: one day for both, named by the first.
        // Both asleep from 03:00 to 08:00 UTC: London first turns over at its 04:00, New York
        // first at 08:00 UTC (03:00 there, the moment London wakes), the nearest to its own 04:00.
        let pair = BondClock.starting(for: [member("Europe/London"), member("America/New_York")], at: morning)
        let reversed = BondClock.starting(for: [member("America/New_York"), member("Europe/London")], at: morning)
        #expect(pair.day(at: morning) == LocalDay(year: 2027, month: 1, day: 15))
        #expect(reversed.day(at: morning) == LocalDay(year: 2027, month: 1, day: 15))
        #expect(pair.nextTurnover(after: morning) == morning.addingTimeInterval(20 * 3600))
        #expect(reversed.nextTurnover(after: morning) == morning.addingTimeInterval(24 * 3600))
        // Across the date line (22:00 on the 15th in Kiritimati, 22:00 on the 14th in Honolulu):
        // the day is Kai's, who made the bond, and turns over at 04:00 for both of them.
        let kai = BondClock.starting(for: [member("Pacific/Kiritimati"), member("Pacific/Honolulu")], at: morning)
        #expect(kai.day(at: morning) == LocalDay(year: 2027, month: 1, day: 15))
        #expect(kai.nextTurnover(after: morning) == morning.addingTimeInterval(6 * 3600))
    }

    @Test(arguments: zones)
    func anUpdatedClockKeepsTheDayUnderWayAndForgetsThePast(zone: String) {
        let members = [member("Europe/London"), member(zone)]
        var clock = BondClock.starting(for: [member("Europe/London")], at: reference)
        let first = clock.day(at: reference)
        // The second member joins from `zone` at once, then 400 days of daily visits.
        var previous = first
        var instant = reference
        for _ in 0..<(400 * 3) {
            instant.addTimeInterval(8 * 3600)
            clock = clock.updated(for: members, at: instant)
            let day = clock.day(at: instant)
            #expect(day == previous || day == previous.adding(days: 1), "\(zone): \(previous) then \(day)")
            previous = day
            #expect(clock.segments.count <= 2, "past segments are forgotten")
        }
        #expect(first.days(to: previous) >= 398 && first.days(to: previous) <= 401)
        let unchanged = clock.updated(for: members, at: instant)
        #expect(unchanged == clock, "nothing to change, nothing changes")
    }

    @Test func aChangeNeverShortensTheDayUnderWayBelowTwelveHours() {
        var clock = BondClock(turnoverMinute: 0, day: LocalDay(year: 2027, month: 1, day: 1), at: Date(timeIntervalSince1970: 1_798_761_600 + 3600))
        let began = clock.start(of: Date(timeIntervalSince1970: 1_798_761_600 + 3600))
        // Two hours into the day, the turnover moves to 06:00 UTC: this day ends at 06:00 tomorrow (30 h).
        clock.changeTurnover(to: 6 * 60, at: began.addingTimeInterval(2 * 3600))
        #expect(clock.nextTurnover(after: began.addingTimeInterval(2 * 3600)) == began.addingTimeInterval(30 * 3600))
        #expect(clock.day(at: began.addingTimeInterval(29 * 3600)) == LocalDay(year: 2027, month: 1, day: 1))
        #expect(clock.day(at: began.addingTimeInterval(30 * 3600)) == LocalDay(year: 2027, month: 1, day: 2))
        // Changing back before that takes effect leaves the clock as it was.
        clock.changeTurnover(to: 0, at: began.addingTimeInterval(3 * 3600))
        #expect(clock.segments.count == 1)
        #expect(clock.nextTurnover(after: began.addingTimeInterval(3 * 3600)) == began.addingTimeInterval(24 * 3600))
    }
}

/// A small deterministic generator for the property tests.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
