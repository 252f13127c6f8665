import Foundation

/// A personal plan for the week (issue 13, part 3): three practices chosen from what the
/// viewer's own latest measures show, what the other member shared, and what the two of them
/// did lately — each with its reason in plain words. The same week and inputs always give the
/// same plan.
public enum WeeklyPlan {
    /// One reading of how a sign is going, on a 0…1 scale (1 is strongest), and where it came from.
    public struct Evidence: Sendable, Equatable {
        public enum Source: Sendable, Equatable {
            /// The viewer's latest six signs (a percent per sign).
            case sixSigns(takenAt: Date)
            /// The statement of the viewer's latest Emotional Intimacy Scale that felt least true.
            case eisItem(theme: String, takenAt: Date)
            /// The viewer's own rating in the latest weekly check-in.
            case checkin(rating: Int, weekOf: Date)
            /// What the other member shared of their six signs.
            case theirSixSigns(name: String, takenAt: Date)
        }

        public var sign: Sign
        public var strength: Double
        public var source: Source

        public init(sign: Sign, strength: Double, source: Source) {
            self.sign = sign
            self.strength = strength
            self.source = source
        }
    }

    /// What the two of them did lately.
    public struct Lately: Sendable, Equatable {
        public var daysAnsweredTogether: Int
        public var appreciationsSent: Int
        public var conversationInLast30Days: Bool
        public var plansToCome: Int
        public var activeRituals: Int
        /// Open repairs waiting on a step of the viewer's (hearing it, saying what they will do,
        /// marking it resolved). Letting go is never counted: nobody is nudged to let go.
        public var repairsWaitingOnYou: Int

        public init(daysAnsweredTogether: Int = 0, appreciationsSent: Int = 0, conversationInLast30Days: Bool = false,
                    plansToCome: Int = 0, activeRituals: Int = 0, repairsWaitingOnYou: Int = 0) {
            self.daysAnsweredTogether = daysAnsweredTogether
            self.appreciationsSent = appreciationsSent
            self.conversationInLast30Days = conversationInLast30Days
            self.plansToCome = plansToCome
            self.activeRituals = activeRituals
            self.repairsWaitingOnYou = repairsWaitingOnYou
        }
    }

    public struct Inputs: Sendable {
        /// The week the plan is for, e.g. "2027-W02" (the same week gives the same plan).
        public var week: String
        public var kind: BondKind
        public var apart: Bool
        public var evidence: [Evidence]
        /// A balance finding's neglected kind of closeness ("emotional", "physical", "sexual").
        public var neglectedCloseness: String?
        public var lately: Lately

        public init(week: String, kind: BondKind, apart: Bool = false, evidence: [Evidence] = [],
                    neglectedCloseness: String? = nil, lately: Lately = Lately()) {
            self.week = week
            self.kind = kind
            self.apart = apart
            self.evidence = evidence
            self.neglectedCloseness = neglectedCloseness
            self.lately = lately
        }
    }

    public struct Practice: Sendable, Equatable {
        public enum Kind: String, Sendable, Codable {
            case deck, ritual, together, appreciation, conversation, repair, measure
        }

        public var kind: Kind
        /// A deck key, an idea id, an instrument key, or nil.
        public var target: String?
        public var title: String
        public var detail: String
        public var reason: String
    }

    public struct Library: Sendable {
        public var decks: [Deck]
        public var ritualIdeas: [RitualIdea]
        public var planIdeas: [PlanIdea]
        public var appreciationStarters: [String]

        public init(decks: [Deck], ritualIdeas: [RitualIdea], planIdeas: [PlanIdea], appreciationStarters: [String]) {
            self.decks = decks
            self.ritualIdeas = ritualIdeas
            self.planIdeas = planIdeas
            self.appreciationStarters = appreciationStarters
        }
    }

    public static let size = 3

    /// The week's three practices, strongest reason first, no two of the same kind.
    public static func practices(_ inputs: Inputs, from library: Library) -> [Practice] {
        var chosen: [Practice] = []
        func add(_ practice: Practice?) {
            guard let practice, chosen.count < size, !chosen.contains(where: { $0.kind == practice.kind }) else { return }
            chosen.append(practice)
        }
        let weakest = weakestSigns(inputs.evidence)
        if let first = weakest.first {
            // At most two for the weakest sign; the second says it is another way, not the same reason again.
            let fitting = candidates(for: first.sign, because: reason(first), inputs, library)
            add(fitting.first)
            if var second = fitting.first(where: { p in !chosen.contains { $0.kind == p.kind } }) {
                second.reason = "because it is another way to build \(first.sign.label.lowercased()), your lowest sign"
                add(second)
            }
        }
        if inputs.lately.repairsWaitingOnYou > 0 {
            add(repair(because: inputs.lately.repairsWaitingOnYou == 1
                ? "because something raised between you is waiting on a step from you"
                : "because \(inputs.lately.repairsWaitingOnYou) things raised between you are waiting on a step from you"))
        }
        if let neglected = inputs.neglectedCloseness, inputs.kind == .romantic {
            add(together(for: .qualityTime, because: "because \(neglected) closeness felt unsatisfying in your intimacy balance", inputs, library))
        }
        for evidence in weakest.dropFirst() {
            add(candidates(for: evidence.sign, because: reason(evidence), inputs, library).first { p in !chosen.contains { $0.kind == p.kind } })
        }
        // What the two of them did lately fills the rest.
        if inputs.lately.appreciationsSent == 0 {
            add(appreciation(because: "because you haven't sent an appreciation in the last two weeks", inputs, library))
        }
        if inputs.lately.plansToCome == 0, inputs.lately.activeRituals == 0 {
            add(together(for: .qualityTime, because: "because there's no time together planned yet", inputs, library))
        }
        if !inputs.lately.conversationInLast30Days {
            add(conversation(because: "because you haven't had a deeper conversation this month"))
        }
        if inputs.lately.daysAnsweredTogether < 4 {
            add(deck(for: weakest.first?.sign ?? .openSharing,
                     because: "because you answered the daily question together on \(inputs.lately.daysAnsweredTogether) of the last 7 days", inputs, library))
        }
        if inputs.evidence.isEmpty {
            add(Practice(kind: .measure, target: "six-signs", title: "Take the six signs",
                         detail: "Twelve short statements about how close you feel, for yourself only unless you share.",
                         reason: "because your plan can follow what matters to you once you've measured"))
        }
        add(ritual(for: weakest.first?.sign ?? .qualityTime, because: "because small things done again and again hold two people together", inputs, library))
        add(appreciation(because: "because noticing what you value keeps warmth going", inputs, library))
        add(conversation(because: "because a longer talk now and then goes deeper than a daily question"))
        return chosen
    }

    /// The signs from weakest to strongest, one reading each (the weakest reading of a sign wins;
    /// the viewer's own readings before what the other shared, at equal strength).
    static func weakestSigns(_ evidence: [Evidence]) -> [Evidence] {
        var bySign: [Sign: Evidence] = [:]
        for item in evidence {
            if let known = bySign[item.sign], known.strength <= item.strength { continue }
            bySign[item.sign] = item
        }
        return bySign.values.filter { $0.strength < 0.75 }.sorted {
            if $0.strength != $1.strength { return $0.strength < $1.strength }
            return Sign.allCases.firstIndex(of: $0.sign)! < Sign.allCases.firstIndex(of: $1.sign)!
        }
    }

    static func reason(_ evidence: Evidence) -> String {
        let sign = evidence.sign.label.lowercased()
        switch evidence.source {
        case .sixSigns:
            return "because \(sign) was your lowest sign in your last six signs"
        case .eisItem(let theme, _):
            return "because the statement about \(theme) felt least true in your last Emotional Intimacy Scale"
        case .checkin(let rating, _):
            return "because you rated \(sign) \(rating) of 5 in your last check-in"
        case .theirSixSigns(let name, _):
            return "because \(sign) was the lowest sign in what \(name) shared with you"
        }
    }

    /// What fits a sign best, in order.
    static func candidates(for sign: Sign, because reason: String, _ inputs: Inputs, _ library: Library) -> [Practice] {
        let options: [Practice?]
        switch sign {
        case .qualityTime:
            options = [together(for: sign, because: reason, inputs, library), ritual(for: sign, because: reason, inputs, library)]
        case .positiveFeelings:
            options = [appreciation(because: reason, inputs, library), ritual(for: sign, because: reason, inputs, library)]
        case .openSharing, .vulnerability:
            options = [inputs.lately.conversationInLast30Days ? nil : conversation(because: reason), deck(for: sign, because: reason, inputs, library)]
        case .communication:
            options = [inputs.lately.repairsWaitingOnYou > 0 ? repair(because: reason) : nil, deck(for: sign, because: reason, inputs, library)]
        case .trust:
            options = [ritual(for: sign, because: reason, inputs, library), deck(for: sign, because: reason, inputs, library)]
        }
        return options.compactMap { $0 } + [deck(for: sign, because: reason, inputs, library)].compactMap { $0 }
    }

    // MARK: - The practices

    static func deck(for sign: Sign, because reason: String, _ inputs: Inputs, _ library: Library) -> Practice? {
        let counts = library.decks.map { deck in (deck, deck.prompts.filter { $0.sign == sign && $0.kinds.contains(inputs.kind) }) }
            .filter { !$0.1.isEmpty }
        guard let best = counts.max(by: { $0.1.count < $1.1.count }) else { return nil }
        let prompt = best.1[pick(best.1.count, inputs.week, sign.rawValue)]
        return Practice(kind: .deck, target: best.0.key, title: "Questions about \(sign.label.lowercased())",
                        detail: "One to start with: “\(prompt.text)” (from \(best.0.title))", reason: reason)
    }

    static func ritual(for sign: Sign, because reason: String, _ inputs: Inputs, _ library: Library) -> Practice? {
        let suitable = IdeaRules.suggestions(library.ritualIdeas, for: inputs.kind, apart: inputs.apart)
        let fitting = suitable.filter { $0.sign == sign }
        let pool = fitting.isEmpty ? suitable : fitting
        guard !pool.isEmpty else { return nil }
        let idea = pool[pick(pool.count, inputs.week, "ritual-" + sign.rawValue)]
        return Practice(kind: .ritual, target: idea.id, title: "Try a ritual: \(idea.title)", detail: idea.description, reason: reason)
    }

    static func together(for sign: Sign, because reason: String, _ inputs: Inputs, _ library: Library) -> Practice? {
        var pool = IdeaRules.suggestions(library.planIdeas, for: inputs.kind, apart: inputs.apart)
        if inputs.apart { pool = pool.filter { $0.place == .apart }.isEmpty ? pool : pool.filter { $0.place == .apart } }
        let fitting = pool.filter { $0.sign == sign }
        if !fitting.isEmpty { pool = fitting }
        guard !pool.isEmpty else { return nil }
        let idea = pool[pick(pool.count, inputs.week, "together-" + sign.rawValue)]
        return Practice(kind: .together, target: idea.id, title: "Plan time together: \(idea.title)", detail: idea.description, reason: reason)
    }

    static func appreciation(because reason: String, _ inputs: Inputs, _ library: Library) -> Practice? {
        guard !library.appreciationStarters.isEmpty else { return nil }
        let starter = library.appreciationStarters[pick(library.appreciationStarters.count, inputs.week, "appreciation")]
        return Practice(kind: .appreciation, target: nil, title: "Send an appreciation", detail: "You could start with: “\(starter)”", reason: reason)
    }

    static func conversation(because reason: String) -> Practice {
        Practice(kind: .conversation, target: nil, title: "Have a deeper conversation",
                 detail: "Three sets of questions that go a little deeper each time. Set aside about 45 minutes.", reason: reason)
    }

    static func repair(because reason: String) -> Practice {
        Practice(kind: .repair, target: nil, title: "Take the next step in a repair",
                 detail: "Listen without defending, and say what you'll do. There's no hurry.", reason: reason)
    }

    /// A stable choice among `count` things for this week (not Swift's per-run `hashValue`).
    static func pick(_ count: Int, _ week: String, _ salt: String) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in (week + "|" + salt).utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return Int(hash % UInt64(max(count, 1)))
    }
}
