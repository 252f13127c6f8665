import Foundation
import KindredCore
import Vapor

/// The JSON shapes of the API. Each is documented in `openapi.yaml` under the same name.

struct MeDTO: Content {
    let id: UUID
    let email: String
    let displayName: String
    let timeZone: String
    let createdAt: Date
    /// Quick exit also signs this person out.
    let quickExitSignsOut: Bool
    let wakingHours: WakingHoursDTO
    /// `member` or `professional`; a professional's practice and self-described credentials.
    let role: String
    let practiceName: String?
    let credentials: String?

    init(_ user: User) {
        id = user.id!
        email = user.email
        displayName = user.displayName
        timeZone = user.timeZone
        createdAt = user.createdAt
        quickExitSignsOut = user.quickExitSignsOut
        wakingHours = WakingHoursDTO(user.wakingHours)
        role = user.role.rawValue
        practiceName = user.practiceName
        credentials = user.credentials
    }
}

struct WakingHoursDTO: Content {
    let wake: String
    let sleep: String

    init(_ hours: WakingHours) {
        wake = hours.wake.description
        sleep = hours.sleep.description
    }
}

struct TokenCreatedDTO: Content {
    let id: UUID
    let name: String
    /// Shown only in this response; Kindred keeps just a hash.
    let token: String
    let createdAt: Date
    let idleDays: Int
    let expiresAt: Date
    let device: String

    init(_ token: APIToken, secret: String) {
        id = token.id!
        name = token.name
        self.token = secret
        createdAt = token.createdAt
        idleDays = token.idleDays
        expiresAt = token.expiresAt
        device = token.device
    }
}

struct TokenDTO: Content {
    let id: UUID
    let name: String
    let createdAt: Date
    let lastUsedAt: Date?
    /// It ends then unless used before; every use moves it on by `idleDays`.
    let expiresAt: Date
    let idleDays: Int
    let device: String
    let current: Bool

    init(_ token: APIToken, current: Bool) {
        id = token.id!
        name = token.name
        createdAt = token.createdAt
        lastUsedAt = token.lastUsedAt
        expiresAt = token.expiresAt
        idleDays = token.idleDays
        device = token.device
        self.current = current
    }
}

struct BondMemberDTO: Content {
    let displayName: String
    let isYou: Bool
    let joinedAt: Date
}

struct PendingInviteDTO: Content {
    let id: UUID
    let expiresAt: Date
}

struct BondDTO: Content {
    let id: UUID
    let kind: BondKind
    let name: String?
    let status: BondStatus
    let createdAt: Date
    let endedAt: Date?
    let members: [BondMemberDTO]
    /// The invite waiting to be accepted, shown to the member who made it.
    let pendingInvite: PendingInviteDTO?
    /// Marked long-distance by either member.
    let longDistance: Bool

    init(_ loaded: BondService.Loaded, viewer: User, pendingInvite: Invite?) {
        id = loaded.bond.id!
        kind = loaded.bond.kind
        name = loaded.name
        status = loaded.snapshot.status
        createdAt = loaded.bond.createdAt
        endedAt = loaded.bond.endedAt
        longDistance = loaded.bond.longDistance ?? false
        members = loaded.members.map {
            BondMemberDTO(displayName: $0.user.displayName, isYou: $0.user.id == viewer.id, joinedAt: $0.member.joinedAt)
        }
        self.pendingInvite = pendingInvite.flatMap { invite in
            invite.$creator.id == viewer.id ? PendingInviteDTO(id: invite.id!, expiresAt: invite.expiresAt) : nil
        }
    }
}

struct InviteCreatedDTO: Content {
    let id: UUID
    /// Shown only in this response; Kindred keeps just a hash.
    let code: String
    let url: String
    let expiresAt: Date
}

struct InviteDTO: Content {
    enum Status: String, Codable { case pending, used, revoked, expired }

    let id: UUID
    let createdAt: Date
    let expiresAt: Date
    let status: Status

    init(_ invite: Invite, now: Date) {
        id = invite.id!
        createdAt = invite.createdAt
        expiresAt = invite.expiresAt
        status = invite.usedAt != nil ? .used : invite.revokedAt != nil ? .revoked : now >= invite.expiresAt ? .expired : .pending
    }
}

struct InvitePreviewDTO: Content {
    let bondKind: BondKind
    let bondName: String?
    let invitedBy: String
    let expiresAt: Date
}
