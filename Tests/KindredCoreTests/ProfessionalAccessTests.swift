import Foundation
import Testing
@testable import KindredCore

/// Issue 14's rules, exhaustively: a professional sees what both members chose, only while both
/// consent and the bond lasts, and never what no scope covers.
@Suite struct ProfessionalAccessTests {
    typealias Scope = ProfessionalAccess.Scope

    /// Every subset of the scopes.
    static let subsets: [Set<Scope>] = (0..<(1 << Scope.allCases.count)).map { mask in
        Set(Scope.allCases.enumerated().filter { mask & (1 << $0.offset) != 0 }.map(\.element))
    }

    @Test func theEffectiveScopeIsWhatBothChoseForEveryPairOfChoices() {
        for first in Self.subsets {
            for second in Self.subsets {
                let effective = ProfessionalAccess.effective(first, second)
                #expect(effective.isSubset(of: first) && effective.isSubset(of: second))
                #expect(effective == ProfessionalAccess.effective(second, first), "the order of the members does not matter")
                if effective.contains(.checkinNotes) { #expect(effective.contains(.checkins), "notes only with check-ins") }
                var expected = first.intersection(second)
                if !expected.contains(.checkins) { expected.remove(.checkinNotes) }
                #expect(effective == expected)
            }
        }
    }

    @Test func accessOpensOnlyOnceBothConsentAndEndsAtOnce() {
        let some: Set<Scope> = [.sharedResults, .checkins]
        let consents: [Set<Scope>?] = [nil, [], some]
        for first in consents {
            for second in consents {
                let both = ProfessionalAccess.Consents(first: first, second: second)
                #expect(ProfessionalAccess.state(accepted: false, consents: both, bondEnded: false, withdrawn: false) == .invited)
                #expect(ProfessionalAccess.state(accepted: true, consents: both, bondEnded: true, withdrawn: false) == .ended)
                #expect(ProfessionalAccess.state(accepted: true, consents: both, bondEnded: false, withdrawn: true) == .ended)
                let state = ProfessionalAccess.state(accepted: true, consents: both, bondEnded: false, withdrawn: false)
                if let first, let second, !ProfessionalAccess.effective(first, second).isEmpty {
                    #expect(state == .open(ProfessionalAccess.effective(first, second)))
                } else if first != nil, second != nil {
                    #expect(state == .awaitingConsent(consented: 2), "nothing in common opens nothing")
                } else {
                    #expect(state == .awaitingConsent(consented: [first, second].compactMap { $0 }.count))
                }
            }
        }
    }

    @Test func neverInAnyScopeAndEachScopeOpensOnlyItsOwn() {
        let closed: [ProfessionalAccess.State] = [.invited, .awaitingConsent(consented: 0), .awaitingConsent(consented: 1), .ended]
        for data in ProfessionalAccess.Data.allCases {
            for state in closed { #expect(!ProfessionalAccess.maySee(data, in: state), "\(data) before access opened") }
            for scopes in Self.subsets {
                let seen = ProfessionalAccess.maySee(data, in: .open(scopes))
                if ProfessionalAccess.never.contains(data) { #expect(!seen, "\(data) is never shown") }
                switch data {
                case .sharedResult: #expect(seen == scopes.contains(.sharedResults))
                case .checkinRatings: #expect(seen == scopes.contains(.checkins))
                case .checkinNote: #expect(seen == (scopes.contains(.checkins) && scopes.contains(.checkinNotes)))
                case .rhythmCounts: #expect(seen == scopes.contains(.rhythm))
                case .revealedAnswer: #expect(seen == scopes.contains(.answers))
                default: #expect(!seen, "\(data)")
                }
            }
        }
        for data in [ProfessionalAccess.Data.safetyCheck, .savedSafetyCheck, .repair, .desireMark, .appreciation, .securityLog, .device, .email] {
            #expect(ProfessionalAccess.never.contains(data))
        }
    }

    @Test func theLogNamesTheScopesInPlainWords() {
        #expect(ProfessionalAccess.scopeList([.checkins, .sharedResults]) == "shared results, check-ins")
        #expect(ProfessionalAccess.scopeList([]) == "nothing")
        #expect(ProfessionalAccess.mayServe(professionalIsMember: false, professionalAccount: true))
        #expect(!ProfessionalAccess.mayServe(professionalIsMember: true, professionalAccount: true))
        #expect(!ProfessionalAccess.mayServe(professionalIsMember: false, professionalAccount: false))
    }
}

@Suite struct NotableChangesTests {
    let day = { (n: Int) in Date(timeIntervalSince1970: 1_800_000_000 + Double(n) * 86_400) }

    @Test func aCSIScoreCrossingTheCutOffEitherWay() {
        let since = day(10)
        let down = NotableChanges.csi([.init(16, at: day(3)), .init(12, at: day(20))], since: since)
        #expect(down == .init(kind: .crossedBelowCutoff, from: day(3), to: day(20)))
        let up = NotableChanges.csi([.init(13, at: day(9)), .init(15, at: day(12)), .init(14, at: day(30))], since: since)
        #expect(up == .init(kind: .crossedAboveCutoff, from: day(9), to: day(30)))
        #expect(NotableChanges.csi([.init(16, at: day(3)), .init(14, at: day(20))], since: since) == nil, "no crossing")
        #expect(NotableChanges.csi([.init(16, at: day(3))], since: since) == nil, "one reading")
        #expect(NotableChanges.csi([.init(16, at: day(3)), .init(10, at: day(5))], since: since) == nil, "nothing since the date")
        #expect(NotableChanges.csi([.init(13.5, at: day(3)), .init(13, at: day(20))], since: since)?.kind == .crossedBelowCutoff, "13.5 is above")
    }

    @Test func aSignDroppingTwentyPointsOrMore() {
        let since = day(10)
        let changes = NotableChanges.signs([
            .trust: [.init(80, at: day(2)), .init(60, at: day(15))],
            .communication: [.init(80, at: day(2)), .init(61, at: day(15))],
            .qualityTime: [.init(50, at: day(12)), .init(20, at: day(25))],
        ], since: since)
        #expect(changes == [
            .init(kind: .signDropped(.trust, points: 20), from: day(2), to: day(15)),
            .init(kind: .signDropped(.qualityTime, points: 30), from: day(12), to: day(25)),
        ])
    }

    @Test func theRhythmHalving() {
        let since = day(28), now = day(56)
        let before = (0..<28).filter { $0 % 2 == 0 }.map(day)  // 14 days in the four weeks before
        let halved = NotableChanges.rhythm(daysTogether: before + [29, 33, 40, 47, 50, 54, 55].map(day), since: since, now: now)
        #expect(halved?.kind == .rhythmHalved(before: 14, since: 7))
        #expect(NotableChanges.rhythm(daysTogether: before + (28..<56).filter { $0 % 2 == 0 }.map(day), since: since, now: now) == nil)
        // Two weeks in: three days scale to six over four weeks (halved); four scale to eight (not).
        #expect(NotableChanges.rhythm(daysTogether: before + [29, 31, 35].map(day), since: since, now: day(42))?.kind == .rhythmHalved(before: 14, since: 3))
        #expect(NotableChanges.rhythm(daysTogether: before + [29, 31, 35, 40].map(day), since: since, now: day(42)) == nil)
        #expect(NotableChanges.rhythm(daysTogether: before, since: since, now: day(31)) == nil, "under a week is too soon to say")
        #expect(NotableChanges.rhythm(daysTogether: [day(27)], since: since, now: now) == nil, "too few before to halve")
    }

    @Test func scopesAreStoredInOrderAndReadBackWithoutUnknownNames() {
        typealias Scope = ProfessionalAccess.Scope
        for scopes in ProfessionalAccessTests.subsets {
            #expect(Scope.parse(Scope.stored(scopes)) == scopes)
        }
        #expect(Scope.stored([.rhythm, .sharedResults]) == "shared-results,rhythm")
        #expect(Scope.parse("rhythm,everything,,answers") == [.rhythm, .answers])
    }
}
