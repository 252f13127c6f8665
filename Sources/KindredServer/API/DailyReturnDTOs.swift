import Foundation
import KindredCore
import Vapor

extension Reaction: Content {}
extension WhatsNew.Kind: Content {}

/// The two reactions on one thing: yours and the other member's.
struct ReactionsDTO: Content {
    let yours: Reaction?
    let theirs: Reaction?

    init(_ summary: ReactionService.Summary?) {
        yours = summary?.yours
        theirs = summary?.theirs
    }
}

/// One line of what's new, newest first. Deliberately without a time: to the second, when the
/// other member answered or checked in would be a "last seen" (DESIGN §3).
struct NewsItemDTO: Content {
    let kind: WhatsNew.Kind
    let text: String
    let day: String?
    let count: Int
}

struct SuggestionDTO: Content {
    let instrument: String
    let title: String
    let reason: MeasureRhythm.Suggestion.Reason
    let text: String
}

extension MeasureRhythm.Suggestion.Reason: Content {}

struct HomeDTO: Content {
    struct Week: Content {
        let checkin: Reveal.State
        let checkinText: String
        let appreciations: [AppreciationDTO]
    }

    let bond: BondDTO
    /// Today's question as the viewer sees it; null unless the bond is active.
    let today: DayDTO?
    let consistency: ConsistencyDTO?
    let mayNudge: Bool
    let nudgedToday: Bool
    /// What is new from the other member since the viewer's previous look.
    let since: Date
    let news: [NewsItemDTO]
    let week: Week?
    /// At most one gentle measuring suggestion.
    let suggestion: SuggestionDTO?
    let conversationUnderway: Bool
    /// This week's three practices, each with its reason: shown instead of `suggestion` when no
    /// measure is due (null otherwise).
    let plan: [PracticeDTO]?
}

struct ThemesDTO: Content {
    struct DeckDTO: Content {
        let key: String
        let title: String
        let description: String
        let sample: String?
        let questions: Int
        let chosen: Bool
    }

    /// Deck keys drawn from; null means every deck.
    let decks: [String]?
    /// 1 light, 2 personal, 3 deep; null rises as you answer together.
    let depth: Int?
    let depthLabel: String
    let available: [DeckDTO]

    init(themes: BondThemes, library: [Deck], kind: BondKind) {
        decks = themes.decks
        depth = themes.depth
        depthLabel = BondThemes.depthLabel(themes.depth)
        let chosen = Set(themes.decks ?? library.map(\.key))
        available = library.map { deck in
            DeckDTO(key: deck.key, title: deck.title, description: deck.description,
                    sample: BondThemes.sample(of: deck, kind: kind)?.text,
                    questions: deck.prompts.filter { $0.kinds.contains(kind) }.count, chosen: chosen.contains(deck.key))
        }
    }
}

struct NudgeDTO: Content {
    let day: String
    let nudged: Bool
}

struct RemindersDTO: Content {
    let dailyAt: String?
    let email: Bool
    let push: Bool
    let partnerActivity: Bool
    let includeNames: Bool
    /// Whether this server can send email at all.
    let emailAvailable: Bool
    let devices: Int

    init(_ preferences: ReminderPreferences, emailAvailable: Bool, devices: Int) {
        dailyAt = preferences.dailyAt?.description
        email = preferences.email
        push = preferences.push
        partnerActivity = preferences.partnerActivity
        includeNames = preferences.includeNames
        self.emailAvailable = emailAvailable
        self.devices = devices
    }
}

struct PushKeyDTO: Content {
    let publicKey: String
}

struct PushSubscriptionDTO: Content {
    let id: UUID
    let device: String
    let createdAt: Date
    let lastSentAt: Date?

    init(_ subscription: PushSubscription) {
        id = subscription.id!
        device = subscription.device
        createdAt = subscription.createdAt
        lastSentAt = subscription.lastSentAt
    }
}

struct AcceptedDTO: Content {
    let message: String
}
