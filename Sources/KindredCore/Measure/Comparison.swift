import Foundation

/// One person's result, as the rules about sharing and comparing need it.
public struct ResultSummary: Sendable, Equatable {
    public enum Mode: String, Codable, Sendable {
        /// About yourself.
        case `self`
        /// Your guess at the other member's answers.
        case predict
    }

    public var owner: UserID
    public var instrument: String
    public var mode: Mode
    public var shared: Bool
    public var takenAt: Date
    public var answers: [String: Int]
    public var score: InstrumentScore

    public init(owner: UserID, instrument: String, mode: Mode, shared: Bool, takenAt: Date, answers: [String: Int], score: InstrumentScore) {
        self.owner = owner
        self.instrument = instrument
        self.mode = mode
        self.shared = shared
        self.takenAt = takenAt
        self.answers = answers
        self.score = score
    }
}

/// Who may see a result: its owner always; the other member only a result about its
/// owner that the owner chose to share. A prediction is never shown to anyone else —
/// only the understanding figure made from it.
public enum ResultVisibility {
    public static func isVisible(_ result: ResultSummary, to viewer: UserID) -> Bool {
        if result.owner == viewer { return true }
        return result.mode == .self && result.shared
    }
}

/// Side by side, once both members shared a result of the same instrument close in time.
public enum Comparison {
    public static let window: TimeInterval = 14 * 24 * 3600

    /// The most recent pair of shared self-results, one each, taken within 14 days of each other.
    public static func latestPair(_ mine: [ResultSummary], _ theirs: [ResultSummary]) -> (mine: ResultSummary, theirs: ResultSummary)? {
        let eligibleMine = mine.filter { $0.mode == .self && $0.shared }.sorted { $0.takenAt > $1.takenAt }
        let eligibleTheirs = theirs.filter { $0.mode == .self && $0.shared }.sorted { $0.takenAt > $1.takenAt }
        var best: (ResultSummary, ResultSummary)?
        for a in eligibleMine {
            for b in eligibleTheirs where a.instrument == b.instrument && abs(a.takenAt.timeIntervalSince(b.takenAt)) <= window {
                let newest = max(a.takenAt, b.takenAt)
                if best == nil || newest > max(best!.0.takenAt, best!.1.takenAt) { best = (a, b) }
            }
        }
        return best.map { (mine: $0.0, theirs: $0.1) }
    }

    public struct Row: Sendable, Equatable, Codable {
        public var key: String
        public var label: String
        public var mine: Double
        public var theirs: Double
        public var difference: Double
    }

    /// Per sign for profiles, per item otherwise.
    public static func rows(_ instrument: Instrument, mine: InstrumentScore, theirs: InstrumentScore) -> [Row] {
        if instrument.scoring.method == .percent, !mine.subscales.isEmpty {
            return mine.subscales.compactMap { sub in
                guard let other = theirs.subscales.first(where: { $0.key == sub.key }) else { return nil }
                return Row(key: sub.key, label: sub.label, mine: sub.score, theirs: other.score, difference: sub.score - other.score)
            }
        }
        return instrument.items.compactMap { item in
            guard let a = mine.items[item.id], let b = theirs.items[item.id] else { return nil }
            return Row(key: item.id, label: item.text, mine: Double(a), theirs: Double(b), difference: Double(a - b))
        }
    }
}

/// How well one member knows the other: their prediction against the other's own answers.
public enum PerceptionGap {
    public struct Result: Sendable, Equatable, Codable {
        /// Mean absolute difference per item, in scale points.
        public var meanAbsoluteDifference: Double
        /// 100 = every answer predicted exactly; 0 = every answer as far off as the scale allows.
        public var understanding: Int
        public var items: [ItemGap]
    }

    public struct ItemGap: Sendable, Equatable, Codable {
        public var item: String
        public var predicted: Int
        public var actual: Int
    }

    public static func compare(prediction: [String: Int], actual: [String: Int], instrument: Instrument, kind: BondKind) -> Result? {
        var gaps: [ItemGap] = []
        var differences: [Double] = []
        var ranges: [Double] = []
        for item in instrument.items(for: kind) {
            guard let predicted = prediction[item.id], let real = actual[item.id], let scale = instrument.scale(of: item) else { continue }
            gaps.append(ItemGap(item: item.id, predicted: predicted, actual: real))
            differences.append(Double(abs(predicted - real)))
            ranges.append(Double(scale.maximum - scale.minimum))
        }
        guard !gaps.isEmpty else { return nil }
        let mad = differences.reduce(0, +) / Double(differences.count)
        let worst = ranges.reduce(0, +) / Double(ranges.count)
        let understanding = worst > 0 ? Int((100 * (1 - mad / worst)).rounded()) : 100
        return Result(meanAbsoluteDifference: mad, understanding: max(0, min(100, understanding)), items: gaps)
    }

    /// The other member's self-result a prediction is judged against, chosen once and then
    /// kept: the latest taken at or before the prediction, within the window; if there is none,
    /// the first taken after it, within the window. Shared or not — the figure is shown only
    /// while that one result is shared, and no other ever stands in for it. So nothing done
    /// afterwards (new results, sharing and un-sharing) moves the figure: the person guessed
    /// about cannot vary their answers to read the guesses off it.
    public static func pin(predictionAt: Date, instrument: String, among theirs: [ResultSummary]) -> ResultSummary? {
        let candidates = theirs.filter { $0.mode == .self && $0.instrument == instrument }
        return pinIndex(predictionAt: predictionAt, takenAt: candidates.map(\.takenAt)).map { candidates[$0] }
    }

    /// The same rule over the times of the other member's self-results of the instrument
    /// (all that is needed to choose, so it can run before anything is opened).
    public static func pinIndex(predictionAt: Date, takenAt: [Date]) -> Int? {
        let inWindow = takenAt.indices.filter { abs(takenAt[$0].timeIntervalSince(predictionAt)) <= Comparison.window }
        if let before = inWindow.filter({ takenAt[$0] <= predictionAt }).max(by: { takenAt[$0] < takenAt[$1] }) { return before }
        return inWindow.filter { takenAt[$0] > predictionAt }.min { takenAt[$0] < takenAt[$1] }
    }
}

/// Which way a measure is moving.
public enum Trend: String, Codable, Sendable {
    case up, down, steady, first

    /// Compares the latest result with the one before; moves smaller than 5% of the
    /// scale's range count as steady.
    public static func of(latest: InstrumentScore, previous: InstrumentScore?) -> Trend {
        guard let previous else { return .first }
        let range = max(latest.maximum - latest.minimum, 0.0001)
        let change = (latest.total - previous.total) / range
        if change >= 0.05 { return .up }
        if change <= -0.05 { return .down }
        return .steady
    }
}

/// Whether a measure is due again.
public enum Due {
    public static func isDue(lastTaken: Date?, cadenceDays: Int?, now: Date) -> Bool {
        guard let cadenceDays else { return false }
        guard let lastTaken else { return true }
        return now.timeIntervalSince(lastTaken) >= Double(cadenceDays) * 86_400
    }

    public static func nextDue(lastTaken: Date?, cadenceDays: Int?, now: Date) -> Date? {
        guard let cadenceDays else { return nil }
        guard let lastTaken else { return now }
        return lastTaken.addingTimeInterval(Double(cadenceDays) * 86_400)
    }
}
