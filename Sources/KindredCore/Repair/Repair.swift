import Foundation

/// Repair and let go (issue 13, part 1): a past hurt one member raises privately with the other,
/// walked through gently: raised → acknowledged → agreed → resolved → let go. The raiser may
/// withdraw it at any time before it is let go; letting go is theirs alone (the other may only
/// suggest it); a let-go item can be deleted for good by the raiser.
public enum Repair {
    public enum Step: String, Codable, Sendable, CaseIterable {
        case raised, acknowledged, agreed, resolved, letGo = "let-go", withdrawn
    }

    public enum Role: Sendable, Equatable { case raiser, other }

    public enum Action: Sendable, Equatable {
        /// The other member has heard it (with an optional reply).
        case acknowledge
        /// One member writes what they will do; it is agreed once both have.
        case agree(bothHaveWritten: Bool)
        case resolve
        case suggestLettingGo
        case letGo
        case withdraw
        case delete
    }

    public enum Outcome: Sendable, Equatable {
        case step(Step)
        /// Allowed, and the step stays as it was (one side's agreement, a suggestion).
        case unchanged
        case deleted
        case refused(String)
    }

    /// What `action` by `role` does at `step`: the whole of the rules, in one place.
    public static func apply(_ action: Action, by role: Role, at step: Step) -> Outcome {
        switch (action, step) {
        case (.withdraw, .raised), (.withdraw, .acknowledged), (.withdraw, .agreed), (.withdraw, .resolved):
            return role == .raiser ? .step(.withdrawn) : .refused("Only the person who raised it can withdraw it.")
        case (.acknowledge, .raised):
            return role == .other ? .step(.acknowledged) : .refused("It's for the other person to say they've heard it.")
        case (.agree(let both), .acknowledged):
            return both ? .step(.agreed) : .unchanged
        case (.resolve, .agreed):
            return .step(.resolved)
        case (.suggestLettingGo, .resolved):
            return role == .other ? .unchanged : .refused("Letting go is yours to choose: there's nothing to suggest.")
        case (.letGo, .resolved):
            return role == .raiser ? .step(.letGo) : .refused("Letting go is for the person who raised it to choose. You can suggest it.")
        case (.delete, .letGo), (.delete, .withdrawn):
            return role == .raiser ? .deleted : .refused("Only the person who raised it can delete it.")
        default:
            return .refused(step == .letGo ? "This has been let go." : step == .withdrawn ? "This was withdrawn." : "That isn't the next step.")
        }
    }

    /// Whether it shows in the default views (and may ever come back in prompts, plans or the home).
    public static func isShown(_ step: Step) -> Bool {
        step != .letGo && step != .withdrawn
    }

    /// Words as kept: trimmed, and nothing at all when only spaces were sent.
    public static func cleaned(_ text: String?) -> String? {
        guard let trimmed = text?.trimmingCharacters(in: .whitespacesAndNewlines), !trimmed.isEmpty else { return nil }
        return trimmed
    }

    /// The words sent with a step: a reply is optional, what you will do is not; each at most
    /// 2,000 characters.
    public static func stepTextProblems(agreeing: Bool, text: String?) -> [FieldError] {
        if let text, text.unicodeScalars.count > TextRules.answerLength.upperBound {
            return [FieldError("text", "Keep it to \(TextRules.answerLength.upperBound) characters or fewer.")]
        }
        return agreeing && cleaned(text) == nil ? [FieldError("text", "Write what you will do.")] : []
    }

    /// What was raised: what happened, how it felt, what would help — each optional, but at
    /// least one, each at most 2,000 characters.
    public static func raiseProblems(happened: String?, felt: String?, wouldHelp: String?) -> [FieldError] {
        let fields = [("happened", happened), ("felt", felt), ("wouldHelp", wouldHelp)]
        var problems = fields.compactMap { field, text -> FieldError? in
            guard let text, text.unicodeScalars.count > TextRules.answerLength.upperBound else { return nil }
            return FieldError(field, "Keep it to \(TextRules.answerLength.upperBound) characters or fewer.")
        }
        if fields.allSatisfy({ ($0.1?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "").isEmpty }) {
            problems.append(FieldError("happened", "Write at least one of these: what happened, how it felt, or what would help."))
        }
        return problems
    }
}
