import Foundation

/// Which decks a bond's daily question is drawn from and how deep it goes — chosen by the
/// two of them. The default is every deck, with depth rising as they answer together.
public struct BondThemes: Codable, Sendable, Equatable {
    /// Deck keys to draw from; nil means every deck.
    public var decks: [String]?
    /// 1 light, 2 personal, 3 deep: the deepest the questions go. nil lets it rise.
    public var depth: Int?

    public init(decks: [String]? = nil, depth: Int? = nil) {
        self.decks = decks
        self.depth = depth
    }

    public static let everything = BondThemes()

    public static let depths = 1...3

    /// The prompts these themes allow for a bond of `kind`.
    public func prompts(from library: [Deck], kind: BondKind) -> [Deck.Prompt] {
        let chosen = decks.map(Set.init)
        return library.filter { chosen?.contains($0.key) ?? true }
            .flatMap(\.prompts)
            .filter { $0.kinds.contains(kind) }
    }

    /// Every problem with a choice of decks and depth for a bond of `kind`: at least one
    /// deck, only decks that exist, and enough questions in them for this kind of bond.
    public static func problems(decks: [String]?, depth: Int?, library: [Deck], kind: BondKind) -> [FieldError] {
        var problems: [FieldError] = []
        let known = Set(library.map(\.key))
        if let decks {
            if decks.isEmpty { problems.append(FieldError("decks", "Choose at least one deck.")) }
            let unknown = decks.filter { !known.contains($0) }
            if !unknown.isEmpty {
                problems.append(FieldError("decks", "There is no deck called \(unknown.map { "“\($0)”" }.joined(separator: ", "))."))
            }
        }
        if let depth, !depths.contains(depth) {
            problems.append(FieldError("depth", "Choose light (1), personal (2) or deep (3), or let it rise as you go."))
        }
        if problems.isEmpty, let decks, !decks.isEmpty {
            let themes = BondThemes(decks: decks, depth: depth)
            if themes.prompts(from: library, kind: kind).isEmpty {
                problems.append(FieldError("decks", "Those decks have no questions for this kind of bond. Add another deck."))
            }
        }
        return problems
    }

    /// Stored form: deck keys in library order, nil for "all", duplicates dropped.
    public static func normalised(decks: [String]?, depth: Int?, library: [Deck]) -> BondThemes {
        guard let decks else { return BondThemes(decks: nil, depth: depth) }
        let chosen = Set(decks)
        let ordered = library.map(\.key).filter { chosen.contains($0) }
        return BondThemes(decks: ordered.count == library.count ? nil : ordered, depth: depth)
    }

    public static func depthLabel(_ depth: Int?) -> String {
        switch depth {
        case 1: "Keep it light"
        case 2: "Up to personal"
        case 3: "Up to deep"
        default: "Deepen as we go"
        }
    }

    public static func depthHint(_ depth: Int?) -> String {
        switch depth {
        case 1: "Easy, everyday questions only."
        case 2: "Light and personal questions, nothing too deep."
        case 3: "Every depth, leaning towards the deeper questions."
        default: "Light at first, more personal after a week of answering together, deeper after three. Recommended."
        }
    }

    /// A deck's sample question for a bond of `kind`: the first light one that suits it.
    public static func sample(of deck: Deck, kind: BondKind) -> Deck.Prompt? {
        let suitable = deck.prompts.filter { $0.kinds.contains(kind) }
        return suitable.first { $0.depth == 1 } ?? suitable.first
    }
}
