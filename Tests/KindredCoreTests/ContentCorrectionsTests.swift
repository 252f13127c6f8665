import Foundation
import Testing
@testable import KindredCore

/// Issue 13 §4: the content corrections from a check against sources, and the near-duplicate
/// check that keeps the decks from drifting back.
@Suite struct NearDuplicateTests {
    func prompt(_ id: String, _ text: String, distinctFrom: [String]? = nil) -> Deck.Prompt {
        Deck.Prompt(id: id, text: text, depth: 2, sign: .trust, kinds: BondKind.allCases, distinctFrom: distinctFrom)
    }

    func decks(_ prompts: [Deck.Prompt]) -> [Deck] {
        // Lines at every depth for every kind, so only the pair under test can be a problem.
        let filler = ["Which board game would you pick for a rainy evening?", "What view would you like to wake up to?",
                      "Which song do you sing along to in the car?"].enumerated().map { index, text in
            Deck.Prompt(id: "filler-\(index + 1)", text: text, depth: index + 1, sign: .qualityTime, kinds: BondKind.allCases)
        }
        return [Deck(key: "test", title: "Test", description: "d", prompts: prompts + filler)]
    }

    @Test func aQuestionAskedAgainInOtherWordsIsFlagged() {
        let problems = DeckValidator.problems(in: decks([
            prompt("t-1", "When you disagree, what helps you find your way back to each other?"),
            prompt("t-2", "How do you most like to make up after a squabble?"),
        ]))
        #expect(problems.count == 1)
        #expect(problems.first?.contains("prompt t-2 reads like t-1") == true)
        #expect(problems.first?.contains("distinctFrom") == true, "the problem says how to settle it")
    }

    @Test func distinctPromptsPass() {
        let pairs = DeckValidator.nearDuplicates(in: decks([
            prompt("t-1", "What was your favourite snack as a child?"),
            prompt("t-2", "What's a trip you'd love the two of you to take one day?"),
            prompt("t-3", "What do you remember about the home you grew up in?"),
            prompt("t-4", "What does a good apology sound like to you?"),
        ]))
        #expect(pairs.isEmpty)
        #expect(DeckValidator.similarity("What was your favourite snack as a child?", "What does a good apology sound like to you?") == 0)
    }

    @Test func wordsOfTheSameMeaningCountAsOne() {
        #expect(DeckValidator.meaningfulWords(in: "on your worst day") == DeckValidator.meaningfulWords(in: "on your hardest day"))
        #expect(DeckValidator.meaningfulWords(in: "What made you feel looked after?") == ["cared"])
        #expect(DeckValidator.meaningfulWords(in: "What's a small gesture you'd love to try?") == ["small", "gesture", "try"])
        #expect(DeckValidator.similarity("What makes you feel most desired?", "When do you feel most loved?") == 1)
    }

    @Test func aPairReadAndFoundDistinctIsLeftAlone() {
        let marked = decks([
            prompt("t-1", "What do you remember about the home you grew up in?"),
            prompt("t-2", "How were disagreements handled in the home you grew up in?", distinctFrom: ["t-1"]),
        ])
        #expect(DeckValidator.problems(in: marked).isEmpty)
        var unmarked = marked
        unmarked[0].prompts[1].distinctFrom = nil
        #expect(DeckValidator.nearDuplicates(in: unmarked).map(\.second) == ["t-2"])
    }

    @Test func distinctFromMustNameAnotherRealPrompt() {
        let problems = DeckValidator.problems(in: decks([
            prompt("t-1", "What was your favourite snack as a child?", distinctFrom: ["t-9"]),
            prompt("t-2", "What does a good apology sound like to you?", distinctFrom: ["t-2"]),
        ])).joined(separator: "\n")
        #expect(problems.contains("t-1: distinctFrom names unknown prompt t-9"))
        #expect(problems.contains("t-2: distinctFrom names itself"))
    }

    /// The clusters issue 13 merged, as they were written: each would have been flagged.
    @Test func theClustersMergedInIssue13WouldHaveBeenFlagged() {
        let clusters = [
            ["What would you want them to do if they noticed you weren't doing well?",
             "What would you want to hear from someone close to you on your worst day?",
             "If either of you were going through something hard, what would you want your time together to feel like?",
             "If life got really hard for you one day, how would you want the people close to you to help?",
             "How would you like your partner to love you when you're at your lowest?"],
            ["What's something they do that makes you feel cared for?",
             "What's a small gesture from them that means more than they probably realise?",
             "What made you feel looked after this week?"],
            ["What's something you're learning to accept about yourself?",
             "What's a part of yourself you're still getting to know?",
             "What's a truth about yourself you've only recently admitted?"],
            ["When you disagree, what helps you find your way back to each other?",
             "What helps you trust someone again after a wobble between you?",
             "How do you most like to make up after a squabble with your partner?"],
            ["What makes you feel most desired by your partner?",
             "When do you feel most loved by your partner?"],
        ]
        for (index, texts) in clusters.enumerated() {
            let prompts = texts.enumerated().map { prompt("c\(index)-\($0.offset)", $0.element) }
            #expect(!DeckValidator.nearDuplicates(in: [Deck(key: "c", title: "C", description: "d", prompts: prompts)]).isEmpty,
                    "cluster \(index + 1)")
        }
    }
}

@Suite struct ContentCorrectionsTests {
    let library = try! ContentLibrary.load(directories: [ContentLibrary.builtInDirectory!]).get()

    @Test func theShippedContentLoadsWithNoProblems() {
        let loaded = ContentLibrary.load(directories: [ContentLibrary.builtInDirectory!])
        if case .failure(let problems) = loaded { Issue.record("\(problems)") }
        #expect(DeckValidator.nearDuplicates(in: library.decks).isEmpty)
    }

    // MARK: - Decks

    @Test func eachMergedClusterKeepsOnePrompt() {
        let removed = ["deeper-027", "deeper-046", "hopes-035", "partners-045", "us-022", "everyday-062",
                       "deeper-017", "deeper-035", "deeper-043", "partners-029", "partners-017"]
        for id in removed { #expect(library.prompt(id) == nil, "\(id)") }
        for kept in ["deeper-016", "us-027", "deeper-007", "us-026", "partners-042"] { #expect(library.prompt(kept) != nil, "\(kept)") }
    }

    @Test func promptsAboutHurtOfferAGentleWayOut() {
        let ids = ["deeper-025", "deeper-029", "deeper-041", "memories-046", "memories-047", "hopes-037",
                   "partners-034", "partners-039", "us-048", "us-052"]
        for id in ids {
            let text = library.prompt(id)?.text.lowercased() ?? ""
            #expect(text.contains("if you'd like to") || text.contains("only if you'd like"), "\(id): \(text)")
        }
        for id in ["hopes-037", "partners-039"] {
            let text = library.prompt(id)?.text.lowercased() ?? ""
            #expect(!text.contains("forgive"), "\(id) asks nobody to forgive")
        }
        #expect(library.prompt("partners-039")?.text.contains("never means excusing harm") == true)
    }

    @Test func childhoodHurtIsNotAskedWithinFamilies() {
        for id in ["memories-036", "memories-047"] { #expect(library.prompt(id)?.kinds == [.romantic, .friendship], "\(id)") }
    }

    // MARK: - Instruments

    @Test func eisSaysWhatIsKindredsAndWhoItWasValidatedWith() throws {
        let eis = try #require(library.instrument("eis"))
        #expect(eis.verify != nil, "the items are still to be checked against the paper")
        #expect(eis.meaning.contains("90 women with rheumatoid arthritis"))
        #expect(eis.meaning.contains("Kindred's additions") && eis.meaning.contains("predict"))
        let subscales = eis.scoring.subscales ?? []
        let understood = try #require(subscales.first { $0.items.contains("eis5") })
        #expect(understood.key == "feeling-understood" && understood.items == ["eis5"])
        #expect(subscales.first { $0.key == "trust" }?.items == ["eis1"])
    }

    @Test func csi4NamesItsBandsForWhatTheyAre() throws {
        let csi = try #require(library.instrument("csi4"))
        #expect(csi.bands?.map(\.label) == ["Notable relationship dissatisfaction (below 13.5)", "Above the distress cut-off"])
        #expect(!(csi.bands ?? []).contains { $0.label.contains("usual") || $0.meaning.contains("usual range") })
        #expect(csi.verify?.contains("13.5") == true)
        #expect(csi.licence.hasPrefix("Free for research and clinical use") && csi.licence.contains("does not cover commercial use"))
    }

    @Test func swlsNamesWhereItsBandsComeFrom() throws {
        let swls = try #require(library.instrument("swls"))
        #expect(swls.meaning.contains("Pavot and Diener (1993)"))
        #expect(swls.citation?.contains("Pavot, W., & Diener, E. (1993)") == true)
    }

    @Test func kindredsOwnChecksMakeNoResearchClaims() throws {
        #expect(!(try #require(library.instrument("six-signs"))).intro.contains("tend to"))
        #expect(!(try #require(library.instrument("intimacy-balance"))).meaning.contains("people can start"))
    }

    // MARK: - Helplines

    func service(_ country: String, _ name: String) -> CountryResources.Service? {
        library.resources.first { $0.country == country }?.services.first { $0.name.hasPrefix(name) }
    }

    @Test func helplinesSayWhatTheSourcesSay() throws {
        let silent = try #require(service("gb", "Silent Solution"))
        #expect(silent.notes?.contains("From a mobile") == true && silent.notes?.contains("From a landline: stay on the line") == true)
        #expect(service("gb", "Galop")?.hours == nil, "not listed until checked")
        #expect(library.resources.first { $0.country == "gb" }?.verify?.contains("Galop") == true)
        #expect(service("ca", "Talk4Healing")?.languages?.contains("French") == true)
        #expect(service("ie", "Men's Aid")?.hours == "Monday–Friday, 9:00–17:00")
        #expect(service("nz", "Are You OK")?.hours == nil, "sources conflict")
    }

    // MARK: - The deep conversation's closing

    @Test func theEyeContactClosingIsForRomanticBondsOnly() throws {
        let guide = try #require(library.conversation)
        #expect(guide.closing(for: .romantic) == guide.closing)
        #expect(guide.closing(for: .romantic).text.contains("looking at each other"))
        for kind in [BondKind.friendship, .family] {
            let closing = guide.closing(for: kind)
            #expect(closing == guide.closingForOthers)
            #expect(!closing.text.contains("looking at each other"), "\(kind)")
            #expect(closing.minutes >= 1)
        }
    }

    @Test func bothClosingsAreChecked() throws {
        var guide = try #require(library.conversation)
        #expect(DeckValidator.problems(in: guide).isEmpty)
        guide.closingForOthers = .init(title: " ", text: "", minutes: 0)
        let problems = DeckValidator.problems(in: guide)
        #expect(problems.contains("closingForOthers needs a title"))
        #expect(problems.contains("closingForOthers needs its text"))
        #expect(problems.contains("closingForOthers needs a length in minutes"))
        guide.closingForOthers = .init(title: "Four minutes", text: "Look into your partner's eyes.", minutes: 4)
        #expect(DeckValidator.problems(in: guide).contains { $0.contains("must not mention \"partner\"") })
    }

    @Test func aGuideWithoutTheOthersClosingDoesNotLoad() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kindred-content-\(UUID())")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("conversation"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let builtIn = ContentLibrary.builtInDirectory!
        let text = try String(contentsOf: builtIn.appendingPathComponent("conversation/deep-conversation.yaml"), encoding: .utf8)
        let withoutOthers = try #require(text.components(separatedBy: "closingForOthers:").first)
        try withoutOthers.write(to: folder.appendingPathComponent("conversation/deep-conversation.yaml"), atomically: true, encoding: .utf8)
        guard case .failure(let problems) = ContentLibrary.load(directories: [builtIn, folder]) else {
            Issue.record("a guide without closingForOthers loaded")
            return
        }
        #expect(problems.problems.contains { $0.contains("closingForOthers") })
    }
}
