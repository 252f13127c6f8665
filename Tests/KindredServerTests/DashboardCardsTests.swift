import Fluent
import XCTVapor
@testable import KindredServer
import KindredCore

/// A bond's dashboard is built once and kept under the bond's measure version (issue 15).
/// Every change to a result must reach the very next look, from either member's side,
/// whether it went through this node or straight to the database (as another node's would).
final class DashboardCardsTests: XCTestCase {
    let lowEIS = ["eis1": 1, "eis2": 2, "eis3": 1, "eis4": 2, "eis5": 1]
    let highEIS = ["eis1": 5, "eis2": 5, "eis3": 5, "eis4": 4, "eis5": 5]

    func take(_ app: Application, _ person: APIPerson, bond: String, answers: [String: Int],
              mode: String = "self", share: Bool = false) async throws -> String {
        var body: [String: Any] = ["instrument": "eis", "answers": answers, "mode": mode]
        if mode == "self" { body["share"] = share }
        let response = try await app.send(.POST, "/api/v1/bonds/\(bond)/assessments", json: body, token: person.token)
        XCTAssertEqual(response.status, .created, response.body)
        return try XCTUnwrap(response.json["id"] as? String)
    }

    func dashboard(_ app: Application, _ person: APIPerson, _ bond: String) async throws -> TestResponse {
        let response = try await app.send(.GET, "/api/v1/bonds/\(bond)/dashboard", token: person.token)
        XCTAssertEqual(response.status, .ok, response.body)
        return response
    }

    func eisCard(_ response: TestResponse) -> [String: Any]? {
        (response.json["measures"] as? [[String: Any]])?.first { ($0["instrument"] as? [String: Any])?["key"] as? String == "eis" }
    }

    /// Dashboards served from kept cards, as `/metrics` counts them.
    func kept(_ app: Application) async throws -> Int {
        let metrics = try await app.send(.GET, "/metrics", token: MetricsTests.token)
        XCTAssertEqual(metrics.status, .ok)
        let line = metrics.body.split(separator: "\n").first { $0.hasPrefix(#"kindred_dashboards_total{cards="kept"} "#) }
        return Int(line?.split(separator: " ").last ?? "0") ?? -1
    }

    func version(_ app: Application, _ bond: String) async throws -> Int? {
        try await Bond.find(UUID(uuidString: bond), on: app.db)?.measureVersion
    }

    func testASecondLookIsTheSameAndReadsNoResults() async throws {
        try await withApp({ $0.metricsToken = MetricsTests.token }) { app, _ in
            let counter = QueryCounter()
            app.middleware.use(counter)
            let (ana, ben, bond) = try await app.pair(kind: "romantic")
            _ = try await take(app, ana, bond: bond, answers: lowEIS, share: true)
            _ = try await take(app, ben, bond: bond, answers: highEIS, share: true)
            let path = "GET /api/v1/bonds/\(bond)/dashboard"
            counter.reset()
            let first = try await dashboard(app, ana, bond)
            let built = counter.queries(path)
            XCTAssertTrue(built.contains { $0.contains("assessments") }, "the first look reads the results")
            counter.reset()
            let second = try await dashboard(app, ana, bond)
            XCTAssertEqual(second.body, first.body)
            XCTAssertEqual(second.headers.first(name: .contentType), first.headers.first(name: .contentType))
            XCTAssertEqual(first.headers.first(name: .contentType), "application/json; charset=utf-8")
            XCTAssertFalse(counter.queries(path).contains { $0.contains("assessments") }, "\(counter.queries(path))")
            XCTAssertEqual(counter.count(path), built.count - 1, "\(counter.queries(path).map { $0.suffix(80) })")
            let third = try await dashboard(app, ana, bond)
            XCTAssertEqual(third.body, first.body, "the bytes sent before, sent again")
            let keptLooks = try await kept(app)
            XCTAssertEqual(keptLooks, 2)
            XCTAssertNotNil(eisCard(second)?["comparison"] as? [String: Any], "both shared: the comparison is there")
            // The other member's dashboard is their own, never the first one's card.
            let bens = try await dashboard(app, ben, bond)
            XCTAssertEqual((eisCard(bens)?["latest"] as? [String: Any])?["total"] as? Double, 24)
            XCTAssertEqual((eisCard(second)?["latest"] as? [String: Any])?["total"] as? Double, 7)
        }
    }

    func testUnsharingReachesTheOtherMembersNextLook() async throws {
        try await withApp { app, _ in
            let (ana, ben, bond) = try await app.pair()
            let id = try await take(app, ana, bond: bond, answers: lowEIS, share: true)
            let seen = try await dashboard(app, ben, bond)
            XCTAssertEqual((eisCard(seen)?["partnerLatest"] as? [String: Any])?["id"] as? String, id)
            let unshared = try await app.send(.PATCH, "/api/v1/bonds/\(bond)/assessments/\(id)", json: ["shared": false], token: ana.token)
            XCTAssertEqual(unshared.status, .ok)
            for path in ["/api/v1/bonds/\(bond)/dashboard", "/api/v1/bonds/\(bond)/measures/eis"] {
                let after = try await app.send(.GET, path, token: ben.token)
                XCTAssertEqual(after.status, .ok)
                XCTAssertFalse(after.body.lowercased().contains(id.lowercased()), "\(path) still shows the unshared result")
                XCTAssertFalse(after.body.contains("\"total\":7"), path)
            }
            let own = try await dashboard(app, ana, bond)
            XCTAssertEqual((eisCard(own)?["latest"] as? [String: Any])?["id"] as? String, id, "the owner still sees it")
        }
    }

    func testAChangeMadeStraightInTheDatabaseIsSeenAtOnce() async throws {
        try await withApp { app, _ in
            let (ana, ben, bond) = try await app.pair()
            let id = try await take(app, ana, bond: bond, answers: lowEIS, share: true)
            let resultID = try XCTUnwrap(UUID(uuidString: id))
            let taken = try await version(app, bond)
            _ = try await dashboard(app, ben, bond)
            // As another node would: no code of this one runs, only the database's trigger.
            try await Assessment.query(on: app.db).filter(\.$id == resultID).set(\.$shared, to: false).update()
            let unshared = try await version(app, bond)
            XCTAssertGreaterThan(try XCTUnwrap(unshared), try XCTUnwrap(taken))
            let hidden = try await dashboard(app, ben, bond)
            XCTAssertNil(eisCard(hidden)?["partnerLatest"] as? [String: Any], hidden.body)

            try await Assessment.query(on: app.db).filter(\.$id == resultID).set(\.$shared, to: true).update()
            let shownAgain = try await dashboard(app, ben, bond)
            XCTAssertNotNil(eisCard(shownAgain)?["partnerLatest"] as? [String: Any])
            try await Assessment.query(on: app.db).filter(\.$id == resultID).delete()
            let deleted = try await version(app, bond)
            XCTAssertGreaterThan(try XCTUnwrap(deleted), try XCTUnwrap(unshared))
            let gone = try await dashboard(app, ben, bond), goneForAna = try await dashboard(app, ana, bond)
            XCTAssertNil(eisCard(gone)?["partnerLatest"] as? [String: Any])
            XCTAssertNil(eisCard(goneForAna)?["latest"] as? [String: Any], "gone for its owner too")
        }
    }

    func testAGuessJudgedLaterShowsOnTheNextLook() async throws {
        try await withApp { app, _ in
            let (ana, ben, bond) = try await app.pair()
            _ = try await take(app, ana, bond: bond, answers: highEIS, mode: "predict")
            let waiting = try await dashboard(app, ana, bond)
            XCTAssertNil(eisCard(waiting)?["yourUnderstanding"] as? [String: Any], "nothing to judge it against yet")
            // Ben's result pins Ana's waiting guess: an update to her row, not a new one of hers.
            _ = try await take(app, ben, bond: bond, answers: highEIS, share: true)
            let judged = try await dashboard(app, ana, bond)
            XCTAssertEqual((eisCard(judged)?["yourUnderstanding"] as? [String: Any])?["understanding"] as? Int, 100, judged.body)
            let bens = try await dashboard(app, ben, bond)
            XCTAssertEqual((eisCard(bens)?["theirUnderstanding"] as? [String: Any])?["understanding"] as? Int, 100)
        }
    }

    func testWhatIsDueMovesWithTheClockOnAKeptDashboard() async throws {
        try await withApp({ $0.metricsToken = MetricsTests.token }) { app, clock in
            let (ana, _, bond) = try await app.pair()
            _ = try await take(app, ana, bond: bond, answers: lowEIS)
            let fresh = try await dashboard(app, ana, bond)
            XCTAssertFalse((fresh.json["due"] as? [String] ?? []).contains("eis"))
            clock.advance(31 * 86_400)
            let later = try await dashboard(app, ana, bond)
            XCTAssertTrue((later.json["due"] as? [String] ?? []).contains("eis"), "monthly again, with no result written")
            XCTAssertEqual(eisCard(later)?["due"] as? Bool, true)
            let keptLooks = try await kept(app)
            XCTAssertEqual(keptLooks, 1, "the same kept cards, read at a later hour")
            // Never taken: due from now, to the second, whichever now it is. Within that second
            // the same bytes go out again; the next second, that second.
            func swlsNextDue(_ response: TestResponse) throws -> Double {
                let swls = (response.json["measures"] as? [[String: Any]])?.first { ($0["instrument"] as? [String: Any])?["key"] as? String == "swls" }
                return try XCTUnwrap(ISO8601DateFormatter().date(from: try XCTUnwrap(swls?["nextDueAt"] as? String))).timeIntervalSince1970
            }
            XCTAssertEqual(try swlsNextDue(later), app.kindred.now.timeIntervalSince1970.rounded(.down))
            clock.advance(0.25)
            let sameSecond = try await dashboard(app, ana, bond)
            XCTAssertEqual(sameSecond.body, later.body)
            clock.advance(1)
            let nextSecond = try await dashboard(app, ana, bond)
            XCTAssertEqual(try swlsNextDue(nextSecond), app.kindred.now.timeIntervalSince1970.rounded(.down))
            XCTAssertEqual(try swlsNextDue(nextSecond), try swlsNextDue(later) + 1, accuracy: 0.001)
        }
    }

    func testLeavingHidesTheirSharesAtOnceAndTheirResultsGoWithTheirAccount() async throws {
        try await withApp { app, _ in
            let (ana, ben, bond) = try await app.pair()
            _ = try await take(app, ben, bond: bond, answers: highEIS, share: true)
            let shared = try await dashboard(app, ana, bond)
            XCTAssertNotNil(eisCard(shared)?["partnerLatest"] as? [String: Any])
            // Leaving changes no result, only the bond's status, which the cards are kept under too.
            let before = try await version(app, bond)
            let left = try await app.send(.POST, "/api/v1/bonds/\(bond)/leave", token: ben.token)
            XCTAssertEqual(left.status, .ok, left.body)
            let ended = try await dashboard(app, ana, bond)
            XCTAssertEqual(ended.json["status"] as? String, "ended")
            XCTAssertNil(eisCard(ended)?["partnerLatest"] as? [String: Any], ended.body)
            XCTAssertEqual(ended.json["due"] as? [String], [])
            let deleted = try await app.send(.DELETE, "/api/v1/me", json: ["password": ben.password], token: ben.token)
            XCTAssertEqual(deleted.status, .noContent)
            let after = try await version(app, bond)
            XCTAssertGreaterThan(try XCTUnwrap(after), try XCTUnwrap(before), "his results went with his account")
        }
    }
}
