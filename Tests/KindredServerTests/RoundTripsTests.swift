import XCTVapor
@testable import KindredServer

/// Database round trips of the hot reads (issue 15), counted per request. The goal is 2 for
/// `GET today` (authentication, membership and the day in one); until the SQL layer gets
/// there, these ceilings are today's counts, so nothing grows unnoticed.
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
            ]
            var report: [String] = []
            for (path, ceiling) in ceilings {
                counter.reset()
                let response = try await app.send(.GET, path, token: ana.token)
                XCTAssertEqual(response.status, .ok, path)
                let made = counter.count("GET \(path)")
                report.append("\(path.replacingOccurrences(of: bondID, with: ":bondID")): \(made)")
                XCTAssertGreaterThan(made, 0, "the counter sees \(path)'s queries")
                XCTAssertLessThanOrEqual(made, ceiling, "\(path) makes \(made) round trips: \(counter.queries("GET \(path)"))")
            }
            print("Round trips per request: " + report.joined(separator: ", "))
        }
    }

    /// Counted on 30 November 2026 on SQLite (PostgreSQL stays within them); the goal for `GET today` is 2.
    static let ceiling = ["today": 2, "bond": 2, "bonds": 4, "me": 1, "dashboard": 7]
}
