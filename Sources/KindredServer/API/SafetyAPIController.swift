import Fluent
import KindredCore
import Vapor

/// The private safety check, your devices, your security log and your export — all about
/// the person asking, never about a bond.
struct SafetyAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        // The check works signed in or not; only saving it needs an account.
        let optional = routes.grouped(OptionalBearerAuthMiddleware())
        optional.on(.GET, .safetyCheck, use: questions)
        optional.on(.POST, .safetyCheck, use: check)
        let signedIn = routes.grouped(BearerAuthMiddleware())
        signedIn.on(.GET, .savedChecks, use: savedChecks)
        signedIn.on(.DELETE, .savedCheck, use: deleteCheck)
        signedIn.on(.GET, .sessions, use: sessions)
        signedIn.on(.DELETE, .session, use: endSession)
        signedIn.on(.POST, .signOutEverywhere, use: signOutEverywhere)
        signedIn.on(.GET, .securityLog, use: securityLog)
        signedIn.on(.GET, .export, use: export)
        signedIn.on(.GET, .exportCSV, use: exportCSV)
    }

    struct QuestionsDTO: Content {
        struct Item: Content { let id: String; let text: String }
        let title: String
        let intro: String
        let label: String
        let items: [Item]
        let countries: [String]
    }

    func questions(req: Request) async throws -> QuestionsDTO {
        let guide = try SafetyService(req).guide
        return QuestionsDTO(title: guide.title, intro: guide.intro, label: guide.label,
                            items: guide.items.map { .init(id: $0.id, text: $0.text) },
                            countries: req.kindred.content.resources.map(\.country))
    }

    struct ResultDTO: Content {
        struct Section: Content { let title: String; let points: [String] }
        let concern: Bool
        let message: String
        let signs: Section?
        let resources: ResourcesDTO?
        let safetyPlan: Section?
        let usingKindredSafely: Section
        let saved: SavedCheckDTO?
    }

    struct SavedCheckDTO: Content {
        let id: UUID
        let savedAt: Date
        let answers: [String: Bool]?
        let country: String?
    }

    func check(req: Request) async throws -> ResultDTO {
        var body = try JSONBody(req, required: true)
        let answers = body.booleans("answers")
        let country = body.optionalString("country", nullable: true)
        let save = body.optionalBool("save") ?? false
        try body.validate()
        let service = SafetyService(req)
        let guide = try service.guide
        let result = try await service.check(answers: answers, country: country, save: save, user: req.currentUser)
        let concern = result.outcome.concern
        return ResultDTO(
            concern: concern, message: concern ? guide.supportive : guide.reassuring,
            signs: concern ? .init(title: guide.signs.title, points: guide.signs.points) : nil,
            resources: result.resources.map(ResourcesDTO.init),
            safetyPlan: concern ? .init(title: guide.plan.title, points: guide.plan.steps) : nil,
            usingKindredSafely: .init(title: guide.device.title, points: guide.device.points),
            saved: result.saved.map { SavedCheckDTO(id: $0.id!, savedAt: $0.createdAt, answers: nil, country: nil) }
        )
    }

    func savedChecks(req: Request) async throws -> Response {
        let paging = try Paging(req)
        let checks = try await SafetyService(req).saved(for: try req.requireUser(), paging: paging).map {
            SavedCheckDTO(id: $0.check.id!, savedAt: $0.check.createdAt, answers: $0.stored.answers, country: $0.stored.country)
        }
        return try await paging.respond(checks, for: req)
    }

    func deleteCheck(req: Request) async throws -> HTTPStatus {
        guard let id = req.parameters.get("checkID").flatMap(UUID.init(uuidString:)) else { throw Problem.notFound("You have no saved check with that id.") }
        try await SafetyService(req).delete(id, for: try req.requireUser())
        return .noContent
    }

    struct SessionsDTO: Content {
        struct Session: Content { let id: UUID; let device: String; let signedInAt: Date; let lastSeenAt: Date }
        let sessions: [Session]
        let tokens: [TokenDTO]
    }

    /// Live browser sessions and API tokens, each list paged by the same `limit` and `offset`.
    func sessions(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let devices = DeviceService(req)
        let paging = try Paging(req)
        let sessions = try await devices.sessions(for: user, paging: paging)
        let tokens = try await devices.tokens(for: user, paging: paging)
        let response = try await SessionsDTO(
            sessions: sessions.prefix(paging.limit).map { .init(id: $0.id!, device: $0.device, signedInAt: $0.createdAt, lastSeenAt: $0.lastSeenAt) },
            tokens: tokens.prefix(paging.limit).map { TokenDTO($0, current: $0.id == req.apiToken?.id) }
        ).encodeResponse(for: req)
        if sessions.count > paging.limit || tokens.count > paging.limit { paging.addNextLink(to: response, for: req) }
        return response
    }

    func endSession(req: Request) async throws -> HTTPStatus {
        guard let id = req.parameters.get("sessionID").flatMap(UUID.init(uuidString:)) else { throw Problem.notFound("You have no session with that id.") }
        try await DeviceService(req).endSession(id, for: try req.requireUser())
        return .noContent
    }

    func signOutEverywhere(req: Request) async throws -> HTTPStatus {
        try await DeviceService(req).signOutEverywhereElse(try req.requireUser(), keepingSession: nil, keepingToken: req.apiToken?.id, device: req.device)
        return .noContent
    }

    struct EventDTO: Content { let event: String; let description: String; let device: String; let at: Date; let count: Int }

    func securityLog(req: Request) async throws -> [EventDTO] {
        try await SecurityLog(req).events(for: try req.requireUser()).map {
            EventDTO(event: $0.kind, description: SecurityEvent.Kind(rawValue: $0.kind)?.label ?? $0.kind, device: $0.device, at: $0.at, count: $0.count)
        }
    }

    func export(req: Request) async throws -> Response {
        try await ExportService(req).jsonResponse(for: try req.requireUser(), req: req)
    }

    func exportCSV(req: Request) async throws -> Response {
        try await ExportService(req).csvResponse(for: try req.requireUser(), req: req)
    }
}

/// Helplines for a country as people see them: the operators' notes on checking the numbers
/// (`verify`) stay in the content files and `kindred content check`.
struct ResourcesDTO: Content {
    let country: String
    let name: String
    let emergency: String
    let note: String?
    let services: [CountryResources.Service]

    init(_ resources: CountryResources) {
        country = resources.country
        name = resources.name
        emergency = resources.emergency
        note = resources.note
        services = resources.services
    }
}

extension CountryResources.Service: Content {}

/// Reads a bearer token when one is sent, and carries on without one when not.
struct OptionalBearerAuthMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.headers.bearerAuthorization != nil else { return try await next.respond(to: request) }
        return try await BearerAuthMiddleware().respond(to: request, chainingTo: next)
    }
}

extension JSONBody {
    /// `{"id": true|false, …}`, each wrong value named by its key.
    mutating func booleans(_ field: String) -> [String: Bool] {
        guard case .object(let values)? = object[field] else {
            add([FieldError(field, has(field) ? "\(field) must be an object of question id → true or false." : "\(field) is required.")])
            return [:]
        }
        var result: [String: Bool] = [:]
        var problems: [FieldError] = []
        for (key, value) in values {
            if case .bool(let flag) = value { result[key] = flag } else { problems.append(FieldError("\(field).\(key)", "Answer true (yes) or false (no).")) }
        }
        add(problems)
        return result
    }
}
