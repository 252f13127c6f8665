import Fluent
import KindredCore
import SQLKit
import Vapor

/// A therapist or counsellor serving a bond (issue 14): a member invites them, they accept,
/// and access opens only once both members consent, to what both chose. Every decision is
/// `ProfessionalAccess`'s; this loads, stores and logs.
struct ProfessionalService: RequestScoped {
    let db: any Database
    let services: KindredServices

    static let notForProfessionals = Problem(
        status: .forbidden, detail: "A professional account serves bonds and doesn't take part in them. To practise with someone, make a member account.",
        code: "professional-account"
    )
    static let onlyProfessionals = Problem(
        status: .forbidden, detail: "This is for professional accounts: a therapist or counsellor a bond has invited.", code: "not-a-professional"
    )
    static let unknownCode = Problem(
        status: .notFound, detail: "This invite link isn't valid. Check you copied all of it, or ask for a new one.", code: "invite-unknown"
    )
    static let noSuchProfessional = Problem.notFound("No professional with that id serves this bond.")
    static let noSuchBond = Problem.notFound("You serve no bond with that id.")

    static func url(for code: String, base: String) -> String { base + SiteURL.professionalJoin(code: code).path }

    // MARK: - Inviting (members)

    /// A new single-use link for a professional; the code is returned once and never stored.
    func invite(in loaded: BondService.Loaded, by user: User) async throws -> (code: String, invite: ProfessionalInvite) {
        try loaded.requireActive(waitingDetail: "A professional needs you both: invite the other person to the bond first.")
        let code = SecureToken.inviteCode()
        let invite = ProfessionalInvite(bondID: loaded.bond.id!, createdBy: try user.requireID(), codeHash: Secrets.sha256(code), now: services.now)
        try await invite.create(on: db)
        return (code, invite)
    }

    /// Links not yet used, withdrawn or expired, newest first.
    func pendingInvites(in loaded: BondService.Loaded) async throws -> [ProfessionalInvite] {
        try await ProfessionalInvite.query(on: db).filter(\.$bond.$id == loaded.bond.id!)
            .filter(\.$usedAt == nil).filter(\.$revokedAt == nil).filter(\.$expiresAt > services.now)
            .sort(\.$createdAt, .descending).all()
    }

    /// Either member may withdraw a pending link: a professional comes in only with both.
    func revoke(_ id: UUID, in loaded: BondService.Loaded) async throws {
        guard let invite = try await ProfessionalInvite.query(on: db).filter(\.$id == id).filter(\.$bond.$id == loaded.bond.id!).first() else {
            throw Problem.notFound("There is no such invite in this bond.")
        }
        let notPending = Problem(status: .conflict, detail: "Only a link that hasn't been used can be withdrawn.", code: "invite-not-pending")
        guard invite.isPending, invite.expiresAt > services.now, let sql = db as? any SQLDatabase else { throw notPending }
        // Conditional, so a withdrawal that loses a race with an accept says so rather than 204.
        let now = services.now
        let withdrawn = try await sql.raw("""
            UPDATE professional_invites SET revoked_at = \(bind: now)
            WHERE id = \(bind: id) AND used_at IS NULL AND revoked_at IS NULL AND expires_at > \(bind: now) RETURNING id
            """).all()
        guard !withdrawn.isEmpty else { throw notPending }
    }

    // MARK: - Accepting (professionals)

    struct Preview {
        let invite: ProfessionalInvite
        let inviterName: String
        let kind: BondKind
        /// Why this person cannot accept it, if they cannot.
        let refusal: Problem?
    }

    func preview(code rawCode: String, for user: User) async throws -> Preview {
        let code = SecureToken.normaliseInviteCode(rawCode)
        guard SecureToken.isWellFormedInviteCode(code),
              let invite = try await ProfessionalInvite.query(on: db).filter(\.$codeHash == Secrets.sha256(code)).first(),
              let bond = try await Bond.find(invite.$bond.id, on: db)
        else { throw Self.unknownCode }
        let inviter = try await User.find(invite.$creator.id, on: db)
        var refusal: Problem?
        if !user.isProfessional {
            refusal = Self.onlyProfessionals
        } else if invite.usedAt != nil {
            refusal = Problem(status: .gone, detail: "This invite link has already been used.", code: "invite-used")
        } else if invite.revokedAt != nil {
            refusal = Problem(status: .gone, detail: "This invite link was withdrawn.", code: "invite-revoked")
        } else if invite.expiresAt <= services.now {
            refusal = Problem(status: .gone, detail: "This invite link has expired. Ask for a new one.", code: "invite-expired")
        } else if bond.endedAt != nil {
            refusal = Problem(status: .gone, detail: "This bond has ended.", code: "bond-ended")
        } else if try await activeLink(bondID: bond.id!, professionalID: user.id!) != nil {
            refusal = Problem(status: .conflict, detail: "You already serve this bond.", code: "already-serving")
        }
        return Preview(invite: invite, inviterName: ProfessionalAccess.firstName(inviter?.displayName ?? "Someone"), kind: bond.kind, refusal: refusal)
    }

    /// Starts serving the invite's bond: once, however many accept at the same moment.
    func accept(code: String, by user: User) async throws -> BondID {
        let preview = try await preview(code: code, for: user)
        if let refusal = preview.refusal { throw refusal }
        let inviteID = try preview.invite.requireID(), bondID = preview.invite.$bond.id, userID = try user.requireID()
        let isMember = try await BondMember.query(on: db).filter(\.$bond.$id == bondID).filter(\.$user.$id == userID).first() != nil
        guard ProfessionalAccess.mayServe(professionalIsMember: isMember, professionalAccount: user.isProfessional) else { throw Self.notForProfessionals }
        let now = services.now
        try await db.transaction { tx in
            guard let sql = tx as? any SQLDatabase else { throw Abort(.internalServerError) }
            let claimed = try await sql.raw("""
                UPDATE professional_invites SET used_at = \(bind: now), used_by = \(bind: userID)
                WHERE id = \(bind: inviteID) AND used_at IS NULL AND revoked_at IS NULL AND expires_at > \(bind: now)
                AND EXISTS (SELECT 1 FROM bonds WHERE bonds.id = professional_invites.bond_id AND bonds.ended_at IS NULL)
                RETURNING id
                """).all()
            guard !claimed.isEmpty else { throw Problem(status: .gone, detail: "This invite link has already been used.", code: "invite-used") }
            try await tx.lockRow(of: .bonds, id: bondID)
            guard try await activeLink(bondID: bondID, professionalID: userID, on: tx) == nil else {
                throw Problem(status: .conflict, detail: "You already serve this bond.", code: "already-serving")
            }
            try await ProfessionalLink(bondID: bondID, professional: user, now: now).create(on: tx)
        }
        return BondID(bondID)
    }

    private func activeLink(bondID: UUID, professionalID: UUID, on database: (any Database)? = nil) async throws -> ProfessionalLink? {
        try await ProfessionalLink.query(on: database ?? db).filter(\.$bond.$id == bondID)
            .filter(\.$professional.$id == professionalID).filter(\.$endedAt == nil).first()
    }

    // MARK: - Where access stands

    /// A link as one member sees it.
    struct LinkView {
        let link: ProfessionalLink
        /// Nil once the professional deleted their account (the link then shows as ended).
        let professional: User?
        let state: ProfessionalAccess.State
        /// What this member chose (nil: not consented).
        let yourScopes: Set<ProfessionalAccess.Scope>?
        let otherConsented: Bool
        /// When access ended (a withdrawal or the bond ending); never who ended it.
        let endedAt: Date?
    }

    private func consents(of links: [ProfessionalLink]) async throws -> [UUID: [UUID: ProfessionalConsent]] {
        guard !links.isEmpty else { return [:] }
        let rows = try await ProfessionalConsent.query(on: db).filter(\.$link.$id ~~ links.map { $0.id! }).all()
        return Dictionary(grouping: rows, by: { $0.$link.id }).mapValues { Dictionary(uniqueKeysWithValues: $0.map { ($0.$user.id, $0) }) }
    }

    static func state(of link: ProfessionalLink, bond: Bond, memberIDs: [UUID], consents: [UUID: ProfessionalConsent]) -> ProfessionalAccess.State {
        let chosen = memberIDs.map { consents[$0]?.scopes }
        return ProfessionalAccess.state(
            accepted: true,
            consents: .init(first: chosen.first ?? nil, second: chosen.count > 1 ? chosen[1] : nil),
            bondEnded: bond.endedAt != nil || memberIDs.count < 2, withdrawn: link.endedAt != nil || link.$professional.id == nil
        )
    }

    /// Every professional who serves or served the bond, newest first.
    func links(in loaded: BondService.Loaded, for user: User) async throws -> [LinkView] {
        let links = try await ProfessionalLink.query(on: db).filter(\.$bond.$id == loaded.bond.id!).with(\.$professional)
            .sort(\.$acceptedAt, .descending).all()
        let consents = try await consents(of: links)
        let memberIDs = loaded.members.map { $0.user.id! }
        return links.map { link in
            let mine = consents[link.id!] ?? [:]
            return LinkView(
                link: link, professional: link.professional,
                state: Self.state(of: link, bond: loaded.bond, memberIDs: memberIDs, consents: mine),
                yourScopes: mine[user.id!]?.scopes, otherConsented: mine.keys.contains { $0 != user.id! },
                endedAt: link.endedAt ?? loaded.bond.endedAt
            )
        }
    }

    /// Gives (or changes) this member's consent, or withdraws it, which ends access at once and
    /// for good; the other member learns only that it ended.
    func consent(in loaded: BondService.Loaded, by user: User, professionalID: UUID, scopes: Set<ProfessionalAccess.Scope>, consent: Bool) async throws -> LinkView {
        guard let link = try await activeLink(bondID: loaded.bond.id!, professionalID: professionalID) else { throw Self.noSuchProfessional }
        if consent { try loaded.requireActive(waitingDetail: "Consent needs both of you in the bond.") }
        let now = services.now, userID = try user.requireID(), linkID = link.id!
        try await db.transaction { tx in
            try await tx.lockRow(of: .bonds, id: loaded.bond.id!)
            guard let current = try await ProfessionalLink.query(on: tx).filter(\.$id == linkID).filter(\.$endedAt == nil).first() else {
                throw Self.noSuchProfessional
            }
            guard consent else {
                current.endedAt = now
                try await current.update(on: tx)
                return
            }
            if let existing = try await ProfessionalConsent.query(on: tx).filter(\.$link.$id == linkID).filter(\.$user.$id == userID).first() {
                existing.scopes = scopes
                existing.updatedAt = now
                try await existing.update(on: tx)
            } else {
                try await ProfessionalConsent(linkID: linkID, userID: userID, scopes: scopes, now: now).create(on: tx)
            }
        }
        guard let view = try await links(in: loaded, for: user).first(where: { $0.link.id == linkID }) else { throw Self.noSuchProfessional }
        return view
    }

    /// Newest first, a page at a time (one row more than the page, to know if there is another):
    /// every view stays readable, however many there are.
    func accessLog(in loaded: BondService.Loaded, paging: Paging) async throws -> [ProfessionalAccessEntry] {
        try await paging.apply(ProfessionalAccessEntry.query(on: db).filter(\.$bond.$id == loaded.bond.id!)
            .sort(\.$viewedAt, .descending).sort(\.$id)).all()
    }

    // MARK: - The professional's side

    struct Served {
        let link: ProfessionalLink
        let bond: Bond
        /// First names only, in member order.
        let names: [String]
        let state: ProfessionalAccess.State
    }

    func requireProfessional(_ user: User) throws {
        guard user.isProfessional else { throw Self.onlyProfessionals }
    }

    /// Every bond this professional serves or served (or just `only`), newest first, one row per
    /// bond: the latest link.
    func served(by user: User, only bondID: BondID? = nil) async throws -> [Served] {
        try requireProfessional(user)
        var query = ProfessionalLink.query(on: db).filter(\.$professional.$id == user.id!)
        if let bondID { query = query.filter(\.$bond.$id == bondID.rawValue) }
        let links = try await query.with(\.$bond).sort(\.$acceptedAt, .descending).all()
        var seen = Set<UUID>()
        let latest = links.filter { seen.insert($0.$bond.id).inserted }
        guard !latest.isEmpty else { return [] }
        let members = try await BondMember.query(on: db).filter(\.$bond.$id ~~ latest.map { $0.$bond.id })
            .join(User.self, on: \BondMember.$user.$id == \User.$id).sort(\.$slot).all()
        let byBond = Dictionary(grouping: members, by: { $0.$bond.id })
        let consents = try await consents(of: latest)
        return try latest.map { link in
            let rows = byBond[link.$bond.id] ?? []
            let users = try rows.map { try $0.joined(User.self) }
            let state = Self.state(of: link, bond: link.bond, memberIDs: users.map { $0.id! }, consents: consents[link.id!] ?? [:])
            // Names only while both consent: before, the second member has agreed to nothing;
            // after, they have taken it back.
            let open = if case .open = state { true } else { false }
            return Served(link: link, bond: link.bond, names: open ? users.map { ProfessionalAccess.firstName($0.displayName) } : [], state: state)
        }
    }

    /// One bond's summary since `since`, written to the bond's access log. 404 for a bond this
    /// professional never served; 403 while access is not open. Read under the bond's lock, the
    /// one consent and withdrawal take, so a summary never goes out after access ended.
    func summary(of bondID: BondID, for user: User, since: Date?) async throws -> (served: Served, summary: ProfessionalSummary.Summary, since: Date) {
        let now = services.now
        let from = since ?? now.addingTimeInterval(-28 * 86_400)
        return try await db.transaction { tx in
            try requireProfessional(user)
            // Only a bond they serve is locked; then where access stands is read under the lock.
            guard try await ProfessionalLink.query(on: tx).filter(\.$professional.$id == user.id!)
                .filter(\.$bond.$id == bondID.rawValue).first() != nil else { throw Self.noSuchBond }
            try await tx.lockRow(of: .bonds, id: bondID.rawValue)
            guard let served = try await ProfessionalService(db: tx, services: services).served(by: user, only: bondID).first else { throw Self.noSuchBond }
            guard case .open(let scopes) = served.state else {
                let detail = served.state == .ended ? "Access to this bond has ended." : "Access opens once both members have consented."
                throw Problem(status: .forbidden, detail: detail, code: "summary-closed")
            }
            let input = try await SummaryLoader(db: tx, services: services).input(for: served.bond, state: served.state, since: from)
            guard let summary = ProfessionalSummary.build(input) else { throw Problem(status: .forbidden, detail: "Access opens once both members have consented.", code: "summary-closed") }
            try await ProfessionalAccessEntry(bondID: bondID.rawValue, professionalName: user.displayName, scopes: scopes, now: now).create(on: tx)
            return (served, summary, from)
        }
    }
}
