import Fluent
import KindredCore
import Vapor

/// Appreciations, the weekly check-in and the deep conversation in the browser.
extension PractisePagesController {
    // MARK: - Appreciations

    struct NoteRow: Encodable {
        let text: String
        let at: String
    }

    struct AppreciationRow: Encodable {
        let text: String
        let at: String
        let reactionURL: String
        /// Buttons for a note you received, while the bond lasts.
        let reactions: [ReactionButton]
        let yourReaction: String?
        let theirReaction: String?
    }

    struct AppreciationsPage: Encodable {
        let bondTitle: String
        let bondURL: String
        let partnerName: String
        let active: Bool
        let starter: String?
        let actionURL: String
        let draft: String
        let error: String?
        let received: [AppreciationRow]
        let sent: [AppreciationRow]
    }

    func appreciations(req: Request) async throws -> Response {
        try await renderAppreciations(req, context: try await context(req), draft: "", error: nil)
    }

    func appreciate(req: Request) async throws -> Response {
        let context = try await context(req)
        let text = (try? req.content.get(String.self, at: "text")) ?? ""
        do {
            _ = try await AppreciationService(req).send(text, in: context.loaded, by: context.user)
            return req.redirect(to: .appreciations(context.bondID), flash: .appreciationSent)
        } catch let problem as Problem where !problem.fieldErrors.isEmpty || problem.status == .conflict {
            return try await renderAppreciations(req, context: context, draft: text,
                                                 error: problem.fieldErrors.first?.message ?? problem.detail, status: problem.status)
        }
    }

    private func renderAppreciations(_ req: Request, context: Context, draft: String, error: String?, status: HTTPStatus = .ok) async throws -> Response {
        let service = AppreciationService(req)
        let notes = try await service.list(in: context.loaded, for: context.user)
        let zone = context.user.timeZone
        let partner = context.partnerName ?? "They"
        let active = context.loaded.snapshot.status == .active
        let reactions = try await ReactionService(req).summaries(.appreciation, keys: notes.map { $0.id.uuidString.lowercased() },
                                                                 in: context.loaded, for: context.user)
        let row = { (note: AppreciationService.Note) -> AppreciationRow in
            let summary = reactions[note.id.uuidString.lowercased()]
            return AppreciationRow(
                text: note.text, at: DateText.dayAndTime(note.at, in: zone),
                reactionURL: SiteURL.appreciationReaction(context.bondID, note.id).path,
                reactions: !note.fromYou && active ? ReactionButton.row(chosen: summary?.yours) : [],
                yourReaction: summary?.yours.map { "\($0.emoji) \($0.label)" },
                theirReaction: summary?.theirs.map { "\(partner) reacted \($0.emoji) \($0.label)" }
            )
        }
        return try await req.page("appreciations", title: "Appreciations", section: "bonds", status: status, AppreciationsPage(
            bondTitle: context.bondTitle, bondURL: context.bondURL, partnerName: context.partnerName ?? "them",
            active: context.loaded.snapshot.status == .active,
            starter: service.starter(for: try await TodayService(req).today(in: context.loaded)),
            actionURL: SiteURL.appreciations(context.bondID).path, draft: draft, error: error,
            received: notes.filter { !$0.fromYou }.map(row),
            sent: notes.filter(\.fromYou).map(row)
        ))
    }

    // MARK: - Weekly check-in

    struct PulseRow: Encodable {
        let sign: String
        let text: String
        let error: String?
        let options: [MeasurePagesController.OptionRow]
    }

    struct CompareRow: Encodable {
        let label: String
        let yours: String
        let theirs: String
    }

    struct CheckinPage: Encodable {
        let bondTitle: String
        let bondURL: String
        let partnerName: String
        let title: String
        let intro: String
        let notePrompt: String
        let actionURL: String
        let mayWrite: Bool
        let submitted: Bool
        let waitingForThem: Bool
        let theyCheckedIn: Bool
        let revealed: Bool
        let items: [PulseRow]
        let note: String
        let errors: [FieldError]
        let yourNote: String?
        let theirNote: String?
        let comparison: [CompareRow]
        let trendChart: String?
        let trendRows: [NoteRow]
    }

    func checkin(req: Request) async throws -> Response {
        try await renderCheckin(req, context: try await context(req), ratings: nil, note: nil, errors: [])
    }

    func checkIn(req: Request) async throws -> Response {
        let context = try await context(req)
        let fields = (try? req.content.decode([String: String].self)) ?? [:]
        var ratings: [String: Int] = [:]
        for sign in Sign.allCases { if let value = fields["rating-\(sign.rawValue)"].flatMap(Int.init) { ratings[sign.rawValue] = value } }
        let note = fields["note"] ?? ""
        do {
            let week = try await CheckinService(req).submit(ratings: ratings, note: note, in: context.loaded, by: context.user)
            return req.redirect(to: .checkin(context.bondID), flash: week.state == .revealed ? .checkinRevealed : .checkinSaved)
        } catch let problem as Problem where !problem.fieldErrors.isEmpty || problem.status == .conflict {
            let errors = problem.fieldErrors.isEmpty ? [FieldError("note", problem.detail)] : problem.fieldErrors
            return try await renderCheckin(req, context: context, ratings: ratings, note: note, errors: errors, status: problem.status)
        }
    }

    private func renderCheckin(_ req: Request, context: Context, ratings: [String: Int]?, note: String?,
                               errors: [FieldError], status: HTTPStatus = .ok) async throws -> Response {
        let service = CheckinService(req)
        let guide = req.kindred.content.checkin
        let view = try await service.view(of: service.week(for: context.user), in: context.loaded, for: context.user)
        let chosen = ratings ?? view.yourRatings ?? [:]
        let items = (guide?.items ?? []).map { item in
            PulseRow(
                sign: item.sign.rawValue, text: item.text,
                error: errors.message(for: "ratings.\(item.sign.rawValue)"),
                options: (guide?.scale ?? []).map {
                    MeasurePagesController.OptionRow(id: "rating-\(item.sign.rawValue)-\($0.value)", value: $0.value, label: $0.label,
                                                     checked: chosen[item.sign.rawValue] == $0.value)
                }
            )
        }
        let label = { (value: Int?) in value.flatMap { v in guide?.scale.first { $0.value == v }?.label } ?? "–" }
        let comparison = view.state == .revealed
            ? (guide?.items ?? []).map { CompareRow(label: $0.sign.label, yours: label(view.yourRatings?[$0.sign.rawValue]), theirs: label(view.theirRatings?[$0.sign.rawValue])) }
            : []
        let history = try await service.history(in: context.loaded, for: context.user)
        let points = CheckinService.trendPoints(history)
        let chart = points.count < 2 ? nil : Charts.line(
            id: "pulse", title: "Your weekly pulse", description: "Your average pulse, 0 to 100, over \(points.count) weeks.",
            points: points.map { Charts.Point(date: Self.mondayOf($0.week), value: $0.value) }, minimum: 0, maximum: 100
        )
        let errorSummary = errors.map { error -> FieldError in
            guard error.field.hasPrefix("ratings.") else { return error }
            let sign = String(error.field.dropFirst("ratings.".count))
            return FieldError("rating-\(sign)-fieldset", "\(Sign(rawValue: sign)?.label ?? sign): \(error.message)")
        }
        return try await req.page("checkin", title: "State of us", section: "bonds", status: status, CheckinPage(
            bondTitle: context.bondTitle, bondURL: context.bondURL, partnerName: context.partnerName ?? "the other person",
            title: guide?.title ?? "State of us", intro: guide?.intro ?? "", notePrompt: guide?.note ?? "A note",
            actionURL: SiteURL.checkin(context.bondID).path,
            mayWrite: view.mayWrite, submitted: view.yourRatings != nil,
            waitingForThem: view.state == .waitingForThem, theyCheckedIn: view.state == .theyAnswered, revealed: view.state == .revealed,
            items: items, note: note ?? view.yourNote ?? "", errors: errorSummary,
            yourNote: view.yourNote, theirNote: view.theirNote, comparison: comparison,
            trendChart: chart, trendRows: points.reversed().map { NoteRow(text: "\(Int($0.value.rounded())) of 100", at: $0.week) }
        ))
    }

    /// The Monday of an ISO week such as `2026-W48`, for placing it on a chart.
    static func mondayOf(_ week: String) -> Date {
        let parts = week.split(separator: "-W")
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let components = DateComponents(weekday: 2, weekOfYear: Int(parts.last ?? "1"), yearForWeekOfYear: Int(parts.first ?? "2026"))
        return calendar.date(from: components) ?? Date(timeIntervalSince1970: 0)
    }

    // MARK: - Deep conversation

    struct ConversationPage: Encodable {
        let bondTitle: String
        let bondURL: String
        let partnerName: String
        let title: String
        let intro: String
        let active: Bool
        let underway: Bool
        let closing: Bool
        let position: Int
        let number: Int
        let total: Int
        let setTitle: String?
        let setIntro: String?
        let question: String?
        let turn: String?
        let closingTitle: String
        let closingText: String
        let minutes: Int
        let startURL: String
        let nextURL: String
        let finishURL: String
        let completed: Int
    }

    func conversation(req: Request) async throws -> Response {
        let context = try await context(req)
        let service = ConversationService(req)
        guard let guide = service.guide else { throw Problem.notFound() }
        let current = try await service.current(in: context.loaded)
        let questions = guide.questions
        let position = current?.position ?? 0
        let question = current != nil && position < questions.count ? questions[position] : nil
        let answerer = current.flatMap { service.answerer(of: $0, in: context.loaded) }
        let closing = guide.closing(for: context.loaded.snapshot.kind)
        return try await req.page("conversation", title: guide.title, section: "bonds", ConversationPage(
            bondTitle: context.bondTitle, bondURL: context.bondURL, partnerName: context.partnerName ?? "the other person",
            title: guide.title, intro: guide.intro, active: context.loaded.snapshot.status == .active,
            underway: current != nil, closing: current != nil && question == nil,
            position: position, number: position + 1, total: questions.count,
            setTitle: question.map { guide.sets[$0.set].title },
            setIntro: question.flatMap { q in position == 0 || questions[position - 1].set != q.set ? guide.sets[q.set].intro : nil },
            question: question?.question,
            turn: answerer.map { $0.id == context.user.id ? "Your turn to answer first." : "\($0.displayName) answers first." },
            closingTitle: closing.title, closingText: closing.text, minutes: closing.minutes,
            startURL: SiteURL.conversation(context.bondID).path, nextURL: SiteURL.conversationNext(context.bondID).path,
            finishURL: SiteURL.conversationFinish(context.bondID).path,
            completed: try await service.completedCount(in: context.loaded)
        ))
    }

    func startConversation(req: Request) async throws -> Response {
        let context = try await context(req)
        _ = try await ConversationService(req).start(in: context.loaded, by: context.user)
        return req.redirect(to: .conversation(context.bondID))
    }

    func nextQuestion(req: Request) async throws -> Response {
        let context = try await context(req)
        let position = (try? req.content.get(String.self, at: "position")).flatMap(Int.init) ?? -1
        do {
            _ = try await ConversationService(req).advance(from: position, in: context.loaded)
        } catch let problem as Problem where !problem.fieldErrors.isEmpty {
            // A form without a sensible position moves nothing; the page shows where things are.
        }
        return req.redirect(to: .conversation(context.bondID))
    }

    func finishConversation(req: Request) async throws -> Response {
        let context = try await context(req)
        _ = try await ConversationService(req).finish(in: context.loaded)
        return req.redirect(to: .bond(context.bondID), flash: .conversationFinished)
    }
}
