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

        /// What it shows, in plain words, for the consent page.
        public var explanation: String {
            switch self {
            case .sharedResults:
                "Questionnaire results you each chose to share with each other, as scores and how they change over time. Never a result you kept to yourself, and never your guesses about each other."
            case .checkins:
                "Your weekly check-in ratings, for weeks you both checked in, and how they change."
            case .checkinNotes:
                "The notes you wrote with those check-ins. Only together with check-ins."
            case .rhythm:
                "How often you both answered the daily question, and how many rituals you kept: counts only, never what you wrote."
            case .answers:
                "The words of daily answers you both gave and revealed to each other, from the last four weeks."
            }
        }

        /// An example of what the professional would read.
        public var example: String {
            switch self {
            case .sharedResults: "Emotional Intimacy Scale: 19 on 3 December, 21 on 17 December."
            case .checkins: "Week of 7 December: trust 4 of 5, quality time 2 of 5."
            case .checkinNotes: "“A busy week, but Sunday was lovely.”"
            case .rhythm: "Week of 7 December: answered together on 5 days, 2 rituals kept."
            case .answers: "“What made you smile today?” — both of your answers."
            }
        }

        /// Scopes as stored: names, comma-separated, in order; unknown names are dropped.
        public static func stored(_ scopes: Set<Scope>) -> String { scopes.sorted().map(\.rawValue).joined(separator: ",") }
        public static func parse(_ stored: String) -> Set<Scope> {
            Set(stored.split(separator: ",").compactMap { Scope(rawValue: String($0)) })
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
        /// Open, with the scopes both chose (never none: that stays awaiting consent).
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
        // Both consented but chose nothing in common: nothing opens, and nothing tells the
        // professional that they chose differently.
        let both = effective(first, second)
        return both.isEmpty ? .awaitingConsent(consented: 2) : .open(both)
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
    // MARK: - Accounts and consent

    /// What an account is for: practising in bonds, or serving bonds as a professional.
    public enum Role: String, Codable, Sendable, CaseIterable {
        case member, professional
    }

    public static let practiceNameLength = 0...120
    public static let credentialsLength = 0...200

    /// A professional's practice name and self-described credentials: optional, short, one line.
    public static func profileProblems(practiceName: String?, credentials: String?) -> [FieldError] {
        var problems: [FieldError] = []
        for (field, value, range) in [("practiceName", practiceName, practiceNameLength), ("credentials", credentials, credentialsLength)] {
            guard let value else { continue }
            // Counted in code points, as the API contract's maxLength counts them.
            if value.unicodeScalars.count > range.upperBound { problems.append(FieldError(field, "Keep this to \(range.upperBound) characters or fewer.")) }
            // What is kept is trimmed, so only a break inside the text is one line too many.
            if value.trimmingCharacters(in: .whitespacesAndNewlines).contains(where: \.isNewline) { problems.append(FieldError(field, "Keep this to one line.")) }
        }
        return problems
    }

    /// A member's consent: at least one scope when giving it, and notes only with check-ins.
    /// Unknown scope names are named back.
    public static func consentProblems(scopes: [String]?, consent: Bool?) -> [FieldError] {
        guard consent == true else { return [] }
        guard let scopes, !scopes.isEmpty else {
            return [FieldError("scopes", "Choose at least one thing to share, or withdraw consent instead.")]
        }
        let unknown = scopes.filter { Scope(rawValue: $0) == nil }
        if !unknown.isEmpty {
            return [FieldError("scopes", "Choose from: " + Scope.allCases.map(\.rawValue).joined(separator: ", ") + ".")]
        }
        if scopes.contains(Scope.checkinNotes.rawValue), !scopes.contains(Scope.checkins.rawValue) {
            return [FieldError("scopes", "Check-in notes can only be shared together with check-ins.")]
        }
        return []
    }

    /// A professional sees first names only.
    public static func firstName(_ displayName: String) -> String {
        displayName.split(whereSeparator: \.isWhitespace).first.map(String.init) ?? displayName
    }
}
