import XCTVapor
@testable import KindredServer

/// Database round trips of the hot endpoints (issue 15), counted per request: `GET today`
/// must make at most 2 (it makes 1: authentication, the bond, its members and the day in one
/// statement); the others are held at today's counts, so nothing grows unnoticed.
final class RoundTripsTests: XCTestCase {
    func testTheHotReadsStayWithinTheirRoundTrips() async throws {
        try await withApp { app, _ in
            let counter = QueryCounter()
            app.middleware.use(counter)
            let (ana, ben, bondID) = try await app.pair(kind: "romantic")
            _ = try await app.send(.PUT, "/api/v1/bonds/\(bondID)/today/answer", json: ["text": "Round trips"], token: ana.token)
            _ = try await app.send(.PUT, "/api/v1/bonds/\(bondID)/today/answer", json: ["text": "Counted"], token: ben.token)
            let ceilings: [(String, Int)] = [
                ("/api/v1/bonds/\(bondID)/today", Self.ceiling["today"]!), ("/api/v1/bonds/\(bondID)", Self.ceiling["bond"]!),
                ("/api/v1/bonds", Self.ceiling["bonds"]!), ("/api/v1/me", Self.ceiling["me"]!),
                ("/api/v1/bonds/\(bondID)/dashboard", Self.ceiling["dashboard"]!),
                // Looked at again with nothing changed: the kept cards, without the results.
                ("/api/v1/bonds/\(bondID)/dashboard", Self.ceiling["dashboard again"]!),
            ]
            var report: [String] = []
            for (path, ceiling) in ceilings {
                counter.reset()
                let response = try await app.send(.GET, path, token: ana.token)
                XCTAssertEqual(response.status, .ok, path)
                let made = counter.count("GET \(path)")
                report.append("\(path.replacingOccurrences(of: bondID, with: ":bondID")): \(made)")
                XCTAssertGreaterThan(made, 0, "the counter sees \(path)'s queries")
                XCTAssertLessThanOrEqual(made, ceiling, "\(path) makes \(made) round trips: \(counter.queries("GET \(path)").map { $0.prefix(90) })")
            }
            // A write: changing your answer before the other member has answered (the bench's PUT).
            let (cal, _, other) = try await app.pair()
            _ = try await app.send(.PUT, "/api/v1/bonds/\(other)/today/answer", json: ["text": "First thought"], token: cal.token)
            counter.reset()
            let put = "/api/v1/bonds/\(other)/today/answer"
            let changed = try await app.send(.PUT, put, json: ["text": "Second thought"], token: cal.token)
            XCTAssertEqual(changed.status, .ok, changed.body)
            XCTAssertEqual(((changed.json["today"] as? [String: Any])?["yourAnswer"] as? [String: Any])?["text"] as? String, "Second thought", changed.body)
            let writes = counter.count("PUT \(put)")
            report.append("PUT answer: \(writes)")
            XCTAssertLessThanOrEqual(writes, Self.ceiling["answer"]!, "PUT answer makes \(writes) round trips: \(counter.queries("PUT \(put)").map { $0.prefix(90) })")
            print("Round trips per request: " + report.joined(separator: ", "))
        }
    }

    /// Statements sent, as counted on 1 December 2026. `GET today` and `PUT answer` look the
    /// token up in today's own statement (`ReadWithToken.today`). On SQLite what runs inside a
    /// transaction logs to its connection's own logger and is not seen: for `answer`, 1 is
    /// counted there (the token with today's read; the group commit's transaction is not
    /// seen), and on PostgreSQL all 6 (the token with the read, BEGIN, the day's lock, its
    /// question with its answers, the write, COMMIT). The response folds the write into the rows
    /// read before it, so nothing is read back. `bond`, `bonds` and the dashboard read their
    /// bonds in the token's statement (`ReadWithToken`); the dashboard is built once (that and
    /// its results) and then kept under the bond's measure version (`DashboardCards`).
    static let ceiling = ["today": 1, "bond": 1, "bonds": 1, "me": 1, "dashboard": 2, "dashboard again": 1,
                          "answer": TestDatabase.isPostgres ? 6 : 1]
}
