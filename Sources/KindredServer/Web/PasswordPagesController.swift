import KindredCore
import Vapor

/// "Forgot your password?": asking for a link, and choosing a new password with it. Like the
/// API, asking always gets the same answer, so nobody learns whether an account exists.
struct PasswordPagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(.forgotPassword, use: forgotForm)
        routes.post(.forgotPassword, use: forgot)
        routes.get(.resetPassword, use: resetForm)
        routes.post(.resetPassword, use: reset)
    }

    // MARK: - Asking for a link

    struct ForgotPage: Encodable {
        let errors: [FieldError]
        let email: FormField
        /// After asking: the same confirmation for everyone.
        let sent: Bool
        let accepted: String
        let emailAvailable: Bool
    }

    func forgotForm(req: Request) async throws -> Response {
        try await renderForgot(req, email: "", errors: [], sent: false)
    }

    func forgot(req: Request) async throws -> Response {
        let email = ((try? req.content.get(String.self, at: "email")) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        // An empty or overlong field is a slip of the person's own, and says nothing about accounts.
        if email.isEmpty || email.unicodeScalars.count > AccountRules.emailMaxLength {
            let message = email.isEmpty ? "Enter the email address you signed up with." : "That is longer than any email address."
            let errors = [FieldError("email", message)]
            return try await renderForgot(req, email: String(email.prefix(AccountRules.emailMaxLength)), errors: errors, sent: false, status: .unprocessableEntity)
        }
        PasswordResetService.requestInBackground(email: email, app: req.application, logger: req.logger)
        return try await renderForgot(req, email: "", errors: [], sent: true)
    }

    private func renderForgot(_ req: Request, email: String, errors: [FieldError], sent: Bool, status: HTTPStatus = .ok) async throws -> Response {
        try await req.page("forgot-password", title: sent ? "Check your email" : "Forgot your password?", section: "sign-in", status: status, ForgotPage(
            errors: errors, email: FormField(email, errors: errors, field: "email"), sent: sent,
            accepted: RemindersAPIController.resetAccepted, emailAvailable: req.kindred.delivery.mail != nil
        ))
    }

    // MARK: - Choosing a new password

    struct ResetPage: Encodable {
        let errors: [FieldError]
        let password: FormField
        let actionURL: String
        /// A used, expired or unknown link: a kind page and a way to ask again.
        let unusable: Bool
        let forgotURL: String
    }

    func resetForm(req: Request) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        switch try await PasswordResetService(req).check(token: token) {
        case .usable: return try await renderReset(req, token: token, errors: [])
        case .unusable: return try await unusable(req, status: .gone)
        case .unknown: return try await unusable(req, status: .notFound)
        }
    }

    func reset(req: Request) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        let password = (try? req.content.get(String.self, at: "password")) ?? ""
        let user: User
        do {
            user = try await PasswordResetService(req).complete(token: token, password: password, device: req.device)
        } catch let problem as Problem where problem.status == .unprocessableEntity {
            return try await renderReset(req, token: token, errors: problem.fieldErrors, status: .unprocessableEntity)
        } catch let problem as Problem where problem.status == .gone || problem.status == .notFound {
            return try await unusable(req, status: problem.status)
        }
        let response = req.redirect(to: .signIn(), flash: .passwordReset)
        // Every session of that person has ended; if this browser held one of them, forget it.
        if let current = req.currentUser, current.id == user.id {
            req.webSession = nil
            req.currentUser = nil
            response.cookies[Cookies.sessionName(req)] = Cookies.expired(req)
        }
        return response
    }

    private func renderReset(_ req: Request, token: String, errors: [FieldError], status: HTTPStatus = .ok) async throws -> Response {
        try await req.page("reset-password", title: "Choose a new password", section: "sign-in", status: status, ResetPage(
            errors: errors, password: FormField("", errors: errors, field: "password"),
            actionURL: SiteURL.resetPassword(token: token).path, unusable: false, forgotURL: SiteURL.forgotPassword.path
        ))
    }

    /// The same page for a used or expired link (410) and a made-up one (404): it says nothing
    /// about any account.
    private func unusable(_ req: Request, status: HTTPStatus) async throws -> Response {
        try await req.page("reset-password", title: "This link no longer works", section: "sign-in", status: status, ResetPage(
            errors: [], password: FormField(), actionURL: "", unusable: true, forgotURL: SiteURL.forgotPassword.path
        ))
    }
}
