import Foundation
import Testing
@testable import KindredCore

/// When rituals come round: each rule, DST, the RRULE each maps to, and gentle consistency.
@Suite struct RecurrenceTests {
    func day(_ text: String) -> LocalDay { LocalDay(string: text)! }
    let seven = LocalTime(hour: 19, minute: 0)!

    func dates(_ rule: Recurrence.Rule, start: String, from: String, through: String, until: String? = nil) -> [String] {
        Recurrence(rule: rule, start: day(start), time: seven, zone: "Europe/London", until: until.map(day))
            .occurrences(from: day(from), through: day(through)).map(\.description)
    }

    @Test func weekdaysAreCountedFromMonday() {
        #expect(day("2026-11-30").isoWeekday == 1)
        #expect(day("2026-12-06").isoWeekday == 7)
        #expect(day("2026-12-03").mondayOfWeek == day("2026-11-30"))
    }

    @Test func onceDailyAndEveryFewDays() {
        #expect(dates(.once, start: "2026-12-24", from: "2026-12-01", through: "2026-12-31") == ["2026-12-24"])
        #expect(dates(.daily(every: 1), start: "2026-12-30", from: "2026-12-01", through: "2027-01-02")
                == ["2026-12-30", "2026-12-31", "2027-01-01", "2027-01-02"])
        #expect(dates(.daily(every: 3), start: "2026-12-01", from: "2026-12-05", through: "2026-12-13") == ["2026-12-07", "2026-12-10", "2026-12-13"])
    }

    @Test func weeklyOnChosenDaysEveryOtherWeek() {
        // Cooking dinner together on Tuesdays and Fridays, every other week, from Tue 1 December.
        let every2 = dates(.weekly(every: 2, weekdays: [2, 5]), start: "2026-12-01", from: "2026-11-01", through: "2026-12-31")
        #expect(every2 == ["2026-12-01", "2026-12-04", "2026-12-15", "2026-12-18", "2026-12-29"])
        // Started mid-week: the week's earlier chosen day is before the start, so it does not count.
        #expect(dates(.weekly(every: 1, weekdays: [1, 5]), start: "2026-12-02", from: "2026-12-01", through: "2026-12-08")
                == ["2026-12-04", "2026-12-07"])
    }

    @Test func monthlyOnADaySkipsMonthsWithoutIt() {
        #expect(dates(.monthlyOnDay(every: 1, day: 31), start: "2027-01-31", from: "2027-01-01", through: "2027-06-30")
                == ["2027-01-31", "2027-03-31", "2027-05-31"])
        #expect(dates(.monthlyOnDay(every: 2, day: 15), start: "2027-01-15", from: "2027-01-01", through: "2027-07-31")
                == ["2027-01-15", "2027-03-15", "2027-05-15", "2027-07-15"])
    }

    @Test func monthlyOnTheSecondSundayAndTheLastFriday() {
        #expect(dates(.monthlyOnWeekday(every: 1, ordinal: 2, weekday: 7), start: "2027-01-01", from: "2027-01-01", through: "2027-04-30")
                == ["2027-01-10", "2027-02-14", "2027-03-14", "2027-04-11"])
        #expect(dates(.monthlyOnWeekday(every: 1, ordinal: -1, weekday: 5), start: "2027-01-01", from: "2027-01-01", through: "2027-03-31")
                == ["2027-01-29", "2027-02-26", "2027-03-26"])
        // A weekend away every other month, on the first Saturday.
        #expect(dates(.monthlyOnWeekday(every: 2, ordinal: 1, weekday: 6), start: "2027-01-01", from: "2027-01-01", through: "2027-06-30")
                == ["2027-01-02", "2027-03-06", "2027-05-01"])
    }

    @Test func yearlyAnniversariesAndTheTwentyNinthOfFebruary() {
        #expect(dates(.yearly(every: 1), start: "2020-06-12", from: "2026-01-01", through: "2028-12-31") == ["2026-06-12", "2027-06-12", "2028-06-12"])
        #expect(dates(.yearly(every: 1), start: "2024-02-29", from: "2024-01-01", through: "2032-12-31") == ["2024-02-29", "2028-02-29", "2032-02-29"])
    }

    @Test func anEndDateIsTheLastPossibleDay() {
        #expect(dates(.daily(every: 1), start: "2027-01-01", from: "2027-01-01", through: "2027-01-31", until: "2027-01-03")
                == ["2027-01-01", "2027-01-02", "2027-01-03"])
    }

    @Test func theLocalTimeHoldsAcrossDSTAndASkippedTimeMovesOnByTheGap() {
        let iso = ISO8601DateFormatter()
        let evening = Recurrence(rule: .daily(every: 1), start: day("2027-03-27"), time: seven, zone: "Europe/London")
        #expect(evening.instant(on: day("2027-03-27")) == iso.date(from: "2027-03-27T19:00:00Z"), "GMT")
        #expect(evening.instant(on: day("2027-03-28")) == iso.date(from: "2027-03-28T18:00:00Z"), "BST")
        let early = Recurrence(rule: .daily(every: 1), start: day("2027-03-13"), time: LocalTime(hour: 2, minute: 30)!, zone: "America/New_York")
        // 02:30 does not exist on 14 March 2027 in New York: it is 03:30 EDT (07:30 UTC).
        #expect(early.instant(on: day("2027-03-14")) == iso.date(from: "2027-03-14T07:30:00Z"))
        // 01:30 comes twice on 7 November 2027: the first, still EDT (05:30 UTC).
        let late = Recurrence(rule: .daily(every: 1), start: day("2027-11-06"), time: LocalTime(hour: 1, minute: 30)!, zone: "America/New_York")
        #expect(late.instant(on: day("2027-11-07")) == iso.date(from: "2027-11-07T05:30:00Z"))
    }

    @Test func eachRuleMapsToOneRRULE() {
        func rrule(_ rule: Recurrence.Rule, until: String? = nil) -> String? {
            Recurrence(rule: rule, start: day("2027-01-05"), time: seven, zone: "Europe/London", until: until.map(day)).rrule
        }
        #expect(rrule(.once) == nil)
        #expect(rrule(.daily(every: 2)) == "FREQ=DAILY;INTERVAL=2")
        #expect(rrule(.weekly(every: 1, weekdays: [5, 2])) == "FREQ=WEEKLY;INTERVAL=1;BYDAY=TU,FR;WKST=MO")
        #expect(rrule(.monthlyOnDay(every: 1, day: 31)) == "FREQ=MONTHLY;INTERVAL=1;BYMONTHDAY=31")
        #expect(rrule(.monthlyOnWeekday(every: 1, ordinal: 2, weekday: 7)) == "FREQ=MONTHLY;INTERVAL=1;BYDAY=2SU")
        #expect(rrule(.monthlyOnWeekday(every: 3, ordinal: -1, weekday: 5)) == "FREQ=MONTHLY;INTERVAL=3;BYDAY=-1FR")
        #expect(rrule(.yearly(every: 1), until: "2030-01-05") == "FREQ=YEARLY;INTERVAL=1;UNTIL=20300105T235900Z")
    }

    @Test func badRulesAreNamedByField() {
        let bad = Recurrence(rule: .weekly(every: 0, weekdays: []), start: day("2027-01-05"), time: seven, zone: "Mars/Olympus", until: day("2026-01-01"))
        #expect(Set(bad.problems().map(\.field)) == ["timeZone", "until", "every", "weekdays"])
        #expect(Recurrence(rule: .monthlyOnWeekday(every: 1, ordinal: 5, weekday: 8), start: day("2027-01-05"), time: seven, zone: "UTC")
                .problems().map(\.field) == ["ordinal", "weekday"])
        #expect(Recurrence(rule: .monthlyOnDay(every: 1, day: 32), start: day("2027-01-05"), time: seven, zone: "UTC").problems().map(\.field) == ["monthDay"])
        #expect(Recurrence(rule: .daily(every: 1), start: day("2027-01-05"), time: seven, zone: "UTC").problems().isEmpty)
    }

    @Test func consistencyIsTheLastFewOccurrencesNeverAStreak() {
        let weekly = Recurrence(rule: .weekly(every: 1, weekdays: [5]), start: day("2027-01-01"), time: seven, zone: "UTC")
        let fridays = weekly.occurrences(from: day("2027-01-01"), through: day("2027-03-31"))
        let done = Set(fridays.prefix(9).enumerated().filter { $0.offset != 6 && $0.offset != 3 }.map(\.element))
        let result = RitualConsistency.kept(occurrences: fridays, done: done, upTo: day("2027-03-01"))
        // Fridays up to 1 March: 1 Jan … 26 Feb (9); the last 8 are 8 Jan … 26 Feb, two of them missed.
        #expect(result == (kept: 6, of: 8))
        #expect(RitualConsistency.kept(occurrences: fridays, done: [], upTo: day("2026-12-01")) == (kept: 0, of: 0))
    }
}
