import Fluent
import KindredCore
import Vapor

/// Planned time together under `/api/v1/bonds/{id}/plans`.
struct PlansAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(BearerAuthMiddleware())
        signedIn.on(.GET, .plans, use: list)
        signedIn.on(.POST, .plans, use: propose)
        signedIn.on(.GET, .plan, use: get)
        signedIn.on(.PATCH, .plan, use: respond)
        signedIn.on(.DELETE, .plan, use: delete)
        signedIn.on(.PUT, .planLiked, use: liked)
    }

    private let practise = PractiseAPIController()

    func list(req: Request) async throws -> PlansDTO {
        let (user, loaded) = try await practise.loaded(req)
        let service = PlanService(req)
        let (upcoming, past) = try await service.list(in: loaded, for: user)
        return PlansDTO(
            upcoming: upcoming.map(PlanDTO.init), past: past.map(PlanDTO.init),
            ideas: IdeaRules.suggestions(req.kindred.content.planIdeas, for: loaded.bond.kind, apart: loaded.apart).map(PlanIdeaDTO.init),
            suggestedStarts: service.suggestedStarts(in: loaded, minutes: 60)
        )
    }

    func propose(req: Request) async throws -> Response {
        let (user, loaded) = try await practise.loaded(req)
        var body = try JSONBody(req, required: true)
        let title = body.string("title")
        let startsAt = Self.date(&body, "startsAt", required: true)
        let minutes = body.optionalInteger("minutes") ?? 60
        if !PlanRules.minutes.contains(minutes) { body.add([FieldError("minutes", "Choose 15 minutes to 12 hours.")]) }
        let modeText = body.optionalString("mode")
        let mode = modeText.map { PlanMode(rawValue: $0) } ?? .inPerson
        if mode == nil { body.add([FieldError("mode", "Choose in-person or apart.")]) }
        let ideaID = body.optionalString("ideaId")
        var cleanTitle = ""
        switch TextRules.clean(title, field: "title", allowed: PlanRules.titleLength) {
        case .success(let text): cleanTitle = text
        case .failure(let problem): body.add([problem])
        }
        try body.validate()
        let view = try await PlanService(req).propose(
            PlanService.Draft(title: cleanTitle, startsAt: startsAt!, minutes: minutes, mode: mode!, ideaID: ideaID), in: loaded, by: user)
        return try await PlanDTO(view).encodeResponse(status: .created, for: req)
    }

    func get(req: Request) async throws -> PlanDTO {
        let (user, loaded) = try await practise.loaded(req)
        return PlanDTO(try await PlanService(req).get(try req.planID(), in: loaded, for: user))
    }

    /// `{response: accept}`, `{response: decline}` or `{response: propose, startsAt, minutes?}`.
    func respond(req: Request) async throws -> PlanDTO {
        let (user, loaded) = try await practise.loaded(req)
        let id = try req.planID()
        // A plan that is not here is a 404 whatever the body says.
        _ = try await PlanService(req).get(id, in: loaded, for: user)
        var body = try JSONBody(req, required: true)
        let response = body.string("response")
        var answer: PlanService.Response?
        switch response {
        case "accept": answer = .accept
        case "decline": answer = .decline
        case "propose":
            let startsAt = Self.date(&body, "startsAt", required: true)
            let minutes = body.optionalInteger("minutes")
            if let minutes, !PlanRules.minutes.contains(minutes) { body.add([FieldError("minutes", "Choose 15 minutes to 12 hours.")]) }
            answer = startsAt.map { .propose(startsAt: $0, minutes: minutes) }
        default: body.add([FieldError("response", "Answer accept, decline or propose (with another startsAt).")])
        }
        try body.validate()
        return PlanDTO(try await PlanService(req).respond(id, answer!, in: loaded, by: user))
    }

    func delete(req: Request) async throws -> HTTPStatus {
        let (_, loaded) = try await practise.loaded(req)
        try await PlanService(req).delete(try req.planID(), in: loaded)
        return .noContent
    }

    /// `{text, share?}`: what you liked, shown to the other once both wrote, or now if shared.
    func liked(req: Request) async throws -> PlanDTO {
        let (user, loaded) = try await practise.loaded(req)
        var body = try JSONBody(req, required: true)
        let text = body.string("text")
        let share = body.optionalBool("share") ?? false
        try body.validate()
        return PlanDTO(try await PlanService(req).writeLiked(try req.planID(), text: text, share: share, in: loaded, by: user))
    }

    /// An RFC 3339 instant, e.g. 2027-01-16T18:30:00Z (an offset is allowed).
    static func date(_ body: inout JSONBody, _ field: String, required: Bool) -> Date? {
        guard body.has(field) || required else { return nil }
        let text = body.string(field)
        let formatter = ISO8601DateFormatter()
        guard let date = formatter.date(from: text) else {
            if body.has(field) { body.add([FieldError(field, "Give a date and time like 2027-01-16T18:30:00Z.")]) }
            return nil
        }
        return date
    }
}

extension Request {
    func planID() throws -> UUID {
        guard let id = parameters.get("planID").flatMap(UUID.init(uuidString:)) else { throw Problem.notFound("There is no plan here.") }
        return id
    }
}

struct PlansDTO: Content {
    let upcoming: [PlanDTO]
    let past: [PlanDTO]
    let ideas: [PlanIdeaDTO]
    /// A few starts for an hour together inside the hours both are awake this week.
    let suggestedStarts: [Date]
}

struct PlanIdeaDTO: Content {
    let id: String
    let title: String
    let description: String
    let place: String
    let cost: String
    let sign: String
    let minutes: Int
    let apartFriendly: Bool

    init(_ idea: PlanIdea) {
        id = idea.id
        title = idea.title
        description = idea.description
        place = idea.place.rawValue
        cost = idea.cost.rawValue
        sign = idea.sign.rawValue
        minutes = idea.minutes
        apartFriendly = idea.place == .apart
    }
}

struct PlanDTO: Content {
    let id: UUID
    let title: String
    let startsAt: Date
    let minutes: Int
    let mode: String
    let state: String
    let ideaId: String?
    let createdByYou: Bool
    let proposedByYou: Bool
    let mayRespond: Bool
    let mayWriteLiked: Bool
    let insideBothAwake: Bool?
    let yourLiked: String?
    let yourLikedShared: Bool
    let theirLiked: String?
    let theyWroteLiked: Bool

    init(_ view: PlanService.View) {
        id = view.id
        title = view.title
        startsAt = view.startsAt
        minutes = view.minutes
        mode = view.mode.rawValue
        state = view.state.rawValue
        ideaId = view.ideaID
        createdByYou = view.createdByYou
        proposedByYou = view.proposedByYou
        mayRespond = view.mayRespond
        mayWriteLiked = view.mayWriteLiked
        insideBothAwake = view.insideBothAwake
        yourLiked = view.yourLiked?.text
        yourLikedShared = view.yourLiked?.shared ?? false
        theirLiked = view.theirLiked
        theyWroteLiked = view.theyWroteLiked
    }
}
