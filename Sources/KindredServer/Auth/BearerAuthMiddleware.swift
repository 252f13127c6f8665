import Fluent
import KindredCore
import SQLKit
import Vapor

/// API authentication: `Authorization: Bearer <token>`. Cookies are ignored under
/// `/api`, so no API call can be forged from another site's page.
struct BearerAuthMiddleware: AsyncMiddleware {
    private static let tokenColumns = PrefixedColumns.select(APIToken.self, from: "t", as: "t") + PrefixedColumns.select(User.self, from: "tu", as: "tu")
    private static let lookup = "SELECT " + tokenColumns.joined(separator: ", ") + " FROM api_tokens t JOIN users tu ON tu.id = t.user_id WHERE t.token_hash ="

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let bearer = request.headers.bearerAuthorization else { throw Problem.unauthorized() }
        guard let sql = request.db as? any SQLDatabase else { throw Abort(.internalServerError) }
        // Every API request starts here: one statement written once, read field by field; on a
        // route marked `readingWithToken`, the same statement brings its bond rows too.
        let hash = Secrets.sha256(bearer.token), read = request.route?.readWithToken, now = request.kindred.now
        let bondID = read == .bond || read == .today ? request.parameters.get("bondID").flatMap(UUID.init(uuidString:)) : nil
        // Today's whole read, with the token's row as one more kind ("t") among its rows.
        let days = TodayRead.possibleDays(at: now), positional = sql.dialect.name == "sqlite"
        let today = read == .today ? bondID.map { TodayRead.query($0, days: days, positional: positional, tokenHash: hash) } : nil
        let rows: [any SQLRow], fetching = today ?? FetchedBonds.statement(read, bondID: bondID, tokenColumns: Self.tokenColumns, hash: hash)
        if let fetching {
            rows = try await sql.raw(fetching).all()
        } else {
            rows = try await sql.raw("\(unsafeRaw: Self.lookup) \(bind: hash)").first().map { [$0] } ?? []
        }
        let todayRows = today == nil ? nil : try TodayRead.kinds(of: rows, positional: positional)
        // Today's statement brings the token as its "t" row; none means no such token, never a bond's row.
        let tokenRow = if let todayRows { todayRows.first { $0.kind == "t" }?.row } else { rows.first }
        guard let row = tokenRow else {
            throw Problem.unauthorized("That token is not valid. It may have been revoked; create a new one.")
        }
        let token = try row.model(APIToken.self, prefix: "t")
        let user = try row.model(User.self, prefix: "tu")
        switch request.kindred.tokenPolicy.state(lastUsedAt: token.lastUsedAt, createdAt: token.createdAt, expiresAt: token.expiresAt, now: now) {
        case .expired:
            try await token.delete(on: request.db)
            throw Problem.unauthorized(
                "That token ended after \(token.idleDays) day\(token.idleDays == 1 ? "" : "s") without use. Create a new one."
            )
        case .valid(let needsTouch):
            if needsTouch {
                // A query, not a save: only these two columns, and no lost update if two
                // requests touch at once (both write the same kind of value).
                let expiresAt = TokenPolicy.expiry(after: now, idleDays: token.idleDays)
                try await APIToken.query(on: request.db).filter(\.$id == token.requireID())
                    .set(\.$lastUsedAt, to: now).set(\.$expiresAt, to: expiresAt).update()
                token.lastUsedAt = now
                token.expiresAt = expiresAt
            }
        }
        request.apiToken = token
        request.currentUser = user
        if let todayRows, let bondID {
            request.fetchedToday = FetchedToday(userID: try user.requireID(), bondID: bondID, days: days, rows: todayRows)
        } else if let read, fetching != nil {
            request.fetchedBonds = FetchedBonds(read: read, userID: try user.requireID(), bondID: bondID, rows: try FetchedBonds.rows(rows))
        }
        return try await next.respond(to: request)
    }
}
