import Foundation
import KindredCore
import Vapor

struct ProfessionalInviteCreatedDTO: Content {
    let id: UUID
    let code: String
    let url: String
    let expiresAt: Date
}

struct ProfessionalInviteDTO: Content {
    let id: UUID
    let createdAt: Date
    let expiresAt: Date

    init(_ invite: ProfessionalInvite) {
        id = invite.id!
        createdAt = invite.createdAt
        expiresAt = invite.expiresAt
    }
}

struct ProfessionalInvitePreviewDTO: Content {
    let inviterName: String
    let kind: String
    let expiresAt: Date
}

/// What a scope shows, with an example, for a consent screen.
struct ProfessionalScopeDTO: Content {
    let id: String
    let label: String
    let explanation: String
    let example: String

    static let all = ProfessionalAccess.Scope.allCases.map {
        ProfessionalScopeDTO(id: $0.rawValue, label: $0.label, explanation: $0.explanation, example: $0.example)
    }
}

enum ProfessionalStateText {
    static func name(_ state: ProfessionalAccess.State) -> String {
        switch state {
        case .invited: "invited"
        case .awaitingConsent: "awaiting-consent"
        case .open: "open"
        case .ended: "ended"
        }
    }

    static func scopes(_ state: ProfessionalAccess.State) -> [String] {
        if case .open(let scopes) = state { return scopes.sorted().map(\.rawValue) }
        return []
    }

    static let selfDescribed = "Self-described: Kindred verifies nothing about professionals."
}

/// A professional as a member of the bond sees them, with where access stands.
struct ProfessionalLinkDTO: Content {
    /// Their account's id (the link's, once the account is deleted).
    let professionalId: UUID
    let displayName: String
    let practiceName: String?
    let credentials: String?
    let credentialsNote: String
    /// invited | awaiting-consent | open | ended
    let state: String
    let since: Date
    /// When access ended; never who ended it.
    let endedAt: Date?
    /// What you chose; null until you consent.
    let yourScopes: [String]?
    let otherConsented: Bool
    /// What the professional can see now: what both chose, while open.
    let scopes: [String]

    init(_ view: ProfessionalService.LinkView) {
        professionalId = view.professional?.id ?? view.link.id!
        displayName = view.professional?.displayName ?? view.link.professionalName
        practiceName = view.professional?.practiceName
        credentials = view.professional?.credentials
        credentialsNote = ProfessionalStateText.selfDescribed
        state = ProfessionalStateText.name(view.state)
        since = view.link.acceptedAt
        endedAt = view.state == .ended ? view.endedAt : nil
        yourScopes = view.state == .ended ? nil : view.yourScopes?.sorted().map(\.rawValue)
        otherConsented = view.state != .ended && view.otherConsented
        scopes = ProfessionalStateText.scopes(view.state)
    }
}

struct ProfessionalConsentsDTO: Content {
    let professionals: [ProfessionalLinkDTO]
    let scopes: [ProfessionalScopeDTO]
}

struct AccessLogEntryDTO: Content {
    let professionalName: String
    let viewedAt: Date
    let scopes: [String]

    init(_ entry: ProfessionalAccessEntry) {
        professionalName = entry.professionalName
        viewedAt = entry.viewedAt
        scopes = entry.scopes.sorted().map(\.rawValue)
    }
}

/// A bond as the professional who serves it sees it: first names only.
struct ServedBondDTO: Content {
    let bondId: UUID
    let names: [String]
    let kind: String
    let since: Date
    let state: String
    let scopes: [String]

    init(_ served: ProfessionalService.Served) {
        bondId = served.bond.id!
        names = served.names
        kind = served.bond.kind.rawValue
        since = served.link.acceptedAt
        state = ProfessionalStateText.name(served.state)
        scopes = ProfessionalStateText.scopes(served.state)
    }
}

/// The "between sessions" summary: each member's trends side by side, for the open scopes.
struct SummaryDTO: Content {
    struct Reading: Content {
        let takenAt: Date
        let total: Double
        let minimum: Double
        let maximum: Double
        let band: String?
        /// Six signs only: each sign as a percent.
        let signs: [String: Double]?
    }

    struct Measure: Content {
        let instrument: String
        let name: String
        let citation: String?
        /// The CSI-4's distress cut-off, shown with its readings.
        let cutoff: Double?
        let readings: [Reading]
    }

    struct CheckinWeek: Content {
        let week: String
        let ratings: [String: Int]
        let note: String?
    }

    struct Member: Content {
        let name: String
        let measures: [Measure]
        let checkins: [CheckinWeek]
    }

    struct RhythmWeek: Content {
        let week: String
        let daysAnsweredTogether: Int
        let ritualsKept: Int
    }

    struct RevealedDay: Content {
        let day: String
        let prompt: String
        let answers: [String]
    }

    struct Change: Content {
        /// Whose readings it rests on; null for the two together.
        let member: String?
        let kind: String
        let text: String
        let from: Date
        let to: Date
    }

    let bondId: UUID
    let kind: String
    let since: Date
    let generatedAt: Date
    let scopes: [String]
    let members: [Member]
    let rhythm: [RhythmWeek]?
    let answers: [RevealedDay]?
    let notableChanges: [Change]
    let neverShown: String

    static let neverShownText = "Never shown, whatever was chosen: results kept private, guesses about each other, the private safety check, repairs, needs and desires, appreciations, devices, sign-ins and email addresses."

    init(served: ProfessionalService.Served, summary: ProfessionalSummary.Summary, since: Date, now: Date, content: ContentLibrary) {
        bondId = served.bond.id!
        kind = served.bond.kind.rawValue
        self.since = since
        generatedAt = now
        scopes = summary.scopes.sorted().map(\.rawValue)
        members = served.names.enumerated().map { index, name in
            let results = summary.results.filter { $0.member == index }
            let measures = SummaryLoader.instruments.compactMap { key -> Measure? in
                let readings = results.filter { $0.instrument == key }
                guard summary.scopes.contains(.sharedResults) else { return nil }
                let instrument = content.instrument(key)
                return Measure(
                    instrument: key, name: instrument?.title ?? key, citation: instrument?.citation,
                    cutoff: key == "csi4" ? NotableChanges.csiCutoff : nil,
                    readings: readings.map { Reading(takenAt: $0.takenAt, total: $0.total, minimum: $0.minimum, maximum: $0.maximum, band: $0.band,
                                                     signs: $0.signs.isEmpty ? nil : Dictionary(uniqueKeysWithValues: $0.signs.map { ($0.key.rawValue, ($0.value * 10).rounded() / 10) })) }
                )
            }
            let checkins = summary.checkins.filter { $0.member == index }.map { CheckinWeek(week: $0.week, ratings: $0.ratings, note: $0.note) }
            return Member(name: name, measures: measures, checkins: checkins)
        }
        rhythm = summary.scopes.contains(.rhythm) ? summary.rhythm.map { RhythmWeek(week: $0.week, daysAnsweredTogether: $0.daysAnsweredTogether, ritualsKept: $0.ritualsKept) } : nil
        answers = summary.scopes.contains(.answers) ? summary.answers.map { RevealedDay(day: $0.day.description, prompt: $0.prompt, answers: $0.answers) } : nil
        notableChanges = summary.notable.map { notable in
            Change(member: notable.member.flatMap { served.names.indices.contains($0) ? served.names[$0] : nil },
                   kind: Self.kindName(notable.change.kind), text: ProfessionalSummary.sentence(notable, names: served.names),
                   from: notable.change.from, to: notable.change.to)
        }
        neverShown = Self.neverShownText
    }

    static func kindName(_ kind: NotableChanges.Change.Kind) -> String {
        switch kind {
        case .crossedBelowCutoff: "csi4-below-cutoff"
        case .crossedAboveCutoff: "csi4-above-cutoff"
        case .signDropped: "sign-dropped"
        case .rhythmHalved: "rhythm-halved"
        }
    }
}
