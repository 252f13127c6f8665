import Foundation

/// Planned time together (issue 12, part 3): one member proposes a time, the other accepts,
/// declines or proposes another; afterwards each may say what they liked.
public enum PlanMode: String, Codable, Sendable, CaseIterable {
    case inPerson = "in-person"
    case apart

    public var label: String {
        switch self {
        case .inPerson: "In person"
        case .apart: "Apart, on a call or video"
        }
    }
}

public enum PlanState: String, Codable, Sendable, CaseIterable {
    /// Waiting for the member who did not make the latest proposal.
    case proposed
    case accepted, declined
}

public enum PlanRules {
    public static let titleLength = 1...80
    public static let minutes = 15...720
    public static let likedLength = 1...1000

    /// Only the member who did not make the latest proposal answers it: accept, decline, or
    /// propose another time (which passes the turn back).
    public static func mayRespond(state: PlanState, lastProposedByViewer: Bool) -> Bool {
        state == .proposed && !lastProposedByViewer
    }

    /// "What we liked" is for after the time together: accepted, and begun.
    public static func mayWriteLiked(state: PlanState, startsAt: Date, now: Date) -> Bool {
        state == .accepted && startsAt <= now
    }

    /// The other's "what we liked" shows once you wrote yours too, or they chose to share it first.
    public static func theirLikedVisible(theirs: Bool, theyShared: Bool, youWrote: Bool) -> Bool {
        theirs && (youWrote || theyShared)
    }

    /// A new plan's or new time's start: not in the past (a minute's grace), and within a year.
    public static func startProblem(_ start: Date, now: Date) -> String? {
        if start < now.addingTimeInterval(-60) { return "Choose a time that hasn't passed yet." }
        if start > now.addingTimeInterval(366 * 86_400) { return "Choose a time within the next year." }
        return nil
    }

    /// Up to `count` starts, on the half hour, at which `minutes` fit wholly inside a stretch
    /// when both are awake, soonest first and at most one per stretch.
    public static func suggestedStarts(in stretches: [DateInterval], minutes: Int, after now: Date, count: Int = 3) -> [Date] {
        var result: [Date] = []
        for stretch in stretches where result.count < count {
            let earliest = max(stretch.start, now)
            let seconds = earliest.timeIntervalSince1970
            let start = Date(timeIntervalSince1970: (seconds / 1800).rounded(.up) * 1800)
            if start.addingTimeInterval(Double(minutes) * 60) <= stretch.end { result.append(start) }
        }
        return result
    }
}
