import Foundation
import Testing
@testable import KindredCore

/// The weekly plan: three practices from the viewer's own measures and what the two did lately,
/// each with its reason; the same week and inputs give the same plan.
@Suite struct WeeklyPlanTests {
    let library: WeeklyPlan.Library = {
        let content = try! ContentLibrary.load(directories: [ContentLibrary.builtInDirectory!]).get()
        return WeeklyPlan.Library(decks: content.decks, ritualIdeas: content.ritualIdeas, planIdeas: content.planIdeas,
                                  appreciationStarters: content.appreciationStarters)
    }()
    let taken = Date(timeIntervalSince1970: 1_800_000_000)
    /// Busy lately: nothing from "lately" competes with what the measures say.
    let busy = WeeklyPlan.Lately(daysAnsweredTogether: 7, appreciationsSent: 3, conversationInLast30Days: true, plansToCome: 1, activeRituals: 1)

    func signs(_ values: [Sign: Double]) -> [WeeklyPlan.Evidence] {
        values.map { .init(sign: $0.key, strength: $0.value, source: .sixSigns(takenAt: taken)) }
    }

    struct Case: Sendable {
        let name: String
        let weakest: Sign
        let firstKind: WeeklyPlan.Practice.Kind
    }

    /// Each sign, lowest, leads to the practice that fits it best.
    @Test(arguments: [
        Case(name: "quality time", weakest: .qualityTime, firstKind: .together),
        Case(name: "positive feelings", weakest: .positiveFeelings, firstKind: .appreciation),
        Case(name: "trust", weakest: .trust, firstKind: .ritual),
        Case(name: "open sharing, conversation done lately", weakest: .openSharing, firstKind: .deck),
        Case(name: "communication, nothing to repair", weakest: .communication, firstKind: .deck),
    ])
    func theLowestSignLeads(_ row: Case) {
        var values = Dictionary(uniqueKeysWithValues: Sign.allCases.map { ($0, 0.7) })
        values[row.weakest] = 0.2
        let plan = WeeklyPlan.practices(.init(week: "2027-W02", kind: .romantic, evidence: signs(values), lately: busy), from: library)
        #expect(plan.count == 3, "\(row.name)")
        #expect(plan.first?.kind == row.firstKind, "\(row.name)")
        #expect(plan.first?.reason == "because \(row.weakest.label.lowercased()) was your lowest sign in your last six signs", "\(row.name)")
        #expect(Set(plan.map(\.kind)).count == 3, "no two of a kind")
        if [.together, .appreciation, .ritual].contains(row.firstKind) {
            #expect(plan[1].reason == "because it is another way to build \(row.weakest.label.lowercased()), your lowest sign", "\(row.name)")
        }
        #expect(plan.filter { $0.reason.contains(row.weakest.label.lowercased()) }.count <= 2, "at most two for one sign")
        #expect(plan.allSatisfy { $0.reason.hasPrefix("because ") && !$0.title.isEmpty })
    }

    @Test func eachSourceSaysItsOwnReason() {
        let week = "2027-W10"
        let checkin = WeeklyPlan.practices(.init(week: week, kind: .friendship, evidence: [
            .init(sign: .qualityTime, strength: 0.25, source: .checkin(rating: 2, weekOf: taken)),
        ], lately: busy), from: library)
        #expect(checkin.first?.reason == "because you rated quality time 2 of 5 in your last check-in")
        let eis = WeeklyPlan.practices(.init(week: week, kind: .family, evidence: [
            .init(sign: .communication, strength: 0, source: .eisItem(theme: "feeling understood", takenAt: taken)),
        ], lately: busy), from: library)
        #expect(eis.first?.reason == "because the statement about feeling understood felt least true in your last Emotional Intimacy Scale")
        let theirs = WeeklyPlan.practices(.init(week: week, kind: .romantic, evidence: [
            .init(sign: .trust, strength: 0.1, source: .theirSixSigns(name: "Sam", takenAt: taken)),
        ], lately: busy), from: library)
        #expect(theirs.first?.reason == "because trust was the lowest sign in what Sam shared with you")
    }

    @Test func whatTheTwoDidLatelyFillsTheRest() {
        let strong = signs(Dictionary(uniqueKeysWithValues: Sign.allCases.map { ($0, 0.9) }))
        let quiet = WeeklyPlan.practices(.init(week: "2027-W02", kind: .romantic, evidence: strong, lately: .init(repairsWaitingOnYou: 1)), from: library)
        #expect(quiet.map(\.kind) == [.repair, .appreciation, .together])
        #expect(quiet[0].reason == "because something raised between you is waiting on a step from you")
        #expect(quiet[1].reason == "because you haven't sent an appreciation in the last two weeks")
        let nothingMeasured = WeeklyPlan.practices(.init(week: "2027-W02", kind: .family, lately: busy), from: library)
        #expect(nothingMeasured.map(\.kind).contains(.measure))
        #expect(nothingMeasured.count == 3)
    }

    @Test func theSameWeekGivesTheSamePlanAndAnotherWeekMayDiffer() {
        let evidence = signs([.trust: 0.3, .qualityTime: 0.5])
        let weeks = (1...12).map { String(format: "2027-W%02d", $0) }
        let plans = weeks.map { WeeklyPlan.practices(.init(week: $0, kind: .romantic, evidence: evidence, lately: busy), from: library) }
        for (week, plan) in zip(weeks, plans) {
            #expect(WeeklyPlan.practices(.init(week: week, kind: .romantic, evidence: evidence, lately: busy), from: library) == plan)
        }
        #expect(Set(plans.map { $0.first?.target ?? "" }).count > 1, "the ritual offered changes from week to week")
    }

    @Test func nothingRomanticOutsideRomanticBondsAndApartComesFirstWhenApart() {
        let evidence = signs([.qualityTime: 0.1, .trust: 0.2, .positiveFeelings: 0.3])
        for week in (1...20).map({ String(format: "2027-W%02d", $0) }) {
            for kind in [BondKind.friendship, .family] {
                for practice in WeeklyPlan.practices(.init(week: week, kind: kind, evidence: evidence, lately: busy), from: library) {
                    if practice.kind == .ritual { #expect(library.ritualIdeas.first { $0.id == practice.target }?.kinds.contains(kind) == true) }
                    if practice.kind == .together { #expect(library.planIdeas.first { $0.id == practice.target }?.kinds.contains(kind) == true) }
                }
            }
            let apart = WeeklyPlan.practices(.init(week: week, kind: .romantic, apart: true, evidence: evidence, lately: busy), from: library)
            let together = try! #require(apart.first { $0.kind == .together })
            #expect(library.planIdeas.first { $0.id == together.target }?.place == .apart)
        }
    }

    @Test func aBalanceFindingPointsToTimeTogetherForRomanticBondsOnly() {
        let strong = signs(Dictionary(uniqueKeysWithValues: Sign.allCases.map { ($0, 0.9) }))
        let romantic = WeeklyPlan.practices(.init(week: "2027-W05", kind: .romantic, evidence: strong, neglectedCloseness: "physical", lately: busy), from: library)
        #expect(romantic.first?.reason == "because physical closeness felt unsatisfying in your intimacy balance")
        let friends = WeeklyPlan.practices(.init(week: "2027-W05", kind: .friendship, evidence: strong, neglectedCloseness: "physical", lately: busy), from: library)
        #expect(!friends.contains { $0.reason.contains("intimacy balance") })
    }
}

@Suite struct DesireAndRepairContentTests {
    let content = try! ContentLibrary.load(directories: [ContentLibrary.builtInDirectory!]).get()

    @Test func theShippedItemsAndGuidanceAreComplete() throws {
        let desires = try #require(content.desires)
        #expect(desires.groups.map(\.key) == DesireGuide.groupKeys)
        #expect(desires.order.count >= 40)
        #expect(DesireGuide.problems(in: desires).isEmpty)
        let repair = try #require(content.repair)
        #expect(RepairGuide.problems(in: repair).isEmpty)
        for step in Repair.Step.allCases { #expect(repair.guidance(for: step) != nil) }
    }

    @Test func theChecksCatchWhatWouldBeWrong() throws {
        var desires = try #require(content.desires)
        desires.groups[0].items.append(desires.groups[0].items[0])
        desires.groups.removeLast()
        let problems = DesireGuide.problems(in: desires)
        #expect(problems.contains { $0.contains("the groups should be") })
        #expect(problems.contains { $0.contains("id is used twice") })
        var repair = try #require(content.repair)
        repair.steps.removeAll { $0.step == .letGo }
        #expect(RepairGuide.problems(in: repair) == ["there is no guidance for let-go"])
    }
}
