import Fluent
import KindredCore
import Vapor

/// Sign-up, sign-in, sign-out, settings and account deletion in the browser.
struct AccountPagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(.home, use: home)
        routes.get(.register, use: registerForm)
        routes.post(.register, use: register)
        routes.get(.signIn, use: signInForm)
        routes.post(.signIn, use: signIn)
        routes.post(.signOut, use: signOut)
        routes.get(.settings, use: settings)
        routes.post(.settings, use: saveSettings)
        routes.post(.settingsPassword, use: changePassword)
        routes.post(.wakingHours, use: saveWakingHours)
        routes.get(.deleteAccount, use: deleteForm)
        routes.post(.deleteAccount, use: deleteAccount)
    }

    func home(req: Request) async throws -> Response {
        if let user = req.currentUser { return req.redirect(to: try await Self.landing(for: user, req: req)) }
        return try await req.page("home", title: "Grow closer")
    }

    /// Where a signed-in person starts: the home of their one active bond, or the list of
    /// bonds (each saying what is new) when they have several or none.
    static func landing(for user: User, req: Request) async throws -> SiteURL {
        if user.isProfessional { return .professionalHome }
        let active = try await BondService(req).list(for: user).filter { $0.snapshot.status == .active }
        return active.count == 1 ? .bond(active[0].snapshot.id) : .bonds
    }

    // MARK: - Register

    struct RegisterForm: Content {
        var displayName: String?
        var email: String?
        var password: String?
        var timeZone: String?
        var next: String?
        /// `professional` for a therapist's or counsellor's account (issue 14).
        var role: String?
        var practiceName: String?
        var credentials: String?
    }

    struct RegisterPage: Encodable {
        let errors: [FieldError]
        let displayName: FormField
        let email: FormField
        let password: FormField
        let timeZone: FormField
        let timeZoneChosen: Bool
        let timeZones: [TimeZoneOption]
        let next: String
        let nextQuery: String
        let professional: Bool
        let practiceName: FormField
        let credentials: FormField
        let professionalURL: String
    }

    func registerForm(req: Request) async throws -> Response {
        if req.currentUser != nil { return req.redirect(to: .bonds) }
        let professional = (req.query["as"] as String?) == "professional"
        return try await renderRegister(req, form: RegisterForm(next: req.query["next"], role: professional ? "professional" : nil), errors: [])
    }

    func register(req: Request) async throws -> Response {
        let form = (try? req.content.decode(RegisterForm.self)) ?? RegisterForm()
        do {
            let outcome = try await SignupService(req).begin(
                email: form.email ?? "", password: form.password ?? "",
                displayName: form.displayName ?? "", timeZone: form.timeZone ?? "UTC", next: form.next,
                profile: ProfessionalProfile(role: form.role == "professional" ? .professional : .member,
                                             practiceName: form.practiceName, credentials: form.credentials),
                clientAddress: req.clientAddress, app: req.application, logger: req.logger
            )
            switch outcome {
            case .started(let user):
                return try await Self.signedIn(user, req: req, next: form.next, flash: Self.welcome(next: form.next, professional: user.isProfessional))
            case .awaitingLink(let message):
                // The same page whether or not the email was free: the inbox hears which.
                return try await req.page("register-sent", title: "Check your email", section: "register", SignupSentPage(message: message))
            }
        } catch let problem as Problem where !problem.fieldErrors.isEmpty {
            return try await renderRegister(req, form: form, errors: problem.fieldErrors, status: problem.status)
        } catch is PasswordService.Busy {
            let response = try await renderRegister(req, form: form, errors: [FieldError("email", "We're very busy just now. Please try again in a few seconds.")],
                                                    status: .serviceUnavailable)
            response.headers.replaceOrAdd(name: .retryAfter, value: "5")
            return response
        } catch let problem as Problem where problem.status == .tooManyRequests {
            // Too many new accounts from here, or too busy: the form again, with what to do.
            let response = try await renderRegister(req, form: form, errors: [FieldError("email", problem.detail)], status: problem.status)
            for (name, value) in problem.headers { response.headers.replaceOrAdd(name: name, value: value) }
            return response
        }
    }

    struct SignupSentPage: Encodable { let message: String }

    /// Someone arriving through an invite goes on to accept it: no "make a bond" advice.
    static func welcome(next: String?, professional: Bool = false) -> Flash {
        let joining = next.map { SiteURL.isSafeNext($0) && (SitePath.join.matches($0) || SitePath.professionalJoin.matches($0)) } ?? false
        return joining ? .welcomeInvited : professional ? .welcomeProfessional : .welcome
    }

    private func renderRegister(_ req: Request, form: RegisterForm, errors: [FieldError], status: HTTPStatus = .ok) async throws -> Response {
        let zone = form.timeZone ?? "UTC"
        let next = SiteURL.isSafeNext(form.next) ? form.next! : ""
        return try await req.page("register", title: "Create your account", section: "register", status: status, RegisterPage(
            errors: errors,
            displayName: FormField(form.displayName ?? "", errors: errors, field: "displayName"),
            email: FormField(form.email ?? "", errors: errors, field: "email"),
            // A password is never sent back to the browser, even after a mistake.
            password: FormField("", errors: errors, field: "password"),
            timeZone: FormField(zone, errors: errors, field: "timeZone"),
            timeZoneChosen: form.timeZone != nil,
            timeZones: TimeZoneOption.all(selected: zone),
            next: next, nextQuery: Self.nextQuery(next),
            professional: form.role == "professional",
            practiceName: FormField(form.practiceName ?? "", errors: errors, field: "practiceName"),
            credentials: FormField(form.credentials ?? "", errors: errors, field: "credentials"),
            professionalURL: SiteURL.registerProfessional.path + (next.isEmpty ? "" : "&next=" + (next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
        ))
    }

    // MARK: - Sign in and out

    struct SignInForm: Content {
        var email: String?
        var password: String?
        var next: String?
    }

    struct SignInPage: Encodable {
        let email: String
        let problem: String?
        let next: String
        let nextQuery: String
    }

    func signInForm(req: Request) async throws -> Response {
        if req.currentUser != nil { return req.redirect(to: .bonds) }
        let next: String? = req.query["next"]
        return try await renderSignIn(req, email: "", problem: nil, next: next)
    }

    func signIn(req: Request) async throws -> Response {
        let form = (try? req.content.decode(SignInForm.self)) ?? SignInForm()
        do {
            let user = try await AccountService(req).authenticate(
                email: form.email ?? "", password: form.password ?? "", clientAddress: req.clientAddress, device: req.device
            )
            return try await Self.signedIn(user, req: req, next: form.next, flash: nil)
        } catch let problem as Problem where problem.status == .unauthorized || problem.status == .tooManyRequests {
            let response = try await renderSignIn(req, email: form.email ?? "", problem: problem.detail, next: form.next, status: problem.status)
            for (name, value) in problem.headers { response.headers.replaceOrAdd(name: name, value: value) }
            return response
        }
    }

    private func renderSignIn(_ req: Request, email: String, problem: String?, next: String?, status: HTTPStatus = .ok) async throws -> Response {
        let next = SiteURL.isSafeNext(next) ? next! : ""
        return try await req.page("sign-in", title: "Sign in", section: "sign-in", status: status, SignInPage(
            email: email, problem: problem, next: next, nextQuery: Self.nextQuery(next)
        ))
    }

    /// Starts a fresh session (a new id, whatever this browser had before) and goes on.
    static func signedIn(_ user: User, req: Request, next: String?, flash: Flash?) async throws -> Response {
        try await req.webSession?.delete(on: req.db)
        let secret = try await AccountService(req).startSession(for: user, userAgent: req.headers.first(name: .userAgent))
        let response = SiteURL.isSafeNext(next)
            ? req.redirect(toPath: next!, flash: flash)
            : req.redirect(to: try await Self.landing(for: user, req: req), flash: flash)
        response.cookies[Cookies.sessionName(req)] = Cookies.value(secret, req)
        return response
    }

    func signOut(req: Request) async throws -> Response {
        try await req.webSession?.delete(on: req.db)
        if let user = req.currentUser { try await SecurityLog(req).record(.sessionEnded, for: user, device: req.device) }
        req.webSession = nil
        let response = req.redirect(to: .home, flash: .signedOut)
        response.cookies[Cookies.sessionName(req)] = Cookies.expired(req)
        return response
    }

    static func nextQuery(_ next: String) -> String {
        next.isEmpty ? "" : "?next=" + (next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
    }
}
