import Foundation

/// When a ritual comes round (issue 12, part 2): its rule, the local date it starts, the local
/// time and the zone it is anchored in, and an optional last date. Every rule maps onto one
/// RFC 5545 RRULE, and `occurrences` expands it the way a calendar does, so the feed and the
/// app always agree.
public struct Recurrence: Codable, Sendable, Equatable {
    public enum Rule: Codable, Sendable, Equatable {
        case once
        /// Every `every` days.
        case daily(every: Int)
        /// On these weekdays (1 = Monday … 7 = Sunday), every `every` weeks (weeks start on Monday).
        case weekly(every: Int, weekdays: [Int])
        /// On this day of the month (1–31), every `every` months; a month without that day has none.
        case monthlyOnDay(every: Int, day: Int)
        /// On the `ordinal` (1–4, or -1 for the last) `weekday` of the month, every `every` months:
        /// "the second Sunday".
        case monthlyOnWeekday(every: Int, ordinal: Int, weekday: Int)
        /// On the start's month and day, every `every` years (29 February: leap years only).
        case yearly(every: Int)
    }

    public var rule: Rule
    public var start: LocalDay
    public var time: LocalTime
    public var zone: String
    /// The last date an occurrence may fall on, if any.
    public var until: LocalDay?

    public init(rule: Rule, start: LocalDay, time: LocalTime, zone: String, until: LocalDay? = nil) {
        self.rule = rule
        self.start = start
        self.time = time
        self.zone = zone
        self.until = until
    }

    public static let maxInterval = 99

    /// Everything wrong with it, each named by field.
    public func problems() -> [FieldError] {
        var problems: [FieldError] = []
        if TimeZone(identifier: zone) == nil { problems.append(FieldError("timeZone", "Choose a time zone from the list.")) }
        if let until, until < start { problems.append(FieldError("until", "The last date can't be before the first.")) }
        func interval(_ every: Int) {
            if !(1...Self.maxInterval).contains(every) { problems.append(FieldError("every", "Choose how often: every 1 to \(Self.maxInterval).")) }
        }
        switch rule {
        case .once: break
        case .daily(let every), .yearly(let every): interval(every)
        case .weekly(let every, let weekdays):
            interval(every)
            if weekdays.isEmpty || !weekdays.allSatisfy({ (1...7).contains($0) }) {
                problems.append(FieldError("weekdays", "Choose at least one day of the week."))
            }
        case .monthlyOnDay(let every, let day):
            interval(every)
            if !(1...31).contains(day) { problems.append(FieldError("monthDay", "Choose a day of the month from 1 to 31.")) }
        case .monthlyOnWeekday(let every, let ordinal, let weekday):
            interval(every)
            if ![1, 2, 3, 4, -1].contains(ordinal) { problems.append(FieldError("ordinal", "Choose the first, second, third, fourth or last.")) }
            if !(1...7).contains(weekday) { problems.append(FieldError("weekday", "Choose a day of the week.")) }
        }
        return problems
    }

    /// The dates it falls on from `from` through `through` (both included), in order.
    public func occurrences(from: LocalDay, through: LocalDay) -> [LocalDay] {
        let first = max(from, start)
        let last = until.map { min($0, through) } ?? through
        guard first <= last else { return [] }
        var result: [LocalDay] = []
        var day = first
        while day <= last {
            if falls(on: day) { result.append(day) }
            day = day.adding(days: 1)
        }
        return result
    }

    /// Whether it falls on `day` (ignoring `until`, which `occurrences` applies).
    public func falls(on day: LocalDay) -> Bool {
        guard day >= start else { return false }
        switch rule {
        case .once:
            return day == start
        case .daily(let every):
            return start.days(to: day) % every == 0
        case .weekly(let every, let weekdays):
            guard weekdays.contains(day.isoWeekday) else { return false }
            return (start.mondayOfWeek.days(to: day.mondayOfWeek) / 7) % every == 0
        case .monthlyOnDay(let every, let monthDay):
            return day.day == monthDay && Self.months(from: start, to: day) % every == 0
        case .monthlyOnWeekday(let every, let ordinal, let weekday):
            guard day.isoWeekday == weekday, Self.months(from: start, to: day) % every == 0 else { return false }
            if ordinal == -1 { return day.adding(days: 7).month != day.month }
            return (day.day - 1) / 7 + 1 == ordinal
        case .yearly(let every):
            return day.month == start.month && day.day == start.day && (day.year - start.year) % every == 0
        }
    }

    static func months(from a: LocalDay, to b: LocalDay) -> Int { (b.year - a.year) * 12 + (b.month - a.month) }

    /// The instant an occurrence on `day` begins: the local time in the ritual's zone. A time
    /// the clocks skip (spring forward) moves on by the gap, as RFC 5545 asks; a time that comes
    /// twice (autumn) is the first of the two.
    public func instant(on day: LocalDay) -> Date {
        let zone = TimeZone(identifier: self.zone) ?? TimeZone(identifier: "UTC")!
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        let wall = utc.date(from: DateComponents(year: day.year, month: day.month, day: day.day, hour: time.hour, minute: time.minute))!
        // The offset before the wall time, then after it: they differ only around a change.
        let before = TimeInterval(zone.secondsFromGMT(for: wall.addingTimeInterval(-86_400)))
        let after = TimeInterval(zone.secondsFromGMT(for: wall.addingTimeInterval(86_400)))
        let first = wall.addingTimeInterval(-before)
        if TimeInterval(zone.secondsFromGMT(for: first)) == before { return first }  // exists (the earlier of two, if repeated)
        let second = wall.addingTimeInterval(-after)
        if TimeInterval(zone.secondsFromGMT(for: second)) == after { return second }
        // Skipped: the wall time plus the gap, read with the offset before the change.
        return first
    }

    /// The RFC 5545 RRULE (without "RRULE:"), nil for a single occurrence.
    public var rrule: String? {
        let days = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
        var parts: [String]
        switch rule {
        case .once: return nil
        case .daily(let every): parts = ["FREQ=DAILY", "INTERVAL=\(every)"]
        case .weekly(let every, let weekdays):
            parts = ["FREQ=WEEKLY", "INTERVAL=\(every)", "BYDAY=" + weekdays.sorted().map { days[$0 - 1] }.joined(separator: ","), "WKST=MO"]
        case .monthlyOnDay(let every, let day): parts = ["FREQ=MONTHLY", "INTERVAL=\(every)", "BYMONTHDAY=\(day)"]
        case .monthlyOnWeekday(let every, let ordinal, let weekday): parts = ["FREQ=MONTHLY", "INTERVAL=\(every)", "BYDAY=\(ordinal)\(days[weekday - 1])"]
        case .yearly(let every): parts = ["FREQ=YEARLY", "INTERVAL=\(every)"]
        }
        if let until {
            // UNTIL in UTC, at the end of the last local day, so that day's occurrence is included.
            var copy = self
            copy.time = LocalTime(hour: 23, minute: 59)!
            parts.append("UNTIL=" + CalendarFeed.utcStamp(copy.instant(on: until)))
        }
        return parts.joined(separator: ";")
    }
}

extension LocalDay {
    /// 1 = Monday … 7 = Sunday.
    public var isoWeekday: Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let sundayFirst = calendar.component(.weekday, from: noon)
        return (sundayFirst + 5) % 7 + 1
    }

    /// The Monday of this date's week.
    public var mondayOfWeek: LocalDay { adding(days: 1 - isoWeekday) }
}

/// "6 of the last 8": how many of a ritual's most recent occurrences up to today were kept.
/// Never a streak that resets.
public enum RitualConsistency {
    public static func kept(occurrences: [LocalDay], done: Set<LocalDay>, upTo today: LocalDay, window: Int = 8) -> (kept: Int, of: Int) {
        let recent = occurrences.filter { $0 <= today }.suffix(window)
        return (recent.filter(done.contains).count, recent.count)
    }
}
