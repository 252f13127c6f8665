import KindredCore
import Vapor

/// The link from a sign-up email. Opening it shows a button rather than making the account at
/// once, because mail scanners open links too; pressing it makes the account and signs in.
struct SignupPagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(.confirmSignup, use: confirmForm)
        routes.post(.confirmSignup, use: confirm)
    }

    struct ConfirmPage: Encodable {
        let name: String
        let email: String
        let actionURL: String
        /// A used, expired or unknown link, or an address that has an account already.
        let problem: String?
        let taken: Bool
    }

    func confirmForm(req: Request) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        switch try await SignupService(req).check(token: token) {
        case .usable(let row):
            return try await req.page("register-confirm", title: "Finish creating your account", section: "register", ConfirmPage(
                name: row.displayName, email: row.email, actionURL: SiteURL.confirmSignup(token: token).path, problem: nil, taken: false
            ))
        case .unusable: return try await problem(req, SignupService.unusableDetail, status: .gone)
        case .unknown: return try await problem(req, SignupService.unknownDetail, status: .notFound)
        }
    }

    func confirm(req: Request) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        do {
            let (user, next) = try await SignupService(req).complete(token: token, device: req.device)
            return try await AccountPagesController.signedIn(user, req: req, next: next, flash: AccountPagesController.welcome(next: next, professional: user.isProfessional))
        } catch let problem as Problem where [.gone, .notFound, .conflict].contains(problem.status) {
            return try await self.problem(req, problem.detail, status: problem.status, taken: problem.status == .conflict)
        }
    }

    private func problem(_ req: Request, _ detail: String, status: HTTPStatus, taken: Bool = false) async throws -> Response {
        try await req.page("register-confirm", title: taken ? "You already have an account" : "This link no longer works",
                           section: "register", status: status,
                           ConfirmPage(name: "", email: "", actionURL: "", problem: detail, taken: taken))
    }
}
