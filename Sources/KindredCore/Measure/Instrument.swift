import Foundation

/// A questionnaire, as written in a content file (`Content/instruments/*.yaml`).
/// Validated scales keep their published items, scale and citation; Kindred's own checks
/// say plainly that they are not validated.
public struct Instrument: Codable, Sendable, Equatable, Identifiable {
    public var key: String
    public var version: Int
    public var title: String
    /// "EIS", "CSI-4": for charts and tight spaces.
    public var shortTitle: String
    /// True only for published, validated instruments.
    public var validated: Bool
    public var citation: String?
    public var licence: String
    /// Facts carried over from a secondary source and not yet checked against the original.
    public var verify: String?
    public var bondKinds: [BondKind]
    /// Shown before the first item.
    public var intro: String
    public var scales: [String: ResponseScale]
    public var items: [Item]
    public var scoring: Scoring
    /// Interpretation bands, only where the authors published them.
    public var bands: [Band]?
    /// What the score means, in plain and kind words.
    public var meaning: String
    /// What tends to help.
    public var helps: [String]
    /// Whether "predict your partner" makes sense for it.
    public var predictable: Bool
    /// How often it is due, in days (nil: whenever you like).
    public var cadenceDays: Int?
    /// The week of a bond's life in which the home first suggests it (1 = the first week;
    /// nil = later, from week \(MeasureRhythm.laterWeek)), so nobody meets a wall of questionnaires.
    public var introducedInWeek: Int?

    public var id: String { key }

    public init(
        key: String, version: Int, title: String, shortTitle: String, validated: Bool, citation: String?,
        licence: String, verify: String?, bondKinds: [BondKind], intro: String, scales: [String: ResponseScale],
        items: [Item], scoring: Scoring, bands: [Band]?, meaning: String, helps: [String], predictable: Bool, cadenceDays: Int?,
        introducedInWeek: Int? = nil
    ) {
        self.key = key
        self.version = version
        self.title = title
        self.shortTitle = shortTitle
        self.validated = validated
        self.citation = citation
        self.licence = licence
        self.verify = verify
        self.bondKinds = bondKinds
        self.intro = intro
        self.scales = scales
        self.items = items
        self.scoring = scoring
        self.bands = bands
        self.meaning = meaning
        self.helps = helps
        self.predictable = predictable
        self.cadenceDays = cadenceDays
        self.introducedInWeek = introducedInWeek
    }

    /// The label the app shows next to Kindred's own checks.
    public static let notValidatedLabel = "Kindred check — not a validated scale"

    public struct ResponseScale: Codable, Sendable, Equatable {
        public var options: [Option]
        public var minimum: Int { options.map(\.value).min() ?? 0 }
        public var maximum: Int { options.map(\.value).max() ?? 0 }
        public func label(for value: Int) -> String? { options.first { $0.value == value }?.label }
    }

    public struct Option: Codable, Sendable, Equatable {
        public var value: Int
        public var label: String
    }

    public struct Item: Codable, Sendable, Equatable, Identifiable {
        public var id: String
        public var text: String
        /// The same question, for predicting the other person's answer ("They feel…").
        public var predictText: String?
        public var scale: String
        public var reverse: Bool?
        /// The theme or sign the item speaks to (Kindred's reading, for insight).
        public var theme: String?
        /// Only in these kinds of bond (nil: all the instrument's kinds).
        public var bondKinds: [BondKind]?

        public var isReversed: Bool { reverse ?? false }
    }

    public struct Scoring: Codable, Sendable, Equatable {
        public enum Method: String, Codable, Sendable {
            /// Sum of item values.
            case sum
            /// Mean of item values.
            case mean
            /// Mean rescaled to 0–100 (for profiles whose parts have different lengths).
            case percent
        }

        public var method: Method
        public var subscales: [Subscale]?
        /// The items the total is made of (nil: all); e.g. only the satisfaction items.
        public var totalItems: [String]?
        /// What the total is called, when not simply "score".
        public var totalLabel: String?
    }

    public struct Subscale: Codable, Sendable, Equatable {
        public var key: String
        public var label: String
        public var items: [String]
        public var method: Scoring.Method
    }

    public struct Band: Codable, Sendable, Equatable {
        public var min: Double
        public var max: Double
        public var label: String
        public var meaning: String

        public func contains(_ score: Double) -> Bool { score >= min && score <= max }
    }

    public func applies(to kind: BondKind) -> Bool { bondKinds.contains(kind) }

    /// The band a stored score falls in, in today's words: a result kept from before a band was
    /// relabelled reads as the band does now (the ranges are the published ones and do not move).
    public func band(for score: InstrumentScore) -> Band? {
        guard let bands else { return score.band }
        return bands.first { $0.contains(score.total) } ?? score.band
    }

    /// The items a person in this kind of bond answers, in order.
    public func items(for kind: BondKind) -> [Item] {
        items.filter { $0.bondKinds?.contains(kind) ?? true }
    }

    public func scale(of item: Item) -> ResponseScale? { scales[item.scale] }
}
