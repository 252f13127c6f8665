import Foundation
import Testing
@testable import KindredCore

/// Issue 13's first rules: repair's steps and who may take them, and needs and desires that
/// show only mutual matches.
@Suite struct RepairTests {
    @Test func theStepsGoInOrderAndEachBelongsToTheRightPerson() {
        #expect(Repair.apply(.acknowledge, by: .other, at: .raised) == .step(.acknowledged))
        if case .refused = Repair.apply(.acknowledge, by: .raiser, at: .raised) {} else { Issue.record("the raiser acknowledged their own hurt") }
        #expect(Repair.apply(.agree(bothHaveWritten: false), by: .raiser, at: .acknowledged) == .unchanged)
        #expect(Repair.apply(.agree(bothHaveWritten: true), by: .other, at: .acknowledged) == .step(.agreed))
        #expect(Repair.apply(.resolve, by: .other, at: .agreed) == .step(.resolved))
        #expect(Repair.apply(.suggestLettingGo, by: .other, at: .resolved) == .unchanged)
        if case .refused = Repair.apply(.letGo, by: .other, at: .resolved) {} else { Issue.record("the other let it go for them") }
        #expect(Repair.apply(.letGo, by: .raiser, at: .resolved) == .step(.letGo))
        #expect(Repair.apply(.delete, by: .raiser, at: .letGo) == .deleted)
        if case .refused = Repair.apply(.delete, by: .other, at: .letGo) {} else { Issue.record("the other deleted it") }
        if case .refused = Repair.apply(.resolve, by: .raiser, at: .raised) {} else { Issue.record("a step was skipped") }
    }

    @Test func theRaiserMayWithdrawUntilItIsLetGoAndALetGoItemStaysGone() {
        for step in [Repair.Step.raised, .acknowledged, .agreed, .resolved] {
            #expect(Repair.apply(.withdraw, by: .raiser, at: step) == .step(.withdrawn))
            if case .refused = Repair.apply(.withdraw, by: .other, at: step) {} else { Issue.record("the other withdrew it at \(step)") }
        }
        // Nothing brings a let-go or withdrawn item back.
        let actions: [Repair.Action] = [.acknowledge, .agree(bothHaveWritten: true), .resolve, .suggestLettingGo, .letGo, .withdraw]
        for step in [Repair.Step.letGo, .withdrawn] {
            #expect(!Repair.isShown(step))
            for action in actions {
                for role in [Repair.Role.raiser, .other] {
                    if case .step = Repair.apply(action, by: role, at: step) { Issue.record("\(action) by \(role) moved \(step)") }
                }
            }
        }
        #expect(Repair.isShown(.resolved))
    }

    @Test func somethingMustBeSaidAndNotTooMuch() {
        #expect(Repair.raiseProblems(happened: " ", felt: nil, wouldHelp: "").map(\.field) == ["happened"])
        #expect(Repair.raiseProblems(happened: nil, felt: "Left out", wouldHelp: nil).isEmpty)
        #expect(Repair.raiseProblems(happened: String(repeating: "a", count: 2001), felt: nil, wouldHelp: nil).map(\.field) == ["happened"])
    }

    @Test func aStepsWordsAreOptionalExceptWhatYouWillDo() {
        #expect(Repair.stepTextProblems(agreeing: false, text: nil).isEmpty, "a reply is optional")
        #expect(Repair.stepTextProblems(agreeing: true, text: "  ").map(\.message) == ["Write what you will do."])
        #expect(Repair.stepTextProblems(agreeing: true, text: "Call if I'm late").isEmpty)
        #expect(Repair.stepTextProblems(agreeing: false, text: String(repeating: "é", count: 2001)).map(\.field) == ["text"])
        #expect(Repair.cleaned("  heard \n") == "heard")
        #expect(Repair.cleaned(" \n ") == nil && Repair.cleaned(nil) == nil)
    }
}

@Suite struct DesiresTests {
    typealias Mark = Desires.Mark

    @Test func onlyMutualOpennessIsAMatch() {
        #expect(Desires.isMatch(.yes, .yes))
        #expect(Desires.isMatch(.yes, .maybe) && Desires.isMatch(.maybe, .maybe))
        #expect(!Desires.isMatch(.yes, .no) && !Desires.isMatch(.no, .no))
        #expect(!Desires.isMatch(.yes, nil) && !Desires.isMatch(nil, .yes), "an item one left unmarked is not shown")
        let order = ["a", "b", "c", "d"]
        #expect(Desires.matches(order: order, yours: ["a": .yes, "b": .maybe, "c": .yes], theirs: ["a": .maybe, "b": .no, "d": .yes]) == ["a"])
    }

    /// Whatever one member marks and unmarks, in any order, what they are shown depends on the
    /// other's marks only through "is this a mutual match now": two partners whose marks differ
    /// only within yes/maybe, or only within no/unmarked, look exactly the same.
    @Test(arguments: 1...40)
    func noSequenceOfMarksRevealsMoreThanAMatch(seed: UInt64) {
        var random = SplitMix(seed: seed)
        let items = (0..<8).map { "item-\($0)" }
        let choices: [Mark?] = [.yes, .maybe, .no, nil]
        // Two partners: for each item, open in both or closed in both, but otherwise different.
        var partnerA: [String: Mark] = [:], partnerB: [String: Mark] = [:]
        for item in items {
            if random.next() % 2 == 0 {
                partnerA[item] = random.next() % 2 == 0 ? .yes : .maybe
                partnerB[item] = partnerA[item] == .yes ? .maybe : .yes
            } else {
                if random.next() % 2 == 0 { partnerA[item] = .no }
                if partnerA[item] == nil { partnerB[item] = .no }
            }
        }
        var viewer: [String: Mark] = [:]
        for _ in 0..<60 {
            let item = items[Int(random.next() % UInt64(items.count))]
            viewer[item] = choices[Int(random.next() % UInt64(choices.count))]
            let seenA = Desires.matches(order: items, yours: viewer, theirs: partnerA)
            let seenB = Desires.matches(order: items, yours: viewer, theirs: partnerB)
            #expect(seenA == seenB, "seed \(seed): two partners told apart by \(viewer)")
        }
    }
}
