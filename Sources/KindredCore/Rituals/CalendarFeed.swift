import Foundation

/// The text of a calendar feed (issue 12, part 5): RFC 5545, with each ritual a recurring
/// event in its own zone (a VTIMEZONE built from the zone's real transitions), skipped
/// occurrences as EXDATE, and an optional alarm. Titles only: the caller never passes anything
/// anyone wrote beyond a ritual's or plan's title.
public enum CalendarFeed {
    public struct Event: Sendable, Equatable {
        public var uid: String
        public var title: String
        public var recurrence: Recurrence
        public var durationMinutes: Int
        /// Occurrences the two of them skipped.
        public var skipped: [LocalDay]
        /// Minutes before the start to remind, if the person chose to be.
        public var alarmMinutesBefore: Int?

        public init(uid: String, title: String, recurrence: Recurrence, durationMinutes: Int, skipped: [LocalDay] = [], alarmMinutesBefore: Int? = nil) {
            self.uid = uid
            self.title = title
            self.recurrence = recurrence
            self.durationMinutes = durationMinutes
            self.skipped = skipped
            self.alarmMinutesBefore = alarmMinutesBefore
        }
    }

    /// The whole document, CRLF line ends, long lines folded at 75 octets.
    public static func document(name: String, events: [Event], now: Date) -> String {
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Kindred//Rituals//EN", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
                     "X-WR-CALNAME:" + escape(name)]
        let zones = Array(Set(events.map(\.recurrence.zone))).sorted()
        for identifier in zones {
            guard let zone = TimeZone(identifier: identifier) else { continue }
            let first = events.filter { $0.recurrence.zone == identifier }.map { $0.recurrence.instant(on: $0.recurrence.start) }.min() ?? now
            lines += timeZone(zone, from: first.addingTimeInterval(-366 * 86_400), to: now.addingTimeInterval(3 * 366 * 86_400))
        }
        for event in events { lines += self.event(event, now: now) }
        lines.append("END:VCALENDAR")
        return lines.map(fold).joined(separator: "\r\n") + "\r\n"
    }

    static func event(_ event: Event, now: Date) -> [String] {
        let recurrence = event.recurrence
        let zone = recurrence.zone
        // DTSTART is the first real occurrence: calendars count DTSTART itself as one, even on
        // a day the rule would not choose.
        let first = recurrence.occurrences(from: recurrence.start, through: recurrence.start.adding(days: 5 * 366)).first ?? recurrence.start
        var lines = ["BEGIN:VEVENT", "UID:" + escape(event.uid), "DTSTAMP:" + utcStamp(now),
                     "DTSTART;TZID=\(zone):" + local(first, recurrence.time),
                     "DURATION:PT\(max(1, event.durationMinutes))M", "SUMMARY:" + escape(event.title)]
        if let rrule = recurrence.rrule { lines.append("RRULE:" + rrule) }
        for day in event.skipped.sorted() where recurrence.falls(on: day) {
            lines.append("EXDATE;TZID=\(zone):" + local(day, recurrence.time))
        }
        if let minutes = event.alarmMinutesBefore {
            lines += ["BEGIN:VALARM", "ACTION:DISPLAY", "DESCRIPTION:" + escape(event.title), "TRIGGER:-PT\(max(0, minutes))M", "END:VALARM"]
        }
        lines.append("END:VEVENT")
        return lines
    }

    /// A VTIMEZONE with one observance per real change of offset between `from` and `to`, each
    /// starting at the local wall time the change happens (in the offset before it), as
    /// RFC 5545 §3.6.5 asks; a zone that never changes has one STANDARD observance.
    static func timeZone(_ zone: TimeZone, from: Date, to: Date) -> [String] {
        var lines = ["BEGIN:VTIMEZONE", "TZID:" + zone.identifier]
        var instant = from
        var offset = zone.secondsFromGMT(for: from)
        var wrote = false
        while let change = zone.nextDaylightSavingTimeTransition(after: instant), change < to {
            let after = zone.secondsFromGMT(for: change)
            let kind = zone.isDaylightSavingTime(for: change) ? "DAYLIGHT" : "STANDARD"
            lines += ["BEGIN:\(kind)", "DTSTART:" + wall(change, offset: offset), "TZOFFSETFROM:" + offsetText(offset),
                      "TZOFFSETTO:" + offsetText(after), "END:\(kind)"]
            offset = after
            instant = change
            wrote = true
        }
        if !wrote {
            lines += ["BEGIN:STANDARD", "DTSTART:19700101T000000", "TZOFFSETFROM:" + offsetText(offset), "TZOFFSETTO:" + offsetText(offset), "END:STANDARD"]
        }
        lines.append("END:VTIMEZONE")
        return lines
    }

    static func local(_ day: LocalDay, _ time: LocalTime) -> String {
        String(format: "%04d%02d%02dT%02d%02d00", day.year, day.month, day.day, time.hour, time.minute)
    }

    static func wall(_ instant: Date, offset: Int) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: offset)!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: instant)
        return String(format: "%04d%02d%02dT%02d%02d%02d", parts.year!, parts.month!, parts.day!, parts.hour!, parts.minute!, parts.second!)
    }

    static func utcStamp(_ instant: Date) -> String { wall(instant, offset: 0) + "Z" }

    static func offsetText(_ seconds: Int) -> String {
        let sign = seconds < 0 ? "-" : "+"
        let minutes = abs(seconds) / 60
        return String(format: "%@%02d%02d", sign, minutes / 60, minutes % 60)
    }

    /// TEXT escaping (RFC 5545 §3.3.11): backslash, semicolon, comma and line breaks.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: ";", with: "\\;")
            .replacingOccurrences(of: ",", with: "\\,").replacingOccurrences(of: "\r\n", with: "\\n")
            .replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\n")
    }

    /// Folds a line longer than 75 octets (§3.1), never inside a UTF-8 character.
    static func fold(_ line: String) -> String {
        var pieces: [String] = []
        var current = ""
        var octets = 0
        for character in line {
            let size = String(character).utf8.count
            let limit = pieces.isEmpty ? 75 : 74  // a continuation line starts with a space
            if octets + size > limit {
                pieces.append(current)
                current = ""
                octets = 0
            }
            current.append(character)
            octets += size
        }
        pieces.append(current)
        return pieces.joined(separator: "\r\n ")
    }
}
