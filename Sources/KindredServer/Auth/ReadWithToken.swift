import Fluent
import KindredCore
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// What a hot API route reads in its bearer token's own statement (issue 15): the bond its path
/// names, or every bond of the person. Authentication and the route's first read are then one
/// round trip instead of two. The rows are only fetched early: `BondService` still decides who
/// may see what from them, exactly as from its own read, and takes them once, so any later
/// read in the request (after a write, say) goes to the database.
enum ReadWithToken: Sendable {
    /// The bond named by the path's `:bondID`, with its members and their accounts.
    case bond
    /// Every bond of the person, each with its members and their accounts.
    case bonds
    /// The bond named by the path's `:bondID` and its days around now: today's whole read
    /// (`TodayRead`), with the token's row as one more branch of its `UNION ALL`.
    case today

    fileprivate static let key = "kindred.readWithToken"

    /// The statement's bond part: `LEFT JOIN`s, so the token's row comes back without a bond too.
    fileprivate static let columns = PrefixedColumns.select(Bond.self, from: "b", as: "b")
        + PrefixedColumns.select(BondMember.self, from: "m", as: "m") + PrefixedColumns.select(User.self, from: "u", as: "u")
}

extension Route {
    /// Marks a route behind `BearerAuthMiddleware` to have `read` fetched with its token.
    @discardableResult
    func readingWithToken(_ read: ReadWithToken) -> Route {
        userInfo[ReadWithToken.key] = read
        return self
    }

    var readWithToken: ReadWithToken? { userInfo[ReadWithToken.key] as? ReadWithToken }
}

/// Bond rows fetched with the token for one person, for `BondService` to take once.
final class FetchedBonds: Sendable {
    typealias Rows = (bond: Bond, members: [(member: BondMember, user: User)])
    let read: ReadWithToken
    let userID: UUID
    /// The bond the path named, for `.bond`.
    let bondID: UUID?
    private let rows: NIOLockedValueBox<[Rows]?>

    init(read: ReadWithToken, userID: UUID, bondID: UUID?, rows: [Rows]) {
        self.read = read
        self.userID = userID
        self.bondID = bondID
        self.rows = NIOLockedValueBox(rows)
    }

    /// The rows, the first time only.
    func take() -> [Rows]? {
        rows.withLockedValue { rows in
            defer { rows = nil }
            return rows
        }
    }

    /// The token lookup (its columns `tokenColumns`, the token's hash `hash`) with the rows for
    /// `read` joined on, or nil when there is nothing to fetch (no bond id in the path).
    static func statement(_ read: ReadWithToken?, bondID: UUID?, tokenColumns: [String], hash: String) -> SQLQueryString? {
        let select = "SELECT " + (tokenColumns + ReadWithToken.columns).joined(separator: ", ")
            + " FROM api_tokens t JOIN users tu ON tu.id = t.user_id "
        switch read {
        case .bond?:
            guard let bondID else { return nil }
            return """
                \(unsafeRaw: select)LEFT JOIN bond_members m ON m.bond_id = \(bind: bondID) LEFT JOIN bonds b ON b.id = m.bond_id \
                LEFT JOIN users u ON u.id = m.user_id WHERE t.token_hash = \(bind: hash) ORDER BY m.slot
                """
        case .bonds?:
            return """
                \(unsafeRaw: select)LEFT JOIN bond_members mine ON mine.user_id = t.user_id LEFT JOIN bonds b ON b.id = mine.bond_id \
                LEFT JOIN bond_members m ON m.bond_id = b.id LEFT JOIN users u ON u.id = m.user_id WHERE t.token_hash = \(bind: hash)
                """
        case .today?, nil:
            return nil
        }
    }

    /// The bonds in rows of bond, member and account columns (prefixed `b`, `m`, `u`: the token's
    /// statement or `BondService`'s own), each once, with its members in the order read.
    static func rows(_ rows: [any SQLRow]) throws -> [Rows] {
        var order: [UUID] = [], bonds: [UUID: Rows] = [:]
        for row in rows where try !row.decodeNil(column: "m_id") {
            let member = try row.model(BondMember.self, prefix: "m")
            let id = member.$bond.id
            if bonds[id] == nil {
                order.append(id)
                bonds[id] = (try row.model(Bond.self, prefix: "b"), [])
            }
            bonds[id]!.members.append((member, try row.model(User.self, prefix: "u")))
        }
        return order.map { bonds[$0]! }
    }
}

/// Today's rows fetched with the token (`ReadWithToken.today`), for `TodayRead` to take once.
final class FetchedToday: Sendable {
    let userID: UUID
    let bondID: UUID
    let days: ClosedRange<LocalDay>
    private let rows: NIOLockedValueBox<[(kind: String, row: any SQLRow)]?>

    init(userID: UUID, bondID: UUID, days: ClosedRange<LocalDay>, rows: [(kind: String, row: any SQLRow)]) {
        self.userID = userID
        self.bondID = bondID
        self.days = days
        self.rows = NIOLockedValueBox(rows)
    }

    /// The rows, the first time only.
    func take() -> [(kind: String, row: any SQLRow)]? {
        rows.withLockedValue { rows in
            defer { rows = nil }
            return rows
        }
    }
}

extension TodayRead {
    /// Today's rows for `user` in `bondID`: those fetched with the request's token the first
    /// time, else read now.
    static func read(_ req: Request, _ bondID: BondID, for user: User) async throws -> Rows {
        if let fetched = req.fetchedToday, fetched.bondID == bondID.rawValue, fetched.userID == user.id, let rows = fetched.take() {
            return try TodayRead(req).rows(rows, days: fetched.days, bondID, for: user)
        }
        return try await TodayRead(req).read(bondID, for: user)
    }
}

extension Request {
    private struct FetchedTodayKey: StorageKey { typealias Value = FetchedToday }

    /// Set by `BearerAuthMiddleware` on routes marked `readingWithToken(.today)`.
    var fetchedToday: FetchedToday? {
        get { storage[FetchedTodayKey.self] }
        set { storage[FetchedTodayKey.self] = newValue }
    }

    private struct FetchedBondsKey: StorageKey { typealias Value = FetchedBonds }

    /// Set by `BearerAuthMiddleware` on routes marked `readingWithToken`.
    var fetchedBonds: FetchedBonds? {
        get { storage[FetchedBondsKey.self] }
        set { storage[FetchedBondsKey.self] = newValue }
    }
}
