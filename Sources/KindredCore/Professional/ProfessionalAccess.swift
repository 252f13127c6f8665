import Foundation

/// What a therapist or counsellor may see of a bond they serve (issue 14): only what both
/// members consented to, only while both consent and the bond lasts, and never what is private
/// in any scope. Every route a professional reaches asks here.
public enum ProfessionalAccess {
    /// What a member may let a professional see; the effective scope is what both chose.
    public enum Scope: String, Codable, Sendable, CaseIterable, Comparable {
        /// Results each member shared with the other, as scores and trends.
        case sharedResults = "shared-results"
        /// Weekly check-in ratings and trends.
        case checkins
        /// Check-in notes too (only together with `checkins`).
        case checkinNotes = "checkin-notes"
        /// How often the two answered the daily question together, rituals kept (counts only).
        case rhythm
        /// The text of revealed daily answers.
        case answers

        public var label: String {
            switch self {
            case .sharedResults: "shared results"
            case .checkins: "check-ins"
            case .checkinNotes: "check-in notes"
            case .rhythm: "rhythm"
            case .answers: "answers"
            }
        }

        public static func < (lhs: Scope, rhs: Scope) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }
    }

    /// Every kind of thing in a bond, for the one question: may a professional see it?
    public enum Data: String, Sendable, CaseIterable {
        case sharedResult, unsharedResult, predictionItems, checkinRatings, checkinNote
        case rhythmCounts, revealedAnswer, unrevealedAnswer, ritualText, planText
        case safetyCheck, savedSafetyCheck, repair, desireMark, appreciation, securityLog, device, email
    }

    /// Never in any scope, whatever both chose.
    public static let never: Set<Data> = [
        .unsharedResult, .predictionItems, .unrevealedAnswer, .ritualText, .planText,
        .safetyCheck, .savedSafetyCheck, .repair, .desireMark, .appreciation, .securityLog, .device, .email,
    ]

    /// What each member chose, and whether the professional accepted; nil: not consented (or withdrew).
    public struct Consents: Sendable, Equatable {
        public var first: Set<Scope>?
        public var second: Set<Scope>?

        public init(first: Set<Scope>?, second: Set<Scope>?) {
            self.first = first
            self.second = second
        }
    }

    public enum State: Sendable, Equatable {
        /// The professional has not accepted the invite yet.
        case invited
        /// Accepted; waiting for one or both members to consent.
        case awaitingConsent(consented: Int)
        /// Open, with the scopes both chose (which may be none: then there is nothing to see).
        case open(Set<Scope>)
        /// Ended: a member withdrew, or the bond ended. Who ended it is never said.
        case ended
    }

    /// Where access stands. A member withdrawing, or the bond ending, closes it at once and for
    /// good (a new invite starts again).
    public static func state(accepted: Bool, consents: Consents, bondEnded: Bool, withdrawn: Bool) -> State {
        if bondEnded || withdrawn { return .ended }
        guard accepted else { return .invited }
        guard let first = consents.first, let second = consents.second else {
            return .awaitingConsent(consented: [consents.first, consents.second].compactMap { $0 }.count)
        }
        return .open(effective(first, second))
    }

    /// What both chose; check-in notes only where check-ins are in too.
    public static func effective(_ first: Set<Scope>, _ second: Set<Scope>) -> Set<Scope> {
        var both = first.intersection(second)
        if !both.contains(.checkins) { both.remove(.checkinNotes) }
        return both
    }

    /// The one question every professional-facing read asks.
    public static func maySee(_ data: Data, in state: State) -> Bool {
        guard case .open(let scopes) = state, !never.contains(data) else { return false }
        switch data {
        case .sharedResult: return scopes.contains(.sharedResults)
        case .checkinRatings: return scopes.contains(.checkins)
        case .checkinNote: return scopes.contains(.checkins) && scopes.contains(.checkinNotes)
        case .rhythmCounts: return scopes.contains(.rhythm)
        case .revealedAnswer: return scopes.contains(.answers)
        default: return false
        }
    }

    /// "Scopes: shared results, check-ins" — for the access log both members read.
    public static func scopeList(_ scopes: Set<Scope>) -> String {
        scopes.isEmpty ? "nothing" : scopes.sorted().map(\.label).joined(separator: ", ")
    }

    /// A professional account practises in no bond and serves none it is a member of.
    public static func mayServe(professionalIsMember: Bool, professionalAccount: Bool) -> Bool {
        professionalAccount && !professionalIsMember
    }
}
