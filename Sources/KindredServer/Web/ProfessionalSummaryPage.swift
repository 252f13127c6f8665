import KindredCore
import Vapor

/// The between-sessions summary as the printable page shows it: each member's readings side
/// by side, per questionnaire, then check-ins, rhythm and answers where they are in scope.
struct SummaryPage: Encodable {
    struct Reading: Encodable {
        let on: String
        let score: String
        let band: String?
        let signs: [String]
    }

    struct Column: Encodable {
        let name: String
        let readings: [Reading]
    }

    struct Measure: Encodable {
        let title: String
        let citation: String?
        let cutoff: String?
        let columns: [Column]
    }

    struct CheckinColumn: Encodable {
        let name: String
        let weeks: [String]
    }

    struct RhythmRow: Encodable {
        let week: String
        let days: Int
        let rituals: Int
    }

    struct AnswerDay: Encodable {
        let on: String
        let prompt: String
        let answers: [String]
    }

    let names: String
    let kind: String
    let scopes: String
    let since: String
    let sinceValue: String
    let sinceError: String?
    let printedOn: String
    let changes: [String]
    let measures: [Measure]
    let checkins: [CheckinColumn]
    let showCheckins: Bool
    let rhythm: [RhythmRow]
    let showRhythm: Bool
    let answers: [AnswerDay]
    let showAnswers: Bool
    let neverShown: String

    static let shortDay: Date.FormatStyle = {
        var style = Date.FormatStyle(locale: Locale(identifier: "en_GB")).day().month(.abbreviated).year()
        style.timeZone = TimeZone(identifier: "UTC")!
        return style
    }()

    init(served: ProfessionalService.Served, summary: ProfessionalSummary.Summary, since: Date, user: User, content: ContentLibrary, sinceError: String?, now: Date) {
        let zone = user.timeZone
        func day(_ date: Date) -> String { DateText.day(date, in: zone) }
        /// The Monday an ISO week starts, short ("14 Sep 2026"), so twelve rows of them fit a phone.
        func monday(_ isoWeek: String) -> String {
            guard let monday = LocalDay(mondayOf: isoWeek), let start = monday.start(inZone: "UTC") else { return isoWeek }
            return start.addingTimeInterval(12 * 3600).formatted(Self.shortDay)
        }
        func week(_ isoWeek: String) -> String { "Week of " + monday(isoWeek) }
        func number(_ value: Double) -> String { value.rounded() == value ? String(Int(value)) : String(format: "%.1f", value) }
        names = ProfessionalPagesController.names(served.names)
        kind = ProfessionalPagesController.kindText(served.bond.kind)
        scopes = ProfessionalAccess.scopeList(summary.scopes)
        self.since = day(since)
        sinceValue = LocalDay(since, inZone: zone).description
        self.sinceError = sinceError
        printedOn = DateText.dayAndTime(now, in: zone)
        changes = summary.notable.map { notable in
            ProfessionalSummary.sentence(notable, names: served.names) + " (\(day(notable.change.from)) → \(day(notable.change.to)))"
        }
        let open = summary.scopes.contains(.sharedResults)
        measures = open ? SummaryLoader.instruments.compactMap { key in
            let instrument = content.instrument(key)
            return Measure(
                title: instrument?.title ?? key, citation: instrument?.citation,
                cutoff: key == "csi4" ? "Cut-off for relationship distress: below \(number(NotableChanges.csiCutoff))." : nil,
                columns: served.names.enumerated().map { index, name in
                    Column(name: name, readings: summary.results.filter { $0.member == index && $0.instrument == key }.map { result in
                        Reading(on: day(result.takenAt), score: "\(number(result.total)) of \(number(result.maximum))", band: result.band,
                                signs: Sign.allCases.compactMap { sign in result.signs[sign].map { "\(sign.label): \(Int($0.rounded()))%" } })
                    })
                }
            )
        } : []
        showCheckins = summary.scopes.contains(.checkins)
        checkins = served.names.enumerated().map { index, name in
            CheckinColumn(name: name, weeks: summary.checkins.filter { $0.member == index }.map { checkin in
                let ratings = Sign.allCases.compactMap { sign in checkin.ratings[sign.rawValue].map { "\(sign.label.lowercased()) \($0)" } }.joined(separator: ", ")
                return "\(week(checkin.week)): \(ratings)" + (checkin.note.map { " — “\($0)”" } ?? "")
            })
        }
        showRhythm = summary.scopes.contains(.rhythm)
        rhythm = summary.rhythm.map { RhythmRow(week: monday($0.week), days: $0.daysAnsweredTogether, rituals: $0.ritualsKept) }
        showAnswers = summary.scopes.contains(.answers)
        answers = summary.answers.map { revealed in
            AnswerDay(on: day(revealed.day.start(inZone: zone) ?? since), prompt: revealed.prompt,
                      answers: zip(served.names, revealed.answers).map { "\($0): \($1)" })
        }
        neverShown = SummaryDTO.neverShownText
    }
}
