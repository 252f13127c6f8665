import Fluent
import Foundation
import KindredCore
import SQLKit
import Vapor

/// `GET today` in one database round trip (issue 15): the bond, its members and their
/// accounts, and everything on the days around now — questions, answers, passes, replies,
/// reactions, and which recent days both answered — in a single `UNION ALL`; through the API,
/// with the bearer token and its account as one more branch (`ReadWithToken.today`).
///
/// The bond's day is worked out from the bond's clock, which comes back in the same
/// statement, so the read covers the days the bond's day is almost always on at this instant:
/// the UTC date −2…+1 (zones run from −12 to +14 hours). A bond whose clock has drifted
/// further (each move of its turnover can stretch a day to about 36 hours) falls outside it:
/// `TodayService.view(of:from:for:)` says when the rows cannot answer (no question yet, or a
/// day outside them), and the caller takes the ordinary path, correct but slower.
struct TodayRead: RequestScoped {
    let db: any Database
    let services: KindredServices

    /// The rows one read brings back. The partner's answer is here sealed, as in any read:
    /// `TodayService` opens it only for a revealed day.
    struct Rows {
        let loaded: BondService.Loaded
        /// The days the questions, answers, passes, replies and reactions cover.
        let days: ClosedRange<LocalDay>
        let questions: [DailyQuestion]
        let answers: [DailyAnswer]
        let passes: [DailyPass]
        let replies: [DailyReply]
        let reactions: [ReactionRow]
        /// Days both answered, from `consistencyWindow - 1` days before `days` to its end.
        let mutualDays: Set<LocalDay>

        func consistency(today: LocalDay) -> Consistency {
            Consistency.over(window: TodayRead.consistencyWindow, mutualDays: mutualDays, today: today)
        }

        /// These rows as `user`'s answer left them (`TodayService.write`), so the answer's
        /// response needs no second read: the day's question and answers as read inside the
        /// write, their pass gone if the answer replaced it, the day mutual once both answered.
        func after(_ written: TodayService.AnswerWrite, by userID: UUID) -> Rows? {
            let key = written.day.description
            guard days.contains(written.day), let question = written.question else { return nil }
            let both = Set(written.answers.map { $0.$user.id }).count == 2
            return Rows(loaded: loaded, days: days, questions: questions.filter { $0.day != key } + [question],
                        answers: answers.filter { $0.day != key } + written.answers,
                        passes: written.passDropped ? passes.filter { $0.day != key || $0.$user.id != userID } : passes,
                        replies: replies, reactions: reactions, mutualDays: both ? mutualDays.union([written.day]) : mutualDays)
        }
    }

    static let consistencyWindow = 10

    /// The days the bond's day can be on at `instant`, wherever its members live.
    static func possibleDays(at instant: Date) -> ClosedRange<LocalDay> {
        let utc = LocalDay(instant, inZone: "UTC")
        return utc.adding(days: -2)...utc.adding(days: 1)
    }

    func read(_ bondID: BondID, for user: User) async throws -> Rows {
        guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
        let days = Self.possibleDays(at: services.now)
        let positional = sql.dialect.name == "sqlite"
        let rows = try await sql.raw(Self.query(bondID.rawValue, days: days, positional: positional)).all()
        return try self.rows(try Self.kinds(of: rows, positional: positional), days: days, bondID, for: user)
    }

    /// Each row of the statement with its kind, read under the models' names.
    static func kinds(of rows: [any SQLRow], positional: Bool) throws -> [(kind: String, row: any SQLRow)] {
        try rows.map { read in
            let kind = try read.decode(column: "kind", as: String.self)
            return (kind, positional ? PositionalRow(row: read, names: positions[kind] ?? [:]) : read)
        }
    }

    /// The statement's rows as `Rows`, who may see what decided for `user` (`BondService`).
    func rows(_ rows: [(kind: String, row: any SQLRow)], days: ClosedRange<LocalDay>, _ bondID: BondID, for user: User) throws -> Rows {
        var bond: Bond?, members: [(member: BondMember, user: User)] = []
        var questions: [DailyQuestion] = [], answers: [DailyAnswer] = [], passes: [DailyPass] = []
        var replies: [DailyReply] = [], reactions: [ReactionRow] = [], mutual: Set<LocalDay> = []
        for (kind, row) in rows {
            switch kind {
            case "m":
                if bond == nil { bond = try row.model(Bond.self, prefix: "b") }
                members.append((try row.model(BondMember.self, prefix: "m"), try row.model(User.self, prefix: "u")))
            case "q": questions.append(try row.model(DailyQuestion.self, prefix: "q"))
            case "a": answers.append(try row.model(DailyAnswer.self, prefix: "a"))
            case "p": passes.append(try row.model(DailyPass.self, prefix: "p"))
            case "r": replies.append(try row.model(DailyReply.self, prefix: "r"))
            case "x": reactions.append(try row.model(ReactionRow.self, prefix: "x"))
            case "c": if let day = LocalDay(string: try row.decode(column: "c_day", as: String.self)) { mutual.insert(day) }
            default: continue // "t": the bearer token's row, read by `BearerAuthMiddleware`
            }
        }
        members.sort { $0.member.slot < $1.member.slot }
        // Oldest first, as the day shows them; the id settles replies made in one instant.
        replies.sort { ($0.createdAt, $0.id!.uuidString) < ($1.createdAt, $1.id!.uuidString) }
        let loaded = try BondService(db: db, services: services).assemble(bondID, bond: bond, members: members, for: user)
        return Rows(loaded: loaded, days: days, questions: questions, answers: answers, passes: passes,
                    replies: replies, reactions: reactions, mutualDays: mutual)
    }

    // MARK: - The statement

    /// Which tables each kind of row reads, in order; "c" (a mutual day) reads only the day.
    private static let kindTables: [(kind: String, prefixes: [String])] = [
        ("m", ["b", "m", "u"]), ("q", ["q"]), ("a", ["a"]), ("p", ["p"]), ("r", ["r"]), ("x", ["x"]), ("c", []), ("t", tokenPrefixes),
    ]

    /// The token's tables, read only through the API (`ReadWithToken.today`).
    private static let tokenPrefixes = ["t", "tu"]

    /// Each table's columns under its own prefix. In the wide form every branch of the union
    /// lists all of them (NULL where it has none), so one row shape carries every kind. Only
    /// the first branch names them: a compound select's columns take the first branch's
    /// names, and a shorter statement is quicker to parse, which every read pays (nothing
    /// caches it).
    private typealias Part = (prefix: String, table: String, named: [String], plain: [String])
    private static let parts: [Part] = [
        part("b", Bond.self), part("m", BondMember.self), part("u", User.self), part("q", DailyQuestion.self),
        part("a", DailyAnswer.self), part("p", DailyPass.self), part("r", DailyReply.self), part("x", ReactionRow.self),
        part("t", APIToken.self), part("tu", User.self),
    ]

    /// A table aliased by its prefix: its columns as `PrefixedColumns` names them, and again
    /// without names.
    private static func part<M: Model>(_ prefix: String, _ type: M.Type) -> Part {
        (prefix, M.schema, PrefixedColumns.select(M.self, from: prefix, as: prefix), M.keys.map { "\(prefix).\($0.description)" })
    }

    /// PostgreSQL's wide form over `parts`: a first branch that returns no row but types every
    /// column from the tables themselves, whatever NULLs the later branches hold, and each
    /// kind's select list (written once: they are long, and every read sends them). A kind
    /// reading a table not in `parts` has none.
    private static func wideForm(_ parts: [Part]) -> (template: String, selects: [String: String]) {
        func select(_ kind: String, from: [String], day: String) -> String {
            let columns = parts.flatMap { from.contains($0.prefix) ? $0.plain : Array(repeating: "NULL", count: $0.plain.count) }
            return "SELECT '\(kind)', " + columns.joined(separator: ",") + ", \(day)"
        }
        let template = "SELECT '' AS kind, " + parts.flatMap(\.named).joined(separator: ", ") + ", a.day AS c_day FROM "
            + parts.map { "\($0.table) \($0.prefix)" }.joined(separator: ", ") + " WHERE 1 = 0"
        let kinds = kindTables.filter { kind in kind.prefixes.allSatisfy { prefix in parts.contains { $0.prefix == prefix } } }
        return (template, Dictionary(uniqueKeysWithValues: kinds.map { ($0.kind, select($0.kind, from: $0.prefixes, day: $0.kind == "c" ? "day" : "NULL")) }))
    }

    /// Without the token's tables for a read without a token (the web's), so its branches
    /// carry no NULLs for them; with them for `ReadWithToken.today`.
    private static let wide = wideForm(parts.filter { !tokenPrefixes.contains($0.prefix) })
    private static let wideWithToken = wideForm(parts)

    // MARK: SQLite: columns by position

    /// Each kind's columns, qualified (`q.day`) and under the names the models read (`q_day`).
    private static func columns(of kind: String, prefixes: [String]) -> [(column: String, name: String)] {
        guard kind != "c" else { return [("day", "c_day")] }
        return prefixes.flatMap { prefix in parts.first { $0.prefix == prefix }!.plain.map { ($0, $0.replacingOccurrences(of: ".", with: "_")) } }
    }

    /// On SQLite, which gives each value its own type whatever its column, a branch lists only
    /// its own columns, by position (`c0`, `c1`, …), padded with NULLs to the widest branch
    /// (the members', 30 columns) rather than to every table's (86). The statement is a third as
    /// long, and SQLite parses and plans it afresh on every read (SQLiteNIO keeps no prepared
    /// statements): in the profile of `GET today`, preparing the wide form was a fifth of the
    /// server's time. PostgreSQL types each position from its first branch, so there the
    /// wide form stays.
    private static let width = kindTables.map { columns(of: $0.kind, prefixes: $0.prefixes).count }.max()!

    /// Each positional branch's select list; the first names the positions.
    private static let positionalSelects: [String: String] = Dictionary(uniqueKeysWithValues: kindTables.enumerated().map { index, entry in
        let own = columns(of: entry.kind, prefixes: entry.prefixes).map(\.column)
        let padded = own + Array(repeating: "NULL", count: width - own.count)
        let list = index == 0 ? padded.enumerated().map { "\($1) AS c\($0)" } : padded
        return (entry.kind, "SELECT '\(entry.kind)'\(index == 0 ? " AS kind" : ""), " + list.joined(separator: ", "))
    })

    /// For each kind, the name each model reads (`q_day`) → its position's name (`c2`).
    static let positions: [String: [String: String]] = Dictionary(uniqueKeysWithValues: kindTables.map { entry in
        (entry.kind, Dictionary(uniqueKeysWithValues: columns(of: entry.kind, prefixes: entry.prefixes).enumerated().map { ($1.name, "c\($0)") }))
    })

    /// `positional`: SQLite's form; otherwise PostgreSQL's, led by its template (not on SQLite:
    /// parsing and planning its eight-table join was a tenth of every read there).
    /// `tokenHash`: a bearer token's hash, for one more branch that looks it up with its account
    /// (`ReadWithToken.today`).
    static func query(_ bondID: UUID, days: ClosedRange<LocalDay>, positional: Bool, tokenHash: String? = nil) -> SQLQueryString {
        let first = days.lowerBound.description, last = days.upperBound.description
        let since = days.lowerBound.adding(days: -(consistencyWindow - 1)).description
        let wide = tokenHash == nil ? Self.wide : wideWithToken
        let selects = positional ? positionalSelects : wide.selects
        func onDays(_ prefix: String, _ table: String) -> SQLQueryString {
            "\(unsafeRaw: selects[prefix]!) FROM \(unsafeRaw: table) \(unsafeRaw: prefix) WHERE \(unsafeRaw: prefix).bond_id = \(bind: bondID) AND \(unsafeRaw: prefix).day >= \(bind: first) AND \(unsafeRaw: prefix).day <= \(bind: last)"
        }
        let branches: [SQLQueryString] = (positional ? [] : ["\(unsafeRaw: wide.template)"]) + [
            "\(unsafeRaw: selects["m"]!) FROM bond_members m JOIN bonds b ON b.id = m.bond_id JOIN users u ON u.id = m.user_id WHERE m.bond_id = \(bind: bondID)",
            onDays("q", DailyQuestion.schema), onDays("a", DailyAnswer.schema), onDays("p", DailyPass.schema), onDays("r", DailyReply.schema),
            "\(unsafeRaw: selects["x"]!) FROM reactions x WHERE x.bond_id = \(bind: bondID) AND x.target_kind = \(bind: Reaction.Target.day.rawValue) AND x.target_key >= \(bind: first) AND x.target_key <= \(bind: last)",
            // Counted in the database: only the days come back, never the answers themselves.
            "\(unsafeRaw: selects["c"]!) FROM daily_answers WHERE bond_id = \(bind: bondID) AND day >= \(bind: since) AND day <= \(bind: last) GROUP BY day HAVING COUNT(*) = 2",
        ] + (tokenHash.map { hash in
            ["\(unsafeRaw: selects["t"]!) FROM api_tokens t JOIN users tu ON tu.id = t.user_id WHERE t.token_hash = \(bind: hash)"]
        } ?? [])
        return branches.joined(separator: " UNION ALL ")
    }
}
