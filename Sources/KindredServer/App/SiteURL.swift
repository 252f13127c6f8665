import Foundation
import Vapor
import KindredCore

/// Every web address Kindred links or redirects to, in one place.
enum SiteURL {
    case home
    case register
    case signIn(next: String? = nil)
    case signOut
    case settings
    case settingsPassword
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
    case reminders
    case pushSubscriptions
    case unsubscribe(token: String)
    case forgotPassword
    case resetPassword(token: String)
    case confirmSignup(token: String)
    case inviteEmail(BondID)
    // Repair, needs and desires, this week's plan (issue 13).
    case repairs(BondID)
    case repair(BondID, UUID)
    case desires(BondID)
    case weeklyPlan(BondID)
    case plans(BondID)
    // A therapist or counsellor (issue 14).
    case professionals(BondID)
    case professionalInvites(BondID)
    case professionalConsent(BondID, UUID)
    case professionalJoin(code: String)
    case professionalHome
    case professionalSummary(BondID)
    case registerProfessional

    var path: String {
        switch self {
        case .home: "/"
        case .register: "/register"
        case .signIn(let next?): "/sign-in?next=\(next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/")"
        case .signIn: "/sign-in"
        case .signOut: "/sign-out"
        case .settings: "/settings"
        case .settingsPassword: "/settings/password"
        case .deleteAccount: "/settings/delete"
        case .bonds: "/bonds"
        case .newBond: "/bonds/new"
        case .bond(let id): "/bonds/\(id)"
        case .bondInvites(let id): "/bonds/\(id)/invites"
        case .revokeInvite(let bond, let invite): "/bonds/\(bond)/invites/\(invite)/revoke"
        case .leaveBond(let id): "/bonds/\(id)/leave"
        case .join(let code): "/join/\(code)"
        case .measureOverview(let id): "/bonds/\(id)/measure"
        case .measure(let id, let key): "/bonds/\(id)/measure/\(key)"
        case .takeMeasure(let id, let key, let predict): "/bonds/\(id)/measure/\(key)/take" + (predict ? "?mode=predict" : "")
        case .sharing(let id, let result): "/bonds/\(id)/results/\(result.uuidString.lowercased())/sharing"
        case .today(let id): "/bonds/\(id)/today"
        case .days(let id): "/bonds/\(id)/days"
        case .day(let id, let day): "/bonds/\(id)/days/\(day)"
        case .dayReplies(let id, let day): "/bonds/\(id)/days/\(day)/replies"
        case .appreciations(let id): "/bonds/\(id)/appreciations"
        case .rituals(let id): "/bonds/\(id)/rituals"
        case .ritual(let id, let ritual): "/bonds/\(id)/rituals/\(ritual.uuidString.lowercased())"
        case .checkin(let id): "/bonds/\(id)/checkin"
        case .conversation(let id): "/bonds/\(id)/conversation"
        case .conversationNext(let id): "/bonds/\(id)/conversation/next"
        case .conversationFinish(let id): "/bonds/\(id)/conversation/finish"
        case .bondSettings(let id): "/bonds/\(id)/settings"
        case .themes(let id): "/bonds/\(id)/themes"
        case .todayPass(let id): "/bonds/\(id)/today/pass"
        case .todaySwap(let id): "/bonds/\(id)/today/swap"
        case .nudge(let id): "/bonds/\(id)/nudge"
        case .dayReaction(let id, let day): "/bonds/\(id)/days/\(day)/reaction"
        case .appreciationReaction(let id, let note): "/bonds/\(id)/appreciations/\(note.uuidString.lowercased())/reaction"
        case .reminders: "/settings/reminders"
        case .pushSubscriptions: "/settings/reminders/devices"
        case .unsubscribe(let token): "/unsubscribe/\(token)"
        case .forgotPassword: "/forgot-password"
        case .resetPassword(let token): "/reset-password/\(token)"
        case .confirmSignup(let token): "/register/confirm/\(token)"
        case .inviteEmail(let id): "/bonds/\(id)/invites/email"
        case .repairs(let id): "/bonds/\(id)/repairs"
        case .repair(let id, let repair): "/bonds/\(id)/repairs/\(repair.uuidString.lowercased())"
        case .desires(let id): "/bonds/\(id)/desires"
        case .weeklyPlan(let id): "/bonds/\(id)/plan"
        case .plans(let id): "/bonds/\(id)/plans"
        case .professionals(let id): "/bonds/\(id)/professionals"
        case .professionalInvites(let id): "/bonds/\(id)/professionals/invites"
        case .professionalConsent(let id, let professional): "/bonds/\(id)/professionals/\(professional.uuidString.lowercased())/consent"
        case .professionalJoin(let code): "/professional-invites/\(code)"
        case .professionalHome: "/professional"
        case .professionalSummary(let id): "/professional/bonds/\(id)"
        case .registerProfessional: "/register?as=professional"
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
