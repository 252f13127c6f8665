import Fluent
import KindredCore
import SQLKit
import Vapor

/// Invites into a bond: made by a member of a waiting bond, accepted once, race-free.
struct InviteService: RequestScoped {
    let db: any Database
    let services: KindredServices


    static let emailsPerInvite = 3
    static let emailsPerDay = 10

    static let unknownCode = Problem(
        status: .notFound,
        detail: "This invite link isn't valid. Check you copied all of it, or ask for a new one.",
        code: "invite-unknown"
    )

    /// The link for a code, at the address this server is really reached at.
    static func url(for code: String, base: String) -> String {
        base + SiteURL.join(code: code).path
    }

    /// Sends the invite link by email, with the inviter's own words. The code comes back from
    /// the page that showed it (it is never stored) and must be this person's pending invite.
    func sendByEmail(code rawCode: String, to address: String, message rawMessage: String?, in bondID: BondID, by user: User, base: String) async throws {
        // Someone outside the bond learns nothing about it, not even that an invite failed.
        _ = try await BondService(db: db, services: services).load(bondID, for: user)
        let code = SecureToken.normaliseInviteCode(rawCode)
        guard SecureToken.isWellFormedInviteCode(code),
              let invite = try await Invite.query(on: db).filter(\.$codeHash == Secrets.sha256(code))
                .filter(\.$bond.$id == bondID.rawValue).first(),
              invite.$creator.id == user.id, invite.rules.isPending(now: services.now)
        else { throw Problem(status: .conflict, code: "invite-not-pending", detail: "That invite link no longer works. Make a new one and send that.") }
        var problems: [FieldError] = []
        let email = AccountRules.normaliseEmail(address)
        if let problem = AccountRules.emailProblem(email) { problems.append(FieldError("email", problem)) }
        var message: String?
        if let rawMessage {
            switch TextRules.clean(rawMessage, field: "message", allowed: 0...1000) {
            case .success(let cleaned): message = cleaned.isEmpty ? nil : cleaned
            case .failure(let problem): problems.append(problem)
            }
        }
        guard problems.isEmpty else { throw Problem.invalid(problems) }
        guard let mail = services.delivery.mail, let from = services.configuration.mailFromAddress else {
            throw Problem(status: .conflict, code: "email-unavailable", detail: "This Kindred isn't set up to send email. Copy the link and send it yourself.")
        }
        // Kindred sends mail on someone's behalf to an address they typed: a few per invite and
        // a few a day, so it can never be used to write to strangers at will.
        let userID = try user.requireID(), inviteID = try invite.requireID()
        let forInvite = try await InviteEmail.query(on: db).filter(\.$invite.$id == inviteID).count()
        let today = try await InviteEmail.query(on: db).filter(\.$user.$id == userID)
            .filter(\.$createdAt > services.now.addingTimeInterval(-86_400)).count()
        guard forInvite < Self.emailsPerInvite, today < Self.emailsPerDay else {
            throw Problem(status: .tooManyRequests, code: "invite-email-limit",
                          detail: "That's as many invite emails as we can send for you for now. Copy the link and send it yourself.")
        }
        let link = Self.url(for: code, base: base)
        let text = (message.map { "\($0)\n\n" } ?? "\(user.displayName) would like you to join them on Kindred.\n\n")
            + "Join here (the link works once, until \(DateText.dayAndTime(invite.expiresAt, in: "UTC")) UTC):\n\n\(link)\n\n"
            + "--\nYou got this because \(user.displayName) typed your address into Kindred to send you this link. "
            + "Nothing else will come unless they send it again; if you don't want it, just ignore it.\n"
        let outgoing = MailMessage(
            fromAddress: from, fromName: services.configuration.mailFromName, to: email,
            subject: "\(user.displayName) invited you to Kindred", text: text,
            extraHeaders: [MailHeader(name: "Auto-Submitted", value: "auto-generated")],
            messageID: MailMessage.newMessageID(domain: URL(string: base)?.host ?? "localhost"), date: services.now
        )
        let notSent = Problem(status: .badGateway, code: "email-not-sent", detail: "The mail server didn't take the invite. Copy the link and send it yourself.")
        let results: [Result<Void, SMTPError>]
        do {
            results = try await mail.send([outgoing])
        } catch {
            throw notSent
        }
        if case .failure? = results.first { throw notSent }
        try await InviteEmail(inviteID: inviteID, userID: userID, now: services.now).create(on: db)
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
        let bondName: String?
        let inviterName: String
        /// Why it cannot be accepted by this person, if it cannot.
        let refusal: InviteRules.Refusal?
    }

    /// What the holder of a code is being invited to, and whether they can accept.
    func preview(code rawCode: String, for user: User) async throws -> Preview {
        // A professional serves bonds through their own invites and joins none.
        if user.isProfessional { throw ProfessionalService.notForProfessionals }
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
        return Preview(invite: invite, bond: bond, bondName: bond.name(services.cipher), inviterName: inviter?.displayName ?? "Someone", refusal: refusal)
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
