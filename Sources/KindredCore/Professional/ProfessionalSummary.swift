import Foundation

/// The "between sessions" summary a professional reads (issue 14), built from everything the
/// server loaded for the bond and cut down here to what the open scopes allow. The server
/// loads; this decides. Nothing reaches the summary unless `ProfessionalAccess.maySee` says so.
public enum ProfessionalSummary {
    /// One questionnaire result of a member's, as loaded (shared or not: this decides).
    public struct Result: Sendable, Equatable {
        public var member: Int
        public var instrument: String
        public var isSelf: Bool
        public var shared: Bool
        public var takenAt: Date
        public var total: Double
        public var minimum: Double
        public var maximum: Double
        public var band: String?
        /// The six signs as percents (0–100), for the six-signs questionnaire.
        public var signs: [Sign: Double]

        public init(member: Int, instrument: String, isSelf: Bool, shared: Bool, takenAt: Date, total: Double,
                    minimum: Double, maximum: Double, band: String?, signs: [Sign: Double] = [:]) {
            self.member = member
            self.instrument = instrument
            self.isSelf = isSelf
            self.shared = shared
            self.takenAt = takenAt
            self.total = total
            self.minimum = minimum
            self.maximum = maximum
            self.band = band
            self.signs = signs
        }
    }

    /// One member's weekly check-in.
    public struct Checkin: Sendable, Equatable {
        public var member: Int
        public var week: String
        public var ratings: [String: Int]
        public var note: String?

        public init(member: Int, week: String, ratings: [String: Int], note: String?) {
            self.member = member
            self.week = week
            self.ratings = ratings
            self.note = note
        }
    }

    /// One member's daily answer.
    public struct Answer: Sendable, Equatable {
        public var member: Int
        public var day: LocalDay
        public var text: String

        public init(member: Int, day: LocalDay, text: String) {
            self.member = member
            self.day = day
            self.text = text
        }
    }

    public struct Input: Sendable {
        public var state: ProfessionalAccess.State
        public var since: Date
        public var now: Date
        public var results: [Result]
        public var checkins: [Checkin]
        public var answers: [Answer]
        /// The prompt asked on each day, for the answers scope.
        public var prompts: [LocalDay: String]
        /// Days a ritual was marked done (by either member), for the rhythm scope.
        public var ritualsKept: [LocalDay]

        public init(state: ProfessionalAccess.State, since: Date, now: Date, results: [Result] = [], checkins: [Checkin] = [],
                    answers: [Answer] = [], prompts: [LocalDay: String] = [:], ritualsKept: [LocalDay] = []) {
            self.state = state
            self.since = since
            self.now = now
            self.results = results
            self.checkins = checkins
            self.answers = answers
            self.prompts = prompts
            self.ritualsKept = ritualsKept
        }
    }

    public struct RhythmWeek: Sendable, Equatable {
        public var week: String
        public var daysAnsweredTogether: Int
        public var ritualsKept: Int
    }

    public struct RevealedDay: Sendable, Equatable {
        public var day: LocalDay
        public var prompt: String
        /// Both members' answers, in member order.
        public var answers: [String]
    }

    public struct Notable: Sendable, Equatable {
        /// Whose readings it rests on; nil for the two together (the rhythm).
        public var member: Int?
        public var change: NotableChanges.Change
    }

    public struct Summary: Sendable, Equatable {
        public var scopes: Set<ProfessionalAccess.Scope>
        /// Shared self-results only, oldest first.
        public var results: [Result]
        /// Weeks both members checked in, oldest first; notes only with the notes scope.
        public var checkins: [Checkin]
        public var rhythm: [RhythmWeek]
        public var answers: [RevealedDay]
        public var notable: [Notable]
    }

    /// How many weeks of rhythm and days of answers a summary shows.
    public static let rhythmWeeks = 12
    public static let answerDays = 28

    /// The summary, or nil while access is not open.
    public static func build(_ input: Input) -> Summary? {
        guard case .open(let scopes) = input.state else { return nil }
        let state = input.state
        let results = ProfessionalAccess.maySee(.sharedResult, in: state)
            ? input.results.filter { $0.isSelf && $0.shared }.sorted { $0.takenAt < $1.takenAt } : []
        let checkins = ProfessionalAccess.maySee(.checkinRatings, in: state) ? revealedCheckins(input.checkins, notes: ProfessionalAccess.maySee(.checkinNote, in: state)) : []
        let together = daysTogether(input.answers)
        let rhythm = ProfessionalAccess.maySee(.rhythmCounts, in: state) ? weeks(together: together, rituals: input.ritualsKept, now: input.now) : []
        let answers = ProfessionalAccess.maySee(.revealedAnswer, in: state) ? revealed(input.answers, prompts: input.prompts, now: input.now) : []
        var notable: [Notable] = []
        for member in Set(results.map(\.member)).sorted() {
            let own = results.filter { $0.member == member }
            let csi = own.filter { $0.instrument == "csi4" }.map { NotableChanges.Reading($0.total, at: $0.takenAt) }
            if let change = NotableChanges.csi(csi, since: input.since) { notable.append(Notable(member: member, change: change)) }
            var signs: [Sign: [NotableChanges.Reading]] = [:]
            for result in own where result.instrument == "six-signs" {
                for (sign, percent) in result.signs { signs[sign, default: []].append(.init(percent, at: result.takenAt)) }
            }
            notable += NotableChanges.signs(signs, since: input.since).map { Notable(member: member, change: $0) }
        }
        if !rhythm.isEmpty, let change = NotableChanges.rhythm(daysTogether: together.map(\.noon), since: input.since, now: input.now) {
            notable.append(Notable(member: nil, change: change))
        }
        return Summary(scopes: scopes, results: results, checkins: checkins, rhythm: rhythm, answers: answers, notable: notable)
    }

    /// Only weeks both checked in: a check-in the other has not matched is unrevealed, even to
    /// the other member, so it is not the professional's either.
    static func revealedCheckins(_ checkins: [Checkin], notes: Bool) -> [Checkin] {
        let byWeek = Dictionary(grouping: checkins, by: \.week)
        return byWeek.keys.sorted().flatMap { week -> [Checkin] in
            let rows = byWeek[week]!
            guard Set(rows.map(\.member)).count == 2 else { return [] }
            return rows.sorted { $0.member < $1.member }.map { row in
                var row = row
                if !notes { row.note = nil }
                return row
            }
        }
    }

    /// Days both members answered the daily question.
    static func daysTogether(_ answers: [Answer]) -> [LocalDay] {
        Dictionary(grouping: answers, by: \.day).filter { Set($0.value.map(\.member)).count == 2 }.keys.sorted()
    }

    /// The last `rhythmWeeks` ISO weeks up to `now`, oldest first, with their counts.
    static func weeks(together: [LocalDay], rituals: [LocalDay], now: Date) -> [RhythmWeek] {
        let today = LocalDay(now, in: LocalDay.utc)
        var order: [String] = []
        for back in stride(from: (rhythmWeeks - 1) * 7, through: 0, by: -7) {
            let week = today.adding(days: -back).isoWeek
            if order.last != week { order.append(week) }
        }
        let answered = Dictionary(grouping: together, by: \.isoWeek).mapValues(\.count)
        let kept = Dictionary(grouping: rituals, by: \.isoWeek).mapValues(\.count)
        return order.map { RhythmWeek(week: $0, daysAnsweredTogether: answered[$0] ?? 0, ritualsKept: kept[$0] ?? 0) }
    }

    /// Revealed days (both answered) in the last `answerDays` days, newest first.
    static func revealed(_ answers: [Answer], prompts: [LocalDay: String], now: Date) -> [RevealedDay] {
        let from = LocalDay(now, in: LocalDay.utc).adding(days: -answerDays)
        let byDay = Dictionary(grouping: answers.filter { $0.day > from }, by: \.day)
        return byDay.keys.sorted(by: >).compactMap { day in
            let rows = byDay[day]!.sorted { $0.member < $1.member }
            guard Set(rows.map(\.member)).count == 2 else { return nil }
            return RevealedDay(day: day, prompt: prompts[day] ?? "", answers: rows.map(\.text))
        }
    }

    /// "3 December" style wording lives in the server; this is the plain sentence for a change.
    public static func sentence(_ notable: Notable, names: [String]) -> String {
        let who = notable.member.map { names.indices.contains($0) ? names[$0] : "A member" } ?? "Together"
        switch notable.change.kind {
        case .crossedBelowCutoff: return "\(who)'s CSI-4 score fell below the cut-off of 13.5."
        case .crossedAboveCutoff: return "\(who)'s CSI-4 score rose above the cut-off of 13.5."
        case .signDropped(let sign, let points): return "\(who)'s \(sign.label.lowercased()) sign dropped by \(points) points."
        case .rhythmHalved(let before, let since):
            return "Days answered together halved: \(before) in the four weeks before, \(since) since."
        }
    }
}
