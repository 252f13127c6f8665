import Foundation

/// The kind of relationship a bond is. It decides which content fits: nothing
/// romantic is ever offered in a friendship or family bond.
public enum BondKind: String, CaseIterable, Codable, Sendable {
    case romantic
    case friendship
    case family

    public var label: String {
        switch self {
        case .romantic: "Partners"
        case .friendship: "Close friends"
        case .family: "Family"
        }
    }
}

/// Where a bond is in its life.
public enum BondStatus: String, Codable, Sendable {
    /// Created, waiting for the second person to accept an invite.
    case waiting
    /// Two members.
    case active
    /// One member left (or deleted their account). Nothing new can happen in it.
    case ended
}

/// What the core needs to know about a bond to make decisions about it.
public struct BondSnapshot: Sendable, Equatable {
    public var id: BondID
    public var kind: BondKind
    public var endedAt: Date?
    /// Everyone who has ever been a member, in joining order (at most two).
    public var memberIDs: [UserID]

    public init(id: BondID, kind: BondKind, endedAt: Date?, memberIDs: [UserID]) {
        self.id = id
        self.kind = kind
        self.endedAt = endedAt
        self.memberIDs = memberIDs
    }

    public static let capacity = 2

    public var status: BondStatus {
        if endedAt != nil { return .ended }
        return memberIDs.count >= Self.capacity ? .active : .waiting
    }

    public func isMember(_ user: UserID) -> Bool { memberIDs.contains(user) }

    /// The other member, if there is one.
    public func partner(of user: UserID) -> UserID? {
        guard isMember(user) else { return nil }
        return memberIDs.first { $0 != user }
    }
}

/// Rules for naming a bond.
public enum BondRules {
    public static let nameMaxLength = 60
    /// Bonds still waiting for their second person that one person may hold at once, so
    /// nobody's list (or the database) grows without end; a real person needs a handful.
    public static let maxWaiting = 20

    /// Why a new bond cannot be started now, if it cannot.
    public static func startRefusal(waitingBonds: Int) -> String? {
        waitingBonds >= maxWaiting
            ? "You already have \(maxWaiting) bonds waiting for someone to join. Invite someone to one of those, or leave one you no longer need, before starting another."
            : nil
    }

    public static func normaliseName(_ raw: String?) -> String? {
        guard let trimmed = raw?.trimmingCharacters(in: .whitespacesAndNewlines), !trimmed.isEmpty else { return nil }
        return trimmed
    }

    public static func creationProblems(kind: String?, name: String?) -> [FieldError] {
        var problems: [FieldError] = []
        if kind.flatMap(BondKind.init(rawValue:)) == nil {
            problems.append(FieldError("kind", "Choose romantic, friendship or family."))
        }
        if let name, name.unicodeScalars.count > nameMaxLength {
            problems.append(FieldError("name", "Keep the name to \(nameMaxLength) characters or fewer."))
        }
        if let name, name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            problems.append(FieldError("name", "Use letters, numbers and spaces."))
        }
        return problems
    }
}
