import Fluent
import SQLKit
import XCTVapor
@testable import KindredServer
import KindredCore

/// Needs and desires (romantic bonds only: each sees only mutual matches) and the weekly plan,
/// through the API and from both members' sides.
final class DesiresAndPlanAPITests: XCTestCase {
    private func desires(_ bond: String) -> String { "/api/v1/bonds/\(bond)/desires" }

    func testOnlyMutualMatchesAreShownNeverANoOrAOneSidedYes() async throws {
        try await withApp { app, clock in
            let (ana, ben, bond) = try await app.pair(kind: "romantic")
            let closed = try await app.send(.GET, desires(bond), token: ana.token)
            XCTAssertEqual(closed.json["ageConfirmed"] as? Bool, false)
            XCTAssertEqual((closed.json["items"] as? [Any])?.count, 0)
            let unconfirmed = try await app.send(.PUT, desires(bond), json: ["marks": ["affection-01": "yes"]], token: ana.token)
            XCTAssertEqual(unconfirmed.status, .conflict)
            XCTAssertEqual(unconfirmed.json["code"] as? String, "confirm-age")

            let anas = try await app.send(.PUT, desires(bond), json: ["confirmAdult": true, "marks": [
                "affection-01": "yes", "affection-02": "maybe", "words-01": "no", "time-01": "yes", "sex-01": "yes",
            ]], token: ana.token)
            XCTAssertEqual(anas.status, .ok, anas.body)
            XCTAssertGreaterThanOrEqual((anas.json["items"] as? [Any])?.count ?? 0, 40)
            XCTAssertEqual((anas.json["matches"] as? [Any])?.count, 0, "Ben has marked nothing")
            let bens = try await app.send(.PUT, desires(bond), json: ["confirmAdult": true, "marks": [
                "affection-01": "maybe", "affection-02": "yes", "words-01": "yes", "time-01": "no",
            ]], token: ben.token)
            func matchIDs(_ response: TestResponse) -> [String] {
                (response.json["matches"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            }
            XCTAssertEqual(matchIDs(bens), ["affection-01", "affection-02"])
            XCTAssertNotNil((bens.json["matches"] as? [[String: Any]])?.first?["talk"] as? String)
            // Ben's own marks are his; nothing in his response says what Ana marked on words-01,
            // time-01 or sex-01, nor which of them said maybe.
            let items = bens.json["items"] as? [[String: Any]] ?? []
            XCTAssertEqual(items.first { $0["id"] as? String == "sex-01" }?["yours"] as? String, nil)
            XCTAssertEqual(items.first { $0["id"] as? String == "words-01" }?["yours"] as? String, "yes")
            XCTAssertFalse(bens.body.contains("\"no\"") && !bens.body.contains("\"yours\":\"no\""))
            let anaSees = try await app.send(.GET, desires(bond), token: ana.token)
            XCTAssertEqual(matchIDs(anaSees), ["affection-01", "affection-02"])

            // Saving the same marks again writes nothing (the page sends every item each time).
            let before = try await DesireMark.query(on: app.db).all().map(\.updatedAt)
            clock.advance(60)
            let same = try await app.send(.PUT, desires(bond), json: ["marks": ["affection-01": "maybe", "affection-02": "yes"]], token: ben.token)
            XCTAssertEqual(same.status, .ok)
            let after = try await DesireMark.query(on: app.db).all().map(\.updatedAt)
            XCTAssertEqual(after.sorted(), before.sorted())

            // Un-marking ends the match at once; marking again brings it back.
            let cleared = try await app.send(.PUT, desires(bond), json: ["marks": ["affection-02": NSNull()]], token: ben.token)
            XCTAssertEqual(matchIDs(cleared), ["affection-01"])

            // Marks are sealed, and bound to their item.
            let sql = try XCTUnwrap(app.db as? any SQLDatabase)
            for row in try await sql.raw("SELECT mark AS v FROM desire_marks").all() {
                let value = try row.decode(column: "v", as: String.self)
                XCTAssertTrue(value.hasPrefix("kc2:"))
            }
            try await sql.raw("UPDATE desire_marks SET item_id = 'time-02' WHERE item_id = 'time-01'").run()
            let moved = try await app.send(.GET, desires(bond), token: ana.token)
            XCTAssertEqual(moved.status, .ok)
            XCTAssertFalse(matchIDs(moved).contains("time-02"), "a moved mark does not open")

            // Ending the bond ends the matches.
            _ = try await app.send(.POST, "/api/v1/bonds/\(bond)/leave", token: ben.token)
            let ended = try await app.send(.GET, desires(bond), token: ana.token)
            XCTAssertEqual(matchIDs(ended), [])
            let marksLeft = try await DesireMark.query(on: app.db).count()
            XCTAssertEqual(marksLeft, 0)
            let late = try await app.send(.PUT, desires(bond), json: ["marks": ["affection-01": "yes"]], token: ana.token)
            XCTAssertEqual(late.status, .conflict)
        }
    }

    func testRomanticOnlyAndMistakes() async throws {
        try await withApp { app, _ in
            let (ana, _, friends) = try await app.pair(kind: "friendship")
            for method in [HTTPMethod.GET, .PUT] {
                let response = try await app.send(method, desires(friends), json: ["confirmAdult": true], token: ana.token)
                XCTAssertEqual(response.status, .notFound, "\(method)")
            }
            let (cara, dan, bond) = try await app.pair(kind: "romantic")
            let stranger = try await app.person("Eve")
            let strangers = try await app.send(.GET, desires(bond), token: stranger.token)
            XCTAssertEqual(strangers.status, .notFound)
            let wrong = try await app.send(.PUT, desires(bond), json: ["confirmAdult": true, "marks": ["affection-01": "perhaps", "nope-99": "yes"]], token: cara.token)
            XCTAssertEqual(wrong.status, .unprocessableEntity)
            XCTAssertEqual(wrong.problemFields, ["marks.affection-01"])
            let unknown = try await app.send(.PUT, desires(bond), json: ["confirmAdult": true, "marks": ["nope-99": "yes"]], token: cara.token)
            XCTAssertEqual(unknown.problemFields, ["marks"])
            let notAnObject = try await app.send(.PUT, desires(bond), json: ["marks": ["yes"]], token: cara.token)
            XCTAssertEqual(notAnObject.problemFields, ["marks"])
            let falseConfirm = try await app.send(.PUT, desires(bond), json: ["confirmAdult": false], token: dan.token)
            XCTAssertEqual(falseConfirm.problemFields, ["confirmAdult"])
        }
    }

    func testTheWeeklyPlanFollowsYourOwnMeasuresWithReasons() async throws {
        try await withApp { app, _ in
            let (ana, ben, bond) = try await app.pair(kind: "romantic")
            let plan = try await app.send(.GET, "/api/v1/bonds/\(bond)/plan", token: ana.token)
            XCTAssertEqual(plan.status, .ok, plan.body)
            let practices = plan.json["practices"] as? [[String: Any]] ?? []
            XCTAssertEqual(practices.count, 3)
            XCTAssertTrue(practices.allSatisfy { ($0["reason"] as? String)?.hasPrefix("because") == true })
            XCTAssertEqual(Set(practices.compactMap { $0["kind"] as? String }).count, 3, "three different practices")

            // Ana's six signs put trust lowest: the plan says so. Ben's plan does not use her unshared result.
            let answers: [String: Int] = ["open1": 4, "open2": 4, "trust1": 1, "trust2": 2, "warmth1": 5, "warmth2": 5,
                                          "time1": 4, "time2": 4, "talk1": 4, "talk2": 4, "open3": 4, "open4": 4]
            let taken = try await app.send(.POST, "/api/v1/bonds/\(bond)/assessments",
                                           json: ["instrument": "six-signs", "answers": answers, "share": false], token: ana.token)
            XCTAssertEqual(taken.status, .created, taken.body)
            let after = try await app.send(.GET, "/api/v1/bonds/\(bond)/plan", token: ana.token)
            let first = (after.json["practices"] as? [[String: Any]])?.first
            XCTAssertEqual(first?["reason"] as? String, "because trust was your lowest sign in your last six signs")
            let again = try await app.send(.GET, "/api/v1/bonds/\(bond)/plan", token: ana.token)
            XCTAssertEqual(again.body, after.body, "the same week and inputs give the same plan")
            let bens = try await app.send(.GET, "/api/v1/bonds/\(bond)/plan", token: ben.token)
            XCTAssertFalse(bens.body.contains("trust was"), "Ana's result is unshared")

            // The home shows the plan in the suggestion's place once no measure is due.
            let due = try await app.send(.GET, "/api/v1/bonds/\(bond)/home", token: ana.token)
            XCTAssertEqual((due.json["suggestion"] as? [String: Any])?["instrument"] as? String, "eis")
            XCTAssertTrue(due.json["plan"] == nil || due.json["plan"] is NSNull, "one slot: the suggestion or the plan")
            let eis = try await app.send(.POST, "/api/v1/bonds/\(bond)/assessments", json: [
                "instrument": "eis", "answers": ["eis1": 4, "eis2": 4, "eis3": 4, "eis4": 4, "eis5": 4], "share": false,
            ], token: ana.token)
            XCTAssertEqual(eis.status, .created, eis.body)
            let home = try await app.send(.GET, "/api/v1/bonds/\(bond)/home", token: ana.token)
            XCTAssertTrue(home.json["suggestion"] == nil || home.json["suggestion"] is NSNull, home.body)
            let shown = home.json["plan"] as? [[String: Any]] ?? []
            XCTAssertEqual(shown.count, 3)
            XCTAssertEqual(shown.first?["reason"] as? String, "because trust was your lowest sign in your last six signs")
        }
    }
}
