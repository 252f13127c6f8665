import Foundation

/// What a valid account looks like. Web forms and the API both call these,
/// so a person gets the same message whichever way they sign up.
///
/// Lengths count Unicode scalars, as JSON Schema's `minLength`/`maxLength` do, so the
/// published API contract and these rules agree to the character.
public enum AccountRules {
    public static let passwordLength = 12...128
    public static let displayNameLength = 1...60
    public static let emailMaxLength = 254

    /// Email addresses are compared trimmed and lower-cased, so `Sam@Example.org `
    /// and `sam@example.org` are one account.
    public static func normaliseEmail(_ raw: String) -> String {
        raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    /// A deliberately loose check: one `@`, something before it, a dot in the domain,
    /// no spaces. Real verification is a mail round-trip, which self-hosters may not have.
    public static func emailProblem(_ normalised: String) -> String? {
        if normalised.isEmpty { return "Enter your email address." }
        if normalised.unicodeScalars.count > emailMaxLength { return "That email address is too long." }
        let parts = normalised.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty,
              parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
              !normalised.contains(where: { $0.isWhitespace || $0.isNewline })
        else { return "Enter an email address like name@example.org." }
        return nil
    }

    public static func passwordProblem(_ password: String) -> String? {
        let count = password.unicodeScalars.count
        if count < passwordLength.lowerBound {
            return "Use at least \(passwordLength.lowerBound) characters. A few words strung together work well."
        }
        if count > passwordLength.upperBound {
            return "Use at most \(passwordLength.upperBound) characters."
        }
        return nil
    }

    public static func normaliseDisplayName(_ raw: String) -> String {
        raw.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Checks a display name as typed: the length limit applies to what was sent,
    /// emptiness to what is left once trimmed.
    public static func displayNameProblem(_ raw: String) -> String? {
        let normalised = normaliseDisplayName(raw)
        if normalised.isEmpty { return "Tell us what to call you." }
        if raw.unicodeScalars.count > displayNameLength.upperBound {
            return "Keep it to \(displayNameLength.upperBound) characters or fewer."
        }
        // Control characters only: format characters such as the zero-width joiner
        // hold emoji like 👩‍❤️‍👨 together and are welcome.
        if raw.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return "Use letters, numbers and spaces."
        }
        return nil
    }

    public static func timeZoneProblem(_ identifier: String) -> String? {
        TimeZones.isValid(identifier) ? nil : "Choose a time zone from the list, like Europe/London."
    }

    /// Validates a new account; every problem is reported at once.
    public static func registrationProblems(
        email: String, password: String, displayName: String, timeZone: String
    ) -> [FieldError] {
        var problems: [FieldError] = []
        if let p = emailProblem(normaliseEmail(email)) { problems.append(FieldError("email", p)) }
        if let p = passwordProblem(password) { problems.append(FieldError("password", p)) }
        if let p = displayNameProblem(displayName) { problems.append(FieldError("displayName", p)) }
        if let p = timeZoneProblem(timeZone) { problems.append(FieldError("timeZone", p)) }
        return problems
    }
}

/// IANA time zones, as the system's tz database knows them.
public enum TimeZones {
    /// Every identifier, sorted, for a time-zone picker.
    /// Only region names from the database count, plus `UTC` (the default) — not ad-hoc
    /// offsets like `GMT+5`, whose sign convention confuses people.
    public static let all: [String] = Set(TimeZone.knownTimeZoneIdentifiers).union(["UTC"]).sorted()
    private static let known = Set(all)

    public static func isValid(_ identifier: String) -> Bool { known.contains(identifier) }
}
