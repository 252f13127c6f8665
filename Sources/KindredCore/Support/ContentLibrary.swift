import Foundation
import Yams

/// Kindred's content — instruments now, decks and resources later — loaded from YAML files:
/// the built-in ones shipped in this module, then an optional operator folder whose files
/// add to them or replace them by key.
public struct ContentLibrary: Sendable {
    public private(set) var instruments: [Instrument] = []
    public private(set) var decks: [Deck] = []
    public private(set) var conversation: ConversationGuide?
    public private(set) var checkin: CheckinGuide?
    public private(set) var appreciationStarters: [String] = []
    public private(set) var safety: SafetyGuide?
    public private(set) var resources: [CountryResources] = []
    public private(set) var ritualIdeas: [RitualIdea] = []
    public private(set) var planIdeas: [PlanIdea] = []
    public private(set) var desires: DesireGuide?
    public private(set) var repair: RepairGuide?

    public init(instruments: [Instrument] = [], decks: [Deck] = [], conversation: ConversationGuide? = nil,
                checkin: CheckinGuide? = nil, appreciationStarters: [String] = [], safety: SafetyGuide? = nil,
                resources: [CountryResources] = [], ritualIdeas: [RitualIdea] = [], planIdeas: [PlanIdea] = [],
                desires: DesireGuide? = nil, repair: RepairGuide? = nil) {
        self.instruments = instruments
        self.decks = decks
        self.conversation = conversation
        self.checkin = checkin
        self.appreciationStarters = appreciationStarters
        self.safety = safety
        self.resources = resources
        self.ritualIdeas = ritualIdeas
        self.planIdeas = planIdeas
        self.desires = desires
        self.repair = repair
    }

    /// Every prompt of every deck.
    public var prompts: [Deck.Prompt] { decks.flatMap(\.prompts) }

    public func prompt(_ id: String) -> Deck.Prompt? { prompts.first { $0.id == id } }

    public func instrument(_ key: String) -> Instrument? { instruments.first { $0.key == key } }

    /// The content that ships with Kindred.
    public static var builtInDirectory: URL? {
        Bundle.module.url(forResource: "Content", withExtension: nil)
    }

    /// Loads every file; every problem in every file is reported, not only the first.
    public static func load(directories: [URL]) -> Result<ContentLibrary, ContentProblems> {
        var problems: [String] = []
        var byKey: [String: Instrument] = [:]
        var order: [String] = []
        for directory in directories {
            let folder = directory.appendingPathComponent("instruments")
            for file in yamlFiles(in: folder) {
                do {
                    let text = try String(contentsOf: file, encoding: .utf8)
                    let instrument = try YAMLDecoder().decode(Instrument.self, from: text)
                    let fileProblems = InstrumentValidator.problems(in: instrument)
                    problems += fileProblems.map { "\(file.lastPathComponent): \($0)" }
                    if byKey[instrument.key] == nil { order.append(instrument.key) }
                    byKey[instrument.key] = instrument
                } catch {
                    problems.append("\(file.lastPathComponent): cannot be read — \(describe(error))")
                }
            }
        }
        var decks: [String: Deck] = [:]
        var deckOrder: [String] = []
        var conversation: ConversationGuide?
        var checkin: CheckinGuide?
        var starters: AppreciationStarters?
        var safety: SafetyGuide?
        var resources: [String: CountryResources] = [:]
        var rituals: RitualIdeas?
        var together: PlanIdeas?
        var desires: DesireGuide?
        var repair: RepairGuide?
        for directory in directories {
            let safetyFile = directory.appendingPathComponent("safety/check.yaml")
            if FileManager.default.fileExists(atPath: safetyFile.path) { safety = decode(SafetyGuide.self, safetyFile, &problems) ?? safety }
            for file in yamlFiles(in: directory.appendingPathComponent("safety/resources")) {
                if let country = decode(CountryResources.self, file, &problems) { resources[country.country] = country }
            }
            for file in yamlFiles(in: directory.appendingPathComponent("decks")) {
                if let deck = decode(Deck.self, file, &problems) {
                    if decks[deck.key] == nil { deckOrder.append(deck.key) }
                    decks[deck.key] = deck
                }
            }
            let guide = directory.appendingPathComponent("conversation/deep-conversation.yaml")
            if FileManager.default.fileExists(atPath: guide.path) { conversation = decode(ConversationGuide.self, guide, &problems) ?? conversation }
            let checkinFile = directory.appendingPathComponent("checkin.yaml")
            if FileManager.default.fileExists(atPath: checkinFile.path) { checkin = decode(CheckinGuide.self, checkinFile, &problems) ?? checkin }
            let startersFile = directory.appendingPathComponent("appreciations.yaml")
            if FileManager.default.fileExists(atPath: startersFile.path) { starters = decode(AppreciationStarters.self, startersFile, &problems) ?? starters }
            let ritualsFile = directory.appendingPathComponent("rituals.yaml")
            if FileManager.default.fileExists(atPath: ritualsFile.path) { rituals = decode(RitualIdeas.self, ritualsFile, &problems) ?? rituals }
            let togetherFile = directory.appendingPathComponent("together.yaml")
            if FileManager.default.fileExists(atPath: togetherFile.path) { together = decode(PlanIdeas.self, togetherFile, &problems) ?? together }
            let desiresFile = directory.appendingPathComponent("desires.yaml")
            if FileManager.default.fileExists(atPath: desiresFile.path) { desires = decode(DesireGuide.self, desiresFile, &problems) ?? desires }
            let repairFile = directory.appendingPathComponent("repair.yaml")
            if FileManager.default.fileExists(atPath: repairFile.path) { repair = decode(RepairGuide.self, repairFile, &problems) ?? repair }
        }
        let allDecks = deckOrder.compactMap { decks[$0] }
        problems += DeckValidator.problems(in: allDecks).map { "decks: \($0)" }
        if let conversation { problems += DeckValidator.problems(in: conversation).map { "conversation: \($0)" } } else {
            problems.append("conversation/deep-conversation.yaml is missing")
        }
        if let checkin { problems += DeckValidator.problems(in: checkin).map { "checkin.yaml: \($0)" } } else {
            problems.append("checkin.yaml is missing")
        }
        if (starters?.starters ?? []).isEmpty { problems.append("appreciations.yaml is missing or has no starters") }
        if let rituals { problems += RitualIdea.problems(in: rituals.ideas).map { "rituals.yaml: \($0)" } } else {
            problems.append("rituals.yaml is missing")
        }
        if let together { problems += PlanIdea.problems(in: together.ideas).map { "together.yaml: \($0)" } } else {
            problems.append("together.yaml is missing")
        }
        if let desires { problems += DesireGuide.problems(in: desires).map { "desires.yaml: \($0)" } } else {
            problems.append("desires.yaml is missing")
        }
        if let repair { problems += RepairGuide.problems(in: repair).map { "repair.yaml: \($0)" } } else {
            problems.append("repair.yaml is missing")
        }
        if allDecks.isEmpty { problems.append("there are no decks") }
        if let safety { problems += SafetyCheck.guideProblems(safety).map { "safety/check.yaml: \($0)" } } else {
            problems.append("safety/check.yaml is missing")
        }
        let allResources = resources.values.sorted { $0.country < $1.country }
        problems += SafetyCheck.resourceProblems(allResources)
        guard problems.isEmpty else { return .failure(ContentProblems(problems: problems)) }
        return .success(ContentLibrary(
            instruments: order.compactMap { byKey[$0] }, decks: allDecks, conversation: conversation,
            checkin: checkin, appreciationStarters: starters?.starters ?? [], safety: safety, resources: allResources,
            ritualIdeas: rituals?.ideas ?? [], planIdeas: together?.ideas ?? [], desires: desires, repair: repair
        ))
    }

    static func decode<T: Decodable>(_ type: T.Type, _ file: URL, _ problems: inout [String]) -> T? {
        do {
            return try YAMLDecoder().decode(T.self, from: try String(contentsOf: file, encoding: .utf8))
        } catch {
            problems.append("\(file.lastPathComponent): cannot be read — \(describe(error))")
            return nil
        }
    }

    static func yamlFiles(in folder: URL) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted().map { folder.appendingPathComponent($0) }
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case let DecodingError.keyNotFound(key, context):
            "missing \"\(key.stringValue)\"\(path(context))"
        case let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context):
            "\(context.debugDescription)\(path(context))"
        case let DecodingError.dataCorrupted(context):
            "\(context.debugDescription)\(path(context))"
        default:
            "\(error)"
        }
    }

    private static func path(_ context: DecodingError.Context) -> String {
        let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        return path.isEmpty ? "" : " at \(path)"
    }
}

public struct ContentProblems: Error, Equatable, Sendable, CustomStringConvertible {
    public let problems: [String]
    public var description: String { problems.joined(separator: "\n") }
}
