import Foundation

/// Gentle guidance for each step of a repair (`Content/repair.yaml`).
public struct RepairGuide: Codable, Sendable, Equatable {
    public struct StepGuidance: Codable, Sendable, Equatable {
        public var step: Repair.Step
        public var title: String
        public var forRaiser: String
        /// Nil for a withdrawn repair, which the other member never sees.
        public var forOther: String?
    }

    public struct Prompts: Codable, Sendable, Equatable {
        public var happened: String
        public var felt: String
        public var wouldHelp: String
        public var reply: String
        public var agree: String
    }

    public var intro: String
    /// Repairing is not for abuse, threats or control: shown with the link to the private check.
    public var safety: String
    public var notExcusing: String
    public var steps: [StepGuidance]
    public var prompts: Prompts
    public var apology: String

    public func guidance(for step: Repair.Step) -> StepGuidance? { steps.first { $0.step == step } }

    public static func problems(in guide: RepairGuide) -> [String] {
        var problems: [String] = []
        for step in Repair.Step.allCases where guide.guidance(for: step) == nil { problems.append("there is no guidance for \(step.rawValue)") }
        for step in guide.steps {
            if step.step == .withdrawn, step.forOther != nil {
                problems.append("withdrawn has guidance for the other member, who never sees a withdrawn repair")
            }
            if step.step != .withdrawn, step.forOther == nil { problems.append("\(step.step.rawValue) has no guidance for the other member") }
        }
        let texts = [guide.intro, guide.safety, guide.notExcusing, guide.apology]
            + guide.steps.flatMap { [$0.title, $0.forRaiser, $0.forOther ?? "-"] }
        if texts.contains(where: { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }) { problems.append("a piece of guidance is empty") }
        return problems
    }
}
