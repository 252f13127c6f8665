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
