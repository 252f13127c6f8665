import Foundation
import Testing
@testable import KindredCore

@Suite struct MeasureRulesTests {
    let library = try! ContentLibrary.load(directories: [ContentLibrary.builtInDirectory!]).get()
    let ana = UserID(UUID())
    let ben = UserID(UUID())
    let day: TimeInterval = 86_400
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    func result(_ owner: UserID, _ key: String = "eis", mode: ResultSummary.Mode = .self, shared: Bool = true,
                daysIn: Double = 0, answers: [String: Int]? = nil) throws -> ResultSummary {
        let instrument = library.instrument(key)!
        let answers = answers ?? Dictionary(uniqueKeysWithValues: instrument.items(for: .romantic).map { ($0.id, 3) })
        return ResultSummary(owner: owner, instrument: key, mode: mode, shared: shared, takenAt: start.addingTimeInterval(daysIn * day),
                             answers: answers, score: try Scorer.score(answers, for: instrument, kind: .romantic))
    }

    // MARK: - Visibility

    @Test func ownersAlwaysSeeTheirResults() throws {
        #expect(ResultVisibility.isVisible(try result(ana, shared: false), to: ana))
        #expect(ResultVisibility.isVisible(try result(ana, mode: .predict, shared: false), to: ana))
    }

    @Test func theOtherMemberSeesOnlySharedSelfResults() throws {
        #expect(!ResultVisibility.isVisible(try result(ana, shared: false), to: ben))
        #expect(ResultVisibility.isVisible(try result(ana, shared: true), to: ben))
        #expect(!ResultVisibility.isVisible(try result(ana, mode: .predict, shared: true), to: ben), "a prediction is never shown, even if flagged")
    }

    // MARK: - Comparison

    @Test func comparisonNeedsBothSharedWithinFourteenDays() throws {
        #expect(Comparison.latestPair([try result(ana)], [try result(ben, daysIn: 14)]) != nil)
        #expect(Comparison.latestPair([try result(ana)], [try result(ben, daysIn: 14.01)]) == nil)
        #expect(Comparison.latestPair([try result(ana, shared: false)], [try result(ben)]) == nil)
        #expect(Comparison.latestPair([try result(ana)], [try result(ben, shared: false)]) == nil)
        #expect(Comparison.latestPair([try result(ana)], [try result(ben, "swls")]) == nil, "same instrument only")
        #expect(Comparison.latestPair([try result(ana, mode: .predict)], [try result(ben)]) == nil)
    }

    @Test func theMostRecentPairIsChosen() throws {
        let old = try result(ana, daysIn: 0), recent = try result(ana, daysIn: 40)
        let theirsOld = try result(ben, daysIn: 1), theirsRecent = try result(ben, daysIn: 45)
        let pair = Comparison.latestPair([old, recent], [theirsOld, theirsRecent])
        #expect(pair?.mine.takenAt == recent.takenAt)
        #expect(pair?.theirs.takenAt == theirsRecent.takenAt)
    }

    @Test func comparisonRowsArePerItemOrPerSign() throws {
        let eis = library.instrument("eis")!
        let mine = try result(ana, answers: ["eis1": 5, "eis2": 4, "eis3": 3, "eis4": 2, "eis5": 1])
        let theirs = try result(ben, answers: ["eis1": 1, "eis2": 4, "eis3": 5, "eis4": 2, "eis5": 3])
        let rows = Comparison.rows(eis, mine: mine.score, theirs: theirs.score)
        #expect(rows.map(\.difference) == [4, 0, -2, 0, -2])
        let signs = library.instrument("six-signs")!
        let a = try result(ana, "six-signs"), b = try result(ben, "six-signs")
        #expect(Comparison.rows(signs, mine: a.score, theirs: b.score).count == 6)
    }

    // MARK: - Perception gap

    @Test func aPerfectPredictionIsAHundred() {
        let eis = library.instrument("eis")!
        let answers = ["eis1": 5, "eis2": 4, "eis3": 3, "eis4": 2, "eis5": 1]
        let gap = PerceptionGap.compare(prediction: answers, actual: answers, instrument: eis, kind: .family)
        #expect(gap?.understanding == 100)
        #expect(gap?.meanAbsoluteDifference == 0)
    }

    @Test func theWorstPredictionIsZero() {
        let eis = library.instrument("eis")!
        let ones = Dictionary(uniqueKeysWithValues: eis.items.map { ($0.id, 1) })
        let fives = Dictionary(uniqueKeysWithValues: eis.items.map { ($0.id, 5) })
        let gap = PerceptionGap.compare(prediction: ones, actual: fives, instrument: eis, kind: .family)
        #expect(gap?.understanding == 0)
        #expect(gap?.meanAbsoluteDifference == 4)
    }

    @Test func understandingIsOneMinusTheMeanGapOverTheRange() {
        let eis = library.instrument("eis")!
        // Differences 1, 0, 2, 0, 1 → mean 0.8 of a 4-point range → 80.
        let gap = PerceptionGap.compare(
            prediction: ["eis1": 4, "eis2": 4, "eis3": 3, "eis4": 2, "eis5": 2],
            actual: ["eis1": 5, "eis2": 4, "eis3": 5, "eis4": 2, "eis5": 1], instrument: eis, kind: .family
        )
        #expect(gap?.meanAbsoluteDifference == 0.8)
        #expect(gap?.understanding == 80)
    }

    @Test func aPredictionIsPinnedToOneResultThatLaterResultsCannotMove() throws {
        let prediction = try result(ana, mode: .predict, shared: false, daysIn: 10)
        let far = try result(ben, daysIn: 30), before = try result(ben, shared: false, daysIn: 8), after = try result(ben, daysIn: 12)
        let later = try result(ben, daysIn: 13), sameDay = try result(ben, daysIn: 10)
        // The latest at or before the guess, shared or not; else the first after; never one outside the window.
        #expect(PerceptionGap.pin(predictionAt: prediction.takenAt, instrument: "eis", among: [far, before, after])?.takenAt == before.takenAt)
        #expect(PerceptionGap.pin(predictionAt: prediction.takenAt, instrument: "eis", among: [far, after, later])?.takenAt == after.takenAt)
        #expect(PerceptionGap.pin(predictionAt: prediction.takenAt, instrument: "eis", among: [far, sameDay, after])?.takenAt == sameDay.takenAt)
        #expect(PerceptionGap.pin(predictionAt: prediction.takenAt, instrument: "eis", among: [far]) == nil)
        #expect(PerceptionGap.pin(predictionAt: prediction.takenAt, instrument: "csi4", among: [before]) == nil)
        // Adding results after the pinned one never changes it.
        for extra in 13...24 {
            let more = try result(ben, daysIn: Double(extra))
            #expect(PerceptionGap.pin(predictionAt: prediction.takenAt, instrument: "eis", among: [after, more, later])?.takenAt == after.takenAt)
        }
    }

    // MARK: - Balance

    func balance(_ values: [String: Int]) throws -> InstrumentScore {
        try Scorer.score(values, for: library.instrument("intimacy-balance")!, kind: .romantic)
    }

    @Test func clearlyMoreAttentionToOneWhileAnotherIsUnsatisfyingIsFlagged() throws {
        let score = try balance([
            "emotional-satisfaction": 4, "emotional-attention": 2,
            "physical-satisfaction": 4, "physical-attention": 3,
            "sexual-satisfaction": 4, "sexual-attention": 5,
        ])
        #expect(BalanceInsight.findings(in: score).isEmpty, "satisfied everywhere: no flag, however attention is spread")
        let lopsided = try balance([
            "emotional-satisfaction": 2, "emotional-attention": 2,
            "physical-satisfaction": 4, "physical-attention": 3,
            "sexual-satisfaction": 4, "sexual-attention": 5,
        ])
        let findings = BalanceInsight.findings(in: lopsided)
        #expect(findings.map(\.favoured) == ["sexual"])
        #expect(findings.map(\.neglected) == ["emotional"])
        #expect(findings[0].message.contains("nobody's fault"))
    }

    @Test func aOnePointGapIsNotClearlyMore() throws {
        let score = try balance([
            "emotional-satisfaction": 1, "emotional-attention": 3,
            "physical-satisfaction": 4, "physical-attention": 4,
            "sexual-satisfaction": 4, "sexual-attention": 4,
        ])
        #expect(BalanceInsight.findings(in: score).isEmpty)
    }

    // MARK: - Trend and due

    @Test func trendIgnoresSmallMoves() throws {
        let eis = library.instrument("eis")!
        func total(_ n: Int) throws -> InstrumentScore {
            var answers = Dictionary(uniqueKeysWithValues: eis.items.map { ($0.id, 1) })
            for (index, item) in eis.items.enumerated() { answers[item.id] = 1 + min(4, max(0, n - index * 4)) }
            return try Scorer.score(answers, for: eis, kind: .family)
        }
        let base = try total(8)
        #expect(Trend.of(latest: base, previous: nil) == .first)
        #expect(Trend.of(latest: try total(10), previous: base) == .up)
        #expect(Trend.of(latest: try total(6), previous: base) == .down)
        #expect(Trend.of(latest: base, previous: base) == .steady)
    }

    @Test func aMeasureIsDueWhenNeverTakenOrItsCadenceHasPassed() {
        #expect(Due.isDue(lastTaken: nil, cadenceDays: 30, now: start))
        #expect(!Due.isDue(lastTaken: start, cadenceDays: 30, now: start.addingTimeInterval(29 * day)))
        #expect(Due.isDue(lastTaken: start, cadenceDays: 30, now: start.addingTimeInterval(30 * day)))
        #expect(!Due.isDue(lastTaken: nil, cadenceDays: nil, now: start))
        #expect(Due.nextDue(lastTaken: start, cadenceDays: 7, now: start) == start.addingTimeInterval(7 * day))
    }
}

@Suite struct ChartTests {
    @Test func lineChartIsLabelledForScreenReadersAndStyledOnlyByClass() {
        let svg = Charts.line(id: "h", title: "EIS <over> time", description: "Two results", points: [
            .init(date: Date(timeIntervalSince1970: 0), value: 10), .init(date: Date(timeIntervalSince1970: 86_400 * 30), value: 20),
        ], minimum: 5, maximum: 25)
        #expect(svg.hasPrefix("<svg"))
        #expect(svg.contains(#"role="img""#))
        #expect(svg.contains(#"aria-labelledby="h-title h-desc""#))
        #expect(svg.contains("<title id=\"h-title\">EIS &lt;over&gt; time</title>"))
        #expect(svg.contains("<desc id=\"h-desc\">Two results</desc>"))
        #expect(svg.contains("<polyline"))
        #expect(!svg.contains("style="), "the CSP forbids inline style")
        #expect(!svg.contains("<script"))
    }

    @Test func aLowerValueIsDrawnLower() {
        let svg = Charts.line(id: "x", title: "t", description: "d", points: [
            .init(date: Date(timeIntervalSince1970: 0), value: 5), .init(date: Date(timeIntervalSince1970: 100), value: 25),
        ], minimum: 5, maximum: 25, width: 320, height: 160)
        // y grows downwards: the minimum sits at the bottom of the plot (160 - 24), the maximum at the top (10).
        #expect(svg.contains(#"points="34,136 310,10""#))
    }

    @Test func barsAreProportionalToTheirOwnScale() {
        let svg = Charts.bars(id: "p", title: "Profile", description: "d", bars: [
            .init(label: "Trust", value: 50), .init(label: "Item", value: 3, minimum: 1, maximum: 5),
        ], width: 320)
        #expect(svg.components(separatedBy: #"class="chart-bar""#).count == 3)
        #expect(svg.contains(#"width="138""#), "half of 276 for 50 of 100 and for 3 on 1–5")
    }
}

@Suite struct ContentTests {
    @Test func builtInContentIsValid() throws {
        let loaded = ContentLibrary.load(directories: [ContentLibrary.builtInDirectory!])
        if case .failure(let problems) = loaded { Issue.record("\(problems)") }
    }

    @Test func anOperatorFolderAddsAndReplacesByKey() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kindred-content-\(UUID())")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("instruments"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let builtIn = ContentLibrary.builtInDirectory!
        var eis = try String(contentsOf: builtIn.appendingPathComponent("instruments/1-eis.yaml"), encoding: .utf8)
        eis = eis.replacingOccurrences(of: "cadenceDays: 30", with: "cadenceDays: 14")
        try eis.write(to: folder.appendingPathComponent("instruments/1-eis.yaml"), atomically: true, encoding: .utf8)
        let library = try ContentLibrary.load(directories: [builtIn, folder]).get()
        #expect(library.instrument("eis")?.cadenceDays == 14)
        #expect(library.instruments.count == 5)
    }

    @Test func everyProblemInABrokenFileIsReported() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kindred-content-\(UUID())")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("instruments"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try """
        key: Bad Key
        version: 0
        title: ""
        shortTitle: B
        validated: true
        licence: "x"
        bondKinds: [friendship]
        intro: "i"
        scales:
          s: { options: [ { value: 1, label: "a" }, { value: 3, label: "" } ] }
        items:
          - { id: a, text: "A", scale: s }
          - { id: a, text: "", scale: nope }
        scoring: { method: sum, subscales: [ { key: x, label: X, items: [zzz], method: mean } ] }
        bands: [ { min: 1, max: 5, label: L, meaning: m }, { min: 4, max: 9, label: M, meaning: m } ]
        meaning: "m"
        helps: []
        predictable: true
        """.write(to: folder.appendingPathComponent("instruments/bad.yaml"), atomically: true, encoding: .utf8)
        try "key: [not closed".write(to: folder.appendingPathComponent("instruments/broken.yaml"), atomically: true, encoding: .utf8)
        guard case .failure(let problems) = ContentLibrary.load(directories: [folder]) else {
            Issue.record("broken content loaded"); return
        }
        let text = problems.description
        for expected in ["lower-case", "version", "title is empty", "citation", "skips a value", "no label",
                         "used twice", "unknown scale", "unknown item zzz", "overlap", "helps is empty", "broken.yaml"] {
            #expect(text.contains(expected), "missing: \(expected)\n\(text)")
        }
    }
}
