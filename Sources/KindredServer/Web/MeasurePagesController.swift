import Fluent
import KindredCore
import Vapor

/// Measuring in the browser: the list of questionnaires, taking one, and an instrument's
/// page with results, history, the comparison and how well you know each other.
struct MeasurePagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(.measureOverview, use: overview)
        routes.get(.measure, use: instrumentPage)
        routes.get(.takeMeasure, use: form)
        routes.post(.takeMeasure, use: submit)
        routes.post(.sharing, use: sharing)
    }

    // MARK: - Overview

    struct MeasureCard: Encodable {
        let title: String
        let label: String
        let url: String
        let takeURL: String
        let predictURL: String?
        let latest: String?
        let trend: String?
        let due: Bool
        let partnerShared: Bool
    }

    func overview(req: Request) async throws -> Response {
        let user = try req.requireWebUser()
        let loaded = try await BondService(req).load(try req.bondID(), for: user)
        let overviews = try await AssessmentService(req).overviews(in: loaded, for: user)
        let cards = overviews.map { card(for: $0, loaded: loaded, user: user) }
        struct Page: Encodable {
            let bondTitle: String
            let bondURL: String
            let partnerName: String?
            let canAdd: Bool
            let cards: [MeasureCard]
        }
        return try await req.page("measure", title: "Measure", section: "bonds", Page(
            bondTitle: BondPagesController.title(of: loaded, for: user), bondURL: SiteURL.bond(loaded.snapshot.id).path,
            partnerName: partnerName(loaded, user), canAdd: loaded.verdict == .member, cards: cards
        ))
    }

    func card(for overview: MeasureOverview, loaded: BondService.Loaded, user: User) -> MeasureCard {
        let instrument = overview.instrument
        let bondID = loaded.snapshot.id
        let canPredict = instrument.predictable && loaded.snapshot.status == .active
        return MeasureCard(
            title: instrument.title,
            label: instrument.validated ? "Validated questionnaire" : Instrument.notValidatedLabel,
            url: SiteURL.measure(bondID, instrument.key).path,
            takeURL: SiteURL.takeMeasure(bondID, instrument.key, predict: false).path,
            predictURL: canPredict ? SiteURL.takeMeasure(bondID, instrument.key, predict: true).path : nil,
            latest: overview.mine.first.flatMap { a in a.score.map { "\(MeasureText.score($0)) on \(DateText.day(a.takenAt, in: user.timeZone))" } },
            trend: overview.trend.map(MeasureText.trend),
            due: overview.isDue && loaded.verdict == .member,
            partnerShared: !overview.partnerShared.isEmpty
        )
    }

    // MARK: - Taking

    struct OptionRow: Encodable {
        let id: String
        let value: Int
        let label: String
        let checked: Bool
    }

    struct ItemRow: Encodable {
        let id: String
        let position: String
        let text: String
        let error: String?
        let options: [OptionRow]
    }

    struct FormPage: Encodable {
        let title: String
        let intro: String
        let predict: Bool
        let partnerName: String?
        let actionURL: String
        let backURL: String
        let errors: [FieldError]
        let items: [ItemRow]
        let share: Bool
        let citation: String?
        let label: String
    }

    func form(req: Request) async throws -> Response {
        let user = try req.requireWebUser()
        let loaded = try await BondService(req).loadForChange(try req.bondID(), for: user)
        let instrument = try instrument(req, loaded)
        let predict = (req.query["mode"] as String?) == "predict"
        return try await renderForm(req, loaded: loaded, user: user, instrument: instrument, predict: predict, answers: [:], share: false, errors: [])
    }

    func submit(req: Request) async throws -> Response {
        let user = try req.requireWebUser()
        let loaded = try await BondService(req).loadForChange(try req.bondID(), for: user)
        let instrument = try instrument(req, loaded)
        let fields = (try? req.content.decode([String: String].self)) ?? [:]
        let predict = fields["mode"] == "predict"
        let share = !predict && fields["share"] == "yes"
        var answers: [String: Int] = [:]
        for item in instrument.items(for: loaded.bond.kind) {
            if let raw = fields["answer-\(item.id)"], let value = Int(raw) { answers[item.id] = value }
        }
        do {
            _ = try await AssessmentService(req).take(
                in: loaded, by: user, instrumentKey: instrument.key, answers: answers,
                mode: predict ? .predict : .self, share: share
            )
            let flash: Flash = predict ? .predictionSaved : (share ? .resultSavedAndShared : .resultSaved)
            return req.redirect(to: .measure(loaded.snapshot.id, instrument.key), flash: flash)
        } catch let problem as Problem where !problem.fieldErrors.isEmpty {
            return try await renderForm(req, loaded: loaded, user: user, instrument: instrument, predict: predict,
                                        answers: answers, share: share, errors: problem.fieldErrors, status: problem.status)
        }
    }

    private func renderForm(
        _ req: Request, loaded: BondService.Loaded, user: User, instrument: Instrument, predict: Bool,
        answers: [String: Int], share: Bool, errors: [FieldError], status: HTTPStatus = .ok
    ) async throws -> Response {
        let items = instrument.items(for: loaded.bond.kind)
        let rows = items.enumerated().map { index, item in
            ItemRow(
                id: item.id, position: "\(index + 1) of \(items.count)",
                text: predict ? (item.predictText ?? item.text) : item.text,
                error: errors.message(for: "answers.\(item.id)"),
                options: (instrument.scale(of: item)?.options ?? []).map {
                    OptionRow(id: "answer-\(item.id)-\($0.value)", value: $0.value, label: $0.label, checked: answers[item.id] == $0.value)
                }
            )
        }
        let partner = partnerName(loaded, user)
        let title = predict ? "Predict \(partner.map { $0 + "’s" } ?? "their") answers: \(instrument.shortTitle)" : instrument.title
        let intro = predict
            ? "Answer each one as you think \(partner ?? "the other person") would. Your guesses stay private — together you'll only see how close they were."
            : instrument.intro
        let actionPath = SiteURL.takeMeasure(loaded.snapshot.id, instrument.key, predict: false).path
        return try await req.page("measure-form", title: title, section: "bonds", status: status, FormPage(
            title: title, intro: intro, predict: predict, partnerName: partner, actionURL: actionPath,
            backURL: SiteURL.measure(loaded.snapshot.id, instrument.key).path,
            errors: summaryErrors(errors, rows: rows),
            items: rows, share: share, citation: instrument.citation,
            label: instrument.validated ? "Validated questionnaire" : Instrument.notValidatedLabel
        ))
    }

    /// Error-summary links point at each question's fieldset, named by its position.
    private func summaryErrors(_ errors: [FieldError], rows: [ItemRow]) -> [FieldError] {
        let general = errors.filter { !$0.field.hasPrefix("answers.") }
        let perItem = errors.filter { $0.field.hasPrefix("answers.") }.map { error -> FieldError in
            let id = String(error.field.dropFirst("answers.".count))
            let position = rows.first { $0.id == id }?.position ?? ""
            return FieldError("answer-\(id)-fieldset", "Question \(position): \(error.message)")
        }
        return general + perItem
    }

    // MARK: - Sharing

    func sharing(req: Request) async throws -> Response {
        let user = try req.requireWebUser()
        let loaded = try await BondService(req).load(try req.bondID(), for: user)
        let shared = (try? req.content.get(String.self, at: "shared")) == "yes"
        let assessment = try await AssessmentService(req).setShared(try req.assessmentID(), in: loaded, by: user, shared: shared)
        return req.redirect(to: .measure(loaded.snapshot.id, assessment.instrumentKey), flash: shared ? .resultShared : .resultUnshared)
    }

    // MARK: - Helpers

    func instrument(_ req: Request, _ loaded: BondService.Loaded) throws -> Instrument {
        guard let instrument = req.kindred.content.instrument(req.parameters.get("key") ?? ""), instrument.applies(to: loaded.bond.kind) else {
            throw Problem.notFound("There is no such questionnaire for this bond.")
        }
        return instrument
    }

    func partnerName(_ loaded: BondService.Loaded, _ user: User) -> String? {
        loaded.members.first { $0.user.id != user.id }?.user.displayName
    }
}

/// Scores and trends in words.
enum MeasureText {
    static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }

    static func score(_ score: InstrumentScore) -> String {
        "\(number(score.total)) of \(number(score.maximum))"
    }

    static func trend(_ trend: Trend) -> String {
        switch trend {
        case .up: "↑ up since last time"
        case .down: "↓ down since last time"
        case .steady: "→ about the same as last time"
        case .first: "your first result"
        }
    }
}
