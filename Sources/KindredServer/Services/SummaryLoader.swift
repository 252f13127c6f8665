import Fluent
import KindredCore
import Vapor

/// Loads what a professional's summary is built from — and only what the open scopes allow,
/// so text no scope covers is never even opened for them. `ProfessionalSummary.build` then
/// decides again what reaches the page.
struct SummaryLoader: RequestScoped {
    let db: any Database
    let services: KindredServices

    static let instruments = ["eis", "csi4", "swls", "six-signs"]

    func input(for bond: Bond, state: ProfessionalAccess.State, since: Date) async throws -> ProfessionalSummary.Input {
        let bondID = bond.id!
        let memberIDs = try await BondMember.query(on: db).filter(\.$bond.$id == bondID).sort(\.$slot).all().map { $0.$user.id }
        func member(_ id: UUID) -> Int? { memberIDs.firstIndex(of: id) }
        let now = services.now
        var input = ProfessionalSummary.Input(state: state, since: since, now: now)
        let cipher = services.cipher

        if ProfessionalAccess.maySee(.sharedResult, in: state) {
            let rows = try await Assessment.query(on: db).filter(\.$bond.$id == bondID)
                .filter(\.$instrumentKey ~~ Self.instruments).filter(\.$mode == ResultSummary.Mode.`self`.rawValue)
                .filter(\.$shared == true).sort(\.$takenAt, .descending).limit(400).all().opened(cipher)
            input.results = rows.compactMap { row in
                guard let index = member(row.$user.id), let score = row.score else { return nil }
                let band = services.content.instrument(row.instrumentKey)?.band(for: score)?.label
                let signs = Dictionary(score.signFractions.map { ($0.sign, $0.fraction * 100) }, uniquingKeysWith: { first, _ in first })
                return .init(member: index, instrument: row.instrumentKey, isSelf: row.resultMode == .`self`, shared: row.shared,
                             takenAt: row.takenAt, total: score.total, minimum: score.minimum, maximum: score.maximum, band: band,
                             signs: row.instrumentKey == "six-signs" ? signs : [:])
            }
        }

        if ProfessionalAccess.maySee(.checkinRatings, in: state) {
            let notes = ProfessionalAccess.maySee(.checkinNote, in: state)
            let rows = try await Checkin.query(on: db).filter(\.$bond.$id == bondID).sort(\.$week, .descending).limit(104).all()
            input.checkins = rows.compactMap { row in
                guard let index = member(row.$user.id), let ratings = try? row.ratings(cipher) else { return nil }
                return .init(member: index, week: row.week, ratings: ratings, note: notes ? (try? row.note(cipher)) ?? nil : nil)
            }
        }

        let rhythm = ProfessionalAccess.maySee(.rhythmCounts, in: state), answers = ProfessionalAccess.maySee(.revealedAnswer, in: state)
        if rhythm || answers {
            let today = LocalDay(now, inZone: "UTC")
            // The rhythm needs twelve weeks of who answered (never what); answers need 28 days of text.
            let from = rhythm ? today.adding(days: -7 * ProfessionalSummary.rhythmWeeks - 35) : today.adding(days: -ProfessionalSummary.answerDays - 1)
            let textFrom = today.adding(days: -ProfessionalSummary.answerDays - 1)
            let rows = try await DailyAnswer.query(on: db).filter(\.$bond.$id == bondID).filter(\.$day >= from.description).all()
            input.answers = rows.compactMap { row in
                guard let index = member(row.$user.id), let day = LocalDay(string: row.day) else { return nil }
                let text = answers && day >= textFrom ? (try? cipher.open(row.sealedText, at: row.place)) ?? "" : ""
                return .init(member: index, day: day, text: text)
            }
            if answers {
                let asked = try await DailyQuestion.query(on: db).filter(\.$bond.$id == bondID).filter(\.$day >= textFrom.description).all()
                for question in asked {
                    guard let day = LocalDay(string: question.day) else { continue }
                    input.prompts[day] = services.content.prompt(question.promptID)?.text ?? ""
                }
            }
            if rhythm {
                let marks = try await RitualMark.query(on: db).filter(\.$bond.$id == bondID).filter(\.$day >= from.description).all()
                var kept = Set<String>()
                for mark in marks where (try? cipher.open(mark.sealedMark, at: mark.place)) == OccurrenceMark.done.rawValue {
                    kept.insert("\(mark.$ritual.id)|\(mark.day)")
                }
                input.ritualsKept = kept.compactMap { LocalDay(string: String($0.split(separator: "|").last ?? "")) }
            }
        }
        return input
    }
}
