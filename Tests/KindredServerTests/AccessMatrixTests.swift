import Fluent
import XCTVapor
@testable import KindredServer

/// Who may reach what. For every route, each role — nobody signed in, a signed-in
/// stranger, the member who made the bond and the other member — gets exactly the status
/// listed, and nothing of the bond ever reaches someone outside it. A route missing from
/// this matrix fails the suite, so every new route must say who may use it.
final class AccessMatrixTests: XCTestCase {
    /// The professionals (issue 14): one both members consented to, one only the member
    /// consented to, one whose access the other member withdrew, and one serving another bond.
    enum Role: String, CaseIterable {
        case anonymous, stranger, professional, professionalOneConsent, professionalWithdrawn, professionalElsewhere, otherMember, member

        var isProfessional: Bool { [.professional, .professionalOneConsent, .professionalWithdrawn, .professionalElsewhere].contains(self) }
    }

    /// Expected status per role; roles run in the order above, so a member's destructive
    /// call (leave, revoke) comes after everyone else's attempt.
    struct Case {
        let method: HTTPMethod
        let path: String
        let expect: [Role: HTTPStatus]

        /// A professional gets what a stranger gets unless `pro` says otherwise (`pros` per professional).
        init(_ method: HTTPMethod, _ path: String, _ anonymous: HTTPStatus, _ stranger: HTTPStatus, member: HTTPStatus, other: HTTPStatus? = nil,
             pro: HTTPStatus? = nil, pros: [Role: HTTPStatus] = [:]) {
            self.method = method
            self.path = path
            var expect: [Role: HTTPStatus] = [.anonymous: anonymous, .stranger: stranger, .member: member, .otherMember: other ?? member]
            for role in Role.allCases where role.isProfessional { expect[role] = pros[role] ?? pro ?? stranger }
            self.expect = expect
        }

        /// A read, or a call refused to every role, leaves the world as it found it, so such
        /// cases share one world; any other case gets a fresh one. (Making a world was most of
        /// this test's time: seven minutes on SQLite with a world for every case.) A refused
        /// call that changed something anyway would still fail here, in a later case's statuses.
        var leavesTheWorldAlone: Bool { method == .GET || expect.values.allSatisfy { $0.code >= 400 } }
    }

    static let signIn = HTTPStatus.seeOther  // web pages send anonymous visitors to sign in

    static let cases: [Case] = [
        // Health and the contract
        Case(.GET, "/healthz", .ok, .ok, member: .ok),
        Case(.GET, "/readyz", .ok, .ok, member: .ok),
        Case(.GET, "/api/openapi.yaml", .ok, .ok, member: .ok),
        // Metrics: only a direct loopback scrape or the token's bearer (neither here)
        Case(.GET, "/metrics", .notFound, .notFound, member: .notFound),
        // API: accounts and tokens (bodies are empty, so validation answers)
        Case(.POST, "/api/v1/accounts", .unprocessableEntity, .unprocessableEntity, member: .unprocessableEntity),
        Case(.POST, "/api/v1/tokens", .unprocessableEntity, .unprocessableEntity, member: .unprocessableEntity),
        Case(.POST, "/api/v1/signups/:token", .notFound, .notFound, member: .notFound),
        Case(.GET, "/api/v1/tokens", .unauthorized, .ok, member: .ok),
        Case(.DELETE, "/api/v1/tokens/current", .unauthorized, .noContent, member: .noContent),
        Case(.DELETE, "/api/v1/tokens/:memberToken", .unauthorized, .notFound, member: .noContent, other: .notFound),
        Case(.GET, "/api/v1/me", .unauthorized, .ok, member: .ok),
        Case(.PATCH, "/api/v1/me", .unauthorized, .badRequest, member: .badRequest),
        Case(.DELETE, "/api/v1/me", .unauthorized, .unprocessableEntity, member: .unprocessableEntity),
        Case(.POST, "/api/v1/me/password", .unauthorized, .unprocessableEntity, member: .unprocessableEntity),
        // API: bonds
        Case(.POST, "/api/v1/bonds", .unauthorized, .unprocessableEntity, member: .unprocessableEntity),
        Case(.GET, "/api/v1/bonds", .unauthorized, .ok, member: .ok),
        Case(.GET, "/api/v1/bonds/:bond", .unauthorized, .notFound, member: .ok),
        Case(.POST, "/api/v1/bonds/:bond/leave", .unauthorized, .notFound, member: .ok),
        Case(.POST, "/api/v1/bonds/:bond/invites", .unauthorized, .notFound, member: .conflict),
        Case(.GET, "/api/v1/bonds/:bond/invites", .unauthorized, .notFound, member: .ok),
        Case(.DELETE, "/api/v1/bonds/:bond/invites/:invite", .unauthorized, .notFound, member: .conflict),
        Case(.GET, "/api/v1/invites/:code", .unauthorized, .gone, member: .conflict, pro: .forbidden),
        Case(.POST, "/api/v1/invites/:code/accept", .unauthorized, .gone, member: .conflict, pro: .forbidden),
        // API: measuring (the member has a shared result and a private prediction)
        Case(.GET, "/api/v1/instruments", .unauthorized, .ok, member: .ok),
        Case(.GET, "/api/v1/instruments/:instrument", .unauthorized, .ok, member: .ok),
        Case(.POST, "/api/v1/bonds/:bond/assessments", .unauthorized, .notFound, member: .badRequest),
        Case(.GET, "/api/v1/bonds/:bond/assessments", .unauthorized, .notFound, member: .ok),
        Case(.GET, "/api/v1/bonds/:bond/assessments/:result", .unauthorized, .notFound, member: .ok),
        Case(.GET, "/api/v1/bonds/:bond/assessments/:prediction", .unauthorized, .notFound, member: .ok, other: .notFound),
        Case(.PATCH, "/api/v1/bonds/:bond/assessments/:result", .unauthorized, .notFound, member: .badRequest),
        Case(.GET, "/api/v1/bonds/:bond/measures/:instrument", .unauthorized, .notFound, member: .ok),
        Case(.GET, "/api/v1/bonds/:bond/dashboard", .unauthorized, .notFound, member: .ok),
        // API: practising (both answered today, so the day is revealed; a conversation is under way)
        Case(.GET, "/api/v1/bonds/:bond/today", .unauthorized, .notFound, member: .ok),
        Case(.PUT, "/api/v1/bonds/:bond/today/answer", .unauthorized, .notFound, member: .badRequest),
        Case(.GET, "/api/v1/bonds/:bond/days", .unauthorized, .notFound, member: .ok),
        Case(.GET, "/api/v1/bonds/:bond/days/:day", .unauthorized, .notFound, member: .ok),
        Case(.POST, "/api/v1/bonds/:bond/days/:day/replies", .unauthorized, .notFound, member: .badRequest),
        Case(.GET, "/api/v1/bonds/:bond/days/:day/replies", .unauthorized, .notFound, member: .ok),
        Case(.GET, "/api/v1/bonds/:bond/appreciations", .unauthorized, .notFound, member: .ok),
        // Rituals (bodies are empty: a required body is a 400)
        Case(.GET, "/api/v1/bonds/:bond/rituals", .unauthorized, .notFound, member: .ok),
        Case(.POST, "/api/v1/bonds/:bond/rituals", .unauthorized, .notFound, member: .badRequest),
        Case(.GET, "/api/v1/bonds/:bond/rituals/:ritual", .unauthorized, .notFound, member: .ok),
        Case(.PATCH, "/api/v1/bonds/:bond/rituals/:ritual", .unauthorized, .notFound, member: .badRequest),
        Case(.DELETE, "/api/v1/bonds/:bond/rituals/:ritual", .unauthorized, .notFound, member: .notFound, other: .noContent),
        Case(.PUT, "/api/v1/bonds/:bond/rituals/:ritual/occurrences/:day", .unauthorized, .notFound, member: .badRequest),
        Case(.DELETE, "/api/v1/bonds/:bond/rituals/:ritual/occurrences/:day", .unauthorized, .notFound, member: .ok),
        Case(.GET, "/api/v1/bonds/:bond/rituals/:ritual/occurrences", .unauthorized, .notFound, member: .ok),
        Case(.GET, "/api/v1/bonds/:bond/calendar-feeds", .unauthorized, .notFound, member: .ok),
        Case(.GET, "/api/v1/bonds/:bond/overlap", .unauthorized, .notFound, member: .ok),
        Case(.GET, "/api/v1/bonds/:bond/plans", .unauthorized, .notFound, member: .ok),
        Case(.POST, "/api/v1/bonds/:bond/plans", .unauthorized, .notFound, member: .badRequest),
        Case(.GET, "/api/v1/bonds/:bond/plans/:plan", .unauthorized, .notFound, member: .ok),
        Case(.PATCH, "/api/v1/bonds/:bond/plans/:plan", .unauthorized, .notFound, member: .badRequest),
        Case(.DELETE, "/api/v1/bonds/:bond/plans/:plan", .unauthorized, .notFound, member: .notFound, other: .noContent),
        Case(.PUT, "/api/v1/bonds/:bond/plans/:plan/liked", .unauthorized, .notFound, member: .badRequest),
        // API: repair, needs and desires, this week's plan (issue 13)
        Case(.GET, "/api/v1/bonds/:bond/repairs", .unauthorized, .notFound, member: .ok),
        Case(.POST, "/api/v1/bonds/:bond/repairs", .unauthorized, .notFound, member: .badRequest),
        Case(.GET, "/api/v1/bonds/:bond/repairs/:repair", .unauthorized, .notFound, member: .ok),
        Case(.DELETE, "/api/v1/bonds/:bond/repairs/:repair", .unauthorized, .notFound, member: .conflict),
        Case(.POST, "/api/v1/bonds/:bond/repairs/:repair/steps", .unauthorized, .notFound, member: .badRequest),
        Case(.GET, "/api/v1/bonds/:bond/desires", .unauthorized, .notFound, member: .ok),
        Case(.PUT, "/api/v1/bonds/:bond/desires", .unauthorized, .notFound, member: .badRequest),
        Case(.GET, "/api/v1/bonds/:bond/plan", .unauthorized, .notFound, member: .ok),
        // API: professionals (issue 14). A professional reaches only their own routes; the world has
        // a pending professional invite the member made, which the withdrawn professional may take.
        Case(.POST, "/api/v1/bonds/:bond/professional-invites", .unauthorized, .notFound, member: .created),
        Case(.GET, "/api/v1/bonds/:bond/professional-invites", .unauthorized, .notFound, member: .ok),
        Case(.DELETE, "/api/v1/bonds/:bond/professional-invites/:proInvite", .unauthorized, .notFound, member: .conflict, other: .noContent),
        Case(.GET, "/api/v1/bonds/:bond/professional-consent", .unauthorized, .notFound, member: .ok),
        Case(.PUT, "/api/v1/bonds/:bond/professional-consent", .unauthorized, .notFound, member: .badRequest),
        Case(.GET, "/api/v1/bonds/:bond/professional-access-log", .unauthorized, .notFound, member: .ok),
        Case(.GET, "/api/v1/professional-invites/:proCode", .unauthorized, .forbidden, member: .forbidden,
             pros: [.professional: .conflict, .professionalOneConsent: .conflict, .professionalWithdrawn: .ok, .professionalElsewhere: .ok]),
        Case(.POST, "/api/v1/professional-invites/:proCode/accept", .unauthorized, .forbidden, member: .forbidden,
             pros: [.professional: .conflict, .professionalOneConsent: .conflict, .professionalWithdrawn: .ok, .professionalElsewhere: .gone]),
        Case(.GET, "/api/v1/professional/bonds", .unauthorized, .forbidden, member: .forbidden, pro: .ok),
        Case(.GET, "/api/v1/professional/bonds/:bond/summary", .unauthorized, .forbidden, member: .forbidden,
             pros: [.professional: .ok, .professionalOneConsent: .forbidden, .professionalWithdrawn: .forbidden, .professionalElsewhere: .notFound]),
        Case(.PATCH, "/api/v1/bonds/:bond", .unauthorized, .notFound, member: .badRequest),
        Case(.PUT, "/api/v1/me/waking-hours", .unauthorized, .badRequest, member: .badRequest),
        Case(.POST, "/api/v1/bonds/:bond/calendar-feeds", .unauthorized, .notFound, member: .created),
        Case(.DELETE, "/api/v1/bonds/:bond/calendar-feeds/:feed", .unauthorized, .notFound, member: .noContent, other: .notFound),
        Case(.GET, "/calendar/:file", .notFound, .notFound, member: .notFound),
        Case(.POST, "/api/v1/bonds/:bond/appreciations", .unauthorized, .notFound, member: .badRequest),
        Case(.GET, "/api/v1/bonds/:bond/checkins", .unauthorized, .notFound, member: .ok),
        Case(.GET, "/api/v1/bonds/:bond/checkins/current", .unauthorized, .notFound, member: .ok),
        Case(.PUT, "/api/v1/bonds/:bond/checkins/current", .unauthorized, .notFound, member: .badRequest),
        Case(.GET, "/api/v1/bonds/:bond/conversation", .unauthorized, .notFound, member: .ok),
        Case(.POST, "/api/v1/bonds/:bond/conversation", .unauthorized, .notFound, member: .ok),
        Case(.POST, "/api/v1/bonds/:bond/conversation/advance", .unauthorized, .notFound, member: .badRequest),
        Case(.POST, "/api/v1/bonds/:bond/conversation/finish", .unauthorized, .notFound, member: .notFound, other: .ok),
        // API: the daily return (today is revealed, so passing, swapping and nudging are refused;
        // the appreciation is from the other member to the member, who has a push device)
        Case(.GET, "/api/v1/bonds/:bond/home", .unauthorized, .notFound, member: .ok),
        Case(.POST, "/api/v1/bonds/:bond/today/skip", .unauthorized, .notFound, member: .conflict),
        Case(.POST, "/api/v1/bonds/:bond/today/swap", .unauthorized, .notFound, member: .conflict),
        Case(.PUT, "/api/v1/bonds/:bond/days/:day/reactions", .unauthorized, .notFound, member: .badRequest),
        Case(.DELETE, "/api/v1/bonds/:bond/days/:day/reactions", .unauthorized, .notFound, member: .ok),
        Case(.PUT, "/api/v1/bonds/:bond/appreciations/:appreciation/reactions", .unauthorized, .notFound, member: .badRequest),
        Case(.DELETE, "/api/v1/bonds/:bond/appreciations/:appreciation/reactions", .unauthorized, .notFound, member: .ok, other: .conflict),
        Case(.POST, "/api/v1/bonds/:bond/nudge", .unauthorized, .notFound, member: .conflict),
        Case(.GET, "/api/v1/bonds/:bond/themes", .unauthorized, .notFound, member: .ok),
        Case(.PUT, "/api/v1/bonds/:bond/themes", .unauthorized, .notFound, member: .badRequest),
        // API: reminders, devices and password resets — only ever one's own
        Case(.GET, "/api/v1/me/reminders", .unauthorized, .ok, member: .ok),
        Case(.PUT, "/api/v1/me/reminders", .unauthorized, .badRequest, member: .badRequest),
        Case(.GET, "/api/v1/push/key", .ok, .ok, member: .ok),
        Case(.GET, "/api/v1/me/push-subscriptions", .unauthorized, .ok, member: .ok),
        Case(.POST, "/api/v1/me/push-subscriptions", .unauthorized, .badRequest, member: .badRequest),
        Case(.DELETE, "/api/v1/me/push-subscriptions/:device", .unauthorized, .notFound, member: .noContent, other: .notFound),
        Case(.POST, "/api/v1/password-resets", .badRequest, .badRequest, member: .badRequest),
        Case(.POST, "/api/v1/password-resets/:token", .badRequest, .badRequest, member: .badRequest),
        // API: safety and data rights (the member has a saved safety check)
        Case(.GET, "/api/v1/safety-check", .ok, .ok, member: .ok),
        Case(.POST, "/api/v1/safety-check", .badRequest, .badRequest, member: .badRequest),
        Case(.GET, "/api/v1/me/safety-checks", .unauthorized, .ok, member: .ok),
        Case(.DELETE, "/api/v1/me/safety-checks/:check", .unauthorized, .notFound, member: .noContent, other: .notFound),
        Case(.GET, "/api/v1/me/sessions", .unauthorized, .ok, member: .ok),
        Case(.DELETE, "/api/v1/me/sessions/:session", .unauthorized, .notFound, member: .noContent, other: .notFound),
        Case(.POST, "/api/v1/me/sign-out-everywhere", .unauthorized, .noContent, member: .noContent),
        Case(.GET, "/api/v1/me/security-log", .unauthorized, .ok, member: .ok),
        Case(.GET, "/api/v1/me/export", .unauthorized, .ok, member: .ok),
        Case(.GET, "/api/v1/me/export/assessments.csv", .unauthorized, .ok, member: .ok),
        // Web: accounts
        Case(.GET, "/", .ok, signIn, member: signIn),
        Case(.GET, "/register", .ok, signIn, member: signIn),
        Case(.POST, "/register", .unprocessableEntity, .unprocessableEntity, member: .unprocessableEntity),
        Case(.GET, "/sign-in", .ok, signIn, member: signIn),
        Case(.POST, "/sign-in", .unauthorized, .unauthorized, member: .unauthorized),
        Case(.POST, "/sign-out", .seeOther, .seeOther, member: .seeOther),
        Case(.GET, "/settings", signIn, .ok, member: .ok),
        Case(.POST, "/settings", signIn, .unprocessableEntity, member: .unprocessableEntity),
        Case(.POST, "/settings/password", signIn, .unprocessableEntity, member: .unprocessableEntity),
        Case(.GET, "/settings/delete", signIn, .ok, member: .ok),
        Case(.POST, "/settings/delete", signIn, .forbidden, member: .forbidden),
        // Web: bonds
        Case(.GET, "/bonds", signIn, .ok, member: .ok, pro: .seeOther),
        Case(.GET, "/bonds/new", signIn, .ok, member: .ok),
        Case(.POST, "/bonds", signIn, .unprocessableEntity, member: .unprocessableEntity, pro: .forbidden),
        Case(.GET, "/bonds/:bond", signIn, .notFound, member: .ok),
        Case(.POST, "/bonds/:bond/invites", signIn, .notFound, member: .conflict),
        Case(.POST, "/bonds/:bond/invites/:invite/revoke", signIn, .notFound, member: .conflict),
        Case(.GET, "/bonds/:bond/leave", signIn, .notFound, member: .ok),
        Case(.POST, "/bonds/:bond/leave", signIn, .notFound, member: .seeOther),
        Case(.GET, "/join/:code", .ok, .gone, member: .conflict, pro: .forbidden),
        Case(.POST, "/join/:code", signIn, .gone, member: .conflict, pro: .forbidden),
        // Web: measuring
        Case(.GET, "/bonds/:bond/measure", signIn, .notFound, member: .ok),
        Case(.GET, "/bonds/:bond/measure/:instrument", signIn, .notFound, member: .ok),
        Case(.GET, "/bonds/:bond/measure/:instrument/take", signIn, .notFound, member: .ok),
        Case(.POST, "/bonds/:bond/measure/:instrument/take", signIn, .notFound, member: .unprocessableEntity),
        Case(.POST, "/bonds/:bond/results/:result/sharing", signIn, .notFound, member: .seeOther, other: .notFound),
        Case(.POST, "/bonds/:bond/results/:prediction/sharing", signIn, .notFound, member: .unprocessableEntity, other: .notFound),
        // Web: practising
        Case(.GET, "/bonds/:bond/today", signIn, .notFound, member: .ok),
        Case(.POST, "/bonds/:bond/today", signIn, .notFound, member: .unprocessableEntity),
        Case(.GET, "/bonds/:bond/days", signIn, .notFound, member: .ok),
        Case(.GET, "/bonds/:bond/days/:day", signIn, .notFound, member: .ok),
        Case(.POST, "/bonds/:bond/days/:day/replies", signIn, .notFound, member: .seeOther),
        Case(.GET, "/bonds/:bond/appreciations", signIn, .notFound, member: .ok),
        Case(.GET, "/bonds/:bond/rituals", signIn, .notFound, member: .ok),
        Case(.POST, "/bonds/:bond/rituals", signIn, .notFound, member: .unprocessableEntity),
        Case(.GET, "/bonds/:bond/rituals/:ritual", signIn, .notFound, member: .ok),
        Case(.POST, "/bonds/:bond/rituals/:ritual/response", signIn, .notFound, member: .seeOther),
        Case(.POST, "/bonds/:bond/rituals/:ritual/pause", signIn, .notFound, member: .seeOther),
        Case(.POST, "/bonds/:bond/rituals/:ritual/edit", signIn, .notFound, member: .unprocessableEntity),
        Case(.POST, "/bonds/:bond/rituals/:ritual/occurrences/:day", signIn, .notFound, member: .seeOther),
        Case(.POST, "/bonds/:bond/rituals/:ritual/delete", signIn, .notFound, member: .notFound, other: .seeOther),
        Case(.POST, "/bonds/:bond/calendar-feeds", signIn, .notFound, member: .ok),
        Case(.GET, "/bonds/:bond/together", signIn, .notFound, member: .ok),
        Case(.GET, "/bonds/:bond/plans", signIn, .notFound, member: .ok),
        Case(.POST, "/bonds/:bond/plans", signIn, .notFound, member: .unprocessableEntity),
        Case(.GET, "/bonds/:bond/plans/:plan", signIn, .notFound, member: .ok),
        Case(.POST, "/bonds/:bond/plans/:plan/response", signIn, .notFound, member: .unprocessableEntity, other: .unprocessableEntity),
        Case(.POST, "/bonds/:bond/plans/:plan/liked", signIn, .notFound, member: .seeOther),
        Case(.POST, "/bonds/:bond/plans/:plan/delete", signIn, .notFound, member: .notFound, other: .seeOther),
        Case(.GET, "/bonds/:bond/repairs", signIn, .notFound, member: .ok),
        Case(.POST, "/bonds/:bond/repairs", signIn, .notFound, member: .unprocessableEntity),
        Case(.GET, "/bonds/:bond/repairs/:repair", signIn, .notFound, member: .ok),
        Case(.POST, "/bonds/:bond/repairs/:repair/steps", signIn, .notFound, member: .seeOther),
        Case(.POST, "/bonds/:bond/repairs/:repair/delete", signIn, .notFound, member: .seeOther),
        Case(.GET, "/bonds/:bond/desires", signIn, .notFound, member: .ok),
        Case(.POST, "/bonds/:bond/desires", signIn, .notFound, member: .seeOther),
        Case(.POST, "/bonds/:bond/desires/confirm", signIn, .notFound, member: .unprocessableEntity),
        Case(.GET, "/bonds/:bond/plan", signIn, .notFound, member: .ok),
        // Web: professionals (issue 14)
        Case(.GET, "/bonds/:bond/professionals", signIn, .notFound, member: .ok),
        Case(.POST, "/bonds/:bond/professionals/invites", signIn, .notFound, member: .ok),
        Case(.POST, "/bonds/:bond/professionals/invites/:proInvite/revoke", signIn, .notFound, member: .conflict, other: .seeOther),
        Case(.POST, "/bonds/:bond/professionals/:professional/consent", signIn, .notFound, member: .unprocessableEntity),
        Case(.GET, "/professional-invites/:proCode", .ok, .forbidden, member: .forbidden,
             pros: [.professional: .conflict, .professionalOneConsent: .conflict, .professionalWithdrawn: .ok, .professionalElsewhere: .ok]),
        Case(.POST, "/professional-invites/:proCode", signIn, .forbidden, member: .forbidden,
             pros: [.professional: .conflict, .professionalOneConsent: .conflict, .professionalWithdrawn: .seeOther, .professionalElsewhere: .gone]),
        Case(.GET, "/professional", signIn, .forbidden, member: .forbidden, pro: .ok),
        Case(.GET, "/professional/bonds/:bond", signIn, .forbidden, member: .forbidden,
             pros: [.professional: .ok, .professionalOneConsent: .forbidden, .professionalWithdrawn: .forbidden, .professionalElsewhere: .notFound]),
        Case(.POST, "/bonds/:bond/together", signIn, .notFound, member: .seeOther),
        Case(.POST, "/settings/waking-hours", signIn, .unprocessableEntity, member: .unprocessableEntity),
        Case(.POST, "/bonds/:bond/calendar-feeds/:feed/delete", signIn, .notFound, member: .seeOther, other: .notFound),
        Case(.POST, "/bonds/:bond/appreciations", signIn, .notFound, member: .unprocessableEntity),
        Case(.GET, "/bonds/:bond/checkin", signIn, .notFound, member: .ok),
        Case(.POST, "/bonds/:bond/checkin", signIn, .notFound, member: .unprocessableEntity),
        Case(.GET, "/bonds/:bond/conversation", signIn, .notFound, member: .ok),
        Case(.POST, "/bonds/:bond/conversation", signIn, .notFound, member: .seeOther),
        Case(.POST, "/bonds/:bond/conversation/next", signIn, .notFound, member: .seeOther),
        Case(.POST, "/bonds/:bond/conversation/finish", signIn, .notFound, member: .notFound, other: .seeOther),
        // Web: the daily return (refusals come back to the page they came from)
        Case(.GET, "/bonds/:bond/settings", signIn, .notFound, member: .ok),
        Case(.GET, "/bonds/:bond/themes", signIn, .notFound, member: .ok),
        Case(.POST, "/bonds/:bond/themes", signIn, .notFound, member: .unprocessableEntity),
        Case(.POST, "/bonds/:bond/today/pass", signIn, .notFound, member: .seeOther),
        Case(.POST, "/bonds/:bond/today/swap", signIn, .notFound, member: .seeOther),
        Case(.POST, "/bonds/:bond/nudge", signIn, .notFound, member: .seeOther),
        Case(.POST, "/bonds/:bond/days/:day/reaction", signIn, .notFound, member: .seeOther),
        Case(.POST, "/bonds/:bond/appreciations/:appreciation/reaction", signIn, .notFound, member: .seeOther),
        Case(.POST, "/bonds/:bond/invites/email", signIn, .notFound, member: .conflict),
        // Web: reminders, devices, unsubscribing, password resets, the installable app
        Case(.GET, "/settings/reminders", signIn, .ok, member: .ok),
        Case(.POST, "/settings/reminders", signIn, .seeOther, member: .seeOther),
        Case(.POST, "/settings/reminders/devices", .unauthorized, .unprocessableEntity, member: .unprocessableEntity),
        Case(.POST, "/settings/reminders/devices/:device/remove", signIn, .notFound, member: .seeOther, other: .notFound),
        Case(.GET, "/unsubscribe/:token", .notFound, .notFound, member: .notFound),
        Case(.POST, "/unsubscribe/:token", .notFound, .notFound, member: .notFound),
        Case(.GET, "/forgot-password", .ok, .ok, member: .ok),
        Case(.POST, "/forgot-password", .unprocessableEntity, .unprocessableEntity, member: .unprocessableEntity),
        Case(.GET, "/reset-password/:token", .notFound, .notFound, member: .notFound),
        Case(.POST, "/reset-password/:token", .notFound, .notFound, member: .notFound),
        Case(.GET, "/register/confirm/:token", .notFound, .notFound, member: .notFound),
        Case(.POST, "/register/confirm/:token", .notFound, .notFound, member: .notFound),
        Case(.GET, "/manifest.webmanifest", .ok, .ok, member: .ok),
        // Web: help, safety and data rights
        Case(.GET, "/support", .ok, .ok, member: .ok),
        Case(.POST, "/support", .unprocessableEntity, .unprocessableEntity, member: .unprocessableEntity),
        Case(.GET, "/support/saved", signIn, .ok, member: .ok),
        Case(.POST, "/support/saved/:check/delete", signIn, .notFound, member: .seeOther, other: .notFound),
        Case(.GET, "/support/device-safety", .ok, .ok, member: .ok),
        Case(.GET, "/settings/devices", signIn, .ok, member: .ok),
        Case(.POST, "/settings/devices/:session/end", signIn, .notFound, member: .seeOther, other: .notFound),
        Case(.POST, "/settings/devices/tokens/:spareToken/revoke", signIn, .notFound, member: .seeOther, other: .notFound),
        Case(.POST, "/settings/devices/sign-out-everywhere", signIn, .seeOther, member: .seeOther),
        Case(.GET, "/settings/security", signIn, .ok, member: .ok),
        Case(.GET, "/settings/export", signIn, .ok, member: .ok),
        Case(.GET, "/settings/export/assessments.csv", signIn, .ok, member: .ok),
        Case(.POST, "/settings/quick-exit", signIn, .seeOther, member: .seeOther),
        Case(.GET, "/exit", .seeOther, .seeOther, member: .seeOther),
    ]

    /// A bond of two, with a used invite, and a stranger.
    struct World {
        let member: APIPerson
        let other: APIPerson
        let stranger: APIPerson
        let bondID: String
        let inviteID: String
        let code: String
        let memberTokenID: String
        /// A second token of the member's, for the web's revoke (the API's revokes the first).
        let spareTokenID: String
        let resultID: String
        let predictionID: String
        let day: String
        let checkID: String
        let sessionID: String
        let appreciationID: String
        let deviceID: String
        let ritualID: String
        let feedID: String
        let planID: String
        let repairID: String
        /// The professionals, by role, and a pending professional invite of the member's.
        let professionals: [Role: APIPerson]
        let proInviteID: String
        let proCode: String
        var browsers: [Role: Browser]

        /// Everything that identifies the bond; none of it may reach the anonymous or the stranger.
        var secrets: [String] { [bondID, inviteID, resultID, predictionID, checkID, sessionID, appreciationID, deviceID, "Secret Garden", "Anastasia", "Benedikt", "lighthouse", "marmalade", "porridge", ritualID, "Harbour stroll", planID, "Kite flying", repairID, "Lantern quarrel"] }
        /// What the other member must never see in any response: the text of a repair the member
        /// raised and withdrew, and any sign of the member's marks on needs and desires (the other
        /// marked nothing, so a mark in their response could only be the member's).
        /// What no professional may see anywhere: everything of the bond but its id and first names
        /// (which their own routes show), and the members' email addresses.
        var hiddenFromProfessionals: [String] {
            secrets.filter { ![bondID, "Anastasia", "Benedikt"].contains($0) } + [member.email, other.email]
        }
        var hiddenFromOther: [String] { ["Velvet withdrawn", #""yours":"no""#, #""yours":"yes""#, #"value="no" checked"#, #"value="yes" checked"#] }

        func path(_ template: String) -> String {
            // In order: a longer name before any name it starts with (":token" last).
            let values: [(String, String)] = [
                (":bond", bondID), (":result", resultID), (":prediction", predictionID), (":instrument", "eis"), (":day", day),
                (":check", checkID), (":session", sessionID), (":invite", inviteID), (":code", code), (":memberToken", memberTokenID),
                (":spareToken", spareTokenID), (":appreciation", appreciationID), (":device", deviceID), (":ritual", ritualID),
                (":feed", feedID), (":plan", planID), (":repair", repairID), (":professional", professionals[.professionalOneConsent]?.id ?? ""),
                (":proInvite", proInviteID), (":proCode", proCode), (":file", "made-up-secret.ics"), (":token", "a-made-up-token-0123456789abcdefghjkmnpqrstv"),
            ]
            return values.reduce(template) { $0.replacingOccurrences(of: $1.0, with: $1.1) }
        }
    }

    private func makeWorld(_ app: Application) async throws -> World {
        let member = try await app.person("Anastasia")
        let other = try await app.person("Benedikt")
        let stranger = try await app.person("Cai")
        let bondID = try await app.bond(of: member, kind: "romantic", name: "Secret Garden")
        let (code, inviteID) = try await app.invite(to: bondID, by: member)
        let accepted = try await app.send(.POST, "/api/v1/invites/\(code)/accept", token: other.token)
        XCTAssertEqual(accepted.status, .ok)
        let tokens = try await app.send(.GET, "/api/v1/tokens", token: member.token)
        let spare = try await app.send(.POST, "/api/v1/tokens", json: ["email": member.email, "password": member.password, "name": "Spare"])
        XCTAssertEqual(spare.status, .created)
        let answers = ["eis1": 4, "eis2": 3, "eis3": 5, "eis4": 4, "eis5": 2]
        let result = try await app.send(.POST, "/api/v1/bonds/\(bondID)/assessments", json: ["instrument": "eis", "answers": answers, "share": true], token: member.token)
        let prediction = try await app.send(.POST, "/api/v1/bonds/\(bondID)/assessments", json: ["instrument": "eis", "answers": answers, "mode": "predict"], token: member.token)
        XCTAssertEqual([result.status, prediction.status], [.created, .created])
        let first = try await app.send(.PUT, "/api/v1/bonds/\(bondID)/today/answer", json: ["text": "The lighthouse walk"], token: member.token)
        let second = try await app.send(.PUT, "/api/v1/bonds/\(bondID)/today/answer", json: ["text": "Toast with marmalade"], token: other.token)
        let started = try await app.send(.POST, "/api/v1/bonds/\(bondID)/conversation", token: member.token)
        XCTAssertEqual([first.status, second.status, started.status], [.ok, .ok, .created])
        let day = (second.json["today"] as? [String: Any])?["day"] as? String ?? ""
        var browsers: [Role: Browser] = [.anonymous: Browser(app)]
        for (role, person) in [(Role.member, member), (.otherMember, other), (.stranger, stranger)] {
            let browser = Browser(app)
            let signedIn = try await browser.signIn(person.email)
            XCTAssertEqual(signedIn.status, .seeOther)
            browsers[role] = browser
        }
        let safetyAnswers = Dictionary(uniqueKeysWithValues: ["afraid", "hurt", "threatened", "insulted", "money", "phone", "isolated", "pressured", "children", "walking-on-eggshells"].map { ($0, false) })
        let check = try await app.send(.POST, "/api/v1/safety-check", json: ["answers": safetyAnswers, "save": true], token: member.token)
        XCTAssertEqual(check.status, .ok, check.body)
        let memberSessions = try await app.send(.GET, "/api/v1/me/sessions", token: member.token)
        let note = try await app.send(.POST, "/api/v1/bonds/\(bondID)/appreciations", json: ["text": "Thanks for the porridge"], token: other.token)
        let device = try await PushBrowser().subscribe(app, as: member)
        let ritual = try await app.send(.POST, "/api/v1/bonds/\(bondID)/rituals", json: ["title": "Harbour stroll", "rhythm": "daily", "start": day], token: member.token)
        let ritualID = ritual.json["id"] as? String ?? ""
        let accept = try await app.send(.PATCH, "/api/v1/bonds/\(bondID)/rituals/\(ritualID)", json: ["response": "accept"], token: other.token)
        XCTAssertEqual([ritual.status, accept.status], [.created, .ok], ritual.body)
        let feed = try await app.send(.POST, "/api/v1/bonds/\(bondID)/calendar-feeds", json: [:], token: member.token)
        let plan = try await app.send(.POST, "/api/v1/bonds/\(bondID)/plans", json: ["title": "Kite flying", "startsAt": "2027-01-16T12:00:00Z"], token: member.token)
        let repair = try await app.send(.POST, "/api/v1/bonds/\(bondID)/repairs", json: ["happened": "Lantern quarrel"], token: member.token)
        let withdrawn = try await app.send(.POST, "/api/v1/bonds/\(bondID)/repairs", json: ["felt": "Velvet withdrawn"], token: member.token)
        let withdrawnID = withdrawn.json["id"] as? String ?? ""
        let withdraw = try await app.send(.POST, "/api/v1/bonds/\(bondID)/repairs/\(withdrawnID)/steps", json: ["step": "withdraw"], token: member.token)
        let marks = try await app.send(.PUT, "/api/v1/bonds/\(bondID)/desires", json: ["confirmAdult": true, "marks": ["words-01": "no", "time-01": "yes"]], token: member.token)
        let othersAge = try await app.send(.PUT, "/api/v1/bonds/\(bondID)/desires", json: ["confirmAdult": true], token: other.token)
        XCTAssertEqual([repair.status, withdrawn.status, withdraw.status, marks.status, othersAge.status], [.created, .created, .ok, .ok, .ok])
        var professionals: [Role: APIPerson] = [:]
        let scopes = ["shared-results", "checkins", "rhythm"]
        for (role, name) in [(Role.professional, "Orla"), (.professionalOneConsent, "Piet"), (.professionalWithdrawn, "Quinn")] {
            let professional = try await app.professional(name)
            try await app.serve(bondID, by: professional, invitedBy: member)
            try await app.consent(bondID, by: member, to: professional, scopes: scopes)
            if role != .professionalOneConsent { try await app.consent(bondID, by: other, to: professional, scopes: scopes) }
            if role == .professionalWithdrawn { try await app.consent(bondID, by: other, to: professional, scopes: [], consent: false) }
            professionals[role] = professional
        }
        let elsewhere = try await app.professional("Rhea")
        let dai = try await app.person("Dai")
        let otherBond = try await app.bond(of: stranger, kind: "friendship")
        let (otherCode, _) = try await app.invite(to: otherBond, by: stranger)
        _ = try await app.send(.POST, "/api/v1/invites/\(otherCode)/accept", token: dai.token)
        try await app.serve(otherBond, by: elsewhere, invitedBy: stranger)
        for person in [stranger, dai] { try await app.consent(otherBond, by: person, to: elsewhere, scopes: scopes) }
        professionals[.professionalElsewhere] = elsewhere
        let proInvite = try await app.send(.POST, "/api/v1/bonds/\(bondID)/professional-invites", token: member.token)
        XCTAssertEqual(proInvite.status, .created)
        for role in Role.allCases where role.isProfessional {
            let browser = Browser(app)
            let signedIn = try await browser.signIn(professionals[role]!.email)
            XCTAssertEqual(signedIn.status, .seeOther)
            browsers[role] = browser
        }
        return World(
            member: member, other: other, stranger: stranger, bondID: bondID, inviteID: inviteID, code: code,
            memberTokenID: tokens.jsonArray.first?["id"] as? String ?? "",
            spareTokenID: spare.json["id"] as? String ?? "",
            resultID: result.json["id"] as? String ?? "", predictionID: prediction.json["id"] as? String ?? "", day: day,
            checkID: (check.json["saved"] as? [String: Any])?["id"] as? String ?? "",
            sessionID: ((memberSessions.json["sessions"] as? [[String: Any]])?.first?["id"] as? String) ?? "",
            appreciationID: note.json["id"] as? String ?? "", deviceID: device.json["id"] as? String ?? "", ritualID: ritualID, feedID: feed.json["id"] as? String ?? "", planID: plan.json["id"] as? String ?? "",
            repairID: repair.json["id"] as? String ?? "", professionals: professionals,
            proInviteID: proInvite.json["id"] as? String ?? "", proCode: proInvite.json["code"] as? String ?? "", browsers: browsers
        )
    }

    private func send(_ testCase: Case, as role: Role, in world: World, app: Application) async throws -> TestResponse {
        let path = world.path(testCase.path)
        if testCase.path.hasPrefix("/api/") || testCase.path == "/healthz" || testCase.path == "/readyz" {
            let token: String? = switch role {
            case .anonymous: nil
            case .stranger: world.stranger.token
            case .member: world.member.token
            case .otherMember: world.other.token
            default: world.professionals[role]?.token
            }
            return try await app.send(testCase.method, path, token: token)
        }
        let browser = world.browsers[role]!
        if testCase.method == .GET { return try await browser.get(path) }
        // Fetch a page with a form first, so the post carries this browser's CSRF token.
        try await browser.get(role == .anonymous ? "/sign-in" : "/settings")
        return try await browser.post(path)
    }

    func testEveryRoleGetsExactlyWhatItMay() async throws {
        try await withApp { app, _ in
            let world = try await makeWorld(app)
            for testCase in Self.cases where testCase.leavesTheWorldAlone {
                try await check(testCase, in: world, app: app)
            }
        }
        for testCase in Self.cases where !testCase.leavesTheWorldAlone {
            try await withApp { app, _ in
                try await check(testCase, in: try await makeWorld(app), app: app)
            }
        }
    }

    func testSomeCasesShareAWorldAndEveryChangeGetsItsOwn() {
        let shared = Self.cases.filter(\.leavesTheWorldAlone)
        XCTAssertGreaterThan(shared.count, Self.cases.count / 2)
        // Each of these changes the world for someone, so none may share it.
        for (method, path) in [(HTTPMethod.POST, "/api/v1/bonds/:bond/leave"), (.DELETE, "/api/v1/tokens/current"), (.POST, "/sign-out"),
                               (.POST, "/settings/devices/sign-out-everywhere"), (.POST, "/bonds/:bond/days/:day/replies")] {
            let found = Self.cases.first { $0.method == method && $0.path == path }
            XCTAssertEqual(found?.leavesTheWorldAlone, false, "\(method) \(path)")
        }
    }

    private func check(_ testCase: Case, in world: World, app: Application) async throws {
        for role in Role.allCases {
            let response = try await send(testCase, as: role, in: world, app: app)
            let label = "\(testCase.method) \(testCase.path) as \(role)"
            XCTAssertEqual(response.status, testCase.expect[role], "\(label): \(response.body.prefix(300))")
            XCTAssertLessThan(response.status.code, 500, label)
            if role.isProfessional {
                // Their own routes (and their own export, listing the bonds served) show the
                // bond's id and first names; nothing else does.
                let own = ["/api/v1/professional", "/professional", "/api/v1/me/export", "/settings/export"].contains { testCase.path.hasPrefix($0) }
                let body = response.body.lowercased()
                for hidden in (own ? world.hiddenFromProfessionals : world.secrets + [world.member.email, world.other.email]).map({ $0.lowercased() }) {
                    XCTAssertFalse(body.contains(hidden), "\(label) showed \(hidden)")
                }
            }
            if role == .otherMember {
                for hidden in world.hiddenFromOther { XCTAssertFalse(response.body.contains(hidden), "\(label) showed \(hidden)") }
            }
            if role == .anonymous || role == .stranger {
                // Ids appear upper-case in JSON and lower-case in links: compare without case.
                let body = response.body.lowercased(), headers = response.headers.description.lowercased()
                for secret in world.secrets.map({ $0.lowercased() }) {
                    XCTAssertFalse(body.contains(secret), "\(label) leaked \(secret)")
                    XCTAssertFalse(headers.contains(secret), "\(label) leaked \(secret) in a header")
                }
            }
        }
    }

    func testEveryRegisteredRouteIsInTheMatrix() async throws {
        try await withApp { app, _ in
            let registered = Set(app.routes.all.map { route in
                "\(route.method.rawValue) /" + route.path.map { component -> String in
                    if case .parameter = component { return ":" }
                    return component.description
                }.joined(separator: "/")
            })
            let covered = Set(Self.cases.map { testCase in
                "\(testCase.method.rawValue) " + testCase.path.replacingOccurrences(of: #":[a-zA-Z]+"#, with: ":", options: .regularExpression)
            })
            XCTAssertEqual(registered.subtracting(covered), [], "routes with no row in the access matrix")
            XCTAssertEqual(covered.subtracting(registered), [], "matrix rows for routes that do not exist")
        }
    }
}
