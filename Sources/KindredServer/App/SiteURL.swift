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
        }
    }

    /// Only a path on this site may be a `next` target after sign-in, never `//evil.example`.
    static func isSafeNext(_ next: String?) -> Bool {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\") else { return false }
        return !next.contains(where: { $0.isNewline })
    }
}
