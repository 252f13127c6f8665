import Fluent
import KindredCore
import Vapor

/// A bond's rituals under `/api/v1/bonds/{id}/rituals`.
struct RitualsAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(BearerAuthMiddleware())
        signedIn.on(.GET, .rituals, use: list)
        signedIn.on(.POST, .rituals, use: propose)
        signedIn.on(.GET, .ritual, use: get)
        signedIn.on(.PATCH, .ritual, use: change)
        signedIn.on(.DELETE, .ritual, use: delete)
        signedIn.on(.GET, .ritualOccurrences, use: occurrences)
        signedIn.on(.PUT, .ritualOccurrence, use: mark)
        signedIn.on(.DELETE, .ritualOccurrence, use: unmark)
    }

    private let practise = PractiseAPIController()

    func list(req: Request) async throws -> RitualsDTO {
        let (user, loaded) = try await practise.loaded(req)
        let rituals = try await RitualService(req).list(in: loaded, for: user)
        return RitualsDTO(
            rituals: rituals.map(RitualDTO.init),
            ideas: RitualIdea.suggestions(req.kindred.content.ritualIdeas, for: loaded.bond.kind, apart: loaded.apart).map(RitualIdeaDTO.init)
        )
    }

    func propose(req: Request) async throws -> Response {
        let (user, loaded) = try await practise.loaded(req)
        var body = try JSONBody(req, required: true)
        let draft = try Self.draft(&body, zone: user.timeZone, today: LocalDay(req.kindred.now, inZone: user.timeZone))
        let view = try await RitualService(req).propose(draft, in: loaded, by: user)
        return try await RitualDTO(view).encodeResponse(status: .created, for: req)
    }

    func get(req: Request) async throws -> RitualDTO {
        let (user, loaded) = try await practise.loaded(req)
        return RitualDTO(try await RitualService(req).get(try req.ritualID(), in: loaded, for: user))
    }

    /// One of: `{response: accept|decline}`, `{paused: true|false}`, or a new title,
    /// description, participation and schedule from a date on (`from`, default today).
    func change(req: Request) async throws -> RitualDTO {
        let (user, loaded) = try await practise.loaded(req)
        let id = try req.ritualID()
        var body = try JSONBody(req, required: true)
        let service = RitualService(req)
        // Answering, pausing and changing are three different things: one at a time, so nothing
        // sent beside an answer or a pause is silently ignored.
        if body.has("response") || body.has("paused") {
            let alone = body.has("response") ? "response" : "paused"
            for field in Self.changeFields + ["response", "paused"] where field != alone && body.has(field) {
                body.add([FieldError(field, "Send \(alone) on its own; change the ritual in another request.")])
            }
        }
        if body.has("response") {
            let response = body.string("response")
            if !["accept", "decline"].contains(response) { body.add([FieldError("response", "Answer accept or decline.")]) }
            try body.validate()
            return RitualDTO(try await service.respond(id, accept: response == "accept", in: loaded, by: user))
        }
        if body.has("paused") {
            let paused = body.optionalBool("paused")
            try body.validate()
            return RitualDTO(try await service.setPaused(id, paused ?? false, in: loaded, by: user))
        }
        let current = try await service.get(id, in: loaded, for: user)
        let fromText = body.optionalString("from")
        let from = fromText.flatMap(LocalDay.init(string:))
        if fromText != nil, from == nil { body.add([FieldError("from", "Give the date the change starts, as YYYY-MM-DD.")]) }
        let draft = try Self.draft(&body, zone: user.timeZone, today: current.today, defaults: current)
        return RitualDTO(try await service.edit(id, draft, from: from, in: loaded, by: user))
    }

    /// What a change may carry (see `draft`), and the date it starts from.
    static let changeFields = ["title", "description", "ideaId", "participation", "rhythm", "every", "weekdays", "monthDay", "ordinal",
                               "weekday", "start", "until", "time", "timeZone", "from"]

    func delete(req: Request) async throws -> HTTPStatus {
        let (_, loaded) = try await practise.loaded(req)
        try await RitualService(req).delete(try req.ritualID(), in: loaded)
        return .noContent
    }

    func mark(req: Request) async throws -> OccurrenceDTO {
        let (user, loaded) = try await practise.loaded(req)
        var body = try JSONBody(req, required: true)
        let status = body.string("status")
        let mark = OccurrenceMark(rawValue: status)
        if mark == nil { body.add([FieldError("status", "Mark it done or skipped.")]) }
        try body.validate()
        return OccurrenceDTO(try await RitualService(req).mark(try req.ritualID(), day: try req.occurrenceDay(), mark, in: loaded, by: user))
    }

    /// Every time it falls from `from` through `through` (dates in its own zone, at most 800
    /// days; default the last 30 days and the next 90), each with its instant.
    func occurrences(req: Request) async throws -> [OccurrenceTimeDTO] {
        let (user, loaded) = try await practise.loaded(req)
        let view = try await RitualService(req).get(try req.ritualID(), in: loaded, for: user)
        var problems: [FieldError] = []
        func day(_ name: String, _ fallback: LocalDay) -> LocalDay {
            guard let text: String = req.query[name] else { return fallback }
            guard let day = LocalDay(string: text) else {
                problems.append(FieldError(name, "Give a date as YYYY-MM-DD."))
                return fallback
            }
            return day
        }
        let from = day("from", view.today.adding(days: -30)), through = day("through", view.today.adding(days: 90))
        if problems.isEmpty, !(0...800).contains(from.days(to: through)) {
            problems.append(FieldError("through", "Ask for at most 800 days, ending on or after the first."))
        }
        guard problems.isEmpty else { throw Problem.invalid(problems) }
        return view.schedule.occurrences(from: from, through: through).map { day in
            OccurrenceTimeDTO(day: day.description, at: (view.schedule.recurrence(on: day) ?? view.schedule.latest)?.instant(on: day) ?? LocalDay.noonOf(day))
        }
    }

    func unmark(req: Request) async throws -> OccurrenceDTO {
        let (user, loaded) = try await practise.loaded(req)
        return OccurrenceDTO(try await RitualService(req).mark(try req.ritualID(), day: try req.occurrenceDay(), nil, in: loaded, by: user))
    }

    /// A ritual as a client sends it; with `defaults`, a field left out keeps its value.
    static func draft(_ body: inout JSONBody, zone: String, today: LocalDay, defaults: RitualService.View? = nil) throws -> RitualService.Draft {
        let title = defaults != nil && !body.has("title") ? defaults!.title : body.string("title")
        let description = body.has("description") ? body.optionalString("description", nullable: true) : defaults?.description
        let participationText = body.optionalString("participation")
        let participation = participationText.map { RitualParticipation(rawValue: $0) } ?? defaults?.participation ?? .both
        if participation == nil { body.add([FieldError("participation", "Choose both or either.")]) }
        let old = defaults?.schedule.latest?.input
        let input = RecurrenceInput(
            rhythm: body.optionalString("rhythm") ?? old?.rhythm ?? "weekly",
            every: body.optionalInteger("every") ?? old?.every,
            weekdays: body.integers("weekdays") ?? old?.weekdays ?? [],
            monthDay: body.optionalInteger("monthDay") ?? old?.monthDay,
            ordinal: body.optionalInteger("ordinal") ?? old?.ordinal,
            weekday: body.optionalInteger("weekday") ?? old?.weekday,
            start: body.optionalString("start") ?? old?.start ?? today.description,
            time: body.optionalString("time") ?? old?.time ?? "19:00",
            timeZone: body.optionalString("timeZone") ?? old?.timeZone ?? zone,
            until: body.has("until") ? body.optionalString("until", nullable: true) : old?.until
        )
        let ideaID = body.optionalString("ideaId")
        var recurrence: Recurrence?
        switch input.recurrence() {
        case .success(let value): recurrence = value
        case .failure(let problems): body.add(problems.errors)
        }
        switch RitualService.checkedText(title: title, description: description) {
        case .success(let (cleanTitle, cleanDescription)):
            try body.validate()
            return RitualService.Draft(title: cleanTitle, description: cleanDescription, participation: participation ?? .both,
                                       recurrence: recurrence!, ideaID: ideaID)
        case .failure(let problems):
            body.add(problems.errors)
            try body.validate()
            throw Problem.invalid(problems.errors)
        }
    }
}

extension JSONBody {
    /// An optional list of whole numbers (absent or null: nil).
    mutating func integers(_ field: String) -> [Int]? {
        switch object[field] {
        case nil, .null?: return nil
        case .array(let items)?:
            let numbers = items.compactMap { item -> Int? in
                if case .number(let value) = item, value == value.rounded(), abs(value) < 1000 { return Int(value) }
                return nil
            }
            if numbers.count == items.count { return numbers }
        default: break
        }
        add([FieldError(field, "\(field) must be a list of whole numbers.")])
        return nil
    }
}

extension Request {
    func ritualID() throws -> UUID {
        guard let id = parameters.get("ritualID").flatMap(UUID.init(uuidString:)) else { throw Problem.notFound("There is no ritual here.") }
        return id
    }

    func occurrenceDay() throws -> LocalDay {
        guard let day = parameters.get("day").flatMap(LocalDay.init(string:)) else {
            throw Problem.notFound("There is no occurrence on that date.")
        }
        return day
    }
}
