import Foundation

/// Mutual reveal: each answer is private until both members have answered. Before that,
/// the other member may learn only *that* you answered — never what.
public enum Reveal {
    public enum State: String, Codable, Sendable, Equatable {
        /// Neither has answered.
        case open
        /// You answered; they have not. Your answer can still be changed.
        case waitingForThem
        /// They answered; you have not. Answer to see theirs.
        case theyAnswered
        /// Both answered: both answers are shown to both, and are final.
        case revealed
        /// You have acted and one of you passed today: nothing is revealed. (Never shown to
        /// someone who has not yet answered or passed: a pass is kept quiet until then.)
        case passed
    }

    public static func state(youAnswered: Bool, theyAnswered: Bool) -> State {
        switch (youAnswered, theyAnswered) {
        case (false, false): .open
        case (true, false): .waitingForThem
        case (false, true): .theyAnswered
        case (true, true): .revealed
        }
    }

    /// The day's state from what each member did, as one member sees it. A pass by the
    /// other member stays hidden until you have answered or passed too, so nobody is put
    /// off answering by it; your answer is never shown to someone who passed.
    public static func state(you: DayAction, them: DayAction) -> State {
        switch (you, them) {
        case (.none, .none), (.none, .passed): .open
        case (.none, .answered): .theyAnswered
        case (.answered, .none): .waitingForThem
        case (.answered, .answered): .revealed
        case (.answered, .passed), (.passed, _): .passed
        }
    }

    /// Whether you may see that the other member passed today.
    public static func theyPassedIsVisible(you: DayAction, them: DayAction) -> Bool {
        them == .passed && you != .none
    }

    /// You may write or change your answer until the other member has answered.
    public static func mayWrite(youAnswered: Bool, theyAnswered: Bool) -> Bool {
        !(youAnswered && theyAnswered)
    }

    /// The other member's text, only once both answered.
    public static func visibleText(of theirs: String?, state: State) -> String? {
        state == .revealed ? theirs : nil
    }

    /// Replies to the day's answers open once they are revealed, and only in a living bond.
    public static func mayReply(state: State, bondStatus: BondStatus) -> Bool {
        state == .revealed && bondStatus == .active
    }
}

/// "8 of the last 10 days": how consistently two people answer together, counted over a
/// window that simply moves on — a missed day never wipes anything out.
public struct Consistency: Codable, Sendable, Equatable {
    public var days: Int
    public var window: Int

    public init(days: Int, window: Int) {
        self.days = days
        self.window = window
    }

    public static func over(window: Int = 10, mutualDays: Set<LocalDay>, today: LocalDay) -> Consistency {
        let start = today.adding(days: -(window - 1))
        let count = mutualDays.filter { $0 >= start && $0 <= today }.count
        return Consistency(days: count, window: window)
    }

    /// The sentence people see: it counts what you did together, never what you missed.
    public var sentence: String {
        switch days {
        case 0: "Today is a lovely day to answer together."
        case 1: "You've answered together once in the last \(window) days — a good start."
        case window: "You've answered together every one of the last \(window) days."
        default: "You've answered together on \(days) of the last \(window) days."
        }
    }
}
