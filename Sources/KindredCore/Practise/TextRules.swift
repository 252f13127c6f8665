/// Limits on what people write, the same everywhere (answers, replies, appreciations, notes).
public enum TextRules {
    public static let answerLength = 1...2000
    public static let replyLength = 1...1000
    public static let appreciationLength = 1...500
    public static let noteLength = 0...1000
    /// Replies one member may add to one day's question: plenty for a conversation, and a
    /// bound on what the day's page (and its list) can ever hold.
    public static let repliesPerMemberPerDay = 100

    public static let repliesFullMessage =
        "That's \(repliesPerMemberPerDay) replies from you on this day, as many as one day holds. Carry it on in tomorrow's question, or face to face."

    /// Trims, then checks; returns the cleaned text or the problem.
    public static func clean(_ raw: String, field: String, allowed: ClosedRange<Int>) -> Result<String, FieldError> {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty, allowed.lowerBound > 0 { return .failure(FieldError(field, "Write something first.")) }
        // The limit applies to what was sent, as the API contract's maxLength does.
        if raw.unicodeScalars.count > allowed.upperBound {
            return .failure(FieldError(field, "Keep it to \(allowed.upperBound) characters or fewer (this is \(raw.unicodeScalars.count))."))
        }
        if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && !"\n\t\r".unicodeScalars.contains($0) }) {
            return .failure(FieldError(field, "Remove the unusual control characters."))
        }
        return .success(text)
    }
}
