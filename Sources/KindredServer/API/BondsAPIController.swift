import Fluent
import KindredCore
import Vapor

/// `/api/v1/bonds…` and `/api/v1/invites…`.
struct BondsAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(BearerAuthMiddleware())
        signedIn.on(.POST, .bonds, use: create)
        signedIn.on(.GET, .bonds, use: list).readingWithToken(.bonds)
        signedIn.on(.GET, .bond, use: show).readingWithToken(.bond)
        signedIn.on(.POST, .leaveBond, use: leave)
        signedIn.on(.POST, .bondInvites, use: createInvite)
        signedIn.on(.GET, .bondInvites, use: listInvites)
        signedIn.on(.DELETE, .bondInvite, use: revokeInvite)
        signedIn.on(.GET, .invite, use: previewInvite)
        signedIn.on(.POST, .acceptInvite, use: acceptInvite)
    }

    func create(req: Request) async throws -> Response {
        let user = try req.requireUser()
        var body = try JSONBody(req)
        let kind = body.optionalString("kind")
        let name = body.optionalString("name", nullable: true)
        if !body.has("kind") { body.add([FieldError("kind", "kind is required: romantic, friendship or family.")]) }
        try body.validate()
        let bond = try await BondService(req).create(kind: kind, name: name, by: user)
        return try await dto(BondID(bond.id!), req: req, user: user).encodeResponse(status: .created, for: req)
    }

    /// Active first, then waiting, then ended (newest first in each), a page at a time.
    func list(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let paging = try Paging(req)
        let bonds = Array(try await BondService(req).list(for: user).dropFirst(paging.offset).prefix(paging.limit + 1))
        let pending = try await pendingInvites(for: bonds.filter { $0.snapshot.status == .waiting }, req: req)
        return try await paging.respond(bonds.map { BondDTO($0, viewer: user, pendingInvite: pending[$0.bond.id!]) }, for: req)
    }

    func show(req: Request) async throws -> BondDTO {
        try await dto(try req.bondID(), req: req, user: try req.requireUser())
    }

    func leave(req: Request) async throws -> BondDTO {
        let user = try req.requireUser()
        let bondID = try req.bondID()
        try await BondService(req).leave(bondID, user: user)
        return try await dto(bondID, req: req, user: user)
    }

    func createInvite(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let invites = InviteService(req)
        let (code, invite) = try await invites.create(in: try req.bondID(), by: user)
        return try await InviteCreatedDTO(id: invite.id!, code: code, url: InviteService.url(for: code, base: req.application.baseURL), expiresAt: invite.expiresAt)
            .encodeResponse(status: .created, for: req)
    }

    func listInvites(req: Request) async throws -> [InviteDTO] {
        let now = req.kindred.now
        return try await InviteService(req).list(in: try req.bondID(), for: try req.requireUser()).map { InviteDTO($0, now: now) }
    }

    func revokeInvite(req: Request) async throws -> HTTPStatus {
        guard let inviteID = req.parameters.get("inviteID").flatMap(InviteID.init(string:)) else {
            throw Problem.notFound("There is no such invite in this bond.")
        }
        try await InviteService(req).revoke(inviteID, in: try req.bondID(), by: try req.requireUser())
        return .noContent
    }

    /// Details only for an invite this person can accept: a used, withdrawn or expired
    /// code in someone else's hands says why it can't be used, and nothing about the bond.
    func previewInvite(req: Request) async throws -> InvitePreviewDTO {
        let preview = try await InviteService(req).preview(code: req.parameters.get("code") ?? "", for: try req.requireUser())
        if let refusal = preview.refusal { throw InviteService.problem(for: refusal) }
        return InvitePreviewDTO(
            bondKind: preview.bond.kind, bondName: preview.bondName, invitedBy: preview.inviterName,
            expiresAt: preview.invite.expiresAt
        )
    }

    func acceptInvite(req: Request) async throws -> BondDTO {
        let user = try req.requireUser()
        let bondID = try await InviteService(req).accept(code: req.parameters.get("code") ?? "", by: user)
        return try await dto(bondID, req: req, user: user)
    }

    // MARK: - Helpers

    private func dto(_ bondID: BondID, req: Request, user: User) async throws -> BondDTO {
        let loaded = try await BondService(req).load(bondID, for: user)
        let pending = loaded.snapshot.status == .waiting ? try await InviteService(req).pending(in: bondID) : nil
        return BondDTO(loaded, viewer: user, pendingInvite: pending)
    }

    private func pendingInvites(for bonds: [BondService.Loaded], req: Request) async throws -> [UUID: Invite] {
        guard !bonds.isEmpty else { return [:] }
        let invites = try await Invite.query(on: req.db)
            .filter(\.$bond.$id ~~ bonds.map { $0.bond.id! })
            .filter(\.$usedAt == nil).filter(\.$revokedAt == nil).filter(\.$expiresAt > req.kindred.now)
            .all()
        return Dictionary(invites.map { ($0.$bond.id, $0) }, uniquingKeysWith: { a, b in a.createdAt > b.createdAt ? a : b })
    }
}

extension Request {
    /// The `:bondID` path parameter; anything that is not a UUID is simply not found.
    func bondID() throws -> BondID {
        guard let id = parameters.get("bondID").flatMap(BondID.init(string:)) else { throw BondService.notFound }
        return id
    }
}
