import Foundation
import KindredCore

/// Dates as people read them, in their own time zone ("27 November 2026").
enum DateText {
    static func day(_ date: Date, in timeZone: String) -> String {
        var style = Date.FormatStyle(date: .long, time: .omitted, locale: Locale(identifier: "en_GB"))
        style.timeZone = TimeZone(identifier: timeZone) ?? .gmt
        return date.formatted(style)
    }

    static func dayAndTime(_ date: Date, in timeZone: String) -> String {
        var style = Date.FormatStyle(date: .long, time: .shortened, locale: Locale(identifier: "en_GB"))
        style.timeZone = TimeZone(identifier: timeZone) ?? .gmt
        return date.formatted(style)
    }
}

extension DateText {
    /// "09:14" on `day` (the person's own date for it), "28 November, 09:14" on another date.
    static func time(_ date: Date, in timeZone: String, onDay day: LocalDay) -> String {
        let zone = TimeZone(identifier: timeZone) ?? .gmt
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.hour, .minute], from: date)
        // Always two digits ("09:14"), whatever the platform's idea of a short time.
        let clock = String(format: "%02d:%02d", parts.hour ?? 0, parts.minute ?? 0)
        if LocalDay(date, in: zone) == day { return clock }
        var dated = Date.FormatStyle(locale: Locale(identifier: "en_GB")).day().month(.wide)
        dated.timeZone = zone
        return date.formatted(dated) + ", " + clock
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
