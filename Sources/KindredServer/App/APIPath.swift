import Vapor

/// Every path the JSON API serves, written once, as `SitePath` is for the pages. The API
/// controllers register their routes from these (`RoutesBuilder.on(_:_:use:)`), `openapi.yaml`
/// documents the same list (checked by `OpenAPITests`), and a path the server names in a
/// response comes from here too. `:name` marks a parameter.
enum APIPath: String, CaseIterable, Sendable, PathPattern {
    // Accounts and tokens
    case accounts = "/api/v1/accounts"
    case signup = "/api/v1/signups/:token"
    case tokens = "/api/v1/tokens"
    case currentToken = "/api/v1/tokens/current"
    case token = "/api/v1/tokens/:tokenID"
    case passwordResets = "/api/v1/password-resets"
    case passwordReset = "/api/v1/password-resets/:token"
    case pushKey = "/api/v1/push/key"
    // One's own account
    case me = "/api/v1/me"
    case password = "/api/v1/me/password"
    case wakingHours = "/api/v1/me/waking-hours"
    case reminders = "/api/v1/me/reminders"
    case pushSubscriptions = "/api/v1/me/push-subscriptions"
    case pushSubscription = "/api/v1/me/push-subscriptions/:subscriptionID"
    // Safety and one's own data
    case safetyCheck = "/api/v1/safety-check"
    case savedChecks = "/api/v1/me/safety-checks"
    case savedCheck = "/api/v1/me/safety-checks/:checkID"
    case sessions = "/api/v1/me/sessions"
    case session = "/api/v1/me/sessions/:sessionID"
    case signOutEverywhere = "/api/v1/me/sign-out-everywhere"
    case securityLog = "/api/v1/me/security-log"
    case export = "/api/v1/me/export"
    case exportCSV = "/api/v1/me/export/assessments.csv"
    // Bonds and invites
    case bonds = "/api/v1/bonds"
    case bond = "/api/v1/bonds/:bondID"
    case leaveBond = "/api/v1/bonds/:bondID/leave"
    case bondInvites = "/api/v1/bonds/:bondID/invites"
    case bondInvite = "/api/v1/bonds/:bondID/invites/:inviteID"
    case invite = "/api/v1/invites/:code"
    case acceptInvite = "/api/v1/invites/:code/accept"
    case overlap = "/api/v1/bonds/:bondID/overlap"
    case calendarFeeds = "/api/v1/bonds/:bondID/calendar-feeds"
    case calendarFeed = "/api/v1/bonds/:bondID/calendar-feeds/:feedID"
    // Measure
    case instruments = "/api/v1/instruments"
    case instrument = "/api/v1/instruments/:key"
    case assessments = "/api/v1/bonds/:bondID/assessments"
    case assessment = "/api/v1/bonds/:bondID/assessments/:assessmentID"
    case measure = "/api/v1/bonds/:bondID/measures/:key"
    case dashboard = "/api/v1/bonds/:bondID/dashboard"
    // Practise: the question of the day and its companions
    case home = "/api/v1/bonds/:bondID/home"
    case today = "/api/v1/bonds/:bondID/today"
    case todayAnswer = "/api/v1/bonds/:bondID/today/answer"
    case todaySkip = "/api/v1/bonds/:bondID/today/skip"
    case todaySwap = "/api/v1/bonds/:bondID/today/swap"
    case nudge = "/api/v1/bonds/:bondID/nudge"
    case themes = "/api/v1/bonds/:bondID/themes"
    case days = "/api/v1/bonds/:bondID/days"
    case day = "/api/v1/bonds/:bondID/days/:day"
    case dayReplies = "/api/v1/bonds/:bondID/days/:day/replies"
    case dayReactions = "/api/v1/bonds/:bondID/days/:day/reactions"
    case appreciations = "/api/v1/bonds/:bondID/appreciations"
    case appreciationReactions = "/api/v1/bonds/:bondID/appreciations/:appreciationID/reactions"
    case checkins = "/api/v1/bonds/:bondID/checkins"
    case currentCheckin = "/api/v1/bonds/:bondID/checkins/current"
    case conversation = "/api/v1/bonds/:bondID/conversation"
    case conversationAdvance = "/api/v1/bonds/:bondID/conversation/advance"
    case conversationFinish = "/api/v1/bonds/:bondID/conversation/finish"
    // Rituals, plans, repair, needs and desires
    case rituals = "/api/v1/bonds/:bondID/rituals"
    case ritual = "/api/v1/bonds/:bondID/rituals/:ritualID"
    case ritualOccurrences = "/api/v1/bonds/:bondID/rituals/:ritualID/occurrences"
    case ritualOccurrence = "/api/v1/bonds/:bondID/rituals/:ritualID/occurrences/:day"
    case plans = "/api/v1/bonds/:bondID/plans"
    case plan = "/api/v1/bonds/:bondID/plans/:planID"
    case planLiked = "/api/v1/bonds/:bondID/plans/:planID/liked"
    case repairs = "/api/v1/bonds/:bondID/repairs"
    case repair = "/api/v1/bonds/:bondID/repairs/:repairID"
    case repairSteps = "/api/v1/bonds/:bondID/repairs/:repairID/steps"
    case desires = "/api/v1/bonds/:bondID/desires"
    case weeklyPlan = "/api/v1/bonds/:bondID/plan"
    // A therapist or counsellor
    case professionalInvites = "/api/v1/bonds/:bondID/professional-invites"
    case professionalInvite = "/api/v1/bonds/:bondID/professional-invites/:inviteID"
    case professionalConsent = "/api/v1/bonds/:bondID/professional-consent"
    case professionalAccessLog = "/api/v1/bonds/:bondID/professional-access-log"
    case professionalJoin = "/api/v1/professional-invites/:code"
    case acceptProfessionalInvite = "/api/v1/professional-invites/:code/accept"
    case professionalBonds = "/api/v1/professional/bonds"
    case professionalSummary = "/api/v1/professional/bonds/:bondID/summary"
}

extension RoutesBuilder {
    /// Registers `path` for `method`. (Named `on`, not `get`/`post`, because `APIPath` and
    /// `SitePath` share case names, and `.today` must not be ambiguous.)
    @discardableResult
    func on<Response: AsyncResponseEncodable>(
        _ method: HTTPMethod, _ path: APIPath, use closure: @Sendable @escaping (Request) async throws -> Response
    ) -> Route {
        on(method, path.components, use: closure)
    }
}
