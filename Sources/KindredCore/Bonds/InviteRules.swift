import Foundation

/// The life of an invite: single use, expires, revocable by the person who made it.
public enum InviteRules {
    public static let lifetime: TimeInterval = 7 * 24 * 3600

    public struct Invite: Sendable, Equatable {
        public var id: InviteID
        public var bondID: BondID
        public var createdBy: UserID
        public var expiresAt: Date
        public var usedAt: Date?
        public var revokedAt: Date?

        public init(id: InviteID, bondID: BondID, createdBy: UserID, expiresAt: Date, usedAt: Date? = nil, revokedAt: Date? = nil) {
            self.id = id
            self.bondID = bondID
            self.createdBy = createdBy
            self.expiresAt = expiresAt
            self.usedAt = usedAt
            self.revokedAt = revokedAt
        }

        public func isPending(now: Date) -> Bool {
            usedAt == nil && revokedAt == nil && now < expiresAt
        }

        /// What became of it, for its maker's export. Used or withdrawn wins over the date.
        public func state(now: Date) -> State {
            if usedAt != nil { return .used }
            if revokedAt != nil { return .withdrawn }
            return now < expiresAt ? .waiting : .expired
        }
    }

    public enum State: String, Sendable, Codable {
        case waiting, used, withdrawn, expired
    }

    /// Why an invite cannot be accepted. Each has its own message because each
    /// needs a different next step from the person holding the link.
    public enum Refusal: Error, Equatable, Sendable {
        case ownInvite, used, revoked, expired, bondFull, bondEnded, alreadyMember

        public var message: String {
            switch self {
            case .ownInvite: "This is your own invite. Send the link to the person you want to join you."
            case .used: "This invite has already been used. Ask for a new link."
            case .revoked: "This invite was withdrawn. Ask for a new link if you were expecting one."
            case .expired: "This invite has expired. Invites last seven days — ask for a new link."
            case .bondFull: "This bond already has two people in it."
            case .bondEnded: "This bond has ended, so it can't be joined."
            case .alreadyMember: "You're already in this bond."
            }
        }
    }

    /// Whether `user` may accept `invite` into `bond` at `now`. The order matters:
    /// the most specific, most actionable reason wins.
    public static func check(invite: Invite, bond: BondSnapshot, user: UserID, now: Date) -> Refusal? {
        if invite.createdBy == user { return .ownInvite }
        if bond.isMember(user) { return .alreadyMember }
        if bond.status == .ended { return .bondEnded }
        if invite.revokedAt != nil { return .revoked }
        if invite.usedAt != nil { return .used }
        if now >= invite.expiresAt { return .expired }
        if bond.memberIDs.count >= BondSnapshot.capacity { return .bondFull }
        return nil
    }

    /// Only the member who made an invite may withdraw it, and only while it is pending.
    public static func mayRevoke(invite: Invite, user: UserID, now: Date) -> Bool {
        invite.createdBy == user && invite.isPending(now: now)
    }

    /// Invites can be made only while the bond still waits for its second member.
    public static func mayCreate(in bond: BondSnapshot, by user: UserID) -> Bool {
        bond.isMember(user) && bond.status == .waiting
    }
}
