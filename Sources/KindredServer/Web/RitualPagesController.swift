import KindredCore
import Vapor

/// Rituals in the browser: the bond's list with ideas and a form to propose one, and each
/// ritual's page — answer a proposal, mark times done or skipped, change, pause, remove.
struct RitualPagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(.rituals, use: list)
        routes.post(.rituals, use: propose)
        routes.get(.ritual, use: show)
        routes.post(.ritualResponse, use: respond)
        routes.post(.pauseRitual, use: pause)
        routes.post(.editRitual, use: edit)
        routes.post(.deleteRitual, use: delete)
        routes.post(.ritualOccurrence, use: mark)
    }

    private let practise = PractisePagesController()

    struct IdeaRow: Encodable {
        let title: String
        let description: String
        let tags: String
        let url: String
    }

    struct RitualRow: Encodable {
        let title: String
        let url: String
        let summary: String
        let state: String
        let consistency: String?
    }

    struct FeedRow: Encodable {
        let made: String
        let fetched: String
        let details: String
        let revokeURL: String
    }

    struct ListPage: Encodable {
        let errors: [FieldError]
        let feeds: [FeedRow]
        let feedURL: String
        let alarms: [Option]
        let bondTitle: String
        let bondURL: String
        let active: Bool
        let partnerName: String
        let actionURL: String
        let shared: [RitualRow]
        let awaitingYou: [RitualRow]
        let awaitingThem: [RitualRow]
        let declined: [RitualRow]
        let ideas: [IdeaRow]
        let form: FormPage
        let fromIdea: Bool
    }

    func list(req: Request) async throws -> Response {
        let context = try await practise.context(req)
        var form = RitualForm()
        if let ideaID: String = req.query["idea"], let idea = req.kindred.content.ritualIdeas.first(where: { $0.id == ideaID }) {
            form = Self.form(for: idea, today: LocalDay(req.kindred.now, inZone: context.user.timeZone), zone: context.user.timeZone)
        }
        return try await renderList(req, context: context, form: form, errors: [])
    }

    static func form(for idea: RitualIdea, today: LocalDay, zone: String) -> RitualForm {
        let rhythm = switch idea.every {
        case .daily: "daily"
        case .weekly: "weekly"
        case .monthly: "monthlyOnWeekday"
        case .yearly: "yearly"
        }
        // "Every other month" in the idea's own words: the two the article names keep theirs.
        let every = idea.title.lowercased().contains("every other month") ? "2" : "1"
        return RitualForm(title: idea.title, description: idea.description, participation: "both", rhythm: rhythm, every: every,
                          weekdays: [String(today.isoWeekday)], start: today.description, time: "19:00", timeZone: zone, ideaId: idea.id)
    }

    private func renderList(_ req: Request, context: PractisePagesController.Context, form: RitualForm, errors: [FieldError],
                            status: HTTPStatus = .ok) async throws -> Response {
        let views = try await RitualService(req).list(in: context.loaded, for: context.user)
        let partner = context.partnerName ?? "the other person"
        func row(_ view: RitualService.View) -> RitualRow {
            let state = switch view.status {
            case .proposed: view.proposedByYou ? "Waiting for \(partner) to agree" : "\(partner) proposed this"
            case .declined: "Not taken up"
            case .active: view.paused ? "Paused" : (view.upcoming.first.map { "Next: " + DateText.dayAndTime($0.at, in: context.user.timeZone) } ?? "No more times to come")
            }
            return RitualRow(title: view.title, url: SiteURL.ritual(context.bondID, view.id).path, summary: Self.summary(view, for: context.user), state: state,
                             consistency: view.status == .active ? RitualRules.consistencySentence(view.consistency) : nil)
        }
        let ideas = RitualIdea.suggestions(req.kindred.content.ritualIdeas, for: context.loaded.bond.kind, apart: context.loaded.apart).map { idea in
            IdeaRow(title: idea.title, description: idea.description,
                    tags: [idea.place.label, idea.cost.label, idea.sign.label].joined(separator: " · "),
                    url: SiteURL.rituals(context.bondID).path + "?idea=\(idea.id)#propose")
        }
        let today = LocalDay(req.kindred.now, inZone: context.user.timeZone)
        let zone = context.user.timeZone
        let feeds = try await CalendarFeedService(req).list(in: context.loaded, for: context.user).map { feed in
            FeedRow(made: DateText.dayAndTime(feed.createdAt, in: zone),
                    fetched: feed.lastFetchedAt.map { "Last read by a calendar " + DateText.dayAndTime($0, in: zone) } ?? "Not read by a calendar yet",
                    details: [feed.alarmMinutes.map(CalendarFeedPagesController.alarmLabel) ?? "No reminder", feed.includeDaily ? "with today's question" : nil]
                        .compactMap { $0 }.joined(separator: ", "),
                    revokeURL: SiteURL.revokeCalendarFeed(context.bondID, feed.id!).path)
        }
        return try await req.page("rituals", title: "Rituals", section: "bonds", status: status, ListPage(
            errors: errors, feeds: feeds, feedURL: SiteURL.calendarFeeds(context.bondID).path,
            alarms: [Option(value: "", label: "No reminder", selected: true)]
                + CalendarFeedService.alarmChoices.map { Option(value: String($0), label: CalendarFeedPagesController.alarmLabel($0), selected: false) },
            bondTitle: context.bondTitle, bondURL: context.bondURL, active: context.loaded.snapshot.status == .active, partnerName: partner,
            actionURL: SiteURL.rituals(context.bondID).path,
            shared: views.filter { $0.status == .active }.map(row),
            awaitingYou: views.filter { $0.status == .proposed && !$0.proposedByYou }.map(row),
            awaitingThem: views.filter { $0.status == .proposed && $0.proposedByYou }.map(row),
            declined: views.filter { $0.status == .declined }.map(row),
            ideas: ideas, form: FormPage(form, errors: errors, today: today, zone: context.user.timeZone), fromIdea: form.ideaId != nil
        ))
    }

    func propose(req: Request) async throws -> Response {
        let context = try await practise.context(req)
        let form = (try? req.content.decode(RitualForm.self)) ?? RitualForm()
        let today = LocalDay(req.kindred.now, inZone: context.user.timeZone)
        switch form.draft(today: today, zone: context.user.timeZone) {
        case .failure(let problems):
            return try await renderList(req, context: context, form: form, errors: problems.errors, status: .unprocessableEntity)
        case .success(let draft):
            do {
                let view = try await RitualService(req).propose(draft, in: context.loaded, by: context.user)
                return req.redirect(to: .ritual(context.bondID, view.id), flash: .ritualProposed)
            } catch let problem as Problem where problem.status == .conflict || problem.status == .unprocessableEntity {
                let errors = problem.fieldErrors.isEmpty ? [FieldError("title", problem.detail)] : problem.fieldErrors
                return try await renderList(req, context: context, form: form, errors: errors, status: problem.status)
            }
        }
    }

    struct OccurrenceRow: Encodable {
        let date: String
        let yours: String
        let theirs: String
        let outcome: String
        let actionURL: String?
        let marked: Bool
    }

    struct ShowPage: Encodable {
        let errors: [FieldError]
        let bondTitle: String
        let bondURL: String
        let ritualsURL: String
        let title: String
        let description: String?
        let summary: String
        let participation: String
        let status: String
        let statusText: String
        let paused: Bool
        let mayRespond: Bool
        let mayChange: Bool
        let consistency: String?
        let recent: [OccurrenceRow]
        let upcoming: [String]
        let responseURL: String
        let pauseURL: String
        let editURL: String
        let deleteURL: String
        let form: FormPage
        let partnerName: String
        let editOpen: Bool
    }

    /// "Every Sunday at 19:00", with the ritual's own clock named when it is not the viewer's
    /// (the times listed below it are on the viewer's clock).
    static func summary(_ view: RitualService.View, for user: User) -> String {
        guard let zone = view.schedule.latest?.zone, zone != user.timeZone else { return view.summary }
        let place = zone.split(separator: "/").last.map { $0.replacingOccurrences(of: "_", with: " ") } ?? zone
        return view.summary + " \(place) time"
    }

    func show(req: Request) async throws -> Response {
        let context = try await practise.context(req)
        let view = try await RitualService(req).get(try req.ritualID(), in: context.loaded, for: context.user)
        return try await renderShow(req, context: context, view: view, form: RitualForm.from(view), errors: [])
    }

    private func renderShow(_ req: Request, context: PractisePagesController.Context, view: RitualService.View, form: RitualForm,
                            errors: [FieldError], status: HTTPStatus = .ok) async throws -> Response {
        let partner = context.partnerName ?? "the other person"
        let zone = context.user.timeZone
        let markLabel: (OccurrenceMark?) -> String = { $0.map { $0 == .done ? "Done" : "Skipped" } ?? "—" }
        let outcomeLabel: (OccurrenceOutcome) -> String = {
            switch $0 {
            case .done: "Kept"
            case .partlyDone: "Half done"
            case .skipped: "Skipped"
            case .open: "Not marked"
            }
        }
        let statusText = switch view.status {
        case .proposed: view.proposedByYou ? "Waiting for \(partner) to agree." : "\(partner) would like to make this a ritual you share."
        case .declined: "Not taken up."
        case .active: view.paused ? "Paused: nothing comes round, and nothing is owed." : "A ritual you share."
        }
        let active = context.loaded.snapshot.status == .active
        return try await req.page("ritual", title: view.title, section: "bonds", status: status, ShowPage(
            errors: errors, bondTitle: context.bondTitle, bondURL: context.bondURL, ritualsURL: SiteURL.rituals(context.bondID).path,
            title: view.title, description: view.description, summary: Self.summary(view, for: context.user),
            participation: view.participation.label, status: view.status.rawValue, statusText: statusText, paused: view.paused,
            mayRespond: view.mayRespond, mayChange: active && view.status != .declined,
            consistency: view.status == .active ? RitualRules.consistencySentence(view.consistency) : nil,
            recent: view.recent.reversed().map { occurrence in
                OccurrenceRow(date: DateText.dayAndTime(occurrence.at, in: zone), yours: markLabel(occurrence.yours),
                              theirs: markLabel(occurrence.theirs), outcome: outcomeLabel(occurrence.outcome),
                              actionURL: occurrence.mayMark && active ? SiteURL.ritualOccurrence(context.bondID, view.id, day: occurrence.day.description).path : nil, marked: occurrence.yours != nil)
            },
            upcoming: view.upcoming.map { DateText.dayAndTime($0.at, in: zone) },
            responseURL: SiteURL.ritualResponse(context.bondID, view.id).path, pauseURL: SiteURL.pauseRitual(context.bondID, view.id).path,
            editURL: SiteURL.editRitual(context.bondID, view.id).path, deleteURL: SiteURL.deleteRitual(context.bondID, view.id).path,
            form: FormPage(form, errors: errors, today: view.today, zone: zone), partnerName: partner, editOpen: !errors.isEmpty
        ))
    }

    func respond(req: Request) async throws -> Response {
        let context = try await practise.context(req)
        let id = try req.ritualID()
        let accept = (try? req.content.get(String.self, at: "response")) == "accept"
        do {
            _ = try await RitualService(req).respond(id, accept: accept, in: context.loaded, by: context.user)
            return req.redirect(to: .ritual(context.bondID, id), flash: accept ? .ritualAccepted : .ritualDeclined)
        } catch let problem as Problem where problem.status == .conflict {
            return req.redirect(to: .ritual(context.bondID, id), flash: .notActive)
        }
    }

    func pause(req: Request) async throws -> Response {
        let context = try await practise.context(req)
        let id = try req.ritualID()
        let paused = (try? req.content.get(String.self, at: "paused")) == "1"
        do {
            _ = try await RitualService(req).setPaused(id, paused, in: context.loaded, by: context.user)
            return req.redirect(to: .ritual(context.bondID, id), flash: paused ? .ritualPaused : .ritualResumed)
        } catch let problem as Problem where problem.status == .conflict {
            return req.redirect(to: .ritual(context.bondID, id), flash: .notActive)
        }
    }

    func edit(req: Request) async throws -> Response {
        let context = try await practise.context(req)
        let id = try req.ritualID()
        let service = RitualService(req)
        let view = try await service.get(id, in: context.loaded, for: context.user)
        let form = (try? req.content.decode(RitualForm.self)) ?? RitualForm()
        var fromDay: LocalDay?
        if let text = form.from, !text.isEmpty {
            fromDay = LocalDay(string: text)
            if fromDay == nil {
                return try await renderShow(req, context: context, view: view, form: form,
                                            errors: [FieldError("from", "Choose the date the change starts.")], status: .unprocessableEntity)
            }
        }
        switch form.draft(today: view.today, zone: context.user.timeZone) {
        case .failure(let problems):
            return try await renderShow(req, context: context, view: view, form: form, errors: problems.errors, status: .unprocessableEntity)
        case .success(let draft):
            do {
                _ = try await service.edit(id, draft, from: fromDay, in: context.loaded, by: context.user)
                return req.redirect(to: .ritual(context.bondID, id), flash: .ritualChanged)
            } catch let problem as Problem where problem.status == .conflict {
                return req.redirect(to: .ritual(context.bondID, id), flash: .notActive)
            }
        }
    }

    func delete(req: Request) async throws -> Response {
        let context = try await practise.context(req)
        do {
            try await RitualService(req).delete(try req.ritualID(), in: context.loaded)
            return req.redirect(to: .rituals(context.bondID), flash: .ritualRemoved)
        } catch let problem as Problem where problem.status == .conflict {
            return req.redirect(to: .rituals(context.bondID), flash: .notActive)
        }
    }

    func mark(req: Request) async throws -> Response {
        let context = try await practise.context(req)
        let id = try req.ritualID()
        let status = (try? req.content.get(String.self, at: "status")) ?? ""
        let mark = OccurrenceMark(rawValue: status)
        do {
            _ = try await RitualService(req).mark(id, day: try req.occurrenceDay(), mark, in: context.loaded, by: context.user)
            return req.redirect(to: .ritual(context.bondID, id), flash: mark == nil ? .ritualUnmarked : .ritualMarked)
        } catch let problem as Problem where problem.status == .conflict {
            return req.redirect(to: .ritual(context.bondID, id), flash: .notActive)
        }
    }
}
