import Fluent
import KindredCore
import SQLKit
import Vapor

/// Invites into a bond: made by a member of a waiting bond, accepted once, race-free.
struct InviteService: RequestScoped {
    let db: any Database
    let services: KindredServices


    static let unknownCode = Problem(
        status: .notFound,
        detail: "This invite link isn't valid. Check you copied all of it, or ask for a new one.",
        code: "invite-unknown"
    )

    func url(for code: String) -> String {
        services.configuration.baseURL + SiteURL.join(code: code).path
    }

    /// A new invite for a waiting bond. Any older pending invite is withdrawn, so at most
    /// one link for a bond works at a time. The code is returned once and never stored.
    func create(in bondID: BondID, by user: User) async throws -> (code: String, invite: Invite) {
        let loaded = try await BondService(db: db, services: services).loadForChange(bondID, for: user)
        guard InviteRules.mayCreate(in: loaded.snapshot, by: user.userID) else {
            throw Problem(status: .conflict, detail: "This bond already has two people, so it needs no invite.", code: "bond-full")
        }
        let code = SecureToken.inviteCode()
        let now = services.now
        let invite = Invite(bondID: bondID.rawValue, createdBy: try user.requireID(), codeHash: Secrets.sha256(code), now: now)
        try await db.transaction { tx in
            try await Invite.query(on: tx)
                .filter(\.$bond.$id == bondID.rawValue).filter(\.$usedAt == nil).filter(\.$revokedAt == nil)
                .set(\.$revokedAt, to: now).update()
            try await invite.create(on: tx)
        }
        return (code, invite)
    }

    /// Every invite of a bond, newest first (members only).
    func list(in bondID: BondID, for user: User) async throws -> [Invite] {
        _ = try await BondService(db: db, services: services).load(bondID, for: user)
        return try await Invite.query(on: db).filter(\.$bond.$id == bondID.rawValue).sort(\.$createdAt, .descending).all()
    }

    func pending(in bondID: BondID) async throws -> Invite? {
        try await Invite.query(on: db)
            .filter(\.$bond.$id == bondID.rawValue).filter(\.$usedAt == nil).filter(\.$revokedAt == nil)
            .filter(\.$expiresAt > services.now)
            .sort(\.$createdAt, .descending).first()
    }

    func revoke(_ inviteID: InviteID, in bondID: BondID, by user: User) async throws {
        _ = try await BondService(db: db, services: services).load(bondID, for: user)
        guard let invite = try await Invite.query(on: db)
            .filter(\.$id == inviteID.rawValue).filter(\.$bond.$id == bondID.rawValue).first()
        else { throw Problem.notFound("There is no such invite in this bond.") }
        guard InviteRules.mayRevoke(invite: invite.rules, user: user.userID, now: services.now) else {
            throw Problem(status: .conflict, detail: "Only a pending invite can be withdrawn, by the person who made it.", code: "invite-not-pending")
        }
        invite.revokedAt = services.now
        try await invite.update(on: db)
    }

    // MARK: - Accepting

    struct Preview {
        let invite: Invite
        let bond: Bond
        let inviterName: String
        /// Why it cannot be accepted by this person, if it cannot.
        let refusal: InviteRules.Refusal?
    }

    /// What the holder of a code is being invited to, and whether they can accept.
    func preview(code rawCode: String, for user: User) async throws -> Preview {
        let code = SecureToken.normaliseInviteCode(rawCode)
        guard SecureToken.isWellFormedInviteCode(code),
              let invite = try await Invite.query(on: db).filter(\.$codeHash == Secrets.sha256(code)).first(),
              let bond = try await Bond.find(invite.$bond.id, on: db)
        else { throw Self.unknownCode }
        let members = try await BondMember.query(on: db).filter(\.$bond.$id == invite.$bond.id).sort(\.$slot).all()
        let snapshot = BondSnapshot(
            id: BondID(bond.id!), kind: bond.kind, endedAt: bond.endedAt,
            memberIDs: members.map { UserID($0.$user.id) }
        )
        let inviter = try await User.find(invite.$creator.id, on: db)
        let refusal = InviteRules.check(invite: invite.rules, bond: snapshot, user: user.userID, now: services.now)
        return Preview(invite: invite, bond: bond, inviterName: inviter?.displayName ?? "Someone", refusal: refusal)
    }

    /// Joins `user` to the invite's bond. Exactly one of any number of simultaneous
    /// accepts wins: the invite is claimed by a conditional UPDATE, and the (bond, slot)
    /// unique index refuses a third member even if two different invites race.
    func accept(code: String, by user: User) async throws -> BondID {
        let preview = try await preview(code: code, for: user)
        if let refusal = preview.refusal { throw Self.problem(for: refusal) }
        let inviteID = try preview.invite.requireID()
        let bondID = try preview.bond.requireID()
        let userID = try user.requireID()
        let now = services.now
        try await db.transaction { tx in
            guard let sql = tx as? any SQLDatabase else { throw Abort(.internalServerError) }
            let claimed = try await sql.raw("""
                UPDATE invites SET used_at = \(bind: now), used_by = \(bind: userID)
                WHERE id = \(bind: inviteID) AND used_at IS NULL AND revoked_at IS NULL AND expires_at > \(bind: now)
                AND EXISTS (SELECT 1 FROM bonds WHERE bonds.id = invites.bond_id AND bonds.ended_at IS NULL)
                RETURNING id
                """).all()
            guard !claimed.isEmpty else { throw Self.problem(for: .used) }
            do {
                try await BondMember(bondID: bondID, userID: userID, slot: 2, now: now).create(on: tx)
            } catch let error as any DatabaseError where error.isConstraintFailure {
                throw Self.problem(for: .bondFull)
            }
        }
        return BondID(bondID)
    }

    static func problem(for refusal: InviteRules.Refusal) -> Problem {
        let (status, code): (HTTPStatus, String) = switch refusal {
        case .ownInvite: (.conflict, "invite-own")
        case .alreadyMember: (.conflict, "already-member")
        case .bondFull: (.conflict, "bond-full")
        case .used: (.gone, "invite-used")
        case .revoked: (.gone, "invite-revoked")
        case .expired: (.gone, "invite-expired")
        case .bondEnded: (.gone, "bond-ended")
        }
        return Problem(status: status, detail: refusal.message, code: code)
    }
}
