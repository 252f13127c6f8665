import Foundation

/// The items of "needs and desires" (`Content/desires.yaml`): groups of short, plain things one
/// might want, each with a gentle question to talk about it once both are open to it.
public struct DesireGuide: Codable, Sendable, Equatable {
    public struct Item: Codable, Sendable, Equatable, Identifiable {
        public var id: String
        public var text: String
        /// A question to start talking about it, shown with a match.
        public var talk: String
    }

    public struct Group: Codable, Sendable, Equatable {
        public var key: String
        public var title: String
        public var description: String
        public var items: [Item]
    }

    public var intro: String
    public var groups: [Group]

    public init(intro: String, groups: [Group]) {
        self.intro = intro
        self.groups = groups
    }

    /// The groups the issue names, in the order they are shown.
    public static let groupKeys = ["affection", "words", "time", "touch", "romance", "sex"]
    public static let minimumItems = 40

    /// Every item id, in the order they are shown (the order matches are listed in).
    public var order: [String] { groups.flatMap { $0.items.map(\.id) } }

    public func item(_ id: String) -> (group: Group, item: Item)? {
        for group in groups { if let item = group.items.first(where: { $0.id == id }) { return (group, item) } }
        return nil
    }

    /// What would make the items wrong to show: too few, a missing or unknown group, a
    /// repeated id or text, lengths.
    public static func problems(in guide: DesireGuide) -> [String] {
        var problems: [String] = []
        let keys = guide.groups.map(\.key)
        if keys != groupKeys { problems.append("the groups should be \(groupKeys.joined(separator: ", ")), in that order (found \(keys.joined(separator: ", ")))") }
        let items = guide.groups.flatMap(\.items)
        if items.count < minimumItems { problems.append("there are \(items.count) items; there should be at least \(minimumItems)") }
        var ids = Set<String>(), texts = Set<String>()
        for group in guide.groups {
            if group.items.isEmpty { problems.append("group \(group.key) has no items") }
            for item in group.items {
                if !ids.insert(item.id).inserted { problems.append("item \(item.id): id is used twice") }
                if !texts.insert(item.text.lowercased()).inserted { problems.append("item \(item.id): same text as another item") }
                if !(8...120).contains(item.text.count) { problems.append("item \(item.id): text is \(item.text.count) characters; keep it between 8 and 120") }
                if !(12...200).contains(item.talk.count) { problems.append("item \(item.id): talk is \(item.talk.count) characters; keep it between 12 and 200") }
            }
        }
        if guide.intro.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { problems.append("the intro is empty") }
        return problems
    }
}
