import Fluent
import KindredCore
import Vapor

/// An instrument's page in a bond: your latest result and what it means, your history,
/// what the other member shared, the comparison and how well you know each other.
extension MeasurePagesController {
    struct HistoryRow: Encodable {
        let date: String
        let score: String
        let band: String?
        let shared: Bool
        let sharingURL: String
    }

    struct ProfileRow: Encodable {
        let label: String
        let value: String
    }

    struct ComparisonRow: Encodable {
        let label: String
        let yours: String
        let theirs: String
        let difference: String
    }

    struct ItemGapRow: Encodable {
        let text: String
        let predicted: String
        let actual: String
    }

    struct ResultsPage: Encodable {
        let title: String
        let label: String
        let validated: Bool
        let citation: String?
        let licence: String
        let intro: String
        let partnerName: String?
        let canAdd: Bool
        let takeURL: String
        let predictURL: String?
        let measureURL: String
        let hasResult: Bool
        let latestScore: String?
        let latestDate: String?
        let trend: String?
        let bandLabel: String?
        let bandMeaning: String?
        let profileChart: String?
        let profileRows: [ProfileRow]
        let insights: [String]
        let meaning: String
        let helps: [String]
        let historyChart: String?
        let history: [HistoryRow]
        let partnerLatest: String?
        let comparison: [ComparisonRow]
        let comparisonNote: String?
        let yourUnderstanding: String?
        let yourGaps: [ItemGapRow]
        let theirUnderstanding: String?
        let due: Bool
    }

    func instrumentPage(req: Request) async throws -> Response {
        let user = try req.requireWebUser()
        let loaded = try await BondService(req).load(try req.bondID(), for: user)
        let instrument = try instrument(req, loaded)
        // The instrument's own page shows the whole history, so it reads further back.
        let overview = try await AssessmentService(req).overview(of: instrument, in: loaded, for: user, limit: AssessmentService.historyLimit)
        let zone = user.timeZone
        let bondID = loaded.snapshot.id
        let partner = partnerName(loaded, user)
        let latest = overview.mine.first
        let latestScore = latest?.score
        let canAdd = loaded.verdict == .member

        let profile = latestScore.map { profileBars(instrument, score: $0, kind: loaded.bond.kind) } ?? []
        let profileChart = profile.isEmpty ? nil : Charts.bars(
            id: "profile", title: "Your latest \(instrument.shortTitle) profile",
            description: profile.map { "\($0.label): \(MeasureText.number($0.value)) of \(MeasureText.number($0.maximum))" }.joined(separator: "; "),
            bars: profile
        )
        let points = overview.mine.compactMap { a in a.score.map { Charts.Point(date: a.takenAt, value: $0.total) } }
        let historyChart = points.isEmpty || latestScore == nil ? nil : Charts.line(
            id: "history", title: "Your \(instrument.shortTitle) over time",
            description: "\(points.count) result\(points.count == 1 ? "" : "s"), from \(MeasureText.number(points.last!.value)) to \(MeasureText.number(points.first!.value)).",
            points: points, minimum: latestScore!.minimum, maximum: latestScore!.maximum
        )

        let comparisonRows = overview.comparison.map { pair in
            pair.rows.map { row in
                ComparisonRow(label: row.label, yours: MeasureText.number(row.mine), theirs: MeasureText.number(row.theirs),
                              difference: row.difference == 0 ? "same" : (row.difference > 0 ? "+" : "") + MeasureText.number(row.difference))
            }
        } ?? []
        let comparisonNote: String? = overview.comparison.map { pair in
            "Your result from \(DateText.day(pair.mine.takenAt, in: zone)) beside \(partner ?? "theirs") from \(DateText.day(pair.theirs.takenAt, in: zone)). Differences are yours minus theirs."
        } ?? (loaded.snapshot.status == .active
            ? "When you have both shared a result taken within 14 days of each other, you'll see them side by side here."
            : nil)

        let itemText = Dictionary(uniqueKeysWithValues: instrument.items.map { ($0.id, $0.text) })
        let page = ResultsPage(
            title: instrument.title,
            label: instrument.validated ? "Validated questionnaire" : Instrument.notValidatedLabel,
            validated: instrument.validated, citation: instrument.citation, licence: instrument.licence,
            intro: instrument.intro, partnerName: partner, canAdd: canAdd,
            takeURL: SiteURL.takeMeasure(bondID, instrument.key, predict: false).path,
            predictURL: instrument.predictable && loaded.snapshot.status == .active ? SiteURL.takeMeasure(bondID, instrument.key, predict: true).path : nil,
            measureURL: SiteURL.measureOverview(bondID).path,
            hasResult: latest != nil,
            latestScore: latestScore.map(MeasureText.score),
            latestDate: latest.map { DateText.day($0.takenAt, in: zone) },
            trend: overview.trend.map(MeasureText.trend),
            bandLabel: latestScore.flatMap(instrument.band(for:))?.label, bandMeaning: latestScore.flatMap(instrument.band(for:))?.meaning,
            profileChart: profileChart,
            profileRows: profile.map { ProfileRow(label: $0.label, value: "\(MeasureText.number($0.value)) of \(MeasureText.number($0.maximum))") },
            insights: instrument.key == "intimacy-balance" ? (latestScore.map { BalanceInsight.findings(in: $0).map(\.message) } ?? []) : [],
            meaning: instrument.meaning, helps: instrument.helps,
            historyChart: historyChart,
            history: overview.mine.map { a in
                HistoryRow(date: DateText.dayAndTime(a.takenAt, in: zone), score: a.score.map(MeasureText.score) ?? "–",
                           band: a.score.flatMap(instrument.band(for:))?.label, shared: a.shared, sharingURL: SiteURL.sharing(bondID, a.id!).path)
            },
            partnerLatest: overview.partnerShared.first.flatMap { a in
                a.score.map { "\(partner ?? "They") shared \(MeasureText.score($0)) on \(DateText.day(a.takenAt, in: zone))." }
            },
            comparison: comparisonRows, comparisonNote: comparisonNote,
            yourUnderstanding: overview.yourUnderstanding.map {
                "\($0.result.understanding) out of 100 — on average your guesses were \(MeasureText.number(($0.result.meanAbsoluteDifference * 10).rounded() / 10)) points from \(partner ?? "their")’s own answers."
            },
            yourGaps: overview.yourUnderstanding.map { pair in
                pair.result.items.map { ItemGapRow(text: itemText[$0.item] ?? $0.item, predicted: String($0.predicted), actual: String($0.actual)) }
            } ?? [],
            theirUnderstanding: overview.theirUnderstanding.map {
                "\($0.understanding) out of 100 — \(partner ?? "They") guessed your answers to within \(MeasureText.number(($0.meanAbsoluteDifference * 10).rounded() / 10)) points on average."
            },
            due: overview.isDue && canAdd
        )
        return try await req.page("measure-instrument", title: instrument.title, section: "bonds", page)
    }

    /// Signs for profiles; items (by theme or number) otherwise.
    func profileBars(_ instrument: Instrument, score: InstrumentScore, kind: BondKind) -> [Charts.Bar] {
        if instrument.scoring.method == .percent || instrument.key == "intimacy-balance" {
            return score.subscales.map { Charts.Bar(label: $0.label, value: $0.score, minimum: $0.minimum, maximum: $0.maximum) }
        }
        return instrument.items(for: kind).enumerated().compactMap { index, item in
            guard let value = score.items[item.id], let scale = instrument.scale(of: item) else { return nil }
            let label = "\(index + 1). " + (item.theme.map { $0.prefix(1).uppercased() + $0.dropFirst() } ?? "Question")
            return Charts.Bar(label: label, value: Double(value), minimum: Double(scale.minimum), maximum: Double(scale.maximum))
        }
    }
}
