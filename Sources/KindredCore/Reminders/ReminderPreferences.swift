import Foundation

/// How a person wants to be reached: a daily reminder at a local time (none by default), by
/// email and/or Web Push, and optional notices when the other member does something.
public struct ReminderPreferences: Codable, Sendable, Equatable {
    public var dailyAt: LocalTime?
    public var email: Bool
    public var push: Bool
    public var partnerActivity: Bool
    /// Off by default: a phone or inbox may be seen by someone else, so notices name neither
    /// the other person nor what Kindred is for unless the person asks for names.
    public var includeNames: Bool

    public init(dailyAt: LocalTime? = nil, email: Bool = false, push: Bool = false, partnerActivity: Bool = false, includeNames: Bool = false) {
        self.dailyAt = dailyAt
        self.email = email
        self.push = push
        self.partnerActivity = partnerActivity
        self.includeNames = includeNames
    }

    public static let none = ReminderPreferences()

    public var hasChannel: Bool { email || push }

    /// Every problem with a choice, given whether this server can send email.
    public static func problems(_ preferences: ReminderPreferences, mailAvailable: Bool) -> [FieldError] {
        var problems: [FieldError] = []
        if preferences.email, !mailAvailable {
            problems.append(FieldError("email", "This Kindred isn't set up to send email, so reminders can only come as notifications."))
        }
        if !preferences.hasChannel, preferences.dailyAt != nil || preferences.partnerActivity {
            problems.append(FieldError("channels", "Choose how to reach you: by email, as a notification, or both."))
        }
        return problems
    }
}

/// What a notice says. Never what anyone wrote; by default neither the other person's name
/// nor what the app is for — "A new question is waiting" could be anything.
public enum NoticeText {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case dailyReminder = "daily-reminder"
        case partnerAnswered = "partner-answered"
        /// The other member answered second: both answers are open to read now.
        case bothAnswered = "both-answered"
        case nudge
        case appreciation
    }

    public struct Text: Sendable, Equatable {
        public let title: String
        public let body: String
    }

    /// `partner` is used only when the person chose names (and there is one other person).
    public static func text(for kind: Kind, partner: String?, includeNames: Bool) -> Text {
        let name = includeNames ? partner : nil
        switch (kind, name) {
        case (.dailyReminder, nil): return Text(title: "A new question is waiting", body: "Open the app when you have a moment.")
        case (.dailyReminder, let name?): return Text(title: "Today's question with \(name) is waiting", body: "Open Kindred when you have a moment.")
        case (.partnerAnswered, nil): return Text(title: "Something new is waiting", body: "Open the app when you have a moment.")
        case (.partnerAnswered, let name?): return Text(title: "\(name) answered today's question", body: "Answer too, and you'll see each other's.")
        case (.bothAnswered, nil): return Text(title: "Something new is waiting", body: "Open the app when you have a moment.")
        case (.bothAnswered, let name?): return Text(title: "\(name) answered too", body: "You can read each other's answers now.")
        case (.nudge, nil): return Text(title: "Someone is hoping to hear from you", body: "Open the app when you have a moment.")
        case (.nudge, let name?): return Text(title: "\(name) would love to hear your answer", body: "Today's question is waiting in Kindred.")
        case (.appreciation, nil): return Text(title: "Something new is waiting", body: "Open the app when you have a moment.")
        case (.appreciation, let name?): return Text(title: "\(name) sent you an appreciation", body: "Open Kindred to read it.")
        }
    }
}
