import Foundation

/// A small response to a revealed day or an appreciation: one per person, from a fixed set,
/// changeable and removable.
public enum Reaction: String, CaseIterable, Codable, Sendable {
    case heart, hug, laugh, wow, thanks

    public var emoji: String {
        switch self {
        case .heart: "❤️"
        case .hug: "🤗"
        case .laugh: "😄"
        case .wow: "😮"
        case .thanks: "🙏"
        }
    }

    public var label: String {
        switch self {
        case .heart: "Love"
        case .hug: "Hug"
        case .laugh: "Laugh"
        case .wow: "Wow"
        case .thanks: "Thank you"
        }
    }

    /// What can be reacted to, and by whom.
    public enum Target: String, Codable, Sendable {
        case day, appreciation
    }

    public enum Refusal: Error, Equatable, Sendable {
        case notRevealed, ownAppreciation, bondNotActive

        public var code: String {
            switch self {
            case .notRevealed: "day-not-revealed"
            case .ownAppreciation: "own-appreciation"
            case .bondNotActive: "bond-not-active"
            }
        }

        public var message: String {
            switch self {
            case .notRevealed: "Reactions open once you've both answered that day's question."
            case .ownAppreciation: "You can react to appreciations sent to you."
            case .bondNotActive: "Reactions are for a bond you're both still in."
            }
        }
    }

    /// A day can be reacted to once both answers are revealed; an appreciation by the person
    /// it was written for. Only in a living bond.
    public static func refusal(for target: Target, dayState: Reveal.State? = nil, youWroteIt: Bool = false,
                               bondStatus: BondStatus) -> Refusal? {
        guard bondStatus == .active else { return .bondNotActive }
        switch target {
        case .day: return dayState == .revealed ? nil : .notRevealed
        case .appreciation: return youWroteIt ? .ownAppreciation : nil
        }
    }
}
