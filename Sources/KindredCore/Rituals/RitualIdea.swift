import Foundation

/// A suggestion for a ritual, from `Content/rituals.yaml`.
public struct RitualIdea: Codable, Sendable, Equatable, Identifiable {
    public enum Place: String, Codable, Sendable, CaseIterable {
        case home, out, apart

        public var label: String {
            switch self {
            case .home: "At home"
            case .out: "Out together"
            case .apart: "Apart (works across a distance)"
            }
        }
    }

    public enum Cost: String, Codable, Sendable, CaseIterable {
        case free, low, medium, high

        public var label: String {
            switch self {
            case .free: "Free"
            case .low: "Costs a little"
            case .medium: "Costs something"
            case .high: "A treat"
            }
        }
    }

    public enum Rhythm: String, Codable, Sendable, CaseIterable {
        case daily, weekly, monthly, yearly
    }

    public var id: String
    public var title: String
    public var description: String
    public var kinds: [BondKind]
    public var place: Place
    public var cost: Cost
    public var sign: Sign
    public var every: Rhythm

    /// The ideas that suit a bond (`IdeaRules.suggestions`).
    public static func suggestions(_ ideas: [RitualIdea], for kind: BondKind, apart: Bool) -> [RitualIdea] {
        IdeaRules.suggestions(ideas, for: kind, apart: apart)
    }

    /// What would make the ideas wrong to offer (at least 40 of them).
    public static func problems(in ideas: [RitualIdea]) -> [String] {
        IdeaRules.problems(in: ideas, minimum: 40, noun: "ritual ideas")
    }
}

/// What ritual ideas and ideas for time together have in common, so one set of rules checks both.
public protocol Idea: Sendable {
    var id: String { get }
    var title: String { get }
    var description: String { get }
    var kinds: [BondKind] { get }
    var place: RitualIdea.Place { get }
}

extension RitualIdea: Idea {}

public enum IdeaRules {
    /// The ideas that suit a bond: its kind only, and for a bond apart, the ones that work
    /// across a distance first.
    public static func suggestions<I: Idea>(_ ideas: [I], for kind: BondKind, apart: Bool) -> [I] {
        let suitable = ideas.filter { $0.kinds.contains(kind) }
        guard apart else { return suitable }
        return suitable.filter { $0.place == .apart } + suitable.filter { $0.place != .apart }
    }

    /// Too few, duplicates, lengths, and anything romantic offered outside romantic bonds
    /// (the decks' rule); at least 10 for each kind of bond and 10 that work apart.
    public static func problems<I: Idea>(in ideas: [I], minimum: Int, noun: String) -> [String] {
        var problems: [String] = []
        if ideas.count < minimum { problems.append("there are \(ideas.count) \(noun); there should be at least \(minimum)") }
        var ids = Set<String>(), titles = Set<String>()
        for idea in ideas {
            let at = "idea \(idea.id)"
            if !ids.insert(idea.id).inserted { problems.append("\(at): id is used twice") }
            if !titles.insert(DeckValidator.normalised(idea.title)).inserted { problems.append("\(at): same title as another idea") }
            if !RitualRules.titleLength.contains(idea.title.count) { problems.append("\(at): title is \(idea.title.count) characters") }
            if !(12...240).contains(idea.description.count) { problems.append("\(at): description is \(idea.description.count) characters") }
            if idea.kinds.isEmpty { problems.append("\(at): kinds is empty") }
            if let word = DeckValidator.romanticWord(in: idea.title + " " + idea.description), idea.kinds != [.romantic] {
                problems.append("\(at): mentions \"\(word)\", so it must be for romantic bonds only")
            }
        }
        for kind in BondKind.allCases where ideas.filter({ $0.kinds.contains(kind) }).count < 10 {
            problems.append("fewer than 10 \(noun) suit \(kind.rawValue) bonds")
        }
        if ideas.filter({ $0.place == .apart }).count < 10 { problems.append("fewer than 10 \(noun) work apart") }
        return problems
    }
}

struct RitualIdeas: Codable {
    var ideas: [RitualIdea]
}

/// An idea for time together, from `Content/together.yaml`. `place` apart means it works on a
/// call or video.
public struct PlanIdea: Codable, Sendable, Equatable, Identifiable, Idea {
    public var id: String
    public var title: String
    public var description: String
    public var kinds: [BondKind]
    public var place: RitualIdea.Place
    public var cost: RitualIdea.Cost
    public var sign: Sign
    /// How long it usually takes.
    public var minutes: Int

    public static func problems(in ideas: [PlanIdea]) -> [String] {
        IdeaRules.problems(in: ideas, minimum: 60, noun: "ideas for time together")
            + ideas.filter { !PlanRules.minutes.contains($0.minutes) }.map { "idea \($0.id): minutes must be 15 to 720" }
    }
}

struct PlanIdeas: Codable {
    var ideas: [PlanIdea]
}
