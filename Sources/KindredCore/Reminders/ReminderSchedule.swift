import Foundation

/// A time on a clock, like 08:30, with no date or zone.
public struct LocalTime: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public let hour: Int
    public let minute: Int

    public init?(hour: Int, minute: Int) {
        guard (0...23).contains(hour), (0...59).contains(minute) else { return nil }
        self.hour = hour
        self.minute = minute
    }

    /// Parses `HH:MM` (24-hour, two digits each); nil for anything else.
    public init?(string: String) {
        let parts = string.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let hour = Int(parts[0]), let minute = Int(parts[1])
        else { return nil }
        self.init(hour: hour, minute: minute)
    }

    public var description: String { String(format: "%02d:%02d", hour, minute) }

    public static func < (a: LocalTime, b: LocalTime) -> Bool { (a.hour, a.minute) < (b.hour, b.minute) }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let time = LocalTime(string: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "Not a time like 08:30"))
        }
        self = time
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// When a daily reminder fires: at the person's chosen local time, in their own zone, on
/// both sides of a daylight-saving change.
public enum ReminderSchedule {
    /// The first instant after `after` at which the clock in `zone` shows `time`. On the day
    /// the clocks spring forward past that time it fires at the moment they jump (02:30 →
    /// 03:00); on the day they fall back and show it twice, it fires the first time only.
    public static func next(after: Date, at time: LocalTime, in zone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        var day = calendar.startOfDay(for: after)
        // Two days always suffice; a few more keep us safe around zone changes (Samoa skipped a day).
        for _ in 0..<5 {
            if let candidate = fireTime(on: day, at: time, calendar: calendar), candidate > after {
                return candidate
            }
            guard let nextDay = calendar.date(byAdding: .day, value: 1, to: day) else { break }
            day = calendar.startOfDay(for: nextDay.addingTimeInterval(3 * 3600))
        }
        return after.addingTimeInterval(86_400)
    }

    /// The instant `time` falls at on the local date that begins at `dayStart`.
    static func fireTime(on dayStart: Date, at time: LocalTime, calendar: Calendar) -> Date? {
        // The first moment the clock reads that time, or — when it never does — the moment
        // it jumps past it (Foundation's `.nextTime` policy for a skipped time).
        let found = calendar.nextDate(
            after: dayStart.addingTimeInterval(-1), matching: DateComponents(hour: time.hour, minute: time.minute, second: 0),
            matchingPolicy: .nextTime, repeatedTimePolicy: .first, direction: .forward
        )
        return found.flatMap { calendar.isDate($0, inSameDayAs: dayStart) ? $0 : nil }
    }
}
