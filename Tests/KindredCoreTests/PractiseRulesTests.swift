import Foundation
import Testing
@testable import KindredCore

@Suite struct LocalDayTests {
    /// Days are written into queries and compared as text, so the padding is the contract.
    @Test func aDayIsWrittenAsPaddedYearMonthDay() {
        #expect(LocalDay(year: 2027, month: 1, day: 5).description == "2027-01-05")
        #expect(LocalDay(year: 2026, month: 12, day: 31).description == "2026-12-31")
        #expect(LocalDay(year: 987, month: 10, day: 9).description == "0987-10-09")
        #expect(LocalDay(string: LocalDay(year: 2028, month: 2, day: 29).description) == LocalDay(year: 2028, month: 2, day: 29))
    }

    let honolulu = TimeZone(identifier: "Pacific/Honolulu")!    // UTC−10
    let kiritimati = TimeZone(identifier: "Pacific/Kiritimati")! // UTC+14
    let london = TimeZone(identifier: "Europe/London")!

    func instant(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    @Test func oneInstantIsTwoDifferentDaysAcrossTheDateLine() {
        // 09:30 UTC: 23:30 the day before in Honolulu, 23:30 the same day in Kiritimati.
        let now = instant("2026-11-27T09:30:00Z")
        #expect(LocalDay(now, in: honolulu).description == "2026-11-26")
        #expect(LocalDay(now, in: kiritimati).description == "2026-11-27")
        // Twenty-four hours apart in local time, a full calendar day apart in date.
        #expect(LocalDay(now, in: honolulu).days(to: LocalDay(now, in: kiritimati)) == 1)
    }

    @Test func theDayBoundaryIsLocalMidnight() {
        #expect(LocalDay(instant("2026-11-27T09:59:59Z"), in: honolulu).description == "2026-11-26")
        #expect(LocalDay(instant("2026-11-27T10:00:00Z"), in: honolulu).description == "2026-11-27")
        #expect(LocalDay(instant("2026-11-27T09:59:59Z"), in: kiritimati).description == "2026-11-27")
        #expect(LocalDay(instant("2026-11-27T10:00:00Z"), in: kiritimati).description == "2026-11-28")
    }

    @Test func aDaylightSavingChangeDayIsStillOneDay() {
        // Clocks go forward in London at 01:00 UTC on 29 March 2026: that day has 23 hours.
        #expect(LocalDay(instant("2026-03-28T23:59:59Z"), in: london).description == "2026-03-28")
        #expect(LocalDay(instant("2026-03-29T00:00:00Z"), in: london).description == "2026-03-29")
        #expect(LocalDay(instant("2026-03-29T22:59:59Z"), in: london).description == "2026-03-29")
        #expect(LocalDay(instant("2026-03-29T23:00:00Z"), in: london).description == "2026-03-30", "BST midnight")
        // And back in October: a 25-hour day.
        #expect(LocalDay(instant("2026-10-25T23:30:00Z"), in: london).description == "2026-10-25")
        #expect(LocalDay(instant("2026-10-26T00:00:00Z"), in: london).description == "2026-10-26")
        let march28 = LocalDay(string: "2026-03-28")!
        #expect(march28.adding(days: 1).description == "2026-03-29")
        #expect(march28.adding(days: 2).description == "2026-03-30")
    }

    @Test func onlyRealDatesParse() {
        #expect(LocalDay(string: "2026-02-28") != nil)
        #expect(LocalDay(string: "2028-02-29") != nil)
        #expect(LocalDay(string: "2026-02-29") == nil)
        #expect(LocalDay(string: "2026-13-01") == nil)
        #expect(LocalDay(string: "26-01-01") == nil)
        #expect(LocalDay(string: "2026-1-1") == nil)
        #expect(LocalDay(string: "today") == nil)
    }

    @Test func isoWeeksCrossTheYearCorrectly() {
        #expect(LocalDay(string: "2026-11-27")!.isoWeek == "2026-W48")
        #expect(LocalDay(string: "2026-12-31")!.isoWeek == "2026-W53")
        #expect(LocalDay(string: "2027-01-03")!.isoWeek == "2026-W53")
        #expect(LocalDay(string: "2027-01-04")!.isoWeek == "2027-W01")
    }

    @Test func theMondayOfAnISOWeekIsFoundAcrossTheYear() {
        #expect(LocalDay(mondayOf: "2026-W48")?.description == "2026-11-23")
        #expect(LocalDay(mondayOf: "2026-W53")?.description == "2026-12-28")
        #expect(LocalDay(mondayOf: "2027-W01")?.description == "2027-01-04")
        for day in (0..<400).map({ LocalDay(year: 2026, month: 1, day: 1).adding(days: $0) }) {
            let monday = LocalDay(mondayOf: day.isoWeek)
            #expect(monday?.isoWeek == day.isoWeek && monday!.days(to: day) >= 0 && monday!.days(to: day) < 7, "\(day)")
        }
        for nonsense in ["2027-W54", "2027-W00", "2027-48", "week 3", "2027-W53"] { #expect(LocalDay(mondayOf: nonsense) == nil, "\(nonsense)") }
    }
}

@Suite struct PromptSelectorTests {
    let library = try! ContentLibrary.load(directories: [ContentLibrary.builtInDirectory!]).get()
    let bond = BondID(UUID(uuidString: "7C9E6679-7425-40DE-944B-E07FC1F90AE7")!)
    let start = LocalDay(string: "2026-01-01")!

    func context(_ day: LocalDay, kind: BondKind = .friendship, history: [String] = [], mutual: Int = 0, weakest: Sign? = nil) -> PromptSelector.Context {
        PromptSelector.Context(bond: bond, kind: kind, day: day, history: history, mutualDays: mutual, weakestSign: weakest)
    }

    /// Plays `days` days, each answered together, as the server would.
    func play(days: Int, kind: BondKind, weakest: Sign? = nil) -> [Deck.Prompt] {
        var history: [String] = []
        var asked: [Deck.Prompt] = []
        for n in 0..<days {
            let prompt = PromptSelector.select(from: library.prompts, context: context(start.adding(days: n), kind: kind, history: history, mutual: n, weakest: weakest))!
            history.append(prompt.id)
            asked.append(prompt)
        }
        return asked
    }

    @Test func theSameDayGivesTheSamePrompt() {
        let a = PromptSelector.select(from: library.prompts, context: context(start))
        let b = PromptSelector.select(from: library.prompts.shuffled(), context: context(start))
        #expect(a == b, "order of the deck files does not matter")
        let other = BondID(UUID())
        let days = (0..<10).map { start.adding(days: $0) }
        let mine = days.map { PromptSelector.select(from: library.prompts, context: context($0))!.id }
        let theirs = days.map { PromptSelector.select(from: library.prompts, context: PromptSelector.Context(bond: other, kind: .friendship, day: $0, history: [], mutualDays: 0, weakestSign: nil))!.id }
        #expect(mine != theirs, "different bonds get different questions")
    }

    @Test func nothingRepeatsUntilTheDeckIsExhausted() {
        let suitable = library.prompts.filter { $0.kinds.contains(.family) }
        let asked = play(days: suitable.count + 20, kind: .family)
        let firstCycle = asked.prefix(suitable.count).map(\.id)
        #expect(Set(firstCycle).count == suitable.count, "every suitable prompt once before any repeats")
        let secondCycle = asked.dropFirst(suitable.count).map(\.id)
        #expect(Set(secondCycle).count == secondCycle.count, "and the next cycle starts fresh")
    }

    @Test func familyAndFriendshipBondsNeverGetRomanticPrompts() {
        for kind in [BondKind.family, .friendship] {
            for prompt in play(days: 400, kind: kind) {
                #expect(prompt.kinds.contains(kind))
                #expect(prompt.kinds != [.romantic])
                #expect(DeckValidator.romanticWord(in: prompt.text) == nil, "\(prompt.id)")
            }
        }
    }

    @Test func depthRisesWithAnsweringTogether() {
        let asked = play(days: 60, kind: .romantic)
        #expect(asked.prefix(7).allSatisfy { $0.depth == 1 }, "light for the first week")
        #expect(asked[7..<21].allSatisfy { $0.depth <= 2 })
        #expect(asked[7..<21].contains { $0.depth == 2 }, "personal questions arrive")
        #expect(asked.dropFirst(21).contains { $0.depth == 3 }, "deep ones after three weeks")
        #expect(PromptSelector.maximumDepth(mutualDays: 0) == 1)
        #expect(PromptSelector.maximumDepth(mutualDays: 7) == 2)
        #expect(PromptSelector.maximumDepth(mutualDays: 21) == 3)
    }

    @Test func theWeakestSignIsFavoured() {
        let plain = play(days: 60, kind: .friendship).filter { $0.sign == .trust }.count
        let focused = play(days: 60, kind: .friendship, weakest: .trust).filter { $0.sign == .trust }.count
        #expect(focused > plain * 2, "trust: \(focused) with focus, \(plain) without")
    }
}

@Suite struct RevealTests {
    @Test(arguments: [
        (false, false, Reveal.State.open, true),
        (true, false, .waitingForThem, true),
        (false, true, .theyAnswered, true),
        (true, true, .revealed, false),
    ])
    func theStateMachine(_ you: Bool, _ they: Bool, _ expected: Reveal.State, _ mayWrite: Bool) {
        #expect(Reveal.state(youAnswered: you, theyAnswered: they) == expected)
        #expect(Reveal.mayWrite(youAnswered: you, theyAnswered: they) == mayWrite)
    }

    @Test func theirTextIsShownOnlyOnceRevealed() {
        for state in [Reveal.State.open, .waitingForThem, .theyAnswered] {
            #expect(Reveal.visibleText(of: "secret", state: state) == nil)
        }
        #expect(Reveal.visibleText(of: "secret", state: .revealed) == "secret")
    }

    @Test func repliesOpenOnlyAfterTheRevealInALivingBond() {
        #expect(Reveal.mayReply(state: .revealed, bondStatus: .active))
        #expect(!Reveal.mayReply(state: .revealed, bondStatus: .ended))
        #expect(!Reveal.mayReply(state: .theyAnswered, bondStatus: .active))
    }
}

@Suite struct ConsistencyTests {
    let today = LocalDay(string: "2026-11-27")!

    @Test func countsDaysAnsweredTogetherInTheWindow() {
        let days = Set([0, 1, 2, 4, 5, 6, 8, 9, 12, 30].map { today.adding(days: -$0) })
        let consistency = Consistency.over(window: 10, mutualDays: days, today: today)
        #expect(consistency == Consistency(days: 8, window: 10))
        #expect(consistency.sentence == "You've answered together on 8 of the last 10 days.")
    }

    @Test func aMissedDayNeverWipesOutTheRest() {
        let before = Set((1...9).map { today.adding(days: -$0) })
        #expect(Consistency.over(mutualDays: before, today: today).days == 9, "today not yet answered still counts the rest")
    }

    @Test func theWordingIsNeverAReproach() {
        #expect(Consistency(days: 0, window: 10).sentence == "Today is a lovely day to answer together.")
        #expect(Consistency(days: 1, window: 10).sentence.contains("a good start"))
        #expect(Consistency(days: 10, window: 10).sentence.contains("every one"))
        for days in 0...10 {
            let sentence = Consistency(days: days, window: 10).sentence.lowercased()
            for word in ["streak", "broke", "lost", "missed", "failed"] { #expect(!sentence.contains(word)) }
        }
    }
}

@Suite struct DeckContentTests {
    let library = try! ContentLibrary.load(directories: [ContentLibrary.builtInDirectory!]).get()

    @Test func theDecksHoldEnoughPromptsAtEveryDepth() {
        let prompts = library.prompts
        #expect(prompts.count >= 240)
        for depth in 1...3 { #expect(prompts.filter { $0.depth == depth }.count >= 50, "depth \(depth)") }
        for sign in Sign.allCases { #expect(prompts.filter { $0.sign == sign }.count >= 25, "\(sign)") }
        #expect(library.conversation?.questions.count == 36)
        #expect(library.checkin?.items.count == 6)
        #expect(library.appreciationStarters.count >= 10)
    }

    @Test func theValidatorCatchesEachKindOfMistake() {
        let good = Deck.Prompt(id: "a-1", text: "What made you laugh this week?", depth: 1, sign: .positiveFeelings, kinds: [.family])
        let decks = [Deck(key: "a", title: "A", description: "d", prompts: [
            good,
            Deck.Prompt(id: "a-1", text: "Another question entirely here?", depth: 1, sign: .trust, kinds: [.family]),
            Deck.Prompt(id: "a-2", text: "what made you LAUGH this week", depth: 2, sign: .trust, kinds: [.family]),
            Deck.Prompt(id: "a-3", text: "Too short", depth: 4, sign: .trust, kinds: []),
            Deck.Prompt(id: "a-4", text: "When did you last feel a spark with your partner?", depth: 2, sign: .trust, kinds: [.family, .romantic]),
            Deck.Prompt(id: "a-5", text: "What do you miss most about Essex?", depth: 3, sign: .trust, kinds: [.family]),
        ])]
        let problems = DeckValidator.problems(in: decks).joined(separator: "\n")
        #expect(problems.contains("a-1: id is used twice"))
        #expect(problems.contains("a-2: same text as a-1"))
        #expect(problems.contains("a-3: depth must be 1, 2 or 3"))
        #expect(problems.contains("a-3: kinds is empty"))
        #expect(problems.contains("a-3: text is 9 characters"))
        #expect(problems.contains("a-4: mentions \"partner\""))
        #expect(!problems.contains("a-5"), "whole words only: Essex is not sex")
        #expect(problems.contains("no depth-1 prompt suits friendship bonds"))
    }

    @Test func textIsTrimmedAndBounded() throws {
        #expect(try TextRules.clean("  hello \n", field: "text", allowed: TextRules.answerLength).get() == "hello")
        #expect((try? TextRules.clean("   ", field: "text", allowed: TextRules.answerLength).get()) == nil)
        #expect((try? TextRules.clean(String(repeating: "a", count: 2001), field: "text", allowed: TextRules.answerLength).get()) == nil)
        #expect(try TextRules.clean("two\nlines", field: "text", allowed: TextRules.answerLength).get() == "two\nlines")
        #expect((try? TextRules.clean("bell\u{7}", field: "text", allowed: TextRules.answerLength).get()) == nil)
    }
}
