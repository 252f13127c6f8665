import Fluent
import KindredCore
import Vapor

/// Bonds in the browser: the list, making one, its home, invites, joining and leaving.
struct BondPagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(.bonds, use: list)
        routes.get(.newBond, use: newForm)
        routes.post(.bonds, use: create)
        routes.get(.bond, use: show)
        routes.get(.bondSettings, use: settings)
        routes.get(.leaveBond, use: leaveForm)
        routes.post(.leaveBond, use: leave)
    }

    // MARK: - List and create

    struct BondSummary: Encodable {
        let url: String
        let title: String
        let kindLabel: String
        let statusLabel: String
        /// "Bea answered today's question." — the newest thing since you last looked.
        let news: String?
        let moreNews: Int
    }

    func list(req: Request) async throws -> Response {
        let user = try req.requireWebUser()
        if user.isProfessional { return req.redirect(to: .professionalHome) }
        let home = HomeService(req)
        var bonds: [BondSummary] = []
        let paging = WebPaging(req, size: 20)
        let fetched = try await BondService(req).list(for: user).dropFirst(paging.paging.offset).prefix(paging.paging.limit + 1)
        // A page past the end (bonds were left since the link was made) goes back to the first.
        if fetched.isEmpty && paging.page > 1 { return req.redirect(to: SiteURL.bonds.path) }
        for loaded in fetched.prefix(paging.paging.limit) {
            let headline = try await home.headline(in: loaded, for: user)
            bonds.append(BondSummary(
                url: SiteURL.bond(loaded.snapshot.id).path, title: Self.title(of: loaded, for: user),
                kindLabel: loaded.bond.kind.label, statusLabel: Self.statusLabel(loaded.snapshot.status),
                news: headline?.sentence, moreNews: max(0, (headline?.count ?? 0) - 1)
            ))
        }
        struct ListPage: Encodable { let bonds: [BondSummary]; let pages: WebPaging.Links }
        return try await req.page("bonds", title: "My bonds", section: "bonds",
                                  ListPage(bonds: bonds, pages: paging.links(to: SiteURL.bonds.path, fetched: fetched.count)))
    }

    struct KindOption: Encodable {
        let value: String
        let label: String
        let hint: String
        let checked: Bool
    }

    struct NewBondPage: Encodable {
        let errors: [FieldError]
        let kindError: String?
        let kinds: [KindOption]
        let name: FormField
    }

    struct NewBondForm: Content {
        var kind: String?
        var name: String?
    }

    func newForm(req: Request) async throws -> Response {
        _ = try req.requireWebUser()
        return try await renderNew(req, form: NewBondForm(), errors: [])
    }

    func create(req: Request) async throws -> Response {
        let user = try req.requireWebUser()
        let form = (try? req.content.decode(NewBondForm.self)) ?? NewBondForm()
        do {
            let bond = try await BondService(req).create(kind: form.kind, name: form.name, by: user)
            return req.redirect(to: .bond(BondID(bond.id!)), flash: .bondCreated)
        } catch let problem as Problem where problem.status == .unprocessableEntity {
            return try await renderNew(req, form: form, errors: problem.fieldErrors, status: .unprocessableEntity)
        } catch let problem as Problem where problem.code == "too-many-waiting-bonds" {
            return try await renderNew(req, form: form, errors: [FieldError("kind", problem.detail)], status: .conflict)
        }
    }

    private func renderNew(_ req: Request, form: NewBondForm, errors: [FieldError], status: HTTPStatus = .ok) async throws -> Response {
        let hints: [BondKind: String] = [
            .romantic: "You're in a relationship together — dating, living together or married.",
            .friendship: "You're close — old friends, best friends, chosen family.",
            .family: "You're related — a parent, child, sibling, grandparent or cousin.",
        ]
        let kinds = BondKind.allCases.map {
            KindOption(value: $0.rawValue, label: $0.label, hint: hints[$0] ?? "", checked: form.kind == $0.rawValue)
        }
        return try await req.page("bond-new", title: "Make a new bond", section: "bonds", status: status, NewBondPage(
            errors: errors, kindError: errors.message(for: "kind"), kinds: kinds,
            name: FormField(form.name ?? "", errors: errors, field: "name")
        ))
    }

    // MARK: - Leave

    struct LeavePage: Encodable {
        let partnerName: String?
        let leaveURL: String
        let bondURL: String
    }

    func leaveForm(req: Request) async throws -> Response {
        let user = try req.requireWebUser()
        let bondID = try req.bondID()
        let loaded = try await BondService(req).loadForChange(bondID, for: user)
        let partner = loaded.members.first { $0.user.id != user.id }?.user.displayName
        return try await req.page("bond-leave", title: "Leave this bond?", section: "bonds", LeavePage(
            partnerName: partner, leaveURL: SiteURL.leaveBond(bondID).path, bondURL: SiteURL.bond(bondID).path
        ))
    }

    func leave(req: Request) async throws -> Response {
        let user = try req.requireWebUser()
        let bondID = try req.bondID()
        try await BondService(req).leave(bondID, user: user)
        return req.redirect(to: .bonds, flash: .leftBond)
    }

    // MARK: - Wording

    static func title(of loaded: BondService.Loaded, for user: User) -> String {
        if let name = loaded.name { return name }
        if let partner = loaded.members.first(where: { $0.user.id != user.id }) {
            return "You and \(partner.user.displayName)"
        }
        return "Your new \(kindPhrase(loaded.bond.kind)) bond"
    }

    static func kindPhrase(_ kind: BondKind) -> String {
        switch kind {
        case .romantic: "partners’"
        case .friendship: "friendship"
        case .family: "family"
        }
    }

    static func checkinText(_ state: Reveal.State, partner: String) -> String {
        switch state {
        case .open, .passed: "This week's check-in is open."
        case .waitingForThem: "You've checked in this week. Waiting for \(partner)."
        case .theyAnswered: "\(partner) has checked in this week."
        case .revealed: "You've both checked in this week."
        }
    }

    static func statusLabel(_ status: BondStatus) -> String {
        switch status {
        case .waiting: "Waiting for them to join"
        case .active: "Together"
        case .ended: "Ended"
        }
    }
}
