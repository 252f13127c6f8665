import Vapor

/// One-time messages shown on the next page after a redirect. The cookie holds only
/// this key, never text, so nothing a person typed is echoed from a cookie.
enum Flash: String, CaseIterable {
    case welcome, signedOut, sessionExpired, settingsSaved, passwordChanged
    case bondCreated, inviteRevoked, joined, leftBond, accountDeleted, signInFirst
    case resultSaved, resultSavedAndShared, predictionSaved, resultShared, resultUnshared
    case answerSaved, replySent, replyEmpty, appreciationSent, checkinSaved, conversationFinished
    case checkDeleted, sessionEnded, signedOutEverywhere

    var message: String {
        switch self {
        case .welcome: "Welcome to Kindred. Start by making a bond with someone who matters to you."
        case .signedOut: "You've signed out. See you soon."
        case .sessionExpired: "You were signed out after a while without activity, to keep things private. Please sign in again."
        case .settingsSaved: "Your settings are saved."
        case .passwordChanged: "Your password is changed, and any other devices were signed out."
        case .bondCreated: "Your bond is ready. Invite the other person with a link."
        case .inviteRevoked: "That invite link no longer works."
        case .joined: "You're in. This is the home you share."
        case .leftBond: "You've left the bond. It has ended for both of you, and what you wrote stays yours."
        case .accountDeleted: "Your account and everything in it are deleted."
        case .signInFirst: "Please sign in to continue."
        case .resultSaved: "Saved. Only you can see this result unless you share it."
        case .resultSavedAndShared: "Saved and shared. The other person can see this result; you can stop sharing at any time."
        case .predictionSaved: "Your prediction is saved. It stays private; once they share their own answers you'll both see how close it was."
        case .resultShared: "Shared. The other person can now see this result."
        case .resultUnshared: "No longer shared. Only you can see this result."
        case .answerSaved: "Your answer is saved. It stays private until you've both answered."
        case .replySent: "Reply sent."
        case .replyEmpty: "Write something before sending a reply."
        case .appreciationSent: "Sent. A small thing, and it matters."
        case .checkinSaved: "Your check-in is saved. You'll see each other's once you've both checked in this week."
        case .conversationFinished: "You finished the conversation. Thank you for making the time for each other."
        case .checkDeleted: "Deleted. That check is gone."
        case .sessionEnded: "That device is signed out."
        case .signedOutEverywhere: "Every other device and app is signed out."
        }
    }
}

extension Response {
    /// Shows `flash` on the next page this browser renders.
    func flash(_ flash: Flash, for req: Request) -> Response {
        cookies[Cookies.flashName(req)] = Cookies.value(flash.rawValue, req)
        return self
    }
}

extension Request {
    func redirect(to url: SiteURL, flash: Flash? = nil) -> Response {
        let response = redirect(to: url.path, redirectType: .normal)
        if let flash { _ = response.flash(flash, for: self) }
        return response
    }

    func redirect(toPath path: String, flash: Flash? = nil) -> Response {
        let response = redirect(to: path, redirectType: .normal)
        if let flash { _ = response.flash(flash, for: self) }
        return response
    }
}
