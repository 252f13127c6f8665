import KindredCore
import Vapor

/// "Your hours together": both clocks now, the hours both are awake over the next week as a
/// band (with the same in a table), and the long-distance mark.
struct TimeTogetherPagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(.together, use: show)
        routes.post(.together, use: setLongDistance)
    }

    private let practise = PractisePagesController()

    struct Clock: Encodable {
        let name: String
        let time: String
        let zone: String
        let hours: String
    }

    struct Segment: Encodable {
        let x: Double
        let width: Double
    }

    struct Row: Encodable {
        let label: String
        let y: Int
        let textY: Int
        let segments: [Segment]
        let text: String
    }

    struct Page: Encodable {
        let bondTitle: String
        let bondURL: String
        let clocks: [Clock]
        let rows: [Row]
        let height: Int
        let summary: String
        let longDistance: Bool
        let active: Bool
        let actionURL: String
        let zone: String
    }

    func show(req: Request) async throws -> Response {
        let context = try await practise.context(req)
        let picture = TimeTogetherService(req).picture(of: context.loaded, for: context.user)
        let zone = TimeZone(identifier: context.user.timeZone) ?? .gmt
        let rows = Self.rows(picture.stretches, days: picture.days, from: req.kindred.now, zone: zone)
        let hours = picture.totalMinutes / 60, minutes = picture.totalMinutes % 60
        let summary = picture.members.count < 2 ? "Once the other person joins, their hours show here too."
            : picture.totalMinutes == 0 ? "This week your waking hours don't meet. Messages and rituals that work apart can fill the gap."
            : "Over the next 7 days you're both awake for \(hours) hour\(hours == 1 ? "" : "s")\(minutes > 0 ? " \(minutes) minutes" : "") in all."
        return try await req.page("together", title: "Your hours together", section: "bonds", Page(
            bondTitle: context.bondTitle, bondURL: context.bondURL,
            clocks: picture.members.map { member in
                Clock(name: member.isYou ? "You" : member.user.displayName, time: member.localTime,
                      zone: member.user.timeZone.replacingOccurrences(of: "_", with: " "),
                      hours: "awake \(member.user.wakingHours.wake)–\(member.user.wakingHours.sleep)")
            },
            rows: rows, height: rows.count * 28 + 24, summary: summary, longDistance: picture.longDistance,
            active: context.loaded.snapshot.status != .ended, actionURL: SiteURL.together(context.bondID).path,
            zone: context.user.timeZone.replacingOccurrences(of: "_", with: " ")
        ))
    }

    /// One row per day on the viewer's clock: where both are awake, as minutes from midnight
    /// (scaled to a 240-wide band), and the same in words for the table.
    static func rows(_ stretches: [DateInterval], days: Int, from now: Date, zone: TimeZone) -> [Row] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let today = LocalDay(now, in: zone)
        return (0..<days).map { offset in
            let day = today.adding(days: offset)
            let start = calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day))!
            let next = day.adding(days: 1)
            let end = calendar.date(from: DateComponents(year: next.year, month: next.month, day: next.day))!
            let pieces = stretches.compactMap { stretch -> (Date, Date)? in
                let a = max(stretch.start, start), b = min(stretch.end, end)
                return a < b ? (a, b) : nil
            }
            func minute(_ date: Date) -> Double {
                if date >= end { return 24 * 60 }
                let parts = calendar.dateComponents([.hour, .minute], from: date)
                return Double((parts.hour ?? 0) * 60 + (parts.minute ?? 0))
            }
            var style = Date.FormatStyle(locale: Locale(identifier: "en_GB")).weekday(.abbreviated).day().month(.abbreviated)
            style.timeZone = zone
            let label = offset == 0 ? "Today" : start.addingTimeInterval(12 * 3600).formatted(style)
            let text = pieces.isEmpty ? "Not at the same time"
                : pieces.map { "\(DateText.clock($0.0, in: zone))–\(minute($0.1) >= 24 * 60 ? "24:00" : DateText.clock($0.1, in: zone))" }.joined(separator: ", ")
            return Row(label: label, y: offset * 28, textY: offset * 28 + 15,
                       segments: pieces.map { Segment(x: 60 + minute($0.0) / 6, width: max(1, (minute($0.1) - minute($0.0)) / 6)) },
                       text: text)
        }
    }

    func setLongDistance(req: Request) async throws -> Response {
        let context = try await practise.context(req)
        let on = (try? req.content.get(String.self, at: "longDistance")) == "1"
        do {
            _ = try await TimeTogetherService(req).setLongDistance(on, bond: context.bondID, for: context.user)
            return req.redirect(toPath: SiteURL.together(context.bondID).path, flash: on ? .longDistanceOn : .longDistanceOff)
        } catch let problem as Problem where problem.status == .conflict {
            return req.redirect(toPath: SiteURL.together(context.bondID).path, flash: .notActive)
        }
    }
}
