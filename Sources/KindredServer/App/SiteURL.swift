import Foundation
import Vapor
import KindredCore

/// Every web address Kindred links or redirects to, in one place. Each is a `SitePath`
/// (the pattern its route is registered from) with its values filled in.
enum SiteURL {
    case home
    case register
    case signIn(next: String? = nil)
    case signOut
    case settings
    case settingsPassword
    case wakingHours
    case deleteAccount
    case bonds
    case newBond
    case bond(BondID)
    case bondInvites(BondID)
    case revokeInvite(BondID, InviteID)
    case leaveBond(BondID)
    case join(code: String)
    case measureOverview(BondID)
    case measure(BondID, String)
    case takeMeasure(BondID, String, predict: Bool)
    case sharing(BondID, UUID)
    case today(BondID)
    case days(BondID)
    case day(BondID, String)
    case dayReplies(BondID, String)
    case appreciations(BondID)
    case rituals(BondID)
    case ritual(BondID, UUID)
    case ritualResponse(BondID, UUID)
    case pauseRitual(BondID, UUID)
    case editRitual(BondID, UUID)
    case deleteRitual(BondID, UUID)
    case ritualOccurrence(BondID, UUID, day: String)
    case checkin(BondID)
    case conversation(BondID)
    case conversationNext(BondID)
    case conversationFinish(BondID)
    case bondSettings(BondID)
    case themes(BondID)
    case todayPass(BondID)
    case todaySwap(BondID)
    case nudge(BondID)
    case dayReaction(BondID, String)
    case appreciationReaction(BondID, UUID)
    case together(BondID)
    case calendarFeeds(BondID)
    case calendarFeed(secret: String)
    case revokeCalendarFeed(BondID, UUID)
    case reminders
    case pushSubscriptions
    case removePushSubscription(UUID)
    case unsubscribe(token: String)
    case forgotPassword
    case resetPassword(token: String)
    case confirmSignup(token: String)
    case inviteEmail(BondID)
    // Safety and one's own data.
    case support
    case savedChecks
    case deleteSavedCheck(UUID)
    case deviceSafety
    case devices
    case endSession(UUID)
    case revokeToken(UUID)
    case signOutEverywhere
    case securityLog
    case export
    case exportCSV
    case quickExit
    case exit(token: String)
    // Repair, needs and desires, this week's plan (issue 13).
    case repairs(BondID)
    case repair(BondID, UUID)
    case repairSteps(BondID, UUID)
    case deleteRepair(BondID, UUID)
    case desires(BondID)
    case confirmAdult(BondID)
    case weeklyPlan(BondID)
    case plans(BondID)
    case plan(BondID, UUID)
    case planResponse(BondID, UUID)
    case planLiked(BondID, UUID)
    case deletePlan(BondID, UUID)
    // A therapist or counsellor (issue 14).
    case professionals(BondID)
    case professionalInvites(BondID)
    case revokeProfessionalInvite(BondID, UUID)
    case professionalConsent(BondID, UUID)
    case professionalJoin(code: String)
    case professionalHome
    case professionalSummary(BondID)
    case registerProfessional

    var path: String {
        let (pattern, values, query) = parts
        return pattern.filled(values) + (query.map { "?" + $0 } ?? "")
    }

    /// The route's pattern, the values for its parameters in order, and any query.
    var parts: (SitePath, [String], String?) {
        switch self {
        case .home: (.home, [], nil)
        case .register: (.register, [], nil)
        case .signIn(let next?): (.signIn, [], "next=" + (next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/"))
        case .signIn: (.signIn, [], nil)
        case .signOut: (.signOut, [], nil)
        case .settings: (.settings, [], nil)
        case .settingsPassword: (.settingsPassword, [], nil)
        case .wakingHours: (.wakingHours, [], nil)
        case .deleteAccount: (.deleteAccount, [], nil)
        case .bonds: (.bonds, [], nil)
        case .newBond: (.newBond, [], nil)
        case .bond(let id): (.bond, [id.description], nil)
        case .bondInvites(let id): (.bondInvites, [id.description], nil)
        case .revokeInvite(let bond, let invite): (.revokeInvite, [bond.description, invite.description], nil)
        case .leaveBond(let id): (.leaveBond, [id.description], nil)
        case .join(let code): (.join, [code], nil)
        case .measureOverview(let id): (.measureOverview, [id.description], nil)
        case .measure(let id, let key): (.measure, [id.description, key], nil)
        case .takeMeasure(let id, let key, let predict): (.takeMeasure, [id.description, key], predict ? "mode=predict" : nil)
        case .sharing(let id, let result): (.sharing, [id.description, result.pathValue], nil)
        case .today(let id): (.today, [id.description], nil)
        case .days(let id): (.days, [id.description], nil)
        case .day(let id, let day): (.day, [id.description, day], nil)
        case .dayReplies(let id, let day): (.dayReplies, [id.description, day], nil)
        case .appreciations(let id): (.appreciations, [id.description], nil)
        case .rituals(let id): (.rituals, [id.description], nil)
        case .ritual(let id, let ritual): (.ritual, [id.description, ritual.pathValue], nil)
        case .ritualResponse(let id, let ritual): (.ritualResponse, [id.description, ritual.pathValue], nil)
        case .pauseRitual(let id, let ritual): (.pauseRitual, [id.description, ritual.pathValue], nil)
        case .editRitual(let id, let ritual): (.editRitual, [id.description, ritual.pathValue], nil)
        case .deleteRitual(let id, let ritual): (.deleteRitual, [id.description, ritual.pathValue], nil)
        case .ritualOccurrence(let id, let ritual, let day): (.ritualOccurrence, [id.description, ritual.pathValue, day], nil)
        case .checkin(let id): (.checkin, [id.description], nil)
        case .conversation(let id): (.conversation, [id.description], nil)
        case .conversationNext(let id): (.conversationNext, [id.description], nil)
        case .conversationFinish(let id): (.conversationFinish, [id.description], nil)
        case .bondSettings(let id): (.bondSettings, [id.description], nil)
        case .themes(let id): (.themes, [id.description], nil)
        case .todayPass(let id): (.todayPass, [id.description], nil)
        case .todaySwap(let id): (.todaySwap, [id.description], nil)
        case .nudge(let id): (.nudge, [id.description], nil)
        case .dayReaction(let id, let day): (.dayReaction, [id.description, day], nil)
        case .appreciationReaction(let id, let note): (.appreciationReaction, [id.description, note.pathValue], nil)
        case .together(let id): (.together, [id.description], nil)
        case .calendarFeeds(let id): (.calendarFeeds, [id.description], nil)
        case .calendarFeed(let secret): (.calendarFeed, [secret + ".ics"], nil)
        case .revokeCalendarFeed(let id, let feed): (.revokeCalendarFeed, [id.description, feed.pathValue], nil)
        case .reminders: (.reminders, [], nil)
        case .pushSubscriptions: (.pushSubscriptions, [], nil)
        case .removePushSubscription(let device): (.removePushSubscription, [device.pathValue], nil)
        case .unsubscribe(let token): (.unsubscribe, [token], nil)
        case .forgotPassword: (.forgotPassword, [], nil)
        case .resetPassword(let token): (.resetPassword, [token], nil)
        case .confirmSignup(let token): (.confirmSignup, [token], nil)
        case .inviteEmail(let id): (.inviteEmail, [id.description], nil)
        case .support: (.support, [], nil)
        case .savedChecks: (.savedChecks, [], nil)
        case .deleteSavedCheck(let check): (.deleteSavedCheck, [check.pathValue], nil)
        case .deviceSafety: (.deviceSafety, [], nil)
        case .devices: (.devices, [], nil)
        case .endSession(let session): (.endSession, [session.pathValue], nil)
        case .revokeToken(let token): (.revokeToken, [token.pathValue], nil)
        case .signOutEverywhere: (.signOutEverywhere, [], nil)
        case .securityLog: (.securityLog, [], nil)
        case .export: (.export, [], nil)
        case .exportCSV: (.exportCSV, [], nil)
        case .quickExit: (.quickExit, [], nil)
        case .exit(let token): (.exit, [], "t=" + token)
        case .repairs(let id): (.repairs, [id.description], nil)
        case .repair(let id, let repair): (.repair, [id.description, repair.pathValue], nil)
        case .repairSteps(let id, let repair): (.repairSteps, [id.description, repair.pathValue], nil)
        case .deleteRepair(let id, let repair): (.deleteRepair, [id.description, repair.pathValue], nil)
        case .desires(let id): (.desires, [id.description], nil)
        case .confirmAdult(let id): (.confirmAdult, [id.description], nil)
        case .weeklyPlan(let id): (.weeklyPlan, [id.description], nil)
        case .plans(let id): (.plans, [id.description], nil)
        case .plan(let id, let plan): (.plan, [id.description, plan.pathValue], nil)
        case .planResponse(let id, let plan): (.planResponse, [id.description, plan.pathValue], nil)
        case .planLiked(let id, let plan): (.planLiked, [id.description, plan.pathValue], nil)
        case .deletePlan(let id, let plan): (.deletePlan, [id.description, plan.pathValue], nil)
        case .professionals(let id): (.professionals, [id.description], nil)
        case .professionalInvites(let id): (.professionalInvites, [id.description], nil)
        case .revokeProfessionalInvite(let id, let invite): (.revokeProfessionalInvite, [id.description, invite.pathValue], nil)
        case .professionalConsent(let id, let professional): (.professionalConsent, [id.description, professional.pathValue], nil)
        case .professionalJoin(let code): (.professionalJoin, [code], nil)
        case .professionalHome: (.professionalHome, [], nil)
        case .professionalSummary(let id): (.professionalSummary, [id.description], nil)
        case .registerProfessional: (.register, [], "as=professional")
        }
    }

    /// Only a path on this site may be a `next` target after sign-in, never `//evil.example`.
    /// Browsers drop tabs, newlines and spaces from a `Location` and read `\` as `/`, so
    /// `/\t/evil.example` would leave the site: only visible ASCII without `\` is allowed.
    static func isSafeNext(_ next: String?) -> Bool {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//") else { return false }
        return next.unicodeScalars.allSatisfy { (0x21...0x7E).contains($0.value) && $0 != "\\" }
    }
}

extension UUID {
    /// As it appears in Kindred's paths: lower case.
    var pathValue: String { uuidString.lowercased() }
}

extension Application {
    /// The address people reach this Kindred at, without a trailing slash: the configured
    /// public URL, else the address the server really listens on (which `serve --port` or
    /// `--hostname` may have changed), else the configured one.
    var baseURL: String {
        let configuration = kindred.configuration
        if configuration.publicURL != nil { return configuration.baseURL }
        if let address = http.server.shared.localAddress, let port = address.port {
            let configured = http.server.shared.configuration.hostname
            // A wildcard address is no place to send people; loopback is what works on this machine.
            let host = ["0.0.0.0", "::", "[::]"].contains(configured) ? "127.0.0.1" : configured
            return "http://\(host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host):\(port)"
        }
        return configuration.baseURL
    }
}
