import Foundation

/// Who takes part in a ritual: both members together, or either one (a call one of you makes,
/// a note one of you leaves).
public enum RitualParticipation: String, Codable, Sendable, CaseIterable {
    case both, either

    public var label: String {
        switch self {
        case .both: "Both of us, together"
        case .either: "Either of us"
        }
    }
}

/// Where a ritual stands between the two members. A proposal counts as shared only once the
/// other member accepts it.
public enum RitualStatus: String, Codable, Sendable, CaseIterable {
    case proposed, active, declined
}

/// One member's mark on one occurrence. No mark is "left": nothing is owed.
public enum OccurrenceMark: String, Codable, Sendable, CaseIterable {
    case done, skipped
}

/// How an occurrence went, from both members' marks.
public enum OccurrenceOutcome: String, Codable, Sendable {
    /// Kept: by either member (an "either" ritual) or by both (a "both" ritual).
    case done
    /// A "both" ritual one of them marked done and the other has not (yet).
    case partlyDone
    case skipped
    case open
}

public enum RitualRules {
    public static let titleLength = 1...80
    public static let descriptionLength = 0...500

    public static func outcome(_ participation: RitualParticipation, marks: [OccurrenceMark]) -> OccurrenceOutcome {
        let done = marks.filter { $0 == .done }.count
        if done > 0 {
            return participation == .either || done >= 2 ? .done : .partlyDone
        }
        return marks.contains(.skipped) ? .skipped : .open
    }

    /// Only the member who did not propose it answers a proposal, and only once.
    public static func mayRespond(status: RitualStatus, proposedByViewer: Bool) -> Bool {
        status == .proposed && !proposedByViewer
    }

    /// An occurrence may be marked once the ritual is shared, on a date it falls on, up to today
    /// in the ritual's own zone (never ahead).
    public static func markProblem(status: RitualStatus, schedule: RitualSchedule, day: LocalDay, today: LocalDay) -> String? {
        guard status == .active else { return "This ritual isn't shared yet: it counts once you've both agreed to it." }
        guard day <= today else { return "That day hasn't come yet." }
        guard schedule.falls(on: day) else { return "This ritual doesn't fall on that day." }
        return nil
    }

    /// "6 of the last 8", never a streak that resets; nil before the first occurrence.
    /// Today's time counts only once someone has marked it: until then it may still happen.
    public static func consistency(schedule: RitualSchedule, outcomes: [LocalDay: OccurrenceOutcome], today: LocalDay) -> (kept: Int, of: Int)? {
        let todayCounts = (outcomes[today] ?? .open) != .open
        let recent = schedule.occurrences(from: today.adding(days: -3 * 366), through: todayCounts ? today : today.adding(days: -1))
        let kept = RitualConsistency.kept(occurrences: recent, done: Set(outcomes.filter { $0.value == .done }.keys), upTo: today)
        return kept.of == 0 ? nil : kept
    }

    public static func consistencySentence(_ kept: (kept: Int, of: Int)?) -> String {
        guard let kept else { return "Its first time is still to come." }
        return kept.of == 1 ? (kept.kept == 1 ? "Kept the one time so far." : "Not kept yet — there's always next time.")
            : "Kept \(kept.kept) of the last \(kept.of) times."
    }
}

/// A ritual's schedule through time. A change applies from a date on and leaves every earlier
/// occurrence as it was; a pause is a change to nothing, and resuming takes the rule up again
/// from the day it resumes (keeping its anchor, so an anniversary stays on its date).
public struct RitualSchedule: Codable, Sendable, Equatable {
    public struct Version: Codable, Sendable, Equatable {
        public var from: LocalDay
        /// Nil while paused.
        public var recurrence: Recurrence?
        /// While paused: the rule a resume takes up (kept even when it was due to start later).
        public var held: Recurrence?
    }

    public private(set) var versions: [Version]

    public init(_ recurrence: Recurrence) {
        versions = [Version(from: recurrence.start, recurrence: recurrence, held: nil)]
    }

    public var isPaused: Bool { versions.last?.recurrence == nil }

    /// The rule in force last, or held while paused (the one a resume takes up again).
    public var latest: Recurrence? {
        if let last = versions.last, last.recurrence == nil, let held = last.held { return held }
        return versions.last { $0.recurrence != nil }?.recurrence
    }

    /// From `day` on, `recurrence` (nil pauses). Changes dated on or after `day` are replaced.
    public mutating func change(from day: LocalDay, to recurrence: Recurrence?) {
        versions.removeAll { $0.from >= day }
        if versions.isEmpty || versions.last?.recurrence != recurrence || versions.last?.held != nil {
            versions.append(Version(from: day, recurrence: recurrence, held: nil))
        }
    }

    public mutating func pause(from day: LocalDay) {
        guard !isPaused, let keep = latest else { return }
        change(from: day, to: nil)
        versions[versions.count - 1].held = keep
    }

    public mutating func resume(from day: LocalDay) {
        guard isPaused, let latest else { return }
        change(from: day, to: latest)
    }

    public func occurrences(from: LocalDay, through: LocalDay) -> [LocalDay] {
        var result: [LocalDay] = []
        for (index, version) in versions.enumerated() {
            guard let recurrence = version.recurrence else { continue }
            let end = index + 1 < versions.count ? versions[index + 1].from.adding(days: -1) : through
            let first = max(from, version.from), last = min(through, end)
            guard first <= last else { continue }
            result += recurrence.occurrences(from: first, through: last)
        }
        return result
    }

    public func falls(on day: LocalDay) -> Bool {
        !occurrences(from: day, through: day).isEmpty
    }

    /// The schedule as plain recurrences for a calendar: one per stretch between changes, each
    /// starting on its first real time in that stretch (a real time keeps every-N-weeks and
    /// every-N-months in step) and ending the day before the next change. Together they fall
    /// on exactly the dates `occurrences` gives.
    public var calendarRecurrences: [Recurrence] {
        versions.enumerated().compactMap { index, version -> Recurrence? in
            guard var recurrence = version.recurrence else { return nil }
            let end = index + 1 < versions.count ? versions[index + 1].from.adding(days: -1) : nil
            let last = [recurrence.until, end].compactMap { $0 }.min()
            let from = max(version.from, recurrence.start)
            // Within five years of where the stretch begins (a yearly rule every few years included).
            guard let first = recurrence.occurrences(from: from, through: min(last ?? from.adding(days: 5 * 366), from.adding(days: 5 * 366))).first
            else { return nil }
            recurrence.start = first
            recurrence.until = last
            return recurrence
        }
    }

    /// The version in force on `day`.
    public func recurrence(on day: LocalDay) -> Recurrence? {
        versions.last { $0.from <= day }?.recurrence
    }
}
