import KindredCore
import Vapor

/// A therapist or counsellor in the browser (issue 14). Members: invite one, choose what to
/// share, end it, and read every view in the access log. Professionals: accept a link, see the
/// bonds they serve, and read (and print) a between-sessions summary.
struct ProfessionalPagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(.professionals, use: members)
        routes.post(.professionalInvites, use: invite)
        routes.post(.revokeProfessionalInvite, use: revoke)
        routes.post(.professionalConsent, use: consent)
        routes.get(.professionalJoin, use: joinForm)
        routes.post(.professionalJoin, use: join)
        routes.get(.professionalHome, use: home)
        routes.get(.professionalSummary, use: summary)
    }

    private let practise = PractisePagesController()

    // MARK: - Members

    struct ScopeChoice: Encodable {
        let id: String
        let label: String
        let explanation: String
        let example: String
        let checked: Bool
    }

    struct ProfessionalCard: Encodable {
        let name: String
        let practiceName: String?
        let credentials: String?
        let status: String
        let open: Bool
        let ended: Bool
        let consentURL: String
        let fieldID: String
        let scopes: [ScopeChoice]
        let consented: Bool
    }

    struct InviteRow: Encodable {
        let expiresOn: String
        let revokeURL: String
    }

    struct MembersPage: Encodable {
        let bondTitle: String
        let bondURL: String
        let active: Bool
        let partnerName: String
        let inviteURL: String
        let newLink: String?
        let newLinkExpires: String?
        let invites: [InviteRow]
        let professionals: [ProfessionalCard]
        let log: [String]
        let logPages: WebPaging.Links
        let neverShown: String
        let selfDescribed: String
        let error: String?
    }

    func members(req: Request) async throws -> Response {
        try await render(req, context: try await practise.context(req))
    }

    private func render(_ req: Request, context: PractisePagesController.Context, newLink: (code: String, invite: ProfessionalInvite)? = nil,
                        error: String? = nil, chosen: [UUID: Set<ProfessionalAccess.Scope>] = [:], status: HTTPStatus = .ok) async throws -> Response {
        let service = ProfessionalService(req)
        let zone = context.user.timeZone, bondID = context.bondID
        let partner = context.partnerName ?? "the other person"
        let views = try await service.links(in: context.loaded, for: context.user)
        let cards = views.map { view -> ProfessionalCard in
            let id = view.professional?.id ?? view.link.id!
            let mine = chosen[id] ?? view.yourScopes ?? []
            return ProfessionalCard(
                name: view.professional?.displayName ?? view.link.professionalName,
                practiceName: view.professional?.practiceName, credentials: view.professional?.credentials,
                status: Self.status(of: view, partner: partner, zone: zone), open: { if case .open = view.state { true } else { false } }(),
                ended: view.state == .ended, consentURL: SiteURL.professionalConsent(bondID, id).path, fieldID: view.link.id!.uuidString.lowercased().prefix(8).description,
                scopes: ProfessionalAccess.Scope.allCases.map {
                    ScopeChoice(id: $0.rawValue, label: $0.label.prefix(1).uppercased() + $0.label.dropFirst(), explanation: $0.explanation, example: $0.example, checked: mine.contains($0))
                },
                consented: view.yourScopes != nil
            )
        }
        let invites = context.loaded.snapshot.status == .active ? try await service.pendingInvites(in: context.loaded) : []
        let paging = WebPaging(req, size: 50)
        let fetched = try await service.accessLog(in: context.loaded, paging: paging.paging)
        let log = fetched.prefix(paging.paging.limit).map { entry in
            "\(entry.professionalName) viewed the summary on \(DateText.dayAndTime(entry.viewedAt, in: zone)), scopes: \(ProfessionalAccess.scopeList(entry.scopes))."
        }
        return try await req.page("professionals", title: "A therapist or counsellor", section: "bonds", status: status, MembersPage(
            bondTitle: context.bondTitle, bondURL: context.bondURL, active: context.loaded.snapshot.status == .active, partnerName: partner,
            inviteURL: SiteURL.professionalInvites(bondID).path,
            newLink: newLink.map { ProfessionalService.url(for: $0.code, base: req.application.baseURL) },
            newLinkExpires: newLink.map { DateText.dayAndTime($0.invite.expiresAt, in: zone) },
            invites: invites.map { InviteRow(expiresOn: DateText.dayAndTime($0.expiresAt, in: zone),
                                             revokeURL: SiteURL.revokeProfessionalInvite(bondID, $0.id!).path) },
            professionals: cards, log: Array(log), logPages: paging.links(to: SiteURL.professionals(bondID).path, fetched: fetched.count), neverShown: SummaryDTO.neverShownText, selfDescribed: ProfessionalStateText.selfDescribed, error: error
        ))
    }

    static func status(of view: ProfessionalService.LinkView, partner: String, zone: String) -> String {
        switch view.state {
        case .invited, .awaitingConsent:
            switch (view.yourScopes != nil, view.otherConsented) {
            case (true, true): return "You've both consented, but to nothing in common, so nothing is shared. Choose at least one thing you'd both share."
            case (true, false): return "You've consented. Nothing opens until \(partner) does too."
            case (false, true): return "\(partner) has consented. Nothing opens until you do too."
            case (false, false): return "Waiting for you both to consent. Nothing is shared until you do."
            }
        case .open(let scopes):
            return "Open. They can see: \(ProfessionalAccess.scopeList(scopes))."
        case .ended:
            return "Access ended" + (view.endedAt.map { " on " + DateText.day($0, in: zone) } ?? "") + ". They can no longer see anything of your bond."
        }
    }

    func invite(req: Request) async throws -> Response {
        let context = try await practise.context(req)
        do {
            let made = try await ProfessionalService(req).invite(in: context.loaded, by: context.user)
            return try await render(req, context: context, newLink: made)
        } catch let problem as Problem where problem.status == .conflict {
            return try await render(req, context: context, error: problem.detail, status: .conflict)
        }
    }

    func revoke(req: Request) async throws -> Response {
        let context = try await practise.context(req)
        guard let id = req.parameters.get("inviteID").flatMap(UUID.init(uuidString:)) else { throw Problem.notFound("There is no such invite in this bond.") }
        do {
            try await ProfessionalService(req).revoke(id, in: context.loaded)
        } catch let problem as Problem where problem.status == .conflict {
            return try await render(req, context: context, error: problem.detail, status: .conflict)
        }
        return req.redirect(to: .professionals(context.bondID), flash: .professionalInviteWithdrawn)
    }

    struct ConsentForm: Content {
        var scopes: [String]?
        var decision: String?
    }

    /// `decision=consent` with the ticked scopes, or `decision=withdraw`.
    func consent(req: Request) async throws -> Response {
        let context = try await practise.context(req)
        guard let professionalID = req.parameters.get("professionalID").flatMap(UUID.init(uuidString:)) else { throw ProfessionalService.noSuchProfessional }
        let form = (try? req.content.decode(ConsentForm.self)) ?? ConsentForm()
        let giving = form.decision != "withdraw"
        let scopes = form.scopes ?? []
        if let problem = ProfessionalAccess.consentProblems(scopes: scopes, consent: giving).first {
            return try await render(req, context: context, error: problem.message,
                                    chosen: [professionalID: Set(scopes.compactMap(ProfessionalAccess.Scope.init(rawValue:)))], status: .unprocessableEntity)
        }
        do {
            _ = try await ProfessionalService(req).consent(in: context.loaded, by: context.user, professionalID: professionalID,
                                                           scopes: Set(scopes.compactMap(ProfessionalAccess.Scope.init(rawValue:))), consent: giving)
        } catch let problem as Problem where problem.status == .conflict {
            return try await render(req, context: context, error: problem.detail, status: .conflict)
        } catch let problem as Problem where problem.status == .notFound && !giving {
            // Ended already (a second tap, or the other member was first): the outcome stands.
            return req.redirect(to: .professionals(context.bondID), flash: .consentWithdrawn)
        }
        return req.redirect(to: .professionals(context.bondID), flash: giving ? .consentGiven : .consentWithdrawn)
    }

    // MARK: - Accepting a link

    struct JoinPage: Encodable {
        let signedIn: Bool
        let nextQuery: String
        let registerURL: String
        let inviterName: String?
        let kind: String?
        let refusal: String?
        let acceptURL: String
        let memberNote: Bool
    }

    func joinForm(req: Request) async throws -> Response {
        let code = req.parameters.get("code") ?? ""
        let path = SiteURL.professionalJoin(code: code).path
        let nextQuery = AccountPagesController.nextQuery(path)
        guard let user = req.currentUser else {
            return try await req.page("professional-join", title: "An invitation to serve a bond", JoinPage(
                signedIn: false, nextQuery: nextQuery, registerURL: SiteURL.registerProfessional.path + "&" + nextQuery.dropFirst(),
                inviterName: nil, kind: nil, refusal: nil, acceptURL: path, memberNote: false
            ))
        }
        let preview = try await ProfessionalService(req).preview(code: code, for: user)
        return try await req.page("professional-join", title: "An invitation to serve a bond", status: preview.refusal?.status ?? .ok, JoinPage(
            signedIn: true, nextQuery: "", registerURL: "", inviterName: preview.inviterName,
            kind: Self.kindText(preview.kind), refusal: preview.refusal?.detail, acceptURL: path,
            memberNote: !user.isProfessional
        ))
    }

    func join(req: Request) async throws -> Response {
        let user = try req.requireWebUser()
        let bondID = try await ProfessionalService(req).accept(code: req.parameters.get("code") ?? "", by: user)
        return req.redirect(to: .professionalSummary(bondID), flash: .professionalServing)
    }

    // MARK: - The professional's pages

    struct ServedRow: Encodable {
        let names: String
        let kind: String
        let since: String
        let status: String
        let url: String?
    }

    struct HomePage: Encodable {
        let bonds: [ServedRow]
        let practiceName: String?
    }

    /// Who the two are to each other, as a professional's pages say it.
    static func kindText(_ kind: BondKind) -> String {
        switch kind {
        case .romantic: "Partners"
        case .friendship: "Friends"
        case .family: "Family"
        }
    }

    /// First names once access is open; before and after, the members are not named.
    static func names(_ names: [String]) -> String {
        names.isEmpty ? "Two members" : names.count == 2 ? "\(names[0]) and \(names[1])" : names.joined(separator: ", ")
    }

    static func status(of state: ProfessionalAccess.State) -> String {
        switch state {
        case .invited: "Invited"
        case .awaitingConsent: "Waiting for both members to consent"
        case .open(let scopes): "Open: " + ProfessionalAccess.scopeList(scopes)
        case .ended: "Access ended"
        }
    }

    func home(req: Request) async throws -> Response {
        let user = try req.requireWebUser()
        let served = try await ProfessionalService(req).served(by: user)
        let rows = served.map { bond in
            ServedRow(names: Self.names(bond.names), kind: Self.kindText(bond.bond.kind),
                      since: DateText.day(bond.link.acceptedAt, in: user.timeZone), status: Self.status(of: bond.state),
                      url: bond.state == .ended ? nil : SiteURL.professionalSummary(BondID(bond.bond.id!)).path)
        }
        return try await req.page("professional-home", title: "Bonds you serve", section: "professional", HomePage(bonds: rows, practiceName: user.practiceName))
    }

    func summary(req: Request) async throws -> Response {
        let user = try req.requireWebUser()
        let bondID = try req.bondID()
        var since: Date?, sinceError: String?
        do {
            since = try ProfessionalsAPIController.since(req, timeZone: user.timeZone)
        } catch let problem as Problem {
            sinceError = problem.fieldErrors.first?.message
        }
        do {
            let (served, summary, from) = try await ProfessionalService(req).summary(of: bondID, for: user, since: since)
            let page = SummaryPage(served: served, summary: summary, since: from, user: user, content: req.kindred.content, sinceError: sinceError, now: req.kindred.now)
            return try await req.page("professional-summary", title: "Between sessions: " + Self.names(served.names), section: "professional", page)
        } catch let problem as Problem where problem.code == "summary-closed" {
            let served = try await ProfessionalService(req).served(by: user, only: bondID).first
            return try await req.page("professional-closed", title: "Not open yet", section: "professional", status: .forbidden, ClosedPage(
                names: Self.names(served?.names ?? []), status: served.map { Self.status(of: $0.state) } ?? "", detail: problem.detail
            ))
        }
    }

    struct ClosedPage: Encodable {
        let names: String
        let status: String
        let detail: String
    }
}
