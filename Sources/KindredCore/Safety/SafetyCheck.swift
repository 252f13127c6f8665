import Foundation

/// The private safety check, as written in `Content/safety/check.yaml`.
public struct SafetyGuide: Codable, Sendable, Equatable {
    public var title: String
    public var intro: String
    public var label: String
    public var items: [Item]
    public var supportive: String
    public var reassuring: String
    public var signs: Section
    public var plan: Steps
    public var device: Section

    public struct Item: Codable, Sendable, Equatable {
        public var id: String
        public var text: String
    }

    public struct Section: Codable, Sendable, Equatable {
        public var title: String
        public var points: [String]
    }

    public struct Steps: Codable, Sendable, Equatable {
        public var title: String
        public var steps: [String]
    }
}

/// Helplines for one country (`Content/safety/resources/<country>.yaml`); `general` is
/// the fallback for everywhere else.
public struct CountryResources: Codable, Sendable, Equatable {
    public var country: String
    public var name: String
    public var emergency: String
    /// A note for the people reading the list (how services are organised there).
    public var note: String?
    /// For operators only (`kindred content check`): how current the numbers are.
    public var verify: String?
    public var services: [Service]

    public struct Service: Codable, Sendable, Equatable {
        public var name: String
        public var phone: String?
        public var text: String?
        public var web: String?
        public var hours: String?
        public var languages: [String]?
        public var notes: String?
    }
}

/// What a safety check's answers mean. Pure: nothing here stores or sends anything.
public enum SafetyCheck {
    public struct Outcome: Equatable, Sendable {
        /// Any "yes": show the supportive message, the signs, resources and the plan.
        public var concern: Bool
        /// The items answered "yes", in the guide's order.
        public var yesItems: [String]
    }

    /// Every item needs a yes or a no; one problem per unanswered or unknown item.
    public static func problems(_ answers: [String: Bool], guide: SafetyGuide) -> [FieldError] {
        var problems = guide.items.filter { answers[$0.id] == nil }.map { FieldError("answers.\($0.id)", "Please choose yes or no.") }
        let known = Set(guide.items.map(\.id))
        problems += answers.keys.sorted().filter { !known.contains($0) }.map { FieldError("answers.\($0)", "This is not one of the questions.") }
        return problems
    }

    public static func evaluate(_ answers: [String: Bool], guide: SafetyGuide) -> Outcome {
        let yes = guide.items.filter { answers[$0.id] == true }.map(\.id)
        return Outcome(concern: !yes.isEmpty, yesItems: yes)
    }

    /// The resources for `country` (ISO 3166 alpha-2, any case), else the general fallback.
    public static func resources(for country: String?, in all: [CountryResources]) -> CountryResources? {
        let code = (country ?? "").lowercased()
        return all.first { $0.country == code } ?? all.first { $0.country == "general" }
    }

    public static func guideProblems(_ guide: SafetyGuide) -> [String] {
        var problems: [String] = []
        if guide.items.count < 5 { problems.append("the safety check needs at least five items") }
        if Set(guide.items.map(\.id)).count != guide.items.count { problems.append("safety check item ids repeat") }
        if !guide.label.contains(Instrument.notValidatedLabel) { problems.append("the safety check must say \"\(Instrument.notValidatedLabel)\"") }
        if guide.plan.steps.isEmpty || guide.signs.points.isEmpty || guide.device.points.isEmpty {
            problems.append("the safety check needs its signs, plan and device-safety points")
        }
        return problems
    }

    public static func resourceProblems(_ all: [CountryResources]) -> [String] {
        var problems: [String] = []
        if !all.contains(where: { $0.country == "general" }) { problems.append("resources: general.yaml (the fallback) is missing") }
        var seen = Set<String>()
        for resources in all {
            let at = "resources \(resources.country)"
            if !seen.insert(resources.country).inserted { problems.append("\(at): defined twice") }
            if resources.country != "general", resources.country.range(of: "^[a-z]{2}$", options: .regularExpression) == nil {
                problems.append("\(at): country must be a two-letter code such as gb, or general")
            }
            if resources.emergency.trimmingCharacters(in: .whitespaces).isEmpty { problems.append("\(at): emergency number is empty") }
            if resources.services.isEmpty { problems.append("\(at): no services") }
            for service in resources.services {
                if service.name.trimmingCharacters(in: .whitespaces).isEmpty { problems.append("\(at): a service has no name") }
                if service.phone == nil, service.text == nil, service.web == nil, service.notes == nil {
                    problems.append("\(at): \(service.name) has no way to reach it")
                }
                if let web = service.web, !web.hasPrefix("https://") { problems.append("\(at): \(service.name) web address must start with https://") }
            }
        }
        return problems
    }
}
