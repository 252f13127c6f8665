import Foundation

/// The six signs of emotional intimacy, which every prompt and practice builds.
public enum Sign: String, CaseIterable, Codable, Sendable {
    case openSharing = "open-sharing"
    case trust
    case positiveFeelings = "positive-feelings"
    case qualityTime = "quality-time"
    case communication
    case vulnerability

    public var label: String {
        switch self {
        case .openSharing: "Open and honest sharing"
        case .trust: "Trust"
        case .positiveFeelings: "Positive feelings"
        case .qualityTime: "Quality time"
        case .communication: "Listening and communication"
        case .vulnerability: "Vulnerability"
        }
    }
}

/// A deck of conversation prompts, as written in `Content/decks/*.yaml`.
public struct Deck: Codable, Sendable, Equatable {
    public var key: String
    public var title: String
    public var description: String
    public var prompts: [Prompt]

    public struct Prompt: Codable, Sendable, Equatable, Identifiable {
        public var id: String
        public var text: String
        /// 1 light · 2 personal · 3 deep and vulnerable.
        public var depth: Int
        public var sign: Sign
        public var kinds: [BondKind]
        /// Prompts a person has read side by side with this one and found to ask something
        /// different, though many of their words are shared: the near-duplicate check skips them.
        public var distinctFrom: [String]?

        public init(id: String, text: String, depth: Int, sign: Sign, kinds: [BondKind], distinctFrom: [String]? = nil) {
            self.id = id
            self.text = text
            self.depth = depth
            self.sign = sign
            self.kinds = kinds
            self.distinctFrom = distinctFrom
        }
    }
}

/// The guided deep-conversation session: three sets of questions escalating in depth.
public struct ConversationGuide: Codable, Sendable, Equatable {
    public var key: String
    public var title: String
    public var intro: String
    public var sets: [QuestionSet]
    /// The closing exercise as written, four minutes of looking at each other in silence: offered
    /// to romantic bonds. Show `closing(for:)`, which picks the one that fits the bond.
    public var closing: Closing
    /// The closing offered to friends and family instead: quiet minutes side by side.
    public var closingForOthers: Closing

    public struct QuestionSet: Codable, Sendable, Equatable {
        public var title: String
        public var intro: String
        public var questions: [String]
    }

    public struct Closing: Codable, Sendable, Equatable {
        public var title: String
        public var text: String
        public var minutes: Int
    }

    /// The closing exercise that fits this kind of bond.
    public func closing(for kind: BondKind) -> Closing {
        kind == .romantic ? closing : closingForOthers
    }

    /// Every question in order, with the set it belongs to.
    public var questions: [(set: Int, question: String)] {
        sets.enumerated().flatMap { index, set in set.questions.map { (index, $0) } }
    }
}

/// The weekly "state of us" check-in.
public struct CheckinGuide: Codable, Sendable, Equatable {
    public var title: String
    public var intro: String
    public var scale: [Instrument.Option]
    public var items: [Item]
    public var note: String

    public struct Item: Codable, Sendable, Equatable {
        public var sign: Sign
        public var text: String
    }
}

/// Starters that help someone write an appreciation.
public struct AppreciationStarters: Codable, Sendable, Equatable {
    public var starters: [String]
}
