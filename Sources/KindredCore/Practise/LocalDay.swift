import Foundation

/// A calendar date as a person lives it, in their own time zone. "Today" for someone in
/// Kiritimati (UTC+14) and someone in Honolulu (UTC−10) can be different days at one instant.
public struct LocalDay: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// The date `instant` falls on in `timeZone`.
    public init(_ instant: Date, in timeZone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: instant)
        self.init(year: parts.year!, month: parts.month!, day: parts.day!)
    }

    public init(_ instant: Date, inZone identifier: String) {
        self.init(instant, in: TimeZone(identifier: identifier) ?? TimeZone(identifier: "UTC")!)
    }

    /// Parses `YYYY-MM-DD`; nil for anything else or an impossible date.
    public init?(string: String) {
        let parts = string.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        self.init(year: year, month: month, day: day)
        guard LocalDay(noon, in: Self.utc) == self else { return nil }
    }

    /// `YYYY-MM-DD`, padded by hand: days are written into most queries and answers, and
    /// `String(format:)` is slow on Linux.
    public var description: String {
        func padded(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
        }
        return "\(padded(year, 4))-\(padded(month, 2))-\(padded(day, 2))"
    }

    public static func < (a: LocalDay, b: LocalDay) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }

    static let utc = TimeZone(identifier: "UTC")!

    /// Noon UTC on this date: a stable instant for date arithmetic, far from any DST edge.
    var noon: Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = Self.utc
        return calendar.date(from: DateComponents(year: year, month: month, day: day, hour: 12))!
    }

    /// The first instant of this date in the time zone `identifier` (nil for an unknown zone).
    public func start(inZone identifier: String) -> Date? {
        guard let zone = TimeZone(identifier: identifier) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar.date(from: DateComponents(year: year, month: month, day: day))
    }

    public func adding(days: Int) -> LocalDay {
        LocalDay(noon.addingTimeInterval(Double(days) * 86_400), in: Self.utc)
    }

    /// Whole days from `self` to `other` (positive when `other` is later).
    public func days(to other: LocalDay) -> Int {
        Int((other.noon.timeIntervalSince(noon) / 86_400).rounded())
    }

    /// The ISO week this date belongs to, e.g. `2026-W48` (weeks start on Monday).
    public var isoWeek: String {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = Self.utc
        let parts = calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: noon)
        return String(format: "%04d-W%02d", parts.yearForWeekOfYear!, parts.weekOfYear!)
    }

    /// The Monday that starts an ISO week like `2026-W48`; nil for anything else.
    public init?(mondayOf isoWeek: String) {
        let parts = isoWeek.split(separator: "-W")
        guard parts.count == 2, let year = Int(parts[0]), let week = Int(parts[1]), (1...53).contains(week) else { return nil }
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = Self.utc
        guard let date = calendar.date(from: DateComponents(hour: 12, weekday: 2, weekOfYear: week, yearForWeekOfYear: year)) else { return nil }
        self.init(date, in: Self.utc)
        guard self.isoWeek == isoWeek else { return nil }
    }
}
