import Vapor

/// Every path the site serves outside the API, written once. Routes are registered from these patterns
/// (`RoutesBuilder.get(_:use:)`), and `SiteURL` fills them in to link and redirect, so a
/// link cannot point at a path nobody serves. `:name` marks a parameter.
enum SitePath: String, CaseIterable, Sendable, PathPattern {
    case home = "/"
    case manifest = "/manifest.webmanifest"
    // Accounts
    case register = "/register"
    case confirmSignup = "/register/confirm/:token"
    case signIn = "/sign-in"
    case signOut = "/sign-out"
    case forgotPassword = "/forgot-password"
    case resetPassword = "/reset-password/:token"
    case settings = "/settings"
    case settingsPassword = "/settings/password"
    case wakingHours = "/settings/waking-hours"
    case deleteAccount = "/settings/delete"
    case reminders = "/settings/reminders"
    case pushSubscriptions = "/settings/reminders/devices"
    case removePushSubscription = "/settings/reminders/devices/:subscriptionID/remove"
    case unsubscribe = "/unsubscribe/:token"
    // Safety and one's own data
    case support = "/support"
    case savedChecks = "/support/saved"
    case deleteSavedCheck = "/support/saved/:checkID/delete"
    case deviceSafety = "/support/device-safety"
    case devices = "/settings/devices"
    case endSession = "/settings/devices/:sessionID/end"
    case revokeToken = "/settings/devices/tokens/:tokenID/revoke"
    case signOutEverywhere = "/settings/devices/sign-out-everywhere"
    case securityLog = "/settings/security"
    case export = "/settings/export"
    case exportCSV = "/settings/export/assessments.csv"
    case quickExit = "/settings/quick-exit"
    case exit = "/exit"
    // Bonds and invites
    case bonds = "/bonds"
    case newBond = "/bonds/new"
    case bond = "/bonds/:bondID"
    case bondSettings = "/bonds/:bondID/settings"
    case leaveBond = "/bonds/:bondID/leave"
    case bondInvites = "/bonds/:bondID/invites"
    case revokeInvite = "/bonds/:bondID/invites/:inviteID/revoke"
    case inviteEmail = "/bonds/:bondID/invites/email"
    case join = "/join/:code"
    case together = "/bonds/:bondID/together"
    case calendarFeeds = "/bonds/:bondID/calendar-feeds"
    case revokeCalendarFeed = "/bonds/:bondID/calendar-feeds/:feedID/delete"
    /// The feed itself, fetched by a calendar app with no sign-in: `:file` is the secret + `.ics`.
    case calendarFeed = "/calendar/:file"
    // Measure
    case measureOverview = "/bonds/:bondID/measure"
    case measure = "/bonds/:bondID/measure/:key"
    case takeMeasure = "/bonds/:bondID/measure/:key/take"
    case sharing = "/bonds/:bondID/results/:assessmentID/sharing"
    // Practise: the question of the day and its companions
    case today = "/bonds/:bondID/today"
    case todayPass = "/bonds/:bondID/today/pass"
    case todaySwap = "/bonds/:bondID/today/swap"
    case nudge = "/bonds/:bondID/nudge"
    case themes = "/bonds/:bondID/themes"
    case days = "/bonds/:bondID/days"
    case day = "/bonds/:bondID/days/:day"
    case dayReplies = "/bonds/:bondID/days/:day/replies"
    case dayReaction = "/bonds/:bondID/days/:day/reaction"
    case appreciations = "/bonds/:bondID/appreciations"
    case appreciationReaction = "/bonds/:bondID/appreciations/:appreciationID/reaction"
    case checkin = "/bonds/:bondID/checkin"
    case conversation = "/bonds/:bondID/conversation"
    case conversationNext = "/bonds/:bondID/conversation/next"
    case conversationFinish = "/bonds/:bondID/conversation/finish"
    // Rituals, plans, repair, needs and desires
    case rituals = "/bonds/:bondID/rituals"
    case ritual = "/bonds/:bondID/rituals/:ritualID"
    case ritualResponse = "/bonds/:bondID/rituals/:ritualID/response"
    case pauseRitual = "/bonds/:bondID/rituals/:ritualID/pause"
    case editRitual = "/bonds/:bondID/rituals/:ritualID/edit"
    case deleteRitual = "/bonds/:bondID/rituals/:ritualID/delete"
    case ritualOccurrence = "/bonds/:bondID/rituals/:ritualID/occurrences/:day"
    case plans = "/bonds/:bondID/plans"
    case plan = "/bonds/:bondID/plans/:planID"
    case planResponse = "/bonds/:bondID/plans/:planID/response"
    case planLiked = "/bonds/:bondID/plans/:planID/liked"
    case deletePlan = "/bonds/:bondID/plans/:planID/delete"
    case repairs = "/bonds/:bondID/repairs"
    case repair = "/bonds/:bondID/repairs/:repairID"
    case repairSteps = "/bonds/:bondID/repairs/:repairID/steps"
    case deleteRepair = "/bonds/:bondID/repairs/:repairID/delete"
    case desires = "/bonds/:bondID/desires"
    case confirmAdult = "/bonds/:bondID/desires/confirm"
    case weeklyPlan = "/bonds/:bondID/plan"
    // A therapist or counsellor
    case professionals = "/bonds/:bondID/professionals"
    case professionalInvites = "/bonds/:bondID/professionals/invites"
    case revokeProfessionalInvite = "/bonds/:bondID/professionals/invites/:inviteID/revoke"
    case professionalConsent = "/bonds/:bondID/professionals/:professionalID/consent"
    case professionalJoin = "/professional-invites/:code"
    case professionalHome = "/professional"
    case professionalSummary = "/professional/bonds/:bondID"

    /// How many parameters the pattern takes.
    var parameterCount: Int { rawValue.split(separator: "/").filter { $0.hasPrefix(":") }.count }

    /// Whether `path` (without its query) is one this pattern serves.
    func matches(_ path: String) -> Bool {
        let path = String(path.prefix { $0 != "?" && $0 != "#" })
        let pattern = rawValue.split(separator: "/"), parts = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        guard path.hasPrefix("/"), pattern.count == (path == "/" ? 0 : parts.count) else { return false }
        return zip(pattern, parts).allSatisfy { $0.hasPrefix(":") ? !$1.isEmpty : $0 == $1 }
    }

    /// The path with each parameter replaced, in order, by `values`.
    func filled(_ values: [String]) -> String {
        precondition(values.count == parameterCount, "\(rawValue) takes \(parameterCount) value(s), not \(values.count)")
        var remaining = values[...]
        let parts = rawValue.split(separator: "/", omittingEmptySubsequences: false).map { part -> Substring in
            guard part.hasPrefix(":") else { return part }
            return Substring(remaining.popFirst()!)
        }
        return parts.joined(separator: "/")
    }
}

extension RoutesBuilder {
    @discardableResult
    func get<Response: AsyncResponseEncodable>(
        _ path: SitePath, use closure: @Sendable @escaping (Request) async throws -> Response
    ) -> Route {
        on(.GET, path.components, use: closure)
    }

    @discardableResult
    func post<Response: AsyncResponseEncodable>(
        _ path: SitePath, use closure: @Sendable @escaping (Request) async throws -> Response
    ) -> Route {
        on(.POST, path.components, use: closure)
    }
}
