import Foundation

/// What is new from the other member since you last looked at your bond's home: only what
/// they did that you are allowed to know (that they answered, never what), in their name.
public enum WhatsNew {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case answered, passed, replied, reacted, appreciated, shared
        case checkedIn = "checked-in"
        case conversation, nudged
        // Rituals (issue 12).
        case ritualProposed = "ritual-proposed"
        case ritualAgreed = "ritual-agreed"
        case ritualKept = "ritual-kept"
        // Time together (issue 12).
        case planProposed = "plan-proposed"
        case planAccepted = "plan-accepted"
        case planDeclined = "plan-declined"
        case planLiked = "plan-liked"
        // Repair (issue 13): never what was written, and nothing once let go or withdrawn.
        case repairRaised = "repair-raised"
        case repairHeard = "repair-heard"
    }

    /// One thing the other member did. `day` is the daily question's date where there is one.
    public struct Event: Sendable, Equatable {
        public var kind: Kind
        public var at: Date
        public var day: LocalDay?
        /// A reaction's emoji, the title of a shared questionnaire, or a ritual's title.
        public var detail: String?
        /// What a reaction was on.
        public var target: Reaction.Target?
        /// How many events this one stands for (replies on one day are one line).
        public var count: Int

        public init(kind: Kind, at: Date, day: LocalDay? = nil, detail: String? = nil, target: Reaction.Target? = nil, count: Int = 1) {
            self.kind = kind
            self.at = at
            self.day = day
            self.detail = detail
            self.target = target
            self.count = count
        }
    }

    /// Newest first, with the replies of one day folded into one line and at most one line
    /// per kind and day otherwise (the latest), so a busy day reads as a few sentences.
    public static func summarise(_ events: [Event], limit: Int = 8) -> [Event] {
        var folded: [String: Event] = [:]
        for event in events {
            let key = "\(event.kind.rawValue)|\(event.day?.description ?? "")|\(event.target?.rawValue ?? "")|\(event.kind == .shared || event.kind.isRitual ? event.detail ?? "" : "")"
            if var existing = folded[key] {
                existing.count += event.count
                if event.at > existing.at {
                    existing.at = event.at
                    existing.detail = event.detail
                }
                folded[key] = existing
            } else {
                folded[key] = event
            }
        }
        return Array(folded.values.sorted { ($0.at, $0.kind.rawValue) > ($1.at, $1.kind.rawValue) }.prefix(limit))
    }

    /// The sentence for one event. `today` is the viewer's date, so today's question reads
    /// as "today's question" and an older one by its date.
    public static func sentence(for event: Event, partner: String, today: LocalDay, dayLabel: (LocalDay) -> String) -> String {
        let dayPhrase: String = {
            guard let day = event.day, day != today else { return "today's question" }
            return day == today.adding(days: -1) ? "yesterday's question" : "the question of \(dayLabel(day))"
        }()
        switch event.kind {
        case .answered: return "\(partner) answered \(dayPhrase)."
        case .passed: return "\(partner) passed on \(dayPhrase)."
        case .replied:
            return event.count > 1 ? "\(partner) replied \(event.count) times on \(dayPhrase)." : "\(partner) replied on \(dayPhrase)."
        case .reacted:
            let what = event.target == .appreciation ? "your appreciation" : "your answers to \(dayPhrase)"
            return "\(partner) reacted \(event.detail ?? "") to \(what).".replacingOccurrences(of: "  ", with: " ")
        case .appreciated:
            return event.count > 1 ? "\(partner) sent you \(event.count) appreciations." : "\(partner) sent you an appreciation."
        case .shared: return "\(partner) shared a result: \(event.detail ?? "a questionnaire")."
        case .checkedIn: return "\(partner) checked in for the week."
        case .conversation: return "A deeper conversation is under way between you."
        case .nudged:
            guard let day = event.day, day != today else { return "\(partner) would love to hear your answer today." }
            return "\(partner) would love to hear your answer to \(dayPhrase)."
        case .ritualProposed: return "\(partner) would like to start a ritual with you: \(event.detail ?? "a new one")."
        case .ritualAgreed: return "\(partner) agreed to your ritual: \(event.detail ?? "the one you proposed")."
        case .ritualKept:
            let what = event.detail ?? "a ritual"
            return event.count > 1 ? "\(partner) marked \(what) done \(event.count) times." : "\(partner) marked \(what) done."
        case .planProposed: return "\(partner) suggested time together: \(event.detail ?? "a plan")."
        case .planAccepted: return "\(partner) said yes to \(event.detail ?? "your plan")."
        case .planDeclined: return "\(partner) can't make \(event.detail ?? "your plan") this time."
        case .planLiked: return "\(partner) wrote what they liked about \(event.detail ?? "your time together")."
        case .repairRaised: return "\(partner) raised something with you, privately. It's on your repair page when you're ready."
        case .repairHeard: return "\(partner) has heard what you raised."
        }
    }
}

extension WhatsNew.Kind {
    var isRitual: Bool {
        [.ritualProposed, .ritualAgreed, .ritualKept, .planProposed, .planAccepted, .planDeclined, .planLiked].contains(self)
    }
}
