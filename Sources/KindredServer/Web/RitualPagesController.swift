import KindredCore
import Vapor

/// Rituals in the browser: the bond's list with ideas and a form to propose one, and each
/// ritual's page — answer a proposal, mark times done or skipped, change, pause, remove.
struct RitualPagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let rituals = routes.grouped("bonds", ":bondID", "rituals")
        rituals.get(use: list)
        rituals.post(use: propose)
        rituals.get(":ritualID", use: show)
        rituals.post(":ritualID", "response", use: respond)
        rituals.post(":ritualID", "pause", use: pause)
        rituals.post(":ritualID", "edit", use: edit)
        rituals.post(":ritualID", "delete", use: delete)
        rituals.post(":ritualID", "occurrences", ":day", use: mark)
        let feeds = routes.grouped("bonds", ":bondID", "calendar-feeds")
        feeds.post(use: makeFeed)
        feeds.post(":feedID", "delete", use: revokeFeed)
    }

    private let practise = PractisePagesController()

    /// The propose/change form, as typed.
    struct RitualForm: Content {
        var title: String?
        var description: String?
        var participation: String?
        var rhythm: String?
        var every: String?
        var weekdays: [String]?
        var monthDay: String?
        var ordinal: String?
        var weekday: String?
        var start: String?
        var time: String?
        var timeZone: String?
        var until: String?
        var ideaId: String?
        var from: String?

        static func from(_ view: RitualService.View) -> RitualForm {
            let input = view.schedule.latest?.input
            return RitualForm(
                title: view.title, description: view.description, participation: view.participation.rawValue, rhythm: input?.rhythm,
                every: input?.every.map(String.init), weekdays: input?.weekdays.map(String.init), monthDay: input?.monthDay.map(String.init),
                ordinal: input?.ordinal.map(String.init), weekday: input?.weekday.map(String.init), start: input?.start, time: input?.time,
                timeZone: input?.timeZone, until: input?.until, ideaId: view.ideaID, from: view.today.description
            )
        }

        func draft(today: LocalDay, zone: String) -> Result<RitualService.Draft, FieldErrors> {
            var problems: [FieldError] = []
            let participation = RitualParticipation(rawValue: self.participation ?? "both")
            if participation == nil { problems.append(FieldError("participation", "Choose both or either.")) }
            func number(_ text: String?, _ field: String) -> Int? {
                guard let text, !text.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
                guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
                    problems.append(FieldError(field, "Give a whole number."))
                    return nil
                }
                return value
            }
            let input = RecurrenceInput(
                rhythm: rhythm ?? "weekly", every: number(every, "every"), weekdays: (weekdays ?? []).compactMap { Int($0) },
                monthDay: number(monthDay, "monthDay"), ordinal: number(ordinal, "ordinal"), weekday: number(weekday, "weekday"),
                start: (start?.isEmpty == false ? start! : today.description), time: time ?? "19:00", timeZone: timeZone ?? zone,
                until: until
            )
            var recurrence: Recurrence?
            switch input.recurrence() {
            case .success(let value): recurrence = value
            case .failure(let errors): problems += errors.errors
            }
            var text: (String, String?)?
            switch RitualService.checkedText(title: title ?? "", description: description) {
            case .success(let value): text = value
            case .failure(let errors): problems += errors.errors
            }
            guard problems.isEmpty, let recurrence, let text, let participation else { return .failure(FieldErrors(problems)) }
            let idea = ideaId?.isEmpty == false ? ideaId : nil
            return .success(RitualService.Draft(title: text.0, description: text.1, participation: participation, recurrence: recurrence, ideaID: idea))
        }
    }

    struct Option: Encodable {
        let value: String
        let label: String
        let selected: Bool
    }

    struct FormPage: Encodable {
        let errors: [FieldError]
        let title: FormField
        let description: FormField
        let participation: [Option]
        let rhythm: [Option]
        let every: FormField
        let weekdays: [Option]
        let monthDay: FormField
        let ordinals: [Option]
        let weekday: [Option]
        let start: FormField
        let time: FormField
        let timeZones: [TimeZoneOption]
        let until: FormField
        let ideaId: String
        let from: FormField

        init(_ form: RitualForm, errors: [FieldError], today: LocalDay, zone: String) {
            self.errors = errors
            title = FormField(form.title ?? "", errors: errors, field: "title")
            description = FormField(form.description ?? "", errors: errors, field: "description")
            participation = RitualParticipation.allCases.map { Option(value: $0.rawValue, label: $0.label, selected: $0.rawValue == (form.participation ?? "both")) }
            let rhythms = [("once", "Once"), ("daily", "Daily"), ("weekly", "Weekly, on the days ticked"),
                           ("monthlyOnDay", "Monthly, on a date"), ("monthlyOnWeekday", "Monthly, on a weekday"),
                           ("yearly", "Yearly, on the first date")]
            rhythm = rhythms.map { Option(value: $0.0, label: $0.1, selected: $0.0 == (form.rhythm ?? "weekly")) }
            every = FormField(form.every ?? "1", errors: errors, field: "every")
            let names = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
            let ticked = Set(form.weekdays ?? [])
            weekdays = names.enumerated().map { Option(value: "\($0.offset + 1)", label: $0.element, selected: ticked.contains("\($0.offset + 1)")) }
            weekday = names.enumerated().map { Option(value: "\($0.offset + 1)", label: $0.element, selected: form.weekday == "\($0.offset + 1)") }
            monthDay = FormField(form.monthDay ?? "", errors: errors, field: "monthDay")
            ordinals = [("1", "First"), ("2", "Second"), ("3", "Third"), ("4", "Fourth"), ("-1", "Last")]
                .map { Option(value: $0.0, label: $0.1, selected: form.ordinal == $0.0) }
            start = FormField(form.start ?? today.description, errors: errors, field: "start")
            time = FormField(form.time ?? "19:00", errors: errors, field: "time")
            timeZones = TimeZoneOption.all(selected: form.timeZone ?? zone)
            until = FormField(form.until ?? "", errors: errors, field: "until")
            ideaId = form.ideaId ?? ""
            from = FormField(form.from ?? today.description, errors: errors, field: "from")
        }
    }

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
            return RitualRow(title: view.title, url: SiteURL.ritual(context.bondID, view.id).path, summary: view.summary, state: state,
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
                    details: [feed.alarmMinutes.map(Self.alarmLabel) ?? "No reminder", feed.includeDaily ? "with today's question" : nil]
                        .compactMap { $0 }.joined(separator: ", "),
                    revokeURL: "/bonds/\(context.bondID)/calendar-feeds/\(feed.id!.uuidString.lowercased())/delete")
        }
        return try await req.page("rituals", title: "Rituals", section: "bonds", status: status, ListPage(
            errors: errors, feeds: feeds, feedURL: "/bonds/\(context.bondID)/calendar-feeds",
            alarms: [Option(value: "", label: "No reminder", selected: true)]
                + CalendarFeedService.alarmChoices.map { Option(value: String($0), label: Self.alarmLabel($0), selected: false) },
            bondTitle: context.bondTitle, bondURL: context.bondURL, active: context.loaded.snapshot.status == .active, partnerName: partner,
            actionURL: SiteURL.rituals(context.bondID).path,
            shared: views.filter { $0.status == .active }.map(row),
            awaitingYou: views.filter { $0.status == .proposed && !$0.proposedByYou }.map(row),
            awaitingThem: views.filter { $0.status == .proposed && $0.proposedByYou }.map(row),
            declined: views.filter { $0.status == .declined }.map(row),
            ideas: ideas, form: FormPage(form, errors: errors, today: today, zone: context.user.timeZone), fromIdea: form.ideaId != nil
        ))
    }

    static func alarmLabel(_ minutes: Int) -> String {
        switch minutes {
        case 0: "A reminder when it starts"
        case 1440: "A reminder a day before"
        case 60, 120: "A reminder \(minutes / 60) hour\(minutes == 60 ? "" : "s") before"
        default: "A reminder \(minutes) minutes before"
        }
    }

    struct FeedMadePage: Encodable {
        let url: String
        let webcal: String
        let ritualsURL: String
    }

    func makeFeed(req: Request) async throws -> Response {
        let context = try await practise.context(req)
        let alarm = (try? req.content.get(String.self, at: "alarmMinutes")).flatMap { Int($0) }
        let daily = (try? req.content.get(String.self, at: "includeDailyQuestion")) == "1"
        guard alarm.map(CalendarFeedService.alarmChoices.contains) ?? true else {
            return req.redirect(to: .rituals(context.bondID), flash: .notActive)
        }
        do {
            let made = try await CalendarFeedService(req).make(in: context.loaded, for: context.user, alarmMinutes: alarm,
                                                               includeDaily: daily, baseURL: req.application.baseURL)
            let webcal = made.url.replacingOccurrences(of: #"^https?://"#, with: "webcal://", options: .regularExpression)
            let response = try await req.page("calendar-feed", title: "Your calendar address", section: "bonds",
                                              FeedMadePage(url: made.url, webcal: webcal, ritualsURL: SiteURL.rituals(context.bondID).path))
            // The address is a key: never kept by a cache.
            response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
            return response
        } catch let problem as Problem where problem.status == .conflict {
            return req.redirect(to: .rituals(context.bondID), flash: problem.code == "too-many-feeds" ? .tooManyFeeds : .notActive)
        }
    }

    func revokeFeed(req: Request) async throws -> Response {
        let context = try await practise.context(req)
        guard let id = req.parameters.get("feedID").flatMap(UUID.init(uuidString:)) else { throw Problem.notFound() }
        try await CalendarFeedService(req).revoke(id, in: context.loaded, for: context.user)
        return req.redirect(toPath: SiteURL.rituals(context.bondID).path + "#calendar", flash: .feedRevoked)
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

    func show(req: Request) async throws -> Response {
        let context = try await practise.context(req)
        let view = try await RitualService(req).get(try req.ritualID(), in: context.loaded, for: context.user)
        return try await renderShow(req, context: context, view: view, form: RitualForm.from(view), errors: [])
    }

    private func renderShow(_ req: Request, context: PractisePagesController.Context, view: RitualService.View, form: RitualForm,
                            errors: [FieldError], status: HTTPStatus = .ok) async throws -> Response {
        let partner = context.partnerName ?? "the other person"
        let zone = context.user.timeZone
        let base = SiteURL.ritual(context.bondID, view.id).path
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
            title: view.title, description: view.description, summary: view.summary,
            participation: view.participation.label, status: view.status.rawValue, statusText: statusText, paused: view.paused,
            mayRespond: view.mayRespond, mayChange: active && view.status != .declined,
            consistency: view.status == .active ? RitualRules.consistencySentence(view.consistency) : nil,
            recent: view.recent.reversed().map { occurrence in
                OccurrenceRow(date: DateText.dayAndTime(occurrence.at, in: zone), yours: markLabel(occurrence.yours),
                              theirs: markLabel(occurrence.theirs), outcome: outcomeLabel(occurrence.outcome),
                              actionURL: occurrence.mayMark && active ? base + "/occurrences/\(occurrence.day)" : nil, marked: occurrence.yours != nil)
            },
            upcoming: view.upcoming.map { DateText.dayAndTime($0.at, in: zone) },
            responseURL: base + "/response", pauseURL: base + "/pause", editURL: base + "/edit", deleteURL: base + "/delete",
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
