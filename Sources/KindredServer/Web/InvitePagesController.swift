import Fluent
import KindredCore
import Vapor

/// Invites in the browser: making and sharing a link, withdrawing it, and joining through one.
struct InvitePagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.post(.bondInvites, use: createInvite)
        routes.post(.revokeInvite, use: revokeInvite)
        routes.post(.inviteEmail, use: emailInvite)
        routes.get(.join, use: joinForm)
        routes.post(.join, use: join)
    }

    // MARK: - Invites

    struct InviteCreatedPage: Encodable {
        let url: String
        let code: String
        let expiresOn: String
        let bondURL: String
        /// The ready-written words for Share, copying and email; the person may change them.
        let message: FormField
        let shareTitle: String
        let emailAvailable: Bool
        let emailURL: String
        let email: FormField
        let errors: [FieldError]
        /// After sending by email: to whom; or why it could not be sent.
        let sentTo: String?
        let problem: String?
    }

    static let defaultMessage = "I'd like us to try Kindred together — a small question each day, just for the two of us. Here's my invite:"

    /// Shows the new link on this response: it is never stored, so it cannot be shown later.
    func createInvite(req: Request) async throws -> Response {
        let user = try req.requireWebUser()
        let bondID = try req.bondID()
        let (code, invite) = try await InviteService(req).create(in: bondID, by: user)
        return try await inviteCreated(req, user: user, bondID: bondID, code: code, invite: invite)
    }

    struct InviteEmailForm: Content {
        var code: String?
        var email: String?
        var message: String?
    }

    /// Sends the link by email. The code comes back in a hidden field (it is never stored), so
    /// the page can show the link again whatever happens.
    func emailInvite(req: Request) async throws -> Response {
        let user = try req.requireWebUser()
        let bondID = try req.bondID()
        let form = (try? req.content.decode(InviteEmailForm.self)) ?? InviteEmailForm()
        let code = SecureToken.normaliseInviteCode(form.code ?? "")
        let invites = InviteService(req)
        let message = form.message ?? ""
        do {
            try await invites.sendByEmail(code: code, to: form.email ?? "", message: message, in: bondID, by: user, base: req.application.baseURL)
        } catch let problem as Problem where problem.status == .unprocessableEntity {
            return try await inviteCreated(req, user: user, bondID: bondID, code: code, invite: try await pendingInvite(invites, bondID),
                                           message: message, email: form.email ?? "", errors: problem.fieldErrors, status: problem.status)
        } catch let problem as Problem where ["email-unavailable", "email-not-sent", "invite-email-limit"].contains(problem.code ?? "") {
            return try await inviteCreated(req, user: user, bondID: bondID, code: code, invite: try await pendingInvite(invites, bondID),
                                           message: message, email: form.email ?? "", problem: problem.detail, status: problem.status)
        }
        return try await inviteCreated(req, user: user, bondID: bondID, code: code, invite: try await pendingInvite(invites, bondID),
                                       message: message, sentTo: AccountRules.normaliseEmail(form.email ?? ""))
    }

    /// The bond's one pending invite: the one whose code `sendByEmail` has just accepted.
    private func pendingInvite(_ invites: InviteService, _ bondID: BondID) async throws -> Invite {
        guard let invite = try await invites.pending(in: bondID) else {
            throw Problem(status: .conflict, code: "invite-not-pending", detail: "That invite link no longer works. Make a new one and send that.")
        }
        return invite
    }

    private func inviteCreated(
        _ req: Request, user: User, bondID: BondID, code: String, invite: Invite, message: String = Self.defaultMessage,
        email: String = "", errors: [FieldError] = [], sentTo: String? = nil, problem: String? = nil, status: HTTPStatus = .ok
    ) async throws -> Response {
        try await req.page("invite-created", title: "Your invite link", section: "bonds", status: status, InviteCreatedPage(
            url: InviteService.url(for: code, base: req.application.baseURL), code: code,
            expiresOn: DateText.dayAndTime(invite.expiresAt, in: user.timeZone),
            bondURL: SiteURL.bond(bondID).path,
            message: FormField(message, errors: errors, field: "message"),
            shareTitle: "An invite to Kindred",
            emailAvailable: req.kindred.delivery.mail != nil,
            emailURL: SiteURL.inviteEmail(bondID).path,
            email: FormField(sentTo == nil ? email : "", errors: errors, field: "email"),
            errors: errors, sentTo: sentTo, problem: problem
        ))
    }

    func revokeInvite(req: Request) async throws -> Response {
        let user = try req.requireWebUser()
        let bondID = try req.bondID()
        guard let inviteID = req.parameters.get("inviteID").flatMap(InviteID.init(string:)) else { throw BondService.notFound }
        try await InviteService(req).revoke(inviteID, in: bondID, by: user)
        return req.redirect(to: .bondSettings(bondID), flash: .inviteRevoked)
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
            kindLabelLower: BondPagesController.kindPhrase(preview.bond.kind), bondName: preview.bondName,
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
