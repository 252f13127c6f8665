import Fluent
import KindredCore
import Vapor

/// Bonds in the browser: the list, making one, its home, invites, joining and leaving.
struct BondPagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("bonds", use: list)
        routes.get("bonds", "new", use: newForm)
        routes.post("bonds", use: create)
        routes.get("bonds", ":bondID", use: show)
        routes.get("bonds", ":bondID", "leave", use: leaveForm)
        routes.post("bonds", ":bondID", "leave", use: leave)
    }

    // MARK: - List and create

    struct BondSummary: Encodable {
        let url: String
        let title: String
        let kindLabel: String
        let statusLabel: String
    }

    func list(req: Request) async throws -> Response {
        let user = try req.requireWebUser()
        let bonds = try await BondService(req).list(for: user).map { loaded in
            BondSummary(
                url: SiteURL.bond(loaded.snapshot.id).path, title: Self.title(of: loaded, for: user),
                kindLabel: loaded.bond.kind.label, statusLabel: Self.statusLabel(loaded.snapshot.status)
            )
        }
        struct ListPage: Encodable { let bonds: [BondSummary] }
        return try await req.page("bonds", title: "My bonds", section: "bonds", ListPage(bonds: bonds))
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
        }
    }

    private func renderNew(_ req: Request, form: NewBondForm, errors: [FieldError], status: HTTPStatus = .ok) async throws -> Response {
        let hints: [BondKind: String] = [
            .romantic: "Your partner.",
            .friendship: "A close friend.",
            .family: "A parent, child, sibling or other family.",
        ]
        let kinds = BondKind.allCases.map {
            KindOption(value: $0.rawValue, label: $0.label, hint: hints[$0] ?? "", checked: form.kind == $0.rawValue)
        }
        return try await req.page("bond-new", title: "Make a new bond", section: "bonds", status: status, NewBondPage(
            errors: errors, kindError: errors.message(for: "kind"), kinds: kinds,
            name: FormField(form.name ?? "", errors: errors, field: "name")
        ))
    }

    // MARK: - Bond home

    struct MemberRow: Encodable {
        let name: String
        let isYou: Bool
        let joinedOn: String
    }

    struct PendingInviteRow: Encodable {
        let expiresOn: String
        let revokeURL: String
    }

    struct BondPage: Encodable {
        let title: String
        let kindLabel: String
        let statusLabel: String
        let isWaiting: Bool
        let isActive: Bool
        let isEnded: Bool
        let endedOn: String?
        let members: [MemberRow]
        let pendingInvite: PendingInviteRow?
        let inviteURL: String
        let leaveURL: String
        let measureURL: String
        let measures: [MeasurePagesController.MeasureCard]
        let dueCount: Int
        let practise: PractiseSummary?
    }

    /// Today's question and the week's rhythm, for an active bond's home.
    struct PractiseSummary: Encodable {
        let todayURL: String
        let prompt: String
        let stateText: String
        let consistency: String
        let appreciationsURL: String
        let weekAppreciations: [String]
        let checkinURL: String
        let checkinText: String
        let conversationURL: String
    }

    private func practiseSummary(_ req: Request, loaded: BondService.Loaded, user: User) async throws -> PractiseSummary? {
        guard loaded.snapshot.status == .active else { return nil }
        let bondID = loaded.snapshot.id
        let partner = loaded.members.first { $0.user.id != user.id }?.user.displayName ?? "The other person"
        let today = TodayService(req)
        let day = today.today(for: user)
        let view = try await today.view(of: day, in: loaded, for: user)
        let stateText = switch view.state {
        case .open: "Neither of you has answered yet."
        case .waitingForThem: "You've answered. Waiting for \(partner)."
        case .theyAnswered: "\(partner) has answered — answer to see theirs."
        case .revealed: "You've both answered. Read each other's."
        case .passed: "One of you passed today."
        }
        let weekAgo = req.kindred.now.addingTimeInterval(-7 * 86_400)
        let notes = try await AppreciationService(req).list(in: loaded, for: user, since: weekAgo, limit: 5)
        let checkins = CheckinService(req)
        let week = try await checkins.view(of: checkins.week(for: user), in: loaded, for: user)
        let checkinText = switch week.state {
        case .open: "This week's check-in is open."
        case .waitingForThem: "You've checked in this week. Waiting for \(partner)."
        case .theyAnswered: "\(partner) has checked in this week."
        case .revealed: "You’ve both checked in this week."
        case .passed: ""
        }
        return PractiseSummary(
            todayURL: SiteURL.today(bondID).path, prompt: view.prompt.text, stateText: stateText,
            consistency: try await today.consistency(in: loaded, today: day).sentence,
            appreciationsURL: SiteURL.appreciations(bondID).path,
            weekAppreciations: notes.map { ($0.fromYou ? "You: " : "\(partner): ") + $0.text },
            checkinURL: SiteURL.checkin(bondID).path, checkinText: checkinText,
            conversationURL: SiteURL.conversation(bondID).path
        )
    }

    func show(req: Request) async throws -> Response {
        let user = try req.requireWebUser()
        let bondID = try req.bondID()
        let loaded = try await BondService(req).load(bondID, for: user)
        let status = loaded.snapshot.status
        let pending = status == .waiting ? try await InviteService(req).pending(in: bondID) : nil
        let zone = user.timeZone
        let overviews = try await AssessmentService(req).overviews(in: loaded, for: user)
        let cards = overviews.map { MeasurePagesController().card(for: $0, loaded: loaded, user: user) }
        let page = BondPage(
            title: Self.title(of: loaded, for: user),
            kindLabel: loaded.bond.kind.label, statusLabel: Self.statusLabel(status),
            isWaiting: status == .waiting, isActive: status == .active, isEnded: status == .ended,
            endedOn: loaded.bond.endedAt.map { DateText.day($0, in: zone) },
            members: loaded.members.map {
                MemberRow(name: $0.user.displayName, isYou: $0.user.id == user.id, joinedOn: DateText.day($0.member.joinedAt, in: zone))
            },
            pendingInvite: pending.flatMap { invite in
                invite.$creator.id == user.id
                    ? PendingInviteRow(expiresOn: DateText.dayAndTime(invite.expiresAt, in: zone),
                                       revokeURL: SiteURL.revokeInvite(bondID, InviteID(invite.id!)).path)
                    : nil
            },
            inviteURL: SiteURL.bondInvites(bondID).path,
            leaveURL: SiteURL.leaveBond(bondID).path,
            measureURL: SiteURL.measureOverview(bondID).path,
            measures: cards,
            dueCount: cards.filter(\.due).count,
            practise: try await practiseSummary(req, loaded: loaded, user: user)
        )
        return try await req.page("bond", title: page.title, section: "bonds", page)
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
        if let name = loaded.bond.name { return name }
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
