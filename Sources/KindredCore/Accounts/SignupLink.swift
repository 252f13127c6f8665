import Foundation

/// Sign-up by a link sent to the address: the account starts only when someone who reads that
/// inbox opens it, so a sign-up never tells the person asking whether the email was taken.
public enum SignupLink {
    /// A day: time to find the email, not long enough for a forgotten inbox to matter.
    public static let lifetime: TimeInterval = 24 * 60 * 60

    /// Emails one address may be sent about signing up per 15 minutes (links and "you already
    /// have an account" notes together), so sign-up cannot be used to flood someone's inbox.
    public static let emailsPerAddress = 3

    /// The same three states as a reset link: usable, used, expired.
    public static func state(expiresAt: Date, usedAt: Date?, now: Date) -> PasswordReset.State {
        PasswordReset.state(expiresAt: expiresAt, usedAt: usedAt, now: now)
    }

    /// What a sign-up answers when it waits for its link, whether or not the email was free.
    public static func accepted(email: String) -> String {
        "We've sent an email to \(email). Open the link in it within a day to finish creating your account."
    }
}
