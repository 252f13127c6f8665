import Fluent
import KindredCore
import Vapor

/// A bond's home and its settings page. The home leads with the two of you — today's
/// question, then what is new from the other member, then this week — and offers at most
/// one questionnaire; who's here, invites, themes and leaving live on the settings page.
extension BondPagesController {
    struct TodayCard: Encodable {
        let url: String
        let prompt: String
        let stateText: String
        let actionLabel: String
        let swapped: String?
        let consistency: String
        let nudgeURL: String?
        let nudged: Bool
    }

    struct WeekCard: Encodable {
        let checkinText: String
        let checkinURL: String
        let appreciations: [String]
        let appreciationsURL: String
    }

    struct SuggestionCard: Encodable {
        let title: String
        let text: String
        let url: String
        let label: String
    }

    struct HomePage: Encodable {
        let title: String
        let kindLabel: String
        let statusLabel: String
        let isWaiting: Bool
        let isActive: Bool
        let isEnded: Bool
        let endedOn: String?
        let partnerName: String
        let settingsURL: String
        let inviteURL: String
        let pendingInviteUntil: String?
        let today: TodayCard?
        let news: [String]
        let week: WeekCard?
        let suggestion: SuggestionCard?
        let measureURL: String
        let daysURL: String
        let appreciationsURL: String
        let checkinURL: String
        let conversationURL: String
        let conversationUnderway: Bool
        let ritualsURL: String
        let togetherURL: String
        let plansURL: String
        let plan: [GuidePagesController.PracticeRow]
        let weeklyPlanURL: String
        let repairsURL: String
        /// Romantic bonds only.
        let desiresURL: String?
        let professionalsURL: String
    }

    func show(req: Request) async throws -> Response {
        let user = try req.requireWebUser()
        let bondID = try req.bondID()
        let loaded = try await BondService(req).load(bondID, for: user)
        let status = loaded.snapshot.status
        let picture = try await HomeService(req).picture(of: loaded, for: user, markSeen: true)
        let partner = loaded.members.first { $0.user.id != user.id }?.user.displayName ?? "The other person"
        let pending = status == .waiting ? try await InviteService(req).pending(in: bondID) : nil
        let home = HomeService(req)
        let page = HomePage(
            title: Self.title(of: loaded, for: user),
            kindLabel: loaded.bond.kind.label, statusLabel: Self.statusLabel(status),
            isWaiting: status == .waiting, isActive: status == .active, isEnded: status == .ended,
            endedOn: loaded.bond.endedAt.map { DateText.day($0, in: user.timeZone) },
            partnerName: partner,
            settingsURL: SiteURL.bondSettings(bondID).path,
            inviteURL: SiteURL.bondInvites(bondID).path,
            pendingInviteUntil: pending.flatMap { $0.$creator.id == user.id ? DateText.dayAndTime($0.expiresAt, in: user.timeZone) : nil },
            today: picture.today.map { todayCard($0, picture: picture, bondID: bondID, partner: partner) },
            news: picture.news.map { home.sentence(for: $0, partner: partner, user: user, today: picture.today?.day) },
            week: picture.checkin.map { checkin in
                WeekCard(
                    checkinText: Self.checkinText(checkin.state, partner: partner), checkinURL: SiteURL.checkin(bondID).path,
                    appreciations: picture.weekAppreciations.map { ($0.fromYou ? "You: " : "\(partner): ") + $0.text },
                    appreciationsURL: SiteURL.appreciations(bondID).path
                )
            },
            suggestion: picture.suggestion.map { chosen in
                SuggestionCard(
                    title: chosen.instrument.title,
                    text: MeasureRhythm.sentence(for: chosen.suggestion, title: chosen.instrument.title, itemCount: chosen.instrument.items.count),
                    url: SiteURL.takeMeasure(bondID, chosen.instrument.key, predict: false).path,
                    label: chosen.suggestion.reason == .firstTime ? "Take it" : "Take it again"
                )
            },
            measureURL: SiteURL.measureOverview(bondID).path, daysURL: SiteURL.days(bondID).path,
            appreciationsURL: SiteURL.appreciations(bondID).path, checkinURL: SiteURL.checkin(bondID).path,
            conversationURL: SiteURL.conversation(bondID).path, conversationUnderway: picture.conversationUnderway,
            ritualsURL: SiteURL.rituals(bondID).path, togetherURL: SiteURL.together(bondID).path, plansURL: SiteURL.plans(bondID).path,
            plan: GuidePagesController.rows(picture.weeklyPlan ?? [], bondID: bondID), weeklyPlanURL: SiteURL.weeklyPlan(bondID).path,
            repairsURL: SiteURL.repairs(bondID).path, desiresURL: loaded.bond.kind == .romantic ? SiteURL.desires(bondID).path : nil,
            professionalsURL: SiteURL.professionals(bondID).path
        )
        return try await req.page("bond", title: page.title, section: "bonds", page)
    }

    private func todayCard(_ view: TodayService.DayView, picture: HomeService.Picture, bondID: BondID, partner: String) -> TodayCard {
        let (stateText, action): (String, String) = switch (view.state, view.you, view.them) {
        case (.open, _, _): ("Neither of you has answered yet.", "Answer today's question")
        case (.waitingForThem, _, _): ("You've answered. \(partner) hasn't yet — you'll see each other's once they do.", "See your answer")
        case (.theyAnswered, _, _): ("\(partner) has answered. Answer too, and you'll see each other's.", "Answer today's question")
        case (.revealed, _, _): ("You've both answered. Read each other's.", "Read your answers")
        case (.passed, .passed, .answered): ("You passed today, and \(partner) answered. Changed your mind? You can still answer.", "Open today's question")
        case (.passed, .passed, _): ("You passed today. That's all right — there's a new question tomorrow.", "Open today's question")
        case (.passed, _, _): ("\(partner) passed today, and that's all right.", "Open today's question")
        }
        return TodayCard(
            url: SiteURL.today(bondID).path, prompt: view.prompt.text, stateText: stateText, actionLabel: action,
            swapped: view.swappedBy.map { $0 == "you" ? "You asked for another question today." : "\(partner) asked for another question today." },
            consistency: picture.consistency?.sentence ?? "",
            nudgeURL: picture.nudge?.mayNudge == true ? SiteURL.nudge(bondID).path : nil,
            nudged: picture.nudge?.nudgedToday ?? false
        )
    }

    // MARK: - Settings

    struct MemberRow: Encodable {
        let name: String
        let isYou: Bool
        let joinedOn: String
    }

    struct PendingInviteRow: Encodable {
        let expiresOn: String
        let revokeURL: String
    }

    struct SettingsPage: Encodable {
        let title: String
        let bondURL: String
        let kindLabel: String
        let statusLabel: String
        let isWaiting: Bool
        let isEnded: Bool
        let members: [MemberRow]
        let pendingInvite: PendingInviteRow?
        let inviteURL: String
        let themesURL: String
        let themesSummary: String
        let leaveURL: String
    }

    func settings(req: Request) async throws -> Response {
        let user = try req.requireWebUser()
        let bondID = try req.bondID()
        let loaded = try await BondService(req).load(bondID, for: user)
        let status = loaded.snapshot.status
        let zone = user.timeZone
        let pending = status == .waiting ? try await InviteService(req).pending(in: bondID) : nil
        let themes = loaded.bond.themes
        let library = req.kindred.content.decks
        let deckNames = themes.decks.map { keys in library.filter { keys.contains($0.key) }.map(\.title).joined(separator: ", ") } ?? "Every deck"
        let page = SettingsPage(
            title: Self.title(of: loaded, for: user), bondURL: SiteURL.bond(bondID).path, kindLabel: loaded.bond.kind.label,
            statusLabel: Self.statusLabel(status),
            isWaiting: status == .waiting, isEnded: status == .ended,
            members: loaded.members.map {
                MemberRow(name: $0.user.displayName, isYou: $0.user.id == user.id, joinedOn: DateText.day($0.member.joinedAt, in: zone))
            },
            pendingInvite: pending.flatMap { invite in
                invite.$creator.id == user.id
                    ? PendingInviteRow(expiresOn: DateText.dayAndTime(invite.expiresAt, in: zone),
                                       revokeURL: SiteURL.revokeInvite(bondID, InviteID(invite.id!)).path)
                    : nil
            },
            inviteURL: SiteURL.bondInvites(bondID).path, themesURL: SiteURL.themes(bondID).path,
            themesSummary: "\(deckNames) · \(BondThemes.depthLabel(themes.depth))",
            leaveURL: SiteURL.leaveBond(bondID).path
        )
        return try await req.page("bond-settings", title: "Bond settings", section: "bonds", page)
    }
}
