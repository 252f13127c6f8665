import Fluent
import KindredCore
import Vapor

/// A therapist or counsellor, with both members' consent (issue 14). Members invite, consent
/// and read the access log under their bond; a professional accepts and reads summaries under
/// `/api/v1/professional`.
struct ProfessionalsAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(BearerAuthMiddleware())
        signedIn.on(.POST, .professionalInvites, use: invite)
        signedIn.on(.GET, .professionalInvites, use: invites)
        signedIn.on(.DELETE, .professionalInvite, use: revoke)
        signedIn.on(.GET, .professionalConsent, use: consents)
        signedIn.on(.PUT, .professionalConsent, use: consent)
        signedIn.on(.GET, .professionalAccessLog, use: accessLog)
        signedIn.on(.GET, .professionalJoin, use: preview)
        signedIn.on(.POST, .acceptProfessionalInvite, use: accept)
        signedIn.on(.GET, .professionalBonds, use: served)
        signedIn.on(.GET, .professionalSummary, use: summary)
    }

    private let practise = PractiseAPIController()

    // MARK: - Members

    func invite(req: Request) async throws -> Response {
        let (user, loaded) = try await practise.loaded(req)
        let (code, invite) = try await ProfessionalService(req).invite(in: loaded, by: user)
        return try await ProfessionalInviteCreatedDTO(
            id: invite.id!, code: code, url: ProfessionalService.url(for: code, base: req.application.baseURL), expiresAt: invite.expiresAt
        ).encodeResponse(status: .created, for: req)
    }

    func invites(req: Request) async throws -> [ProfessionalInviteDTO] {
        let (_, loaded) = try await practise.loaded(req)
        return try await ProfessionalService(req).pendingInvites(in: loaded).map(ProfessionalInviteDTO.init)
    }

    func revoke(req: Request) async throws -> HTTPStatus {
        let (_, loaded) = try await practise.loaded(req)
        guard let id = req.parameters.get("inviteID").flatMap(UUID.init(uuidString:)) else { throw Problem.notFound("There is no such invite in this bond.") }
        try await ProfessionalService(req).revoke(id, in: loaded)
        return .noContent
    }

    func consents(req: Request) async throws -> ProfessionalConsentsDTO {
        let (user, loaded) = try await practise.loaded(req)
        let views = try await ProfessionalService(req).links(in: loaded, for: user)
        return ProfessionalConsentsDTO(professionals: views.map(ProfessionalLinkDTO.init), scopes: ProfessionalScopeDTO.all)
    }

    /// `{professionalId, scopes: [...], consent: bool}`.
    func consent(req: Request) async throws -> ProfessionalLinkDTO {
        let (user, loaded) = try await practise.loaded(req)
        var body = try JSONBody(req, required: true)
        let professional = body.string("professionalId")
        let professionalID = UUID(uuidString: professional)
        if body.has("professionalId"), professionalID == nil { body.add([FieldError("professionalId", "professionalId must be an id.")]) }
        var consent: Bool?
        if body.has("consent") { consent = body.optionalBool("consent") } else { body.add([FieldError("consent", "consent is required.")]) }
        var scopes: [String]?
        switch body.object["scopes"] {
        case nil: scopes = nil
        case .array(let values)?:
            scopes = values.compactMap { if case .string(let text) = $0 { text } else { nil } }
            if scopes?.count != values.count { body.add([FieldError("scopes", "scopes must be a list of scope names.")]) }
        default: body.add([FieldError("scopes", "scopes must be a list of scope names.")])
        }
        body.add(ProfessionalAccess.consentProblems(scopes: scopes, consent: consent))
        try body.validate()
        let chosen = Set((scopes ?? []).compactMap(ProfessionalAccess.Scope.init(rawValue:)))
        let view = try await ProfessionalService(req).consent(in: loaded, by: user, professionalID: professionalID!, scopes: chosen, consent: consent!)
        return ProfessionalLinkDTO(view)
    }

    /// Paged (`limit`, `offset`, `Link: rel="next"`), newest first.
    func accessLog(req: Request) async throws -> Response {
        let (_, loaded) = try await practise.loaded(req)
        let paging = try Paging(req)
        return try await paging.respond(try await ProfessionalService(req).accessLog(in: loaded, paging: paging).map(AccessLogEntryDTO.init), for: req)
    }

    // MARK: - Professionals

    func preview(req: Request) async throws -> Response {
        let preview = try await ProfessionalService(req).preview(code: req.parameters.get("code") ?? "", for: try req.requireUser())
        if let refusal = preview.refusal { throw refusal }
        return try await ProfessionalInvitePreviewDTO(
            inviterName: preview.inviterName, kind: preview.kind.rawValue, expiresAt: preview.invite.expiresAt
        ).encodeResponse(for: req)
    }

    func accept(req: Request) async throws -> ServedBondDTO {
        let user = try req.requireUser()
        let service = ProfessionalService(req)
        let bondID = try await service.accept(code: req.parameters.get("code") ?? "", by: user)
        guard let served = try await service.served(by: user, only: bondID).first else { throw ProfessionalService.noSuchBond }
        return ServedBondDTO(served)
    }

    func served(req: Request) async throws -> [ServedBondDTO] {
        try await ProfessionalService(req).served(by: try req.requireUser()).map(ServedBondDTO.init)
    }

    /// `?since=YYYY-MM-DD` (default: four weeks ago) for the notable changes.
    func summary(req: Request) async throws -> SummaryDTO {
        let user = try req.requireUser()
        let since = try Self.since(req, timeZone: user.timeZone)
        let (served, summary, from) = try await ProfessionalService(req).summary(of: try req.bondID(), for: user, since: since)
        return SummaryDTO(served: served, summary: summary, since: from, now: req.kindred.now, content: req.kindred.content)
    }

    /// A day in the past, read in the professional's own time zone.
    static func since(_ req: Request, timeZone: String) throws -> Date? {
        guard let text: String = req.query["since"] else { return nil }
        guard let day = LocalDay(string: text), let start = day.start(inZone: timeZone), start <= req.kindred.now else {
            throw Problem.invalid([FieldError("since", "Use a past date like 2027-01-01.")])
        }
        return start
    }
}
