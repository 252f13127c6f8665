/// Reads an intimacy-balance result for imbalance: one kind of closeness getting clearly
/// more attention than another that feels unsatisfying.
public enum BalanceInsight {
    public static let kinds = ["emotional", "physical", "sexual"]
    /// "Clearly more" attention: at least this many points apart on the 1–5 scale.
    public static let attentionGap = 2.0
    /// "Unsatisfying": this or below on the 1–5 scale.
    public static let unsatisfiedAtMost = 2.0

    public struct Finding: Equatable, Sendable, Codable {
        public var favoured: String
        public var neglected: String
        public var message: String
    }

    public static func findings(in score: InstrumentScore) -> [Finding] {
        func value(_ key: String) -> Double? { score.subscales.first { $0.key == key }?.score }
        var findings: [Finding] = []
        for favoured in kinds {
            for neglected in kinds where neglected != favoured {
                guard let favouredAttention = value("\(favoured)-attention"),
                      let neglectedAttention = value("\(neglected)-attention"),
                      let neglectedSatisfaction = value("\(neglected)-satisfaction")
                else { continue }
                if favouredAttention - neglectedAttention >= attentionGap, neglectedSatisfaction <= unsatisfiedAtMost {
                    findings.append(Finding(favoured: favoured, neglected: neglected, message: message(favoured, neglected)))
                }
            }
        }
        return findings
    }

    static func message(_ favoured: String, _ neglected: String) -> String {
        "Much of your attention goes to \(favoured) closeness, while \(neglected) closeness feels unsatisfying. "
            + "That is common and nobody's fault. When one kind of closeness has to carry everything, it can start to feel heavy — "
            + "a small, gentle step towards the \(neglected) side often helps both."
    }
}
