import KindredCore
import Vapor

/// Time together in the browser: the bond's plans with ideas and a form (with starts inside
/// the hours both are awake), and each plan's page — answer it, call it off, say what you liked.
struct PlanPagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(.plans, use: list)
        routes.post(.plans, use: propose)
        routes.get(.plan, use: show)
        routes.post(.planResponse, use: respond)
        routes.post(.planLiked, use: liked)
        routes.post(.deletePlan, use: delete)
    }

    private let practise = PractisePagesController()

    struct PlanForm: Content {
        var title: String?
        var date: String?
        var time: String?
        var minutes: String?
        var mode: String?
        var ideaId: String?
    }

    struct Option: Encodable {
        let value: String
        let label: String
        let selected: Bool
    }

    struct Suggestion: Encodable {
        let label: String
        let url: String
    }

    struct PlanRow: Encodable {
        let title: String
        let url: String
        let when: String
        let state: String
    }

    struct IdeaRow: Encodable {
        let title: String
        let description: String
        let tags: String
        let url: String
    }

    struct ListPage: Encodable {
        let errors: [FieldError]
        let bondTitle: String
        let bondURL: String
        let active: Bool
        let partnerName: String
        let actionURL: String
        let upcoming: [PlanRow]
        let past: [PlanRow]
        let suggestions: [Suggestion]
        let ideas: [IdeaRow]
        let title: FormField
        let date: FormField
        let time: FormField
        let minutes: [Option]
        let modes: [Option]
        let ideaId: String
        let zone: String
    }

    static let lengths = [30, 60, 90, 120, 180, 240, 480, 720]

    static func lengthLabel(_ minutes: Int) -> String {
        minutes < 60 ? "\(minutes) minutes" : minutes % 60 == 0 ? "\(minutes / 60) hour\(minutes == 60 ? "" : "s")" : "\(minutes / 60) h \(minutes % 60) min"
    }

    func list(req: Request) async throws -> Response {
        let context = try await practise.context(req)
        var form = PlanForm()
        let zone = TimeZone(identifier: context.user.timeZone) ?? .gmt
        if let start: String = req.query["start"], let at = ISO8601DateFormatter().date(from: start) {
            form.date = LocalDay(at, in: zone).description
            form.time = DateText.clock(at, in: zone)
        }
        if let ideaID: String = req.query["idea"], let idea = req.kindred.content.planIdeas.first(where: { $0.id == ideaID }) {
            form.title = idea.title
            form.minutes = String(Self.lengths.min { abs($0 - idea.minutes) < abs($1 - idea.minutes) } ?? 60)
            form.mode = idea.place == .apart ? PlanMode.apart.rawValue : PlanMode.inPerson.rawValue
            form.ideaId = idea.id
        }
        return try await renderList(req, context: context, form: form, errors: [])
    }

    private func renderList(_ req: Request, context: PractisePagesController.Context, form: PlanForm, errors: [FieldError],
                            status: HTTPStatus = .ok) async throws -> Response {
        let service = PlanService(req)
        let (upcoming, past) = try await service.list(in: context.loaded, for: context.user)
        let zone = context.user.timeZone
        let partner = context.partnerName ?? "the other person"
        func row(_ view: PlanService.View) -> PlanRow {
            PlanRow(title: view.title, url: SiteURL.plan(context.bondID, view.id).path,
                    when: DateText.dayAndTime(view.startsAt, in: zone) + " · " + Self.lengthLabel(view.minutes) + " · " + view.mode.label,
                    state: Self.stateText(view, partner: partner))
        }
        let base = SiteURL.plans(context.bondID).path
        let suggestions = service.suggestedStarts(in: context.loaded, minutes: Int(form.minutes ?? "") ?? 60).map { start in
            Suggestion(label: DateText.dayAndTime(start, in: zone), url: base + "?start=" + ISO8601DateFormatter().string(from: start) + "#propose")
        }
        let ideas = IdeaRules.suggestions(req.kindred.content.planIdeas, for: context.loaded.bond.kind, apart: context.loaded.apart).map { idea in
            IdeaRow(title: idea.title, description: idea.description,
                    tags: [idea.place.label, idea.cost.label, Self.lengthLabel(idea.minutes), idea.sign.label].joined(separator: " · "),
                    url: base + "?idea=\(idea.id)#propose")
        }
        let today = LocalDay(req.kindred.now, inZone: zone)
        return try await req.page("plans", title: "Time together", section: "bonds", status: status, ListPage(
            errors: errors, bondTitle: context.bondTitle, bondURL: context.bondURL, active: context.loaded.snapshot.status == .active,
            partnerName: partner, actionURL: base, upcoming: upcoming.map(row), past: past.map(row), suggestions: suggestions, ideas: ideas,
            title: FormField(form.title ?? "", errors: errors, field: "title"),
            date: FormField(form.date ?? today.adding(days: 1).description, errors: errors, field: "date"),
            time: FormField(form.time ?? "18:00", errors: errors, field: "time"),
            minutes: Self.lengths.map { Option(value: String($0), label: Self.lengthLabel($0), selected: String($0) == (form.minutes ?? "60")) },
            modes: PlanMode.allCases.map { Option(value: $0.rawValue, label: $0.label, selected: $0.rawValue == (form.mode ?? PlanMode.inPerson.rawValue)) },
            ideaId: form.ideaId ?? "", zone: zone.replacingOccurrences(of: "_", with: " ")
        ))
    }

    static func stateText(_ view: PlanService.View, partner: String) -> String {
        switch view.state {
        case .proposed: view.proposedByYou ? "Waiting for \(partner) to answer" : "\(partner) is waiting for your answer"
        case .accepted: "You're both in"
        case .declined: "Not this time"
        }
    }

    /// A date and a time on the person's own clock, as an instant, or the fields' mistakes.
    static func instant(date: String?, time: String?, zone: String) -> Result<Date, FieldErrors> {
        var problems: [FieldError] = []
        let day = date.flatMap(LocalDay.init(string:)), at = time.flatMap(LocalTime.init(string:))
        if day == nil { problems.append(FieldError("date", "Choose a date.")) }
        if at == nil { problems.append(FieldError("time", "Give a time like 18:30.")) }
        guard let day, let at else { return .failure(FieldErrors(problems)) }
        return .success(Recurrence(rule: .once, start: day, time: at, zone: zone).instant(on: day))
    }

    func propose(req: Request) async throws -> Response {
        let context = try await practise.context(req)
        let form = (try? req.content.decode(PlanForm.self)) ?? PlanForm()
        var problems: [FieldError] = []
        var title = ""
        switch TextRules.clean(form.title ?? "", field: "title", allowed: PlanRules.titleLength) {
        case .success(let text): title = text
        case .failure(let problem): problems.append(problem)
        }
        var start: Date?
        switch Self.instant(date: form.date, time: form.time, zone: context.user.timeZone) {
        case .success(let value): start = value
        case .failure(let errors): problems += errors.errors
        }
        let minutes = Int(form.minutes ?? "60") ?? 60
        let mode = PlanMode(rawValue: form.mode ?? PlanMode.inPerson.rawValue) ?? .inPerson
        guard problems.isEmpty, let start else {
            return try await renderList(req, context: context, form: form, errors: problems, status: .unprocessableEntity)
        }
        do {
            let view = try await PlanService(req).propose(
                PlanService.Draft(title: title, startsAt: start, minutes: PlanRules.minutes.contains(minutes) ? minutes : 60, mode: mode,
                                  ideaID: form.ideaId?.isEmpty == false ? form.ideaId : nil),
                in: context.loaded, by: context.user)
            // Outside the hours both are awake: said at once, not only on the plan's page.
            return req.redirect(toPath: SiteURL.plan(context.bondID, view.id).path,
                                flash: view.insideBothAwake == false ? .planProposedOutside : .planProposed)
        } catch let problem as Problem where problem.status == .unprocessableEntity || problem.status == .conflict {
            let errors = problem.fieldErrors.isEmpty ? [FieldError("title", problem.detail)]
                : problem.fieldErrors.map { $0.field == "startsAt" ? FieldError("date", $0.message) : $0 }
            return try await renderList(req, context: context, form: form, errors: errors, status: problem.status)
        }
    }

    struct ShowPage: Encodable {
        let errors: [FieldError]
        let plansURL: String
        let title: String
        let when: String
        let state: String
        let accepted: Bool
        let outside: Bool
        let mayRespond: Bool
        let mayWriteLiked: Bool
        let mayCallOff: Bool
        let responseURL: String
        let likedURL: String
        let deleteURL: String
        let date: FormField
        let time: FormField
        let liked: FormField
        let likedShared: Bool
        let theirLiked: String?
        let theyWroteLiked: Bool
        let partnerName: String
    }

    func show(req: Request) async throws -> Response {
        let context = try await practise.context(req)
        let view = try await PlanService(req).get(try req.planID(), in: context.loaded, for: context.user)
        return try await renderShow(req, context: context, view: view, errors: [])
    }

    private func renderShow(_ req: Request, context: PractisePagesController.Context, view: PlanService.View, errors: [FieldError],
                            date: String? = nil, time: String? = nil, liked: String? = nil, status: HTTPStatus = .ok) async throws -> Response {
        let zone = context.user.timeZone
        let partner = context.partnerName ?? "the other person"
        let active = context.loaded.snapshot.status == .active
        return try await req.page("plan", title: view.title, section: "bonds", status: status, ShowPage(
            errors: errors, plansURL: SiteURL.plans(context.bondID).path, title: view.title,
            when: DateText.dayAndTime(view.startsAt, in: zone) + " · " + Self.lengthLabel(view.minutes) + " · " + view.mode.label,
            state: Self.stateText(view, partner: partner), accepted: view.state == .accepted,
            outside: view.insideBothAwake == false && view.state != .declined,
            mayRespond: view.mayRespond, mayWriteLiked: view.mayWriteLiked, mayCallOff: active && view.state != .declined,
            responseURL: SiteURL.planResponse(context.bondID, view.id).path, likedURL: SiteURL.planLiked(context.bondID, view.id).path,
            deleteURL: SiteURL.deletePlan(context.bondID, view.id).path,
            date: FormField(date ?? LocalDay(view.startsAt, inZone: zone).description, errors: errors, field: "date"),
            time: FormField(time ?? DateText.clock(view.startsAt, in: TimeZone(identifier: zone) ?? .gmt), errors: errors, field: "time"),
            liked: FormField(liked ?? view.yourLiked?.text ?? "", errors: errors, field: "text"),
            likedShared: view.yourLiked?.shared ?? false, theirLiked: view.theirLiked,
            theyWroteLiked: view.theyWroteLiked && view.theirLiked == nil, partnerName: partner
        ))
    }

    func respond(req: Request) async throws -> Response {
        let context = try await practise.context(req)
        let id = try req.planID()
        let service = PlanService(req)
        let response = (try? req.content.get(String.self, at: "response")) ?? ""
        let date = try? req.content.get(String.self, at: "date"), time = try? req.content.get(String.self, at: "time")
        var answer: PlanService.Response
        switch response {
        case "accept": answer = .accept
        case "decline": answer = .decline
        default:
            switch Self.instant(date: date, time: time, zone: context.user.timeZone) {
            case .success(let start): answer = .propose(startsAt: start, minutes: nil)
            case .failure(let problems):
                let view = try await service.get(id, in: context.loaded, for: context.user)
                return try await renderShow(req, context: context, view: view, errors: problems.errors, date: date, time: time, status: .unprocessableEntity)
            }
        }
        do {
            _ = try await service.respond(id, answer, in: context.loaded, by: context.user)
            let flash: Flash = switch answer {
            case .accept: .planAccepted
            case .decline: .planDeclined
            case .propose: .planCountered
            }
            return req.redirect(toPath: SiteURL.plan(context.bondID, id).path, flash: flash)
        } catch let problem as Problem where problem.status == .unprocessableEntity {
            let view = try await service.get(id, in: context.loaded, for: context.user)
            return try await renderShow(req, context: context, view: view, errors: problem.fieldErrors.map { FieldError("date", $0.message) },
                                        date: date, time: time, status: .unprocessableEntity)
        } catch let problem as Problem where problem.status == .conflict {
            return req.redirect(toPath: SiteURL.plan(context.bondID, id).path, flash: .notActive)
        }
    }

    func liked(req: Request) async throws -> Response {
        let context = try await practise.context(req)
        let id = try req.planID()
        let text = (try? req.content.get(String.self, at: "text")) ?? ""
        let share = (try? req.content.get(String.self, at: "share")) == "1"
        let service = PlanService(req)
        do {
            _ = try await service.writeLiked(id, text: text, share: share, in: context.loaded, by: context.user)
            return req.redirect(toPath: SiteURL.plan(context.bondID, id).path, flash: .planLiked)
        } catch let problem as Problem where problem.status == .unprocessableEntity {
            let view = try await service.get(id, in: context.loaded, for: context.user)
            return try await renderShow(req, context: context, view: view, errors: problem.fieldErrors, liked: text, status: .unprocessableEntity)
        } catch let problem as Problem where problem.status == .conflict {
            return req.redirect(toPath: SiteURL.plan(context.bondID, id).path, flash: .notActive)
        }
    }

    func delete(req: Request) async throws -> Response {
        let context = try await practise.context(req)
        do {
            try await PlanService(req).delete(try req.planID(), in: context.loaded)
            return req.redirect(toPath: SiteURL.plans(context.bondID).path, flash: .planCalledOff)
        } catch let problem as Problem where problem.status == .conflict {
            return req.redirect(toPath: SiteURL.plans(context.bondID).path, flash: .notActive)
        }
    }
}
