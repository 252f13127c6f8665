import Foundation
import Testing
@testable import KindredCore

/// Issue 14's "between sessions" summary: a professional sees only what the open scopes allow,
/// and never anything unshared, unrevealed or predicted, whatever the server loaded.
@Suite struct ProfessionalSummaryTests {
    typealias Scope = ProfessionalAccess.Scope
    typealias Summary = ProfessionalSummary
    typealias Checkin = ProfessionalSummary.Checkin
    typealias Answer = ProfessionalSummary.Answer

    /// Friday 15 January 2027, 08:00 UTC, in ISO week 2027-W02 (2026 has a week 53).
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let today = LocalDay(year: 2027, month: 1, day: 15)
    static func day(_ n: Int) -> Date { now.addingTimeInterval(Double(n) * 86_400) }
    static func local(_ n: Int) -> LocalDay { today.adding(days: n) }

    static func result(_ member: Int, _ instrument: String = "csi4", isSelf: Bool = true, shared: Bool = true, at n: Int,
                       total: Double = 15, signs: [Sign: Double] = [:]) -> Summary.Result {
        .init(member: member, instrument: instrument, isSelf: isSelf, shared: shared, takenAt: day(n), total: total,
              minimum: 4, maximum: 21, band: nil, signs: signs)
    }

    static func both(_ n: Int, _ text: String = "") -> [Answer] {
        [Answer(member: 1, day: local(n), text: "\(text)1"), Answer(member: 0, day: local(n), text: "\(text)0")]
    }

    static func build(_ scopes: Set<Scope>, since: Int = -30, results: [Summary.Result] = [], checkins: [Checkin] = [],
                      answers: [Answer] = [], prompts: [LocalDay: String] = [:], rituals: [LocalDay] = []) -> Summary.Summary? {
        Summary.build(.init(state: .open(scopes), since: day(since), now: now, results: results, checkins: checkins,
                            answers: answers, prompts: prompts, ritualsKept: rituals))
    }

    /// Everything a bond might hold, private and shared alike.
    static let loaded = Summary.Input(
        state: .open([]), since: day(-14), now: now,
        results: [result(0, at: -40, total: 16), result(0, at: -2, total: 12), result(0, shared: false, at: -1, total: 3),
                  result(1, isSelf: false, at: -1, total: 3), result(1, shared: false, at: -3, total: 20)],
        checkins: [Checkin(member: 0, week: "2027-W01", ratings: ["close": 4], note: "n0"),
                   Checkin(member: 1, week: "2027-W01", ratings: ["close": 3], note: "n1"),
                   Checkin(member: 0, week: "2027-W02", ratings: ["close": 5], note: "unmatched")],
        answers: (-29 ... -20).flatMap { both($0) } + both(-5, "x") + [Answer(member: 0, day: local(-1), text: "unrevealed")],
        prompts: [local(-5): "What made you laugh?"], ritualsKept: [local(-2)])

    @Test func nothingAtAllUnlessAccessIsOpen() {
        for state in [ProfessionalAccess.State.invited, .awaitingConsent(consented: 0), .awaitingConsent(consented: 1), .ended] {
            var input = Self.loaded
            input.state = state
            #expect(Summary.build(input) == nil, "\(state)")
        }
        let empty = Summary.build(Self.loaded)
        #expect(empty == Summary.Summary(scopes: [], results: [], checkins: [], rhythm: [], answers: [], notable: []))
    }

    @Test func eachScopeOpensOnlyItsOwnPartAndNothingPrivateEverShows() throws {
        for scopes in ProfessionalAccessTests.subsets {
            var input = Self.loaded
            input.state = .open(scopes)
            let summary = try #require(Summary.build(input))
            #expect(summary.scopes == scopes)
            #expect(summary.results.isEmpty == !scopes.contains(.sharedResults), "\(scopes)")
            #expect(summary.results.allSatisfy { $0.isSelf && $0.shared })
            #expect(summary.checkins.isEmpty == !scopes.contains(.checkins), "\(scopes)")
            #expect(summary.checkins.allSatisfy { $0.week == "2027-W01" }, "an unmatched check-in is unrevealed")
            let notes = scopes.contains(.checkins) && scopes.contains(.checkinNotes)
            #expect(summary.checkins.allSatisfy { ($0.note != nil) == notes }, "\(scopes)")
            #expect(summary.rhythm.count == (scopes.contains(.rhythm) ? Summary.rhythmWeeks : 0))
            #expect(summary.answers.isEmpty == !scopes.contains(.answers))
            #expect(!summary.answers.flatMap(\.answers).contains("unrevealed"))
            #expect(summary.notable.contains { $0.member == 0 } == scopes.contains(.sharedResults), "\(scopes)")
            #expect(summary.notable.contains { $0.member == nil } == scopes.contains(.rhythm), "\(scopes)")
            #expect(!summary.notable.contains { $0.member == 1 }, "member 1 shared nothing")
        }
    }

    @Test func resultsAreSharedSelfResultsOnlyOldestFirst() {
        let results = [Self.result(1, at: -3), Self.result(0, at: -9), Self.result(0, shared: false, at: -5),
                       Self.result(1, isSelf: false, at: -6), Self.result(0, isSelf: false, shared: false, at: -7), Self.result(0, at: -1)]
        #expect(Self.build([.sharedResults], results: results)?.results == [results[1], results[0], results[5]])
        #expect(Self.build(Set(Scope.allCases).subtracting([.sharedResults]), results: results)?.results == [])
    }

    @Test func checkInsOnlyForWeeksBothCheckedInNotesOnlyWithTheirScope() {
        let rows = [Checkin(member: 1, week: "2027-W01", ratings: ["close": 3], note: "b"),
                    Checkin(member: 0, week: "2027-W02", ratings: ["close": 5], note: "alone"),
                    Checkin(member: 1, week: "2026-W53", ratings: ["close": 2], note: nil),
                    Checkin(member: 0, week: "2027-W01", ratings: ["close": 4], note: "a"),
                    Checkin(member: 0, week: "2026-W53", ratings: ["close": 1], note: "c")]
        let withNotes = Self.build([.checkins, .checkinNotes], checkins: rows)?.checkins
        #expect(withNotes == [rows[4], rows[2], rows[3], rows[0]], "oldest week first, member order, unmatched week dropped")
        let withoutNotes = Self.build([.checkins], checkins: rows)?.checkins
        #expect(withoutNotes?.map(\.week) == ["2026-W53", "2026-W53", "2027-W01", "2027-W01"])
        #expect(withoutNotes?.map(\.ratings) == withNotes?.map(\.ratings))
        #expect(withoutNotes?.allSatisfy { $0.note == nil } == true)
        #expect(Self.build([.checkinNotes], checkins: rows)?.checkins == [], "notes alone open nothing")
        #expect(Self.build([.sharedResults, .rhythm, .answers], checkins: rows)?.checkins == [])
    }

    @Test func rhythmCountsTwelveISOWeeksEndingNow() {
        // Both answered on Fri 15 Jan and Mon 11 Jan (W02) and Sun 10 Jan (W01); only one on Tue 12 Jan.
        let answers = Self.both(0) + Self.both(-4) + Self.both(-5) + [Answer(member: 0, day: Self.local(-3), text: "")]
        let rituals = [Self.local(-1), Self.local(-11), Self.local(-18), Self.local(-81), Self.local(-82)]
        let rhythm = Self.build([.rhythm], answers: answers, rituals: rituals)?.rhythm ?? []
        #expect(rhythm.count == 12)
        #expect(rhythm.first?.week == "2026-W44")
        #expect(rhythm.last?.week == "2027-W02")
        #expect(rhythm.map(\.week) == rhythm.map(\.week).sorted() && Set(rhythm.map(\.week)).count == 12)
        #expect(rhythm.map(\.week).contains("2026-W53"))
        let byWeek = Dictionary(uniqueKeysWithValues: rhythm.map { ($0.week, $0) })
        #expect(byWeek["2027-W02"] == .init(week: "2027-W02", daysAnsweredTogether: 2, ritualsKept: 1))
        #expect(byWeek["2027-W01"] == .init(week: "2027-W01", daysAnsweredTogether: 1, ritualsKept: 1))
        #expect(byWeek["2026-W53"] == .init(week: "2026-W53", daysAnsweredTogether: 0, ritualsKept: 1))
        #expect(byWeek["2026-W44"] == .init(week: "2026-W44", daysAnsweredTogether: 0, ritualsKept: 1), "Mon 26 Oct")
        #expect(rhythm.map(\.ritualsKept).reduce(0, +) == 4, "Sun 25 Oct is in week 43, before the twelve")
        #expect(Self.build([.answers], answers: answers, rituals: rituals)?.rhythm == [])
    }

    @Test func answersAreRevealedDaysOfTheLastFourWeeksNewestFirstWithTheirPrompt() {
        let answers = Self.both(-27, "old") + Self.both(-28, "too old") + Self.both(0, "today")
            + [Answer(member: 1, day: Self.local(-3), text: "unrevealed")]
        let prompts = [Self.local(0): "What made you laugh?", Self.local(-3): "Unrevealed prompt", Self.local(-28): "Gone"]
        let revealed = Self.build([.answers], answers: answers, prompts: prompts)?.answers
        #expect(revealed == [
            .init(day: Self.local(0), prompt: "What made you laugh?", answers: ["today0", "today1"]),
            .init(day: Self.local(-27), prompt: "", answers: ["old0", "old1"]),
        ])
        #expect(Self.build(Set(Scope.allCases).subtracting([.answers]), answers: answers, prompts: prompts)?.answers == [])
    }

    @Test func aCSIScoreCrossingTheCutOffIsNotableOnlyOnSharedResults() {
        let results = [Self.result(0, at: -40, total: 16), Self.result(0, at: -2, total: 12),
                       Self.result(1, at: -40, total: 12), Self.result(1, at: -2, total: 15),
                       Self.result(0, shared: false, at: -1, total: 20), Self.result(1, isSelf: false, at: -1, total: 5)]
        #expect(Self.build([.sharedResults], results: results)?.notable == [
            .init(member: 0, change: .init(kind: .crossedBelowCutoff, from: Self.day(-40), to: Self.day(-2))),
            .init(member: 1, change: .init(kind: .crossedAboveCutoff, from: Self.day(-40), to: Self.day(-2))),
        ])
        let unshared = [Self.result(0, at: -40, total: 16), Self.result(0, shared: false, at: -2, total: 10),
                        Self.result(1, shared: false, at: -40, total: 16), Self.result(1, shared: false, at: -2, total: 10),
                        Self.result(1, isSelf: false, at: -40, total: 10), Self.result(1, isSelf: false, at: -2, total: 16)]
        #expect(Self.build([.sharedResults], results: unshared)?.notable == [], "unshared results and predictions say nothing")
        #expect(Self.build(Set(Scope.allCases).subtracting([.sharedResults]), results: results)?.notable == [])
    }

    @Test func aSixSignsDropOfTwentyPointsOrMoreOnSharedResultsOnly() {
        let results = [
            Self.result(0, "six-signs", at: -40, signs: [.openSharing: 90, .trust: 80, .communication: 70, .vulnerability: 50]),
            Self.result(0, "six-signs", at: -2, signs: [.trust: 55, .communication: 55, .vulnerability: 30]),
            Self.result(0, "six-signs", shared: false, at: -1, signs: [.communication: 10]),
            Self.result(0, "six-signs", isSelf: false, at: -1, signs: [.openSharing: 0]),
            Self.result(1, "csi4", at: -40, signs: [.trust: 90]), Self.result(1, "csi4", at: -2, signs: [.trust: 10]),
        ]
        #expect(Self.build([.sharedResults], results: results)?.notable == [
            .init(member: 0, change: .init(kind: .signDropped(.trust, points: 25), from: Self.day(-40), to: Self.day(-2))),
            .init(member: 0, change: .init(kind: .signDropped(.vulnerability, points: 20), from: Self.day(-40), to: Self.day(-2))),
        ])
    }

    @Test func theRhythmHalvingIsNotableOnlyWithTheRhythmScope() {
        // Ten days together in the four weeks before `since`, one since (three more answered alone).
        let answers = (-29 ... -20).flatMap { Self.both($0) } + Self.both(-5)
            + (-4 ... -2).map { Answer(member: 0, day: Self.local($0), text: "") }
        let halved = Summary.Notable(member: nil, change: .init(kind: .rhythmHalved(before: 10, since: 1), from: Self.day(-42), to: Self.now))
        #expect(Self.build([.rhythm], since: -14, answers: answers)?.notable == [halved])
        #expect(Self.build(Set(Scope.allCases).subtracting([.rhythm]), since: -14, answers: answers)?.notable == [])
        let kept = answers + (-4 ... -1).flatMap { Self.both($0) }
        #expect(Self.build([.rhythm], since: -14, answers: kept)?.notable == [], "five days since is not halved")
    }

    @Test func eachChangeReadsAsAPlainSentence() {
        let names = ["Ana", "Ben"]
        func say(_ member: Int?, _ kind: NotableChanges.Change.Kind) -> String {
            Summary.sentence(.init(member: member, change: .init(kind: kind, from: Self.day(-40), to: Self.now)), names: names)
        }
        #expect(say(0, .crossedBelowCutoff) == "Ana's CSI-4 score fell below the cut-off of 13.5.")
        #expect(say(1, .crossedAboveCutoff) == "Ben's CSI-4 score rose above the cut-off of 13.5.")
        #expect(say(0, .signDropped(.trust, points: 25)) == "Ana's trust sign dropped by 25 points.")
        #expect(say(1, .signDropped(.openSharing, points: 20)) == "Ben's open and honest sharing sign dropped by 20 points.")
        #expect(say(nil, .rhythmHalved(before: 10, since: 1)) == "Days answered together halved: 10 in the four weeks before, 1 since.")
        #expect(say(2, .crossedBelowCutoff) == "A member's CSI-4 score fell below the cut-off of 13.5.")
    }

    @Test func consentNeedsAKnownScopeAndNotesOnlyWithCheckIns() {
        for scopes in [nil, [], ["bogus"], ["checkin-notes"]] as [[String]?] {
            #expect(ProfessionalAccess.consentProblems(scopes: scopes, consent: false) == [], "withdrawing needs no scopes")
            #expect(ProfessionalAccess.consentProblems(scopes: scopes, consent: nil) == [])
        }
        for scopes in [nil, []] as [[String]?] {
            #expect(ProfessionalAccess.consentProblems(scopes: scopes, consent: true).map(\.field) == ["scopes"])
        }
        #expect(ProfessionalAccess.consentProblems(scopes: ["checkins", "Checkins"], consent: true)
            == [FieldError("scopes", "Choose from: shared-results, checkins, checkin-notes, rhythm, answers.")])
        #expect(ProfessionalAccess.consentProblems(scopes: ["checkin-notes", "rhythm"], consent: true)
            == [FieldError("scopes", "Check-in notes can only be shared together with check-ins.")])
        for scopes in ProfessionalAccessTests.subsets where !scopes.isEmpty {
            let problems = ProfessionalAccess.consentProblems(scopes: scopes.sorted().map(\.rawValue), consent: true)
            #expect(problems.isEmpty == !(scopes.contains(.checkinNotes) && !scopes.contains(.checkins)), "\(scopes)")
        }
    }

    @Test func aProfileIsShortAndOneLineAndProfessionalsSeeFirstNames() {
        typealias Access = ProfessionalAccess
        #expect(Access.profileProblems(practiceName: nil, credentials: nil) == [])
        #expect(Access.profileProblems(practiceName: "", credentials: "") == [])
        #expect(Access.profileProblems(practiceName: String(repeating: "é", count: 120), credentials: String(repeating: "a", count: 200)) == [])
        #expect(Access.profileProblems(practiceName: String(repeating: "a", count: 121), credentials: String(repeating: "a", count: 201)) == [
            FieldError("practiceName", "Keep this to 120 characters or fewer."), FieldError("credentials", "Keep this to 200 characters or fewer."),
        ])
        #expect(Access.profileProblems(practiceName: "Ames\nCounselling", credentials: "MSc\r\nBACP") == [
            FieldError("practiceName", "Keep this to one line."), FieldError("credentials", "Keep this to one line."),
        ])
        #expect(Access.profileProblems(practiceName: nil, credentials: String(repeating: "a", count: 200) + "\nb").count == 2)
        // Lengths are counted as the API contract counts them (code points, before trimming);
        // a break at either end is trimmed away, so it is no second line.
        #expect(Access.profileProblems(practiceName: String(repeating: "e\u{301}", count: 61), credentials: nil).count == 1)
        #expect(Access.profileProblems(practiceName: String(repeating: "p", count: 120) + " ", credentials: nil).count == 1)
        #expect(Access.profileProblems(practiceName: "Harbour Counselling\n", credentials: nil) == [])
        #expect(Access.firstName("Dr Jo Ames") == "Dr", "the first word, even a title")
        #expect(Access.firstName("Anastasia") == "Anastasia")
        #expect(Access.firstName("  Bea  Smith") == "Bea")
        #expect(Access.firstName("Bea\tSmith") == "Bea")
        #expect(Access.Role.allCases.map(\.rawValue) == ["member", "professional"])
        #expect(Access.Role(rawValue: "admin") == nil)
    }
}
