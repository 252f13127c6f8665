import Foundation

/// One day for both (issue 12, part 1): a bond has one current question at any instant, the
/// same for both members wherever they live. The day turns over at one instant for both, at a
/// minute of the UTC day chosen so that it falls, if it can, while both are asleep — and if it
/// cannot, where it cuts least into either member's waking day.
public enum BondDay {
    /// When a member is awake, in their own zone (08:00–22:00 unless they say otherwise).
    public struct Member: Sendable, Equatable {
        public var zone: TimeZone
        public var wake: LocalTime
        public var sleep: LocalTime

        public init(zone: TimeZone, wake: LocalTime = LocalTime(hour: 8, minute: 0)!, sleep: LocalTime = LocalTime(hour: 22, minute: 0)!) {
            self.zone = zone
            self.wake = wake
            self.sleep = sleep
        }
    }

    /// Turnovers are chosen on the half hour: every real offset (±hh:30, +05:45) still finds a
    /// minute outside each waking day that is this close to a member's preferred 04:00.
    public static let step = 30
    static let minutesPerDay = 24 * 60

    /// How much of `member`'s waking day a turnover at `utcMinute` cuts off: 0 when it falls
    /// while they sleep, else the smaller of the two pieces it splits their waking hours into.
    public static func cut(of member: Member, atUTCMinute utcMinute: Int, on reference: Date) -> Int {
        let offset = member.zone.secondsFromGMT(for: reference) / 60
        let local = ((utcMinute + offset) % minutesPerDay + minutesPerDay) % minutesPerDay
        let wake = member.wake.hour * 60 + member.wake.minute
        let sleep = member.sleep.hour * 60 + member.sleep.minute
        let awake = (sleep - wake + minutesPerDay) % minutesPerDay
        let sinceWake = (local - wake + minutesPerDay) % minutesPerDay
        guard awake > 0, sinceWake < awake, sinceWake > 0 else { return 0 }
        return min(sinceWake, awake - sinceWake)
    }

    /// The minute of the UTC day at which the bond's day turns over, for these members' zones
    /// and waking hours as they are at `reference`. The least cut for whoever it cuts most,
    /// then the least in all, then the turnover nearest 04:00 for the first member — so the
    /// choice is the same every time it is asked.
    public static func turnover(for members: [Member], on reference: Date) -> Int {
        let firstOffset = (members.first?.zone.secondsFromGMT(for: reference) ?? 0) / 60
        func key(_ minute: Int) -> (Int, Int, Int) {
            let cuts = members.map { cut(of: $0, atUTCMinute: minute, on: reference) }
            let local = ((minute + firstOffset) % minutesPerDay + minutesPerDay) % minutesPerDay
            let fromFour = abs(local - 4 * 60)
            return (cuts.max() ?? 0, cuts.reduce(0, +), min(fromFour, minutesPerDay - fromFour))
        }
        return stride(from: 0, to: minutesPerDay, by: step).min { key($0) < key($1) } ?? 0
    }
}

/// A bond's days, one after another: each turnover moves the day on by exactly one, so no day
/// is ever skipped or shown twice, for either member. When the turnover minute changes (a
/// member moved, or changed their waking hours), the day under way keeps going to the first
/// new turnover at least 12 hours after it began: a day is never shorter than 12 hours, and
/// never longer than two days.
public struct BondClock: Sendable, Equatable, Codable {
    public struct Segment: Sendable, Equatable, Codable {
        /// A turnover instant: the day `firstDay` begins here.
        public var start: Date
        public var firstDay: LocalDay
        /// Minute of the UTC day at which this segment's days turn over.
        public var turnoverMinute: Int
    }

    public static let shortestDay: TimeInterval = 12 * 3600
    public private(set) var segments: [Segment]

    /// A clock whose day `day` is the one under way at `instant`, turning over at `turnoverMinute`.
    public init(turnoverMinute: Int, day: LocalDay, at instant: Date) {
        let start = Self.turnover(atOrBefore: instant, minute: turnoverMinute)
        segments = [Segment(start: start, firstDay: day, turnoverMinute: turnoverMinute)]
    }

    /// Which day of which segment `instant` falls in, and when that day began. A segment's last
    /// day runs on until the next segment starts (it may be longer than 24 hours).
    private func locate(_ instant: Date) -> (day: LocalDay, began: Date) {
        let index = segments.lastIndex { $0.start <= instant } ?? 0
        let segment = segments[index]
        var days = Int((max(0, instant.timeIntervalSince(segment.start)) / 86_400).rounded(.down))
        if index + 1 < segments.count {
            days = min(days, segment.firstDay.days(to: segments[index + 1].firstDay) - 1)
        }
        return (segment.firstDay.adding(days: days), segment.start.addingTimeInterval(Double(days) * 86_400))
    }

    /// The bond's day at `instant` (an instant before the clock began is in its first day).
    public func day(at instant: Date) -> LocalDay { locate(instant).day }

    /// When the day under way at `instant` began.
    public func start(of instant: Date) -> Date { locate(instant).began }

    /// The next turnover after `instant`: when the next question arrives (each member is shown
    /// it in their own time).
    public func nextTurnover(after instant: Date) -> Date {
        if let later = segments.first(where: { $0.start > instant }) { return later.start }
        return start(of: instant).addingTimeInterval(86_400)
    }

    /// From `instant` on, days turn over at `minute`. The day under way runs to the first such
    /// turnover at least 12 hours after it began.
    public mutating func changeTurnover(to minute: Int, at instant: Date) {
        segments.removeAll { $0.start > instant }
        guard let current = segments.last, current.turnoverMinute != minute else { return }
        let (today, began) = locate(instant)
        let earliest = max(began.addingTimeInterval(Self.shortestDay), instant.addingTimeInterval(1))
        var next = Self.turnover(atOrBefore: earliest, minute: minute)
        if next < earliest { next.addTimeInterval(86_400) }
        segments.append(Segment(start: next, firstDay: today.adding(days: 1), turnoverMinute: minute))
    }

    /// A bond's first clock, for its members as they are at `instant`. The day under way is
    /// named for the first member's calendar at its middle, so for someone alone, or two people
    /// in one zone, the bond's day is simply today's date from the early hours on.
    public static func starting(for members: [BondDay.Member], at instant: Date) -> BondClock {
        let minute = BondDay.turnover(for: members, on: instant)
        let began = turnover(atOrBefore: instant, minute: minute)
        let zone = members.first?.zone ?? TimeZone(identifier: "UTC")!
        return BondClock(turnoverMinute: minute, day: LocalDay(began.addingTimeInterval(12 * 3600), in: zone), at: instant)
    }

    /// The clock brought up to date at `instant` for the members as they are then: a new
    /// turnover when their zones, waking hours or summer time moved it, and segments wholly in
    /// the past forgotten (past days keep their names in the database, not here).
    public func updated(for members: [BondDay.Member], at instant: Date) -> BondClock {
        var clock = self
        let minute = BondDay.turnover(for: members, on: instant)
        if clock.segments.last?.turnoverMinute != minute { clock.changeTurnover(to: minute, at: instant) }
        if let current = clock.segments.lastIndex(where: { $0.start <= instant }), current > 0 {
            clock.segments.removeFirst(current)
        }
        return clock
    }

    /// The latest instant at or before `instant` whose UTC time of day is `minute`.
    static func turnover(atOrBefore instant: Date, minute: Int) -> Date {
        let seconds = instant.timeIntervalSince1970
        let midnight = (seconds / 86_400).rounded(.down) * 86_400
        var candidate = midnight + Double(minute * 60)
        if candidate > seconds { candidate -= 86_400 }
        return Date(timeIntervalSince1970: candidate)
    }
}
