import Fluent
import KindredCore
import Vapor

/// Invites in the browser: making and sharing a link, withdrawing it, and joining through one.
struct InvitePagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.post("bonds", ":bondID", "invites", use: createInvite)
        routes.post("bonds", ":bondID", "invites", ":inviteID", "revoke", use: revokeInvite)
        routes.get("join", ":code", use: joinForm)
        routes.post("join", ":code", use: join)
    }

    // MARK: - Invites

    struct InviteCreatedPage: Encodable {
        let url: String
        let code: String
        let expiresOn: String
        let bondURL: String
    }

    /// Shows the new link on this response: it is never stored, so it cannot be shown later.
    func createInvite(req: Request) async throws -> Response {
        let user = try req.requireWebUser()
        let bondID = try req.bondID()
        let invites = InviteService(req)
        let (code, invite) = try await invites.create(in: bondID, by: user)
        return try await req.page("invite-created", title: "Your invite link", section: "bonds", InviteCreatedPage(
            url: InviteService.url(for: code, base: req.application.baseURL), code: code,
            expiresOn: DateText.dayAndTime(invite.expiresAt, in: user.timeZone),
            bondURL: SiteURL.bond(bondID).path
        ))
    }

    func revokeInvite(req: Request) async throws -> Response {
        let user = try req.requireWebUser()
        let bondID = try req.bondID()
        guard let inviteID = req.parameters.get("inviteID").flatMap(InviteID.init(string:)) else { throw BondService.notFound }
        try await InviteService(req).revoke(inviteID, in: bondID, by: user)
        return req.redirect(to: .bond(bondID), flash: .inviteRevoked)
    }

    struct JoinPage: Encodable {
        let signedIn: Bool
        let nextQuery: String
        let inviterName: String?
        let kindLabelLower: String?
        let bondName: String?
        let refusal: String?
        let acceptURL: String
    }

    /// Anyone with the link sees this page; only a signed-in person learns who invited them.
    func joinForm(req: Request) async throws -> Response {
        let code = req.parameters.get("code") ?? ""
        let joinPath = SiteURL.join(code: code).path
        guard let user = req.currentUser else {
            return try await req.page("join", title: "You're invited", JoinPage(
                signedIn: false, nextQuery: AccountPagesController.nextQuery(joinPath),
                inviterName: nil, kindLabelLower: nil, bondName: nil, refusal: nil, acceptURL: joinPath
            ))
        }
        let preview = try await InviteService(req).preview(code: code, for: user)
        let page = JoinPage(
            signedIn: true, nextQuery: "", inviterName: preview.inviterName,
            kindLabelLower: BondPagesController.kindPhrase(preview.bond.kind), bondName: preview.bond.name,
            refusal: preview.refusal?.message, acceptURL: joinPath
        )
        return try await req.page("join", title: "You're invited", status: preview.refusal == nil ? .ok : InviteService.problem(for: preview.refusal!).status, page)
    }

    func join(req: Request) async throws -> Response {
        let user = try req.requireWebUser()
        let bondID = try await InviteService(req).accept(code: req.parameters.get("code") ?? "", by: user)
        return req.redirect(to: .bond(bondID), flash: .joined)
    }

}
