import Fluent
import KindredCore
import Vapor

/// Help and support: the private safety check, its resources, device safety — and, under
/// settings, devices, the security log, export and quick exit's sign-out.
struct SafetyPagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(.support, use: supportPage)
        routes.post(.support, use: check)
        routes.get(.savedChecks, use: saved)
        routes.post(.deleteSavedCheck, use: deleteSaved)
        routes.get(.deviceSafety, use: deviceSafety)
        routes.get(.devices, use: devices)
        routes.post(.endSession, use: endSession)
        routes.post(.revokeToken, use: revokeToken)
        routes.post(.signOutEverywhere, use: signOutEverywhere)
        routes.get(.securityLog, use: securityLog)
        routes.get(.export, use: export)
        routes.get(.exportCSV, use: exportCSV)
        routes.post(.quickExit, use: quickExitSetting)
        routes.get(.exit, use: exit)
    }

    // MARK: - The check

    struct QuestionRow: Encodable {
        let id: String
        let text: String
        let yes: Bool
        let no: Bool
        let error: String?
    }

    struct CountryOption: Encodable {
        let code: String
        let name: String
        let selected: Bool
    }

    struct SupportPage: Encodable {
        let title: String
        let intro: String
        let label: String
        let questions: [QuestionRow]
        let countries: [CountryOption]
        let signedIn: Bool
        let save: Bool
        let errors: [FieldError]
    }

    func supportPage(req: Request) async throws -> Response {
        let country = SafetyService.suggestedCountry(acceptLanguage: req.headers.first(name: .acceptLanguage), available: req.kindred.content.resources)
        return try await renderForm(req, answers: [:], country: country, save: false, errors: [])
    }

    private func renderForm(_ req: Request, answers: [String: Bool], country: String, save: Bool, errors: [FieldError], status: HTTPStatus = .ok) async throws -> Response {
        let guide = try SafetyService(req).guide
        return try await req.page("support", title: "Help and support", section: "support", status: status, SupportPage(
            title: guide.title, intro: guide.intro, label: guide.label,
            questions: guide.items.map {
                QuestionRow(id: $0.id, text: $0.text, yes: answers[$0.id] == true, no: answers[$0.id] == false,
                            error: errors.message(for: "answers.\($0.id)"))
            },
            countries: countryOptions(req, selected: country), signedIn: req.currentUser != nil, save: save,
            errors: errors.map { error in
                let id = error.field.replacingOccurrences(of: "answers.", with: "")
                let position = (guide.items.firstIndex { $0.id == id } ?? 0) + 1
                return FieldError("question-\(id)-fieldset", "Question \(position) of \(guide.items.count): \(error.message)")
            }
        ))
    }

    func countryOptions(_ req: Request, selected: String) -> [CountryOption] {
        req.kindred.content.resources.map { CountryOption(code: $0.country, name: $0.country == "general" ? "Somewhere else" : $0.name, selected: $0.country == selected) }
            .sorted { ($0.code == "general" ? 1 : 0, $0.name) < ($1.code == "general" ? 1 : 0, $1.name) }
    }

    struct ResultPage: Encodable {
        let concern: Bool
        let message: String
        let signsTitle: String
        let signs: [String]
        let planTitle: String
        let plan: [String]
        let deviceTitle: String
        let device: [String]
        let countryName: String
        let emergency: String
        let emergencyTel: String?
        let note: String?
        let services: [ServiceRow]
        let saved: Bool
    }

    /// A helpline with links a phone can act on. (Notes for operators about checking the
    /// numbers stay in the content files and `kindred content check`, never on this page.)
    struct ServiceRow: Encodable {
        let name: String
        let phone: String?
        let tel: String?
        let text: String?
        let sms: String?
        let web: String?
        let hours: String?
        let languages: String?
        let notes: String?

        init(_ service: CountryResources.Service) {
            name = service.name
            phone = service.phone
            tel = service.phone.flatMap(ContactLinks.tel)
            text = service.text
            sms = service.text.flatMap(ContactLinks.sms)
            web = service.web
            hours = service.hours
            languages = service.languages.map { $0.joined(separator: ", ") }
            notes = service.notes
        }
    }

    /// Answers the check on this response; nothing is stored unless "save for me only" is ticked.
    func check(req: Request) async throws -> Response {
        let fields = (try? req.content.decode([String: String].self)) ?? [:]
        let guide = try SafetyService(req).guide
        var answers: [String: Bool] = [:]
        for item in guide.items {
            switch fields["question-\(item.id)"] {
            case "yes": answers[item.id] = true
            case "no": answers[item.id] = false
            default: break
            }
        }
        let country = fields["country"] ?? "general"
        let save = fields["save"] == "yes" && req.currentUser != nil
        do {
            let result = try await SafetyService(req).check(answers: answers, country: country, save: save, user: req.currentUser)
            let resources = result.resources
            return try await req.page("support-result", title: "Help and support", section: "support", ResultPage(
                concern: result.outcome.concern, message: result.outcome.concern ? guide.supportive : guide.reassuring,
                signsTitle: guide.signs.title, signs: guide.signs.points, planTitle: guide.plan.title, plan: guide.plan.steps,
                deviceTitle: guide.device.title, device: guide.device.points,
                countryName: resources?.name ?? "", emergency: resources?.emergency ?? "your local emergency number",
                emergencyTel: resources.flatMap { ContactLinks.tel($0.emergency) }, note: resources?.note,
                services: (resources?.services ?? []).map(ServiceRow.init), saved: result.saved != nil
            ))
        } catch let problem as Problem where !problem.fieldErrors.isEmpty {
            return try await renderForm(req, answers: answers, country: country, save: save, errors: problem.fieldErrors, status: problem.status)
        }
    }

    struct SavedRow: Encodable {
        let id: String
        let savedAt: String
        let summary: String
        let deleteURL: String
    }

    func saved(req: Request) async throws -> Response {
        let user = try req.requireWebUser()
        let guide = try SafetyService(req).guide
        let paging = WebPaging(req, size: 20)
        let fetched = try await SafetyService(req).saved(for: user, paging: paging.paging)
        if fetched.isEmpty && paging.page > 1 { return req.redirect(to: SiteURL.savedChecks.path) }
        let rows = fetched.prefix(paging.paging.limit).map { entry in
            let yes = guide.items.filter { entry.stored.answers[$0.id] == true }.count
            return SavedRow(id: entry.check.id!.uuidString.lowercased(), savedAt: DateText.dayAndTime(entry.check.createdAt, in: user.timeZone),
                            summary: yes == 0 ? "No warning signs answered yes." : "\(yes) of \(guide.items.count) answered yes.",
                            deleteURL: SiteURL.deleteSavedCheck(entry.check.id!).path)
        }
        struct Page: Encodable { let rows: [SavedRow]; let pages: WebPaging.Links }
        return try await req.page("support-saved", title: "Your saved checks", section: "support",
                                  Page(rows: Array(rows), pages: paging.links(to: SiteURL.savedChecks.path, fetched: fetched.count)))
    }

    func deleteSaved(req: Request) async throws -> Response {
        let user = try req.requireWebUser()
        guard let id = req.parameters.get("checkID").flatMap(UUID.init(uuidString:)) else { throw Problem.notFound() }
        try await SafetyService(req).delete(id, for: user)
        return req.redirect(toPath: SiteURL.savedChecks.path, flash: .checkDeleted)
    }

    func deviceSafety(req: Request) async throws -> Response {
        let guide = try SafetyService(req).guide
        struct Page: Encodable { let title: String; let points: [String]; let signedIn: Bool }
        return try await req.page("device-safety", title: "Using Kindred safely", section: "support",
                                  Page(title: guide.device.title, points: guide.device.points, signedIn: req.currentUser != nil))
    }

    // MARK: - Exit

    /// Quick exit for people who chose "also sign me out": end the session, then go to the
    /// neutral site. A redirect leaves no entry of its own in the browser's history. Only a
    /// link from one of the session's own pages (`?t=`) signs out: another site linking here
    /// just sends the browser to the neutral site.
    func exit(req: Request) async throws -> Response {
        let token: String? = req.query["t"]
        guard let expected = req.exitToken, let token, Secrets.constantTimeEqual(expected, token) else {
            return req.redirect(to: req.kindred.configuration.quickExitURL, redirectType: .normal)
        }
        if let session = req.webSession {
            try await session.delete(on: req.db)
            req.webSession = nil
            if let user = req.currentUser { try await SecurityLog(req).record(.sessionEnded, for: user, device: req.device) }
        }
        let response = req.redirect(to: req.kindred.configuration.quickExitURL, redirectType: .normal)
        response.cookies[Cookies.sessionName(req)] = Cookies.expired(req)
        return response
    }
}
