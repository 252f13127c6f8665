import Foundation
import Testing
@testable import KindredCore

/// The calendar feed's text: RFC 5545's shapes, the zones' real changes, escaping and folding.
@Suite struct CalendarFeedTests {
    let now = ISO8601DateFormatter().date(from: "2027-01-10T09:00:00Z")!
    func day(_ text: String) -> LocalDay { LocalDay(string: text)! }

    func dinner(skipped: [LocalDay] = []) -> CalendarFeed.Event {
        CalendarFeed.Event(
            uid: "ritual-1@kindred", title: "Cooking dinner together, with music",
            recurrence: Recurrence(rule: .weekly(every: 1, weekdays: [2, 5]), start: day("2027-01-05"), time: LocalTime(hour: 19, minute: 0)!,
                                   zone: "Europe/London"),
            durationMinutes: 90, skipped: skipped, alarmMinutesBefore: 30
        )
    }

    @Test func aRitualIsARecurringEventInItsOwnZone() {
        let text = CalendarFeed.document(name: "Ana & Ben", events: [dinner(skipped: [day("2027-01-08"), day("2027-01-09")])], now: now)
        #expect(text.hasPrefix("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"))
        #expect(text.hasSuffix("END:VCALENDAR\r\n"))
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "every line ends in CRLF")
        let lines = text.components(separatedBy: "\r\n")
        #expect(lines.contains("DTSTART;TZID=Europe/London:20270105T190000"))
        #expect(lines.contains("RRULE:FREQ=WEEKLY;INTERVAL=1;BYDAY=TU,FR;WKST=MO"))
        #expect(lines.contains("DURATION:PT90M"))
        #expect(lines.contains("SUMMARY:Cooking dinner together\\, with music"), "commas escaped")
        #expect(lines.contains("EXDATE;TZID=Europe/London:20270108T190000"), "a skipped Friday")
        #expect(!lines.contains { $0.hasPrefix("EXDATE") && $0.contains("20270109") }, "a Saturday was never an occurrence")
        #expect(lines.contains("TRIGGER:-PT30M"))
        #expect(lines.contains("X-WR-CALNAME:Ana & Ben"))
    }

    @Test func theZoneCarriesItsRealChanges() {
        let london = CalendarFeed.timeZone(TimeZone(identifier: "Europe/London")!, from: now, to: now.addingTimeInterval(366 * 86_400))
        // Summer time begins at 01:00 GMT on 28 March 2027, ends at 02:00 BST on 31 October.
        #expect(london.joined(separator: "\n").contains("BEGIN:DAYLIGHT\nDTSTART:20270328T010000\nTZOFFSETFROM:+0000\nTZOFFSETTO:+0100\nEND:DAYLIGHT"))
        #expect(london.joined(separator: "\n").contains("BEGIN:STANDARD\nDTSTART:20271031T020000\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0000\nEND:STANDARD"))
        let kathmandu = CalendarFeed.timeZone(TimeZone(identifier: "Asia/Kathmandu")!, from: now, to: now.addingTimeInterval(366 * 86_400))
        #expect(kathmandu == ["BEGIN:VTIMEZONE", "TZID:Asia/Kathmandu", "BEGIN:STANDARD", "DTSTART:19700101T000000",
                              "TZOFFSETFROM:+0545", "TZOFFSETTO:+0545", "END:STANDARD", "END:VTIMEZONE"])
        let lordHowe = CalendarFeed.timeZone(TimeZone(identifier: "Australia/Lord_Howe")!, from: now, to: now.addingTimeInterval(366 * 86_400))
        #expect(lordHowe.contains("TZOFFSETTO:+1030") && lordHowe.contains("TZOFFSETTO:+1100"), "a half-hour change")
        let stJohns = CalendarFeed.timeZone(TimeZone(identifier: "America/St_Johns")!, from: now, to: now.addingTimeInterval(366 * 86_400))
        #expect(stJohns.contains("TZOFFSETFROM:-0330"))
    }

    @Test func longLinesAreFoldedWithoutSplittingACharacter() {
        let title = String(repeating: "Tea in the garden ☕️ ", count: 8)
        let event = CalendarFeed.Event(uid: "r2", title: title, recurrence: Recurrence(rule: .once, start: day("2027-02-01"),
                                       time: LocalTime(hour: 16, minute: 0)!, zone: "UTC"), durationMinutes: 30)
        let text = CalendarFeed.document(name: "Us", events: [event], now: now)
        for line in text.components(separatedBy: "\r\n") { #expect(line.utf8.count <= 75, "\(line.utf8.count) octets") }
        let unfolded = text.replacingOccurrences(of: "\r\n ", with: "")
        #expect(unfolded.contains("SUMMARY:" + title), "unfolding gives the title back whole")
        #expect(!text.contains("RRULE"), "a one-off has no rule")
    }

    /// Calendars count DTSTART as an occurrence even on a day the rule would not choose, so it
    /// is the first real one: "the second Sunday" from Friday 8 January starts on Sunday the 10th.
    @Test func theFirstOccurrenceIsTheStart() {
        let event = CalendarFeed.Event(uid: "r3", title: "Long walk", recurrence: Recurrence(
            rule: .monthlyOnWeekday(every: 1, ordinal: 2, weekday: 7), start: day("2027-01-08"), time: LocalTime(hour: 10, minute: 0)!,
            zone: "Europe/London"), durationMinutes: 120)
        let lines = CalendarFeed.document(name: "Us", events: [event], now: now).components(separatedBy: "\r\n")
        #expect(lines.contains("DTSTART;TZID=Europe/London:20270110T100000"))
    }

    @Test func textIsEscaped() {
        #expect(CalendarFeed.escape("a;b,c\\d\ne") == "a\\;b\\,c\\\\d\\ne")
    }
}
