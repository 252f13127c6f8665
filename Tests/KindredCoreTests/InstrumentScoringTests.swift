import Foundation
import Testing
@testable import KindredCore

/// Every shipped instrument, scored against hand-computed cases including both extremes.
@Suite struct InstrumentScoringTests {
    let library = try! ContentLibrary.load(directories: [ContentLibrary.builtInDirectory!]).get()

    func instrument(_ key: String) -> Instrument { library.instrument(key)! }

    func all(_ value: Int, _ instrument: Instrument, kind: BondKind = .romantic) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: instrument.items(for: kind).map { ($0.id, value) })
    }

    @Test func theFiveInstrumentsShip() {
        #expect(Set(library.instruments.map(\.key)) == ["eis", "six-signs", "intimacy-balance", "csi4", "swls"])
    }

    @Test func eisIsAFiveToTwentyFiveSum() throws {
        let eis = instrument("eis")
        #expect(try Scorer.score(all(1, eis), for: eis, kind: .family).total == 5)
        #expect(try Scorer.score(all(5, eis), for: eis, kind: .family).total == 25)
        let mixed = try Scorer.score(["eis1": 4, "eis2": 2, "eis3": 5, "eis4": 3, "eis5": 1], for: eis, kind: .friendship)
        #expect(mixed.total == 15)
        #expect(mixed.minimum == 5 && mixed.maximum == 25)
        #expect(mixed.band == nil, "the authors published no cut-offs")
        #expect(mixed.subscales.first { $0.key == "trust" }?.score == 4, "eis1 alone")
        #expect(mixed.subscales.first { $0.key == "feeling-understood" }?.score == 1, "eis5 alone")
    }

    @Test func eisItemsAreTheExactPublishedWording() {
        #expect(instrument("eis").items.map(\.text) == [
            "This person completely accepts me as I am.",
            "I can openly share my deepest thoughts and feelings with this person.",
            "This person cares deeply for me.",
            "This person would willingly help me in any way.",
            "My thoughts and feelings are understood and affirmed by this person.",
        ])
        #expect(instrument("eis").citation?.contains("Sinclair") == true)
    }

    @Test func csi4IsAZeroToTwentyOneSumWithItsCutOff() throws {
        let csi = instrument("csi4")
        let lowest = try Scorer.score(all(0, csi), for: csi, kind: .romantic)
        #expect(lowest.total == 0)
        #expect(lowest.band?.label == "Notable relationship dissatisfaction (below 13.5)")
        let highest = try Scorer.score(["csi1": 6, "csi2": 5, "csi3": 5, "csi4": 5], for: csi, kind: .romantic)
        #expect(highest.total == 21 && highest.maximum == 21)
        #expect(highest.band?.label == "Above the distress cut-off")
        let thirteen = try Scorer.score(["csi1": 4, "csi2": 3, "csi3": 3, "csi4": 3], for: csi, kind: .romantic)
        #expect(thirteen.total == 13 && thirteen.band?.label == "Notable relationship dissatisfaction (below 13.5)", "13 < 13.5")
        let fourteen = try Scorer.score(["csi1": 4, "csi2": 4, "csi3": 3, "csi4": 3], for: csi, kind: .romantic)
        #expect(fourteen.band?.label == "Above the distress cut-off")
    }

    @Test func csi4IsForRomanticBondsOnly() {
        #expect(instrument("csi4").bondKinds == [.romantic])
        #expect(!instrument("csi4").applies(to: .family))
    }

    @Test func swlsBandsFollowThePublishedRanges() throws {
        let swls = instrument("swls")
        let cases: [(Int, Int, Int, Int, Int, Double, String)] = [
            (1, 1, 1, 1, 1, 5, "Extremely dissatisfied"),
            (2, 2, 2, 2, 1, 9, "Extremely dissatisfied"),
            (2, 2, 2, 2, 2, 10, "Dissatisfied"),
            (4, 4, 4, 4, 4, 20, "Neutral"),
            (5, 4, 4, 4, 4, 21, "Slightly satisfied"),
            (6, 5, 5, 5, 5, 26, "Satisfied"),
            (7, 6, 6, 6, 6, 31, "Extremely satisfied"),
            (7, 7, 7, 7, 7, 35, "Extremely satisfied"),
        ]
        for (a, b, c, d, e, total, band) in cases {
            let score = try Scorer.score(["swls1": a, "swls2": b, "swls3": c, "swls4": d, "swls5": e], for: swls, kind: .friendship)
            #expect(score.total == total)
            #expect(score.band?.label == band, "\(total)")
        }
    }

    @Test func sixSignsScoresEachSignFromZeroToAHundred() throws {
        let signs = instrument("six-signs")
        #expect(try Scorer.score(all(1, signs), for: signs, kind: .friendship).total == 0)
        #expect(try Scorer.score(all(5, signs), for: signs, kind: .friendship).total == 100)
        var answers = all(3, signs)
        answers["trust1"] = 5
        answers["trust2"] = 4
        let score = try Scorer.score(answers, for: signs, kind: .friendship)
        // (5-1)/4 = 1 and (4-1)/4 = 0.75 → 87.5 for trust; 50 for the other five.
        #expect(score.subscales.first { $0.key == "trust" }?.score == 87.5)
        #expect(score.subscales.count == 6)
        #expect(abs(score.total - (87.5 + 5 * 50) / 6) < 0.0001)
        #expect(signs.validated == false)
    }

    @Test func intimacyBalanceAsksRomanticBondsAboutAllThreeKinds() throws {
        let balance = instrument("intimacy-balance")
        #expect(balance.items(for: .romantic).count == 6)
        #expect(balance.items(for: .friendship).map(\.id) == ["emotional-satisfaction", "emotional-attention"])
        #expect(balance.items(for: .family).allSatisfy { $0.theme == "emotional" })
        let romantic = try Scorer.score(all(5, balance), for: balance, kind: .romantic)
        #expect(romantic.total == 5)
        let friends = try Scorer.score(["emotional-satisfaction": 2, "emotional-attention": 4], for: balance, kind: .friendship)
        #expect(friends.total == 2, "the total is satisfaction only")
        #expect(friends.subscales.map(\.key) == ["emotional-satisfaction", "emotional-attention"])
    }

    @Test func incompleteAndOutOfRangeAnswersAreRefusedOnePerItem() {
        let eis = instrument("eis")
        let problems = Scorer.validate(["eis1": 0, "eis2": 6, "eis3": 3, "eis9": 3], for: eis, kind: .romantic)
        #expect(Set(problems.map(\.field)) == ["answers.eis1", "answers.eis2", "answers.eis4", "answers.eis5", "answers.eis9"])
        #expect(throws: ScoringError.self) { try Scorer.score([:], for: eis, kind: .romantic) }
    }

    @Test func romanticOnlyItemsAreRefusedInOtherBonds() {
        let balance = instrument("intimacy-balance")
        var answers = all(3, balance, kind: .romantic)
        answers["sexual-satisfaction"] = 3
        let problems = Scorer.validate(answers, for: balance, kind: .family)
        #expect(problems.contains { $0.field == "answers.sexual-satisfaction" })
    }
}

/// Scoring's properties, over random answers and an instrument with reverse-scored items.
@Suite struct ScoringPropertyTests {
    let library = try! ContentLibrary.load(directories: [ContentLibrary.builtInDirectory!]).get()

    static func reversible() -> Instrument {
        Instrument(
            key: "test", version: 1, title: "Test", shortTitle: "T", validated: false, citation: nil,
            licence: Instrument.notValidatedLabel, verify: nil, bondKinds: [.friendship], intro: "i",
            scales: ["s": .init(options: (1...5).map { .init(value: $0, label: "\($0)") })],
            items: [
                .init(id: "a", text: "A", predictText: nil, scale: "s", reverse: false, theme: nil, bondKinds: nil),
                .init(id: "b", text: "B", predictText: nil, scale: "s", reverse: true, theme: nil, bondKinds: nil),
            ],
            scoring: .init(method: .sum, subscales: nil, totalItems: nil, totalLabel: nil),
            bands: nil, meaning: "m", helps: ["h"], predictable: true, cadenceDays: nil
        )
    }

    @Test func reverseItemsScoreFromTheOtherEnd() throws {
        let instrument = Self.reversible()
        for raw in 1...5 {
            let score = try Scorer.score(["a": 3, "b": raw], for: instrument, kind: .friendship)
            #expect(score.items["b"] == 6 - raw)
            #expect(score.total == Double(3 + 6 - raw))
        }
    }

    @Test func everyTotalStaysWithinItsBoundsForRandomAnswers() throws {
        var generator = SystemRandomNumberGenerator()
        for instrument in library.instruments {
            for kind in instrument.bondKinds {
                for _ in 0..<200 {
                    var answers: [String: Int] = [:]
                    for item in instrument.items(for: kind) {
                        let scale = instrument.scale(of: item)!
                        answers[item.id] = Int.random(in: scale.minimum...scale.maximum, using: &generator)
                    }
                    let score = try Scorer.score(answers, for: instrument, kind: kind)
                    #expect(score.total >= score.minimum && score.total <= score.maximum, "\(instrument.key)")
                    for part in score.subscales {
                        #expect(part.score >= part.minimum && part.score <= part.maximum, "\(instrument.key).\(part.key)")
                    }
                    if let bands = instrument.bands {
                        #expect(score.band != nil, "\(instrument.key) \(score.total) falls in no band")
                        #expect(bands.filter { $0.contains(score.total) }.count == 1)
                    }
                }
            }
        }
    }

    @Test func raisingOneAnswerNeverLowersTheTotal() throws {
        for instrument in library.instruments {
            let kind = instrument.bondKinds[0]
            let items = instrument.items(for: kind)
            var answers = Dictionary(uniqueKeysWithValues: items.map { ($0.id, instrument.scale(of: $0)!.minimum) })
            var previous = try Scorer.score(answers, for: instrument, kind: kind).total
            for item in items where !item.isReversed {
                answers[item.id] = instrument.scale(of: item)!.maximum
                let next = try Scorer.score(answers, for: instrument, kind: kind).total
                #expect(next >= previous, "\(instrument.key).\(item.id)")
                previous = next
            }
        }
    }
}

@Suite struct SignFractionTests {
    @Test func eachSignSitsBetweenItsSubscalesEndsInTheSubscalesOrder() {
        let score = InstrumentScore(total: 0, minimum: 0, maximum: 1, band: nil, subscales: [
            .init(key: "trust", label: "Trust", score: 4, minimum: 2, maximum: 10),
            .init(key: "not-a-sign", label: "Other", score: 1, minimum: 0, maximum: 2),
            .init(key: "communication", label: "Listening", score: 10, minimum: 2, maximum: 10),
            .init(key: "vulnerability", label: "Vulnerability", score: 3, minimum: 3, maximum: 3),
        ], items: [:])
        #expect(score.signFractions.map(\.sign) == [.trust, .communication, .vulnerability])
        #expect(score.signFractions.map(\.fraction) == [0.25, 1, 0], "an empty range reads 0, never a division by zero")
    }
}
