import Fluent
import KindredCore
import SQLKit
import Vapor

/// Bonds, their members and invites. Every read is scoped to a member: anyone else is
/// told the bond does not exist.
struct BondService: RequestScoped {
    let db: any Database
    let services: KindredServices
    /// Rows fetched with the request's token (`ReadWithToken`): the first read takes them.
    private let fetched: FetchedBonds?

    init(db: any Database, services: KindredServices) {
        self.db = db
        self.services = services
        fetched = nil
    }

    init(_ req: Request) {
        db = req.db
        services = req.kindred
        fetched = req.fetchedBonds
    }

    static let notFound = Problem.notFound("There is no bond here — or you are not in it.")

    /// A bond with its members, as loaded for one viewer.
    struct Loaded {
        let bond: Bond
        let members: [(member: BondMember, user: User)]
        let snapshot: BondSnapshot
        let verdict: BondAccess.Verdict
        /// Opens the name only where a page or answer shows it (most requests never do).
        let cipher: TextCipher
        var name: String? { bond.name(cipher) }
    }

    // MARK: - Reading

    /// The bond if `user` is (or was) one of its members; 404 otherwise.
    func load(_ bondID: BondID, for user: User) async throws -> Loaded {
        let read: [FetchedBonds.Rows]
        if let fetched, fetched.read == .bond, fetched.bondID == bondID.rawValue, fetched.userID == user.id, let rows = fetched.take() {
            read = rows
        } else {
            // The bond, its members and their accounts in one round trip (every bond route starts
            // here). A bond with no member is no one's: no row, so 404 like any other.
            guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
            read = try FetchedBonds.rows(try await sql.raw("""
                \(unsafeRaw: Self.listColumns) FROM bond_members m JOIN bonds b ON b.id = m.bond_id JOIN users u ON u.id = m.user_id
                WHERE m.bond_id = \(bind: bondID.rawValue) ORDER BY m.slot
                """).all())
        }
        return try assemble(bondID, bond: read.first?.bond, members: read.first?.members ?? [], for: user)
    }

    /// The bond as `user` may see it, from rows already read (by `load` or `TodayRead`).
    func assemble(_ bondID: BondID, bond: Bond?, members: [(member: BondMember, user: User)], for user: User) throws -> Loaded {
        guard let bond else { throw Self.notFound }
        let snapshot = BondSnapshot(
            id: bondID, kind: bond.kind, endedAt: bond.endedAt,
            memberIDs: members.map { UserID($0.member.$user.id) }
        )
        let verdict = BondAccess.verdict(for: user.userID, in: snapshot)
        guard verdict != .notFound else { throw Self.notFound }
        return Loaded(bond: bond, members: members, snapshot: snapshot, verdict: verdict, cipher: services.cipher)
    }

    /// Like `load`, but for changes: an ended bond is read-only.
    func loadForChange(_ bondID: BondID, for user: User) async throws -> Loaded {
        let loaded = try await load(bondID, for: user)
        guard loaded.verdict == .member else {
            throw Problem(status: .conflict, detail: "This bond has ended, so nothing in it can change.", code: "bond-ended")
        }
        return loaded
    }

    /// Every bond the person is in or was in: active first, then waiting, then ended.
    /// One round trip whatever the number of bonds: each bond with all its members.
    func list(for user: User) async throws -> [Loaded] {
        let userID = try user.requireID()
        let read: [FetchedBonds.Rows]
        if let fetched, fetched.read == .bonds, fetched.userID == userID, let rows = fetched.take() {
            read = rows
        } else {
            guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
            read = try FetchedBonds.rows(try await sql.raw("""
                \(unsafeRaw: Self.listColumns) FROM bond_members mine JOIN bonds b ON b.id = mine.bond_id
                JOIN bond_members m ON m.bond_id = b.id JOIN users u ON u.id = m.user_id
                WHERE mine.user_id = \(bind: userID)
                """).all())
        }
        let order: [BondStatus: Int] = [.active: 0, .waiting: 1, .ended: 2]
        return read.map { bond, members in
            let members = members.sorted { $0.member.slot < $1.member.slot }
            let snapshot = BondSnapshot(
                id: BondID(bond.id!), kind: bond.kind, endedAt: bond.endedAt,
                memberIDs: members.map { UserID($0.0.$user.id) }
            )
            return Loaded(bond: bond, members: members, snapshot: snapshot, verdict: BondAccess.verdict(for: user.userID, in: snapshot),
                          cipher: services.cipher)
        }
        .sorted { a, b in
            let (x, y) = (order[a.snapshot.status]!, order[b.snapshot.status]!)
            if x != y { return x < y }
            // The id settles ties, so pages of the list never overlap or skip.
            return a.bond.createdAt != b.bond.createdAt ? a.bond.createdAt > b.bond.createdAt : a.bond.id!.uuidString < b.bond.id!.uuidString
        }
    }

    private static let listColumns = "SELECT " + (PrefixedColumns.select(Bond.self, from: "b", as: "b")
        + PrefixedColumns.select(BondMember.self, from: "m", as: "m") + PrefixedColumns.select(User.self, from: "u", as: "u")).joined(separator: ", ")

    // MARK: - Creating and leaving

    func create(kind: String?, name: String?, by user: User) async throws -> Bond {
        if user.isProfessional { throw ProfessionalService.notForProfessionals }
        let problems = BondRules.creationProblems(kind: kind, name: name)
        guard problems.isEmpty, let kind = kind.flatMap(BondKind.init(rawValue:)) else { throw Problem.invalid(problems) }
        let bond = try Bond(kind: kind, name: BondRules.normaliseName(name), cipher: services.cipher, now: services.now)
        let userID = try user.requireID()
        let now = services.now
        try await db.transaction { tx in
            // The person's row lock makes the count and the insert one step, so a burst of
            // requests cannot slip past the limit together.
            try await tx.lockRow(of: .users, id: userID)
            if let refusal = BondRules.startRefusal(waitingBonds: try await Self.waitingBonds(of: userID, on: tx)) {
                throw Problem(status: .conflict, detail: refusal, code: "too-many-waiting-bonds")
            }
            try await bond.create(on: tx)
            try await BondMember(bondID: bond.id!, userID: userID, slot: 1, now: now).create(on: tx)
        }
        return bond
    }

    /// Bonds the person is in that have not ended and still wait for a second member.
    static func waitingBonds(of userID: UUID, on db: any Database) async throws -> Int {
        let mine = try await BondMember.query(on: db).filter(\.$user.$id == userID).all().map { $0.$bond.id }
        guard !mine.isEmpty else { return 0 }
        let open = try await Bond.query(on: db).filter(\.$id ~~ mine).filter(\.$endedAt == nil).all().compactMap(\.id)
        guard !open.isEmpty else { return 0 }
        let members = try await BondMember.query(on: db).filter(\.$bond.$id ~~ open).all()
        let counts = Dictionary(grouping: members, by: { $0.$bond.id }).mapValues(\.count)
        return open.filter { (counts[$0] ?? 0) < 2 }.count
    }

    /// Ends the bond for both members at once and kills its pending invites.
    /// Leaving a bond that has already ended changes nothing.
    func leave(_ bondID: BondID, user: User) async throws {
        _ = try await load(bondID, for: user)
        let now = services.now
        try await db.transaction { tx in
            try await end(bondIDs: [bondID.rawValue], at: now, on: tx)
        }
    }

    /// Ends every bond the person is in; returns their ids (for account deletion).
    func endAllBonds(of user: User) async throws -> [UUID] {
        let bondIDs = try await BondMember.query(on: db).filter(\.$user.$id == user.requireID()).all().map { $0.$bond.id }
        try await end(bondIDs: bondIDs, at: services.now, on: db)
        return bondIDs
    }

    func deleteBondsWithoutMembers(among bondIDs: [UUID]) async throws {
        guard !bondIDs.isEmpty else { return }
        let stillJoined = Set(try await BondMember.query(on: db).filter(\.$bond.$id ~~ bondIDs).all().map { $0.$bond.id })
        let empty = bondIDs.filter { !stillJoined.contains($0) }
        if !empty.isEmpty { try await Bond.query(on: db).filter(\.$id ~~ empty).delete() }
    }

    private func end(bondIDs: [UUID], at now: Date, on db: any Database) async throws {
        guard !bondIDs.isEmpty else { return }
        try await Bond.query(on: db).filter(\.$id ~~ bondIDs).filter(\.$endedAt == nil).set(\.$endedAt, to: now).update()
        try await Invite.query(on: db)
            .filter(\.$bond.$id ~~ bondIDs).filter(\.$usedAt == nil).filter(\.$revokedAt == nil)
            .set(\.$revokedAt, to: now).update()
        // A calendar feed shows a bond's life going on: it ends with the bond.
        try await CalendarFeedLink.query(on: db).filter(\.$bond.$id ~~ bondIDs).delete()
        // Ending the bond ends the matches: marks on needs and desires go with it.
        try await DesireMark.query(on: db).filter(\.$bond.$id ~~ bondIDs).delete()
        // And any professional's access, and any link for one not yet used.
        try await ProfessionalInvite.query(on: db)
            .filter(\.$bond.$id ~~ bondIDs).filter(\.$usedAt == nil).filter(\.$revokedAt == nil)
            .set(\.$revokedAt, to: now).update()
        try await ProfessionalLink.query(on: db).filter(\.$bond.$id ~~ bondIDs).filter(\.$endedAt == nil).set(\.$endedAt, to: now).update()
    }
}

extension BondService.Loaded {
    /// Apart: marked long-distance, or its members live in different zones. Suggestions then
    /// favour what works across a distance.
    var apart: Bool {
        bond.longDistance == true || Set(members.map(\.user.timeZone)).count > 1
    }

    /// Practising needs both people: refuses a waiting bond (saying what to do instead)
    /// and an ended one, with stable codes for clients.
    func requireActive(waitingDetail: String) throws {
        switch snapshot.status {
        case .active: return
        case .ended: throw Problem(status: .conflict, code: "bond-ended", detail: "This bond has ended, so nothing new can be added to it.")
        case .waiting: throw Problem(status: .conflict, code: "bond-waiting", detail: waitingDetail)
        }
    }
}

extension BondService {
    /// Saves the decks and depth the bond's daily question draws from. Either member may
    /// change them while the bond lasts; tomorrow's question follows them (today's stays).
    func saveThemes(decks: [String]?, depth: Int?, in bondID: BondID, by user: User) async throws -> Bond {
        let loaded = try await loadForChange(bondID, for: user)
        let library = services.content.decks
        let problems = BondThemes.problems(decks: decks, depth: depth, library: library, kind: loaded.bond.kind)
        // Decks that exist but hold nothing for this kind of bond clash with the bond, not the form: 409.
        if let clash = problems.first, problems.count == 1, BondThemes.problems(decks: decks, depth: depth, library: library, kind: .romantic).isEmpty {
            throw Problem(status: .conflict, detail: clash.message, fieldErrors: [clash], code: "decks-empty-for-bond")
        }
        guard problems.isEmpty else { throw Problem.invalid(problems) }
        let themes = BondThemes.normalised(decks: decks, depth: depth, library: library)
        loaded.bond.themeDecks = themes.decks?.joined(separator: ",")
        loaded.bond.themeDepth = themes.depth
        try await loaded.bond.update(on: db)
        return loaded.bond
    }
}
