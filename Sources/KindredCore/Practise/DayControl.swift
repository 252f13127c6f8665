import Foundation

/// What one member has done with a day's question.
public enum DayAction: String, Codable, Sendable, Equatable {
    case none, answered, passed
}

/// The couple's say over the day's question: passing, asking for another prompt, and
/// nudging the other member. Each rule answers with the refusal people see, or nil.
public enum DayControl {
    /// The bond's day an answer lands on. Without the day it was opened for: today. With it:
    /// that day, when it is today or the day just before (the bond's day turned over while they
    /// wrote, and words in progress are never moved to a question they did not see); nil
    /// when it is older, or a day that has not begun.
    public static func landingDay(opened: LocalDay?, today: LocalDay) -> LocalDay? {
        guard let opened else { return today }
        return (0...1).contains(opened.days(to: today)) ? opened : nil
    }

    public enum Refusal: Error, Equatable, Sendable {
        case bondNotActive
        case alreadyAnswered
        case revealed
        case swapUsed
        case swapAfterAnswer
        case nudgeUsed
        case nudgeNotNeeded
        case nudgePassed

        /// A stable code for API clients.
        public var code: String {
            switch self {
            case .bondNotActive: "bond-not-active"
            case .alreadyAnswered: "already-answered"
            case .revealed: "answers-revealed"
            case .swapUsed: "swap-used"
            case .swapAfterAnswer: "swap-after-answer"
            case .nudgeUsed: "nudge-used"
            case .nudgeNotNeeded: "nudge-not-needed"
            case .nudgePassed: "nudge-passed"
            }
        }

        public func message(partner: String) -> String {
            switch self {
            case .bondNotActive: "This works once you're both in the bond, and while it lasts."
            case .alreadyAnswered: "You've already answered today. You can change your answer until \(partner) answers."
            case .revealed: "You've both answered today, so there's nothing to pass."
            case .swapUsed: "You've already had a different question today. A new one comes tomorrow."
            case .swapAfterAnswer: "Once one of you has answered, today's question stays, so your answers belong together."
            case .nudgeUsed: "You've already nudged \(partner) today. Tomorrow is another day."
            case .nudgeNotNeeded: "\(partner) has already answered today."
            case .nudgePassed: "\(partner) passed today, and that's all right."
            }
        }
    }

    /// Passing is free: no penalty, and the only thing lost is that one day together. It is
    /// refused once you have answered (your answer is never thrown away) — change it instead.
    public static func passRefusal(you: DayAction, them: DayAction, bondStatus: BondStatus) -> Refusal? {
        guard bondStatus == .active else { return .bondNotActive }
        if you == .answered { return them == .answered ? .revealed : .alreadyAnswered }
        return nil
    }

    /// Another prompt, once a day for the bond, and only before anyone answered, so that
    /// two answers always answer the same question. A pass does not block it (a pass is
    /// kept quiet), and a swap clears passes: a new question is a fresh chance.
    public static func swapRefusal(anyoneAnswered: Bool, alreadySwapped: Bool, bondStatus: BondStatus) -> Refusal? {
        guard bondStatus == .active else { return .bondNotActive }
        if anyoneAnswered { return .swapAfterAnswer }
        if alreadySwapped { return .swapUsed }
        return nil
    }

    /// A nudge, at most once a day, only to someone who has not answered yet. A pass that
    /// you may already see is respected; one you may not see yet is not revealed by refusing.
    public static func nudgeRefusal(you: DayAction, them: DayAction, nudgedToday: Bool, bondStatus: BondStatus) -> Refusal? {
        guard bondStatus == .active else { return .bondNotActive }
        if nudgedToday { return .nudgeUsed }
        if them == .answered { return .nudgeNotNeeded }
        if Reveal.theyPassedIsVisible(you: you, them: them) { return .nudgePassed }
        return nil
    }
}
