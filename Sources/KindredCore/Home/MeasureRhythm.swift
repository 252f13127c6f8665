import Foundation

/// When the home suggests a questionnaire: a gentle rhythm instead of a wall of "due".
/// Week one offers the Emotional Intimacy Scale; the six signs and the balance come in week
/// two; the outcome measures later. Never more than one suggestion at a time.
public enum MeasureRhythm {
    /// The week from which an instrument without `introducedInWeek` is suggested.
    public static let laterWeek = 3

    /// One questionnaire as it stands for one person in one bond.
    public struct Standing: Sendable, Equatable {
        public var key: String
        public var introducedInWeek: Int
        public var lastTaken: Date?
        public var cadenceDays: Int?

        public init(key: String, introducedInWeek: Int?, lastTaken: Date?, cadenceDays: Int?) {
            self.key = key
            self.introducedInWeek = introducedInWeek ?? MeasureRhythm.laterWeek
            self.lastTaken = lastTaken
            self.cadenceDays = cadenceDays
        }
    }

    public struct Suggestion: Sendable, Equatable {
        public enum Reason: String, Sendable, Codable { case firstTime = "first-time", due }
        public var key: String
        public var reason: Reason
    }

    /// The week of the bond's life `now` falls in: 1 for its first seven days.
    public static func week(since start: Date, now: Date) -> Int {
        max(1, Int(floor(now.timeIntervalSince(start) / (7 * 86_400))) + 1)
    }

    /// At most one suggestion: first the earliest-introduced questionnaire never taken,
    /// then one that is due again; nothing when all is up to date. `standings` come in the
    /// library's order, which breaks ties.
    public static func suggestion(_ standings: [Standing], bondActiveSince start: Date, now: Date) -> Suggestion? {
        let week = week(since: start, now: now)
        let open = standings.enumerated()
            .filter { $0.element.introducedInWeek <= week }
            .sorted { ($0.element.introducedInWeek, $0.offset) < ($1.element.introducedInWeek, $1.offset) }
            .map(\.element)
        if let first = open.first(where: { $0.lastTaken == nil }) {
            return Suggestion(key: first.key, reason: .firstTime)
        }
        if let due = open.first(where: { Due.isDue(lastTaken: $0.lastTaken, cadenceDays: $0.cadenceDays, now: now) }) {
            return Suggestion(key: due.key, reason: .due)
        }
        return nil
    }

    /// The sentence under the suggestion, kind and short.
    public static func sentence(for suggestion: Suggestion, title: String, itemCount: Int) -> String {
        switch suggestion.reason {
        case .firstTime:
            "\(title): \(itemCount) short questions, a few quiet minutes. Only you see your answers unless you share them."
        case .due:
            "It's been a while since you took \(title). Taking it again shows how things have moved."
        }
    }
}
