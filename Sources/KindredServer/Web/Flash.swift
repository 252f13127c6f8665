import KindredCore
import Vapor

/// One-time messages shown on the next page after a redirect. The cookie holds only
/// this key, never text, so nothing a person typed is echoed from a cookie.
enum Flash: String, CaseIterable {
    case welcome, signedOut, sessionExpired, settingsSaved, passwordChanged
    case bondCreated, inviteRevoked, joined, leftBond, accountDeleted, signInFirst
    case resultSaved, resultSavedAndShared, predictionSaved, resultShared, resultUnshared
    case answerSaved, replySent, replyEmpty, repliesFull, appreciationSent, checkinSaved, conversationFinished
    // The day's question under the couple's control, and reactions (issue 10).
    case passed, swapped, nudged, reacted, reactionRemoved, themesSaved, welcomeInvited, checkinRevealed
    case swapUsed, swapAfterAnswer, noOtherQuestion, alreadyAnswered, nudgeUsed, nudgeNotNeeded, nudgePassed
    case notRevealed, ownAppreciation, notActive
    case checkDeleted, sessionEnded, tokenRevoked, signedOutEverywhere
    // Reminders and password resets (issue 10).
    case remindersSaved, deviceRemoved, passwordReset
    // Rituals (issue 12).
    case ritualProposed, ritualAccepted, ritualDeclined, ritualPaused, ritualResumed, ritualChanged, ritualRemoved, ritualMarked, ritualUnmarked, feedRevoked, tooManyFeeds, longDistanceOn, longDistanceOff
    case planProposed, planProposedOutside, planAccepted, planDeclined, planCountered, planLiked, planCalledOff
    // Repair, needs and desires (issue 13).
    case repairRaised, repairAcknowledged, repairAgreed, repairResolved, repairLetGoSuggested, repairLetGo, repairWithdrawn, repairDeleted
    case repairNotThisStep, desiresSaved
    // A therapist or counsellor (issue 14).
    case welcomeProfessional, professionalServing, consentGiven, consentWithdrawn, professionalInviteWithdrawn

    var message: String {
        switch self {
        case .welcome: "Welcome to Kindred. Start by making a bond with someone who matters to you."
        case .welcomeInvited: "Welcome to Kindred. Your account is ready — now accept the invite below to join."
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
        case .repliesFull: TextRules.repliesFullMessage
        case .appreciationSent: "Sent. A small thing, and it matters."
        case .checkinSaved: "Your check-in is saved. You'll see each other's once you've both checked in this week."
        case .checkinRevealed: "Your check-in is saved, and you've both checked in: here is the week side by side."
        case .conversationFinished: "You finished the conversation. Thank you for making the time for each other."
        case .passed: "Passed for today."
        case .swapped: "Here's another question for today. You'll both see this one."
        case .nudged: "Nudge sent. They'll see that you'd love to hear their answer."
        case .reacted: "Reaction added."
        case .reactionRemoved: "Reaction taken back."
        case .themesSaved: "Saved. Your next question will come from what you chose."
        case .swapUsed: "You've already had a different question today. A new one comes tomorrow."
        case .swapAfterAnswer: "Once one of you has answered, today's question stays, so your answers belong together."
        case .noOtherQuestion: "There isn't another question to offer today. Try adding decks in your bond's settings."
        case .alreadyAnswered: "You've already answered today. You can change your answer until they answer too."
        case .nudgeUsed: "You've already nudged them today. Tomorrow is another day."
        case .nudgeNotNeeded: "They've already answered today."
        case .nudgePassed: "They passed today, and that's all right."
        case .notRevealed: "Reactions open once you've both answered that day's question."
        case .ownAppreciation: "You can react to appreciations sent to you."
        case .notActive: "That works once you're both in the bond, and while it lasts."
        case .checkDeleted: "Deleted. That check is gone."
        case .sessionEnded: "That device is signed out."
        case .tokenRevoked: "That app's access is ended."
        case .signedOutEverywhere: "Every other device and app is signed out."
        case .remindersSaved: "Your reminders are saved."
        case .deviceRemoved: "That device won't get notifications any more."
        case .passwordReset: "Your password is changed, and every device was signed out. Sign in with your new password."
        case .ritualProposed: "Proposed. It becomes a shared ritual once the other person agrees."
        case .ritualAccepted: "Agreed. It's a ritual you share now."
        case .ritualDeclined: "Declined. It won't come round."
        case .ritualPaused: "Paused. Nothing comes round until you resume it, and nothing is owed meanwhile."
        case .ritualResumed: "Resumed. Welcome back to it."
        case .ritualChanged: "Changed from that date on. Earlier times stay as they were."
        case .ritualRemoved: "Removed."
        case .ritualMarked: "Marked. Thank you for keeping it."
        case .ritualUnmarked: "Your mark is cleared."
        case .planProposed: "Suggested. It's theirs to answer now."
        case .planProposedOutside: "Suggested — though it's outside the hours you're both usually awake, so check it suits them. It's theirs to answer now."
        case .planAccepted: "You're both in. It's in your calendar feed too, if you have one."
        case .planDeclined: "Declined. Maybe another time."
        case .planCountered: "You suggested another time. It's theirs to answer now."
        case .planLiked: "Saved. They'll see it once they've written theirs, or now if you shared it."
        case .planCalledOff: "Called off."
        case .repairRaised: "Raised. They'll see it on their repair page, and nobody else ever will."
        case .repairAcknowledged: "Thank you for hearing it. Next, each of you can say what you'll do."
        case .repairAgreed: "Saved. Once you've both written what you'll do, it's agreed."
        case .repairResolved: "Marked as resolved."
        case .repairLetGoSuggested: "You've suggested letting it go. It's theirs to choose, whenever they're ready."
        case .repairLetGo: "Let go. It won't come up again anywhere in Kindred."
        case .repairWithdrawn: "Withdrawn. Only you can see it now, and you can delete it for good."
        case .repairDeleted: "Deleted for good."
        case .repairNotThisStep: "That step isn't yours to take right now — the page shows what is."
        case .desiresSaved: "Saved. Only what you're both open to is ever shown."
        case .welcomeProfessional: "Welcome to Kindred. When a couple or family invites you, their link brings you here."
        case .professionalServing: "You're connected. The summary opens once both members have consented."
        case .consentGiven: "Saved. Access opens only once you've both consented, to what you both chose."
        case .consentWithdrawn: "Access has ended. They can no longer see anything of your bond."
        case .professionalInviteWithdrawn: "That link won't work any more."
        case .longDistanceOn: "Marked long-distance. Ideas that work apart come first now."
        case .longDistanceOff: "No longer marked long-distance."
        case .feedRevoked: "That calendar address no longer works. Calendars using it will stop updating."
        case .tooManyFeeds: "You have 5 calendar addresses for this bond already. Remove one you no longer use first."
        }
    }
}

extension Flash {
    /// The message for a refusal's stable code (a flash holds only a key, never text).
    static func refusal(code: String?) -> Flash {
        switch code {
        case "swap-used": .swapUsed
        case "swap-after-answer": .swapAfterAnswer
        case "no-other-question": .noOtherQuestion
        case "already-answered", "answers-revealed": .alreadyAnswered
        case "nudge-used": .nudgeUsed
        case "nudge-not-needed": .nudgeNotNeeded
        case "nudge-passed": .nudgePassed
        case "day-not-revealed": .notRevealed
        case "own-appreciation": .ownAppreciation
        default: .notActive
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
