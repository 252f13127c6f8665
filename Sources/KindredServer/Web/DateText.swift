import Foundation
import KindredCore

/// Dates as people read them, in their own time zone ("27 November 2026").
enum DateText {
    static func day(_ date: Date, in timeZone: String) -> String {
        var style = Date.FormatStyle(date: .long, time: .omitted, locale: Locale(identifier: "en_GB"))
        style.timeZone = TimeZone(identifier: timeZone) ?? .gmt
        return date.formatted(style)
    }

    /// "27 November 2026 at 09:05": the clock always with two digits, as replies show it.
    static func dayAndTime(_ date: Date, in timeZone: String) -> String {
        day(date, in: timeZone) + " at " + clock(date, in: TimeZone(identifier: timeZone) ?? .gmt)
    }

    static func clock(_ date: Date, in zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.hour, .minute], from: date)
        return String(format: "%02d:%02d", parts.hour ?? 0, parts.minute ?? 0)
    }
}

extension DateText {
    /// "09:14" on `day` (the person's own date for it), "28 November, 09:14" on another date.
    static func time(_ date: Date, in timeZone: String, onDay day: LocalDay) -> String {
        let zone = TimeZone(identifier: timeZone) ?? .gmt
        // Always two digits ("09:14"), whatever the platform's idea of a short time.
        let clock = clock(date, in: zone)
        if LocalDay(date, in: zone) == day { return clock }
        var dated = Date.FormatStyle(locale: Locale(identifier: "en_GB")).day().month(.wide)
        dated.timeZone = zone
        return date.formatted(dated) + ", " + clock
    }
}

extension DateText {
    /// When the bond's next question arrives, in the viewer's own time: "at 16:00", "tomorrow
    /// at 04:00" or "on 2 December at 05:00" (a day can last up to two days after a move).
    static func nextQuestion(at next: Date, now: Date, in timeZone: String) -> String {
        let zone = TimeZone(identifier: timeZone) ?? .gmt
        let clock = clock(next, in: zone)
        let days = LocalDay(now, in: zone).days(to: LocalDay(next, in: zone))
        let when = switch days {
        case ...0: "at \(clock)"
        case 1: "tomorrow at \(clock)"
        default: "on \(time(next, in: timeZone, onDay: LocalDay(now, in: zone)).replacingOccurrences(of: ", ", with: " at "))"
        }
        return "The next question arrives \(when) your time."
    }
}

/// The time-zone picker's options.
struct TimeZoneOption: Encodable {
    let id: String
    let label: String
    let selected: Bool

    static func all(selected: String) -> [TimeZoneOption] {
        KindredCore.TimeZones.all.map {
            TimeZoneOption(id: $0, label: $0.replacingOccurrences(of: "_", with: " "), selected: $0 == selected)
        }
    }
}
