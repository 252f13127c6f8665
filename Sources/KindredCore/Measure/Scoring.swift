import Foundation

/// The result of scoring one set of answers.
public struct InstrumentScore: Codable, Sendable, Equatable {
    public var total: Double
    public var minimum: Double
    public var maximum: Double
    /// The published band the total falls in, when the instrument has bands.
    public var band: Instrument.Band?
    public var subscales: [SubscaleScore]
    /// Each item's scored value (after reverse scoring), by item id.
    public var items: [String: Int]

    public init(total: Double, minimum: Double, maximum: Double, band: Instrument.Band?, subscales: [SubscaleScore], items: [String: Int]) {
        self.total = total
        self.minimum = minimum
        self.maximum = maximum
        self.band = band
        self.subscales = subscales
        self.items = items
    }

    public struct SubscaleScore: Codable, Sendable, Equatable {
        public var key: String
        public var label: String
        public var score: Double
        public var minimum: Double
        public var maximum: Double

        public init(key: String, label: String, score: Double, minimum: Double, maximum: Double) {
            self.key = key
            self.label = label
            self.score = score
            self.minimum = minimum
            self.maximum = maximum
        }
    }

    /// Where the total sits between its minimum and maximum, 0–1 (for charts).
    public var fraction: Double {
        maximum > minimum ? (total - minimum) / (maximum - minimum) : 0
    }

    /// Each of the six signs this score has a subscale for, 0–1, in the subscales' order.
    public var signFractions: [(sign: Sign, fraction: Double)] {
        subscales.compactMap { subscale in Sign(rawValue: subscale.key).map { ($0, subscale.fraction) } }
    }
}

extension InstrumentScore.SubscaleScore {
    /// Where the subscale sits between its minimum and maximum, 0–1.
    public var fraction: Double {
        maximum > minimum ? (score - minimum) / (maximum - minimum) : 0
    }
}

/// Scores answers. Pure: the same answers always give the same score; incomplete or
/// out-of-range answers are refused with one problem per item.
public enum Scorer {
    public static func validate(_ answers: [String: Int], for instrument: Instrument, kind: BondKind) -> [FieldError] {
        var problems: [FieldError] = []
        let items = instrument.items(for: kind)
        let known = Set(items.map(\.id))
        for item in items {
            guard let value = answers[item.id] else {
                problems.append(FieldError("answers.\(item.id)", "Please answer this one."))
                continue
            }
            guard let scale = instrument.scale(of: item), scale.options.contains(where: { $0.value == value }) else {
                let range = instrument.scale(of: item).map { "\($0.minimum)–\($0.maximum)" } ?? "the scale"
                problems.append(FieldError("answers.\(item.id)", "Choose one of the options (\(range))."))
                continue
            }
        }
        for id in answers.keys.sorted() where !known.contains(id) {
            problems.append(FieldError("answers.\(id)", "This question is not part of \(instrument.shortTitle) for this bond."))
        }
        return problems
    }

    public static func score(_ answers: [String: Int], for instrument: Instrument, kind: BondKind) throws -> InstrumentScore {
        let problems = validate(answers, for: instrument, kind: kind)
        guard problems.isEmpty else { throw ScoringError(problems: problems) }
        let items = instrument.items(for: kind)
        var scored: [String: Int] = [:]
        var ranges: [String: (Int, Int)] = [:]
        for item in items {
            let scale = instrument.scale(of: item)!
            let raw = answers[item.id]!
            scored[item.id] = item.isReversed ? scale.minimum + scale.maximum - raw : raw
            ranges[item.id] = (scale.minimum, scale.maximum)
        }

        func aggregate(_ ids: [String], _ method: Instrument.Scoring.Method) -> (Double, Double, Double)? {
            let present = ids.filter { scored[$0] != nil }
            guard !present.isEmpty else { return nil }
            let values = present.map { Double(scored[$0]!) }
            let lows = present.map { Double(ranges[$0]!.0) }
            let highs = present.map { Double(ranges[$0]!.1) }
            switch method {
            case .sum:
                return (values.reduce(0, +), lows.reduce(0, +), highs.reduce(0, +))
            case .mean:
                let n = Double(present.count)
                return (values.reduce(0, +) / n, lows.reduce(0, +) / n, highs.reduce(0, +) / n)
            case .percent:
                // Each item rescaled to 0–1 first, so mixed scales weigh the same.
                let parts = present.map { id -> Double in
                    let (low, high) = ranges[id]!
                    return high > low ? Double(scored[id]! - low) / Double(high - low) : 0
                }
                return (parts.reduce(0, +) / Double(parts.count) * 100, 0, 100)
            }
        }

        let subscales = (instrument.scoring.subscales ?? []).compactMap { sub -> InstrumentScore.SubscaleScore? in
            guard let (score, low, high) = aggregate(sub.items, sub.method) else { return nil }
            return .init(key: sub.key, label: sub.label, score: score, minimum: low, maximum: high)
        }
        let total: (Double, Double, Double)
        if instrument.scoring.method == .percent, !subscales.isEmpty {
            // A profile's total is the mean of its parts, so a sign with more items does not dominate.
            total = (subscales.map(\.score).reduce(0, +) / Double(subscales.count), 0, 100)
        } else {
            let ids = instrument.scoring.totalItems ?? items.map(\.id)
            total = aggregate(ids, instrument.scoring.method) ?? (0, 0, 0)
        }
        let band = instrument.bands?.first { $0.contains(total.0) }
        return InstrumentScore(total: total.0, minimum: total.1, maximum: total.2, band: band, subscales: subscales, items: scored)
    }
}

public struct ScoringError: Error, Equatable, Sendable {
    public let problems: [FieldError]
}
