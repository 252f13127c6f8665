import Foundation
import KindredCore
import Vapor

struct InstrumentSummaryDTO: Content {
    let key: String
    let version: Int
    let title: String
    let shortTitle: String
    let validated: Bool
    let label: String
    let citation: String?
    let bondKinds: [BondKind]
    let cadenceDays: Int?

    init(_ instrument: Instrument) {
        key = instrument.key
        version = instrument.version
        title = instrument.title
        shortTitle = instrument.shortTitle
        validated = instrument.validated
        label = instrument.validated ? "Validated questionnaire" : Instrument.notValidatedLabel
        citation = instrument.citation
        bondKinds = instrument.bondKinds
        cadenceDays = instrument.cadenceDays
    }
}

struct InstrumentDTO: Content {
    struct Option: Content { let value: Int; let label: String }
    struct Item: Content {
        let id: String
        let text: String
        let predictText: String?
        let theme: String?
        let reverse: Bool
        let bondKinds: [BondKind]?
        let options: [Option]
    }
    struct Band: Content { let min: Double; let max: Double; let label: String; let meaning: String }

    let key: String
    let version: Int
    let title: String
    let shortTitle: String
    let validated: Bool
    let label: String
    let citation: String?
    let licence: String
    let bondKinds: [BondKind]
    let intro: String
    let items: [Item]
    let scoring: String
    let bands: [Band]
    let meaning: String
    let helps: [String]
    let predictable: Bool
    let cadenceDays: Int?

    init(_ instrument: Instrument) {
        key = instrument.key
        version = instrument.version
        title = instrument.title
        shortTitle = instrument.shortTitle
        validated = instrument.validated
        label = instrument.validated ? "Validated questionnaire" : Instrument.notValidatedLabel
        citation = instrument.citation
        licence = instrument.licence
        bondKinds = instrument.bondKinds
        intro = instrument.intro
        items = instrument.items.map { item in
            Item(id: item.id, text: item.text, predictText: item.predictText, theme: item.theme, reverse: item.isReversed,
                 bondKinds: item.bondKinds,
                 options: (instrument.scale(of: item)?.options ?? []).map { Option(value: $0.value, label: $0.label) })
        }
        scoring = instrument.scoring.method.rawValue
        bands = (instrument.bands ?? []).map { Band(min: $0.min, max: $0.max, label: $0.label, meaning: $0.meaning) }
        meaning = instrument.meaning
        helps = instrument.helps
        predictable = instrument.predictable
        cadenceDays = instrument.cadenceDays
    }
}

struct ScoreDTO: Content {
    struct Band: Content { let label: String; let meaning: String }
    struct Part: Content { let key: String; let label: String; let score: Double; let minimum: Double; let maximum: Double }

    let total: Double
    let minimum: Double
    let maximum: Double
    let band: Band?
    let parts: [Part]

    init(_ score: InstrumentScore, instrument: Instrument?) {
        total = (score.total * 100).rounded() / 100
        minimum = score.minimum
        maximum = score.maximum
        band = (instrument?.band(for: score) ?? score.band).map { Band(label: $0.label, meaning: $0.meaning) }
        parts = score.subscales.map { Part(key: $0.key, label: $0.label, score: ($0.score * 100).rounded() / 100, minimum: $0.minimum, maximum: $0.maximum) }
    }
}

struct AssessmentDTO: Content {
    let id: UUID
    let instrument: String
    let instrumentVersion: Int
    let mode: ResultSummary.Mode
    let shared: Bool
    let yours: Bool
    let takenAt: Date
    let answers: [String: Int]
    let score: ScoreDTO
    /// Intimacy-balance findings, when there are any.
    let insights: [BalanceInsight.Finding]

    init(_ assessment: Assessment, viewer: User, content: ContentLibrary) {
        id = assessment.id!
        instrument = assessment.instrumentKey
        instrumentVersion = assessment.instrumentVersion
        mode = assessment.resultMode
        shared = assessment.shared
        yours = assessment.$user.id == viewer.id
        takenAt = assessment.takenAt
        answers = assessment.answers
        let score = assessment.score ?? InstrumentScore(total: 0, minimum: 0, maximum: 0, band: nil, subscales: [], items: [:])
        self.score = ScoreDTO(score, instrument: content.instrument(assessment.instrumentKey))
        insights = assessment.instrumentKey == "intimacy-balance" ? BalanceInsight.findings(in: score) : []
    }
}

extension ResultSummary.Mode: Content {}
extension BalanceInsight.Finding: Content {}

struct AssessmentListDTO: Content {
    let yours: [AssessmentDTO]
    let partnerShared: [AssessmentDTO]
}

struct ResultBriefDTO: Content {
    let id: UUID
    let takenAt: Date
    let total: Double
    let minimum: Double
    let maximum: Double
    let band: String?

    init?(_ assessment: Assessment?, instrument: Instrument) {
        guard let assessment, let score = assessment.score else { return nil }
        id = assessment.id!
        takenAt = assessment.takenAt
        total = (score.total * 100).rounded() / 100
        minimum = score.minimum
        maximum = score.maximum
        band = instrument.band(for: score)?.label
    }
}

struct ComparisonDTO: Content {
    let instrument: String
    let yours: ResultBriefDTO
    let theirs: ResultBriefDTO
    let rows: [Comparison.Row]
}

extension Comparison.Row: Content {}

struct UnderstandingDTO: Content {
    struct Item: Content { let item: String; let predicted: Int; let actual: Int }
    /// 0–100: how closely the prediction matched.
    let understanding: Int
    let meanAbsoluteDifference: Double
    let predictedAt: Date
    /// Item by item — only in your own prediction of them, never in theirs of you.
    let items: [Item]?
}

struct MeasureDTO: Content {
    let instrument: InstrumentSummaryDTO
    let latest: ResultBriefDTO?
    let trend: Trend?
    private(set) var due: Bool
    private(set) var nextDueAt: Date?
    let partnerLatest: ResultBriefDTO?
    let comparison: ComparisonDTO?
    /// How well you predicted them.
    let yourUnderstanding: UnderstandingDTO?
    /// How well they predicted you (the figure only).
    let theirUnderstanding: UnderstandingDTO?

    init(_ overview: MeasureOverview) {
        instrument = InstrumentSummaryDTO(overview.instrument)
        latest = ResultBriefDTO(overview.mine.first, instrument: overview.instrument)
        trend = overview.trend
        due = overview.isDue
        nextDueAt = overview.nextDueAt
        partnerLatest = ResultBriefDTO(overview.partnerShared.first, instrument: overview.instrument)
        comparison = overview.comparison.flatMap { pair in
            guard let yours = ResultBriefDTO(pair.mine, instrument: overview.instrument), let theirs = ResultBriefDTO(pair.theirs, instrument: overview.instrument) else { return nil }
            return ComparisonDTO(instrument: overview.instrument.key, yours: yours, theirs: theirs, rows: pair.rows)
        }
        yourUnderstanding = overview.yourUnderstanding.map {
            UnderstandingDTO(understanding: $0.result.understanding, meanAbsoluteDifference: ($0.result.meanAbsoluteDifference * 100).rounded() / 100,
                             predictedAt: $0.prediction.takenAt,
                             items: $0.result.items.map { .init(item: $0.item, predicted: $0.predicted, actual: $0.actual) })
        }
        theirUnderstanding = overview.theirUnderstanding.map {
            UnderstandingDTO(understanding: $0.understanding, meanAbsoluteDifference: ($0.meanAbsoluteDifference * 100).rounded() / 100,
                             predictedAt: $0.predictedAt, items: nil)
        }
    }

    /// The same card, due or not as of another hour (`MeasureCard`).
    func due(_ due: Bool, next: Date?) -> MeasureDTO {
        var card = self
        card.due = due
        card.nextDueAt = next
        return card
    }
}

extension Trend: Content {}

struct DashboardDTO: Content {
    let bondId: UUID
    let status: BondStatus
    let measures: [MeasureDTO]
    /// Instruments due now, in the order to take them.
    let due: [String]
}
