import Fluent
import SQLKit
import XCTVapor
@testable import KindredServer
import KindredCore

/// Repair and let go through the API, from both members' sides: raised → acknowledged →
/// agreed → resolved → let go, withdrawing, deleting, and what each may and may not see.
final class RepairsAPITests: XCTestCase {
    private func path(_ bond: String, _ rest: String = "") -> String { "/api/v1/bonds/\(bond)/repairs\(rest)" }

    func testTheWholeWayFromRaisedToLetGoAndDeleted() async throws {
        try await withApp { app, clock in
            let (ana, ben, bond) = try await app.pair()
            clock.advance(60)
            let raised = try await app.send(.POST, path(bond), json: ["happened": "You forgot my birthday dinner",
                                                                      "felt": "Small and not thought of"], token: ana.token)
            XCTAssertEqual(raised.status, .created, raised.body)
            XCTAssertEqual(raised.json["step"] as? String, "raised")
            XCTAssertEqual(raised.json["actions"] as? [String], ["withdraw"])
            XCTAssertNotNil(raised.json["guidance"] as? String)
            let id = try XCTUnwrap(raised.json["id"] as? String)
            func news(_ person: APIPerson) async throws -> [String] {
                let home = try await app.send(.GET, "/api/v1/bonds/\(bond)/home", token: person.token)
                return (home.json["news"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
            }
            let bensNews = try await news(ben)
            XCTAssertTrue(bensNews.contains("repair-raised"), "\(bensNews)")

            // Ben sees it, and may acknowledge; Ana may not acknowledge her own.
            let bens = try await app.send(.GET, path(bond, "/\(id)"), token: ben.token)
            XCTAssertEqual(bens.json["happened"] as? String, "You forgot my birthday dinner")
            XCTAssertEqual(bens.json["raisedByYou"] as? Bool, false)
            XCTAssertEqual(bens.json["actions"] as? [String], ["acknowledge"])
            clock.advance(60)
            let own = try await app.send(.POST, path(bond, "/\(id)/steps"), json: ["step": "acknowledge"], token: ana.token)
            XCTAssertEqual(own.status, .conflict)
            XCTAssertEqual(own.json["code"] as? String, "not-this-step")
            let heard = try await app.send(.POST, path(bond, "/\(id)/steps"), json: ["step": "acknowledge", "text": "I'm sorry. I see it now."], token: ben.token)
            XCTAssertEqual(heard.json["step"] as? String, "acknowledged", heard.body)
            XCTAssertEqual(heard.json["reply"] as? String, "I'm sorry. I see it now.")
            let anasNews = try await news(ana)
            XCTAssertTrue(anasNews.contains("repair-heard"), "\(anasNews)")
            let home = try await app.send(.GET, "/api/v1/bonds/\(bond)/home", token: ana.token)
            XCTAssertFalse(home.body.contains("I'm sorry"), "what's new never quotes a repair")

            // Agreed only once both wrote what they will do.
            let noText = try await app.send(.POST, path(bond, "/\(id)/steps"), json: ["step": "agree"], token: ana.token)
            XCTAssertEqual(noText.problemFields, ["text"])
            let anaWill = try await app.send(.POST, path(bond, "/\(id)/steps"), json: ["step": "agree", "text": "Say early what matters to me"], token: ana.token)
            XCTAssertEqual(anaWill.json["step"] as? String, "acknowledged")
            XCTAssertEqual(anaWill.json["yourWill"] as? String, "Say early what matters to me")
            let benWill = try await app.send(.POST, path(bond, "/\(id)/steps"), json: ["step": "agree", "text": "Put our dates in my calendar"], token: ben.token)
            XCTAssertEqual(benWill.json["step"] as? String, "agreed")
            XCTAssertEqual(benWill.json["theirWill"] as? String, "Say early what matters to me")
            let early = try await app.send(.POST, path(bond, "/\(id)/steps"), json: ["step": "let-go"], token: ana.token)
            XCTAssertEqual(early.status, .conflict, "not resolved yet")
            let resolved = try await app.send(.POST, path(bond, "/\(id)/steps"), json: ["step": "resolve"], token: ben.token)
            XCTAssertEqual(resolved.json["step"] as? String, "resolved")

            // Ben may only suggest letting go; Ana chooses.
            let bensLetGo = try await app.send(.POST, path(bond, "/\(id)/steps"), json: ["step": "let-go"], token: ben.token)
            XCTAssertEqual(bensLetGo.status, .conflict)
            let suggested = try await app.send(.POST, path(bond, "/\(id)/steps"), json: ["step": "suggest-let-go"], token: ben.token)
            XCTAssertEqual(suggested.json["letGoSuggested"] as? Bool, true)
            XCTAssertEqual(suggested.json["step"] as? String, "resolved")
            let deleteTooSoon = try await app.send(.DELETE, path(bond, "/\(id)"), token: ana.token)
            XCTAssertEqual(deleteTooSoon.status, .conflict)
            let letGo = try await app.send(.POST, path(bond, "/\(id)/steps"), json: ["step": "let-go"], token: ana.token)
            XCTAssertEqual(letGo.json["step"] as? String, "let-go")
            XCTAssertEqual(letGo.json["actions"] as? [String], ["delete"])

            // Gone from the default list for both; still in the past list; nothing brings it back.
            for person in [ana, ben] {
                let list = try await app.send(.GET, path(bond), token: person.token)
                XCTAssertEqual((list.json["repairs"] as? [Any])?.count, 0)
                XCTAssertFalse(list.body.contains("birthday"))
                let past = try await app.send(.GET, path(bond) + "?past=true", token: person.token)
                XCTAssertEqual((past.json["repairs"] as? [Any])?.count, 1)
            }
            for step in ["acknowledge", "resolve", "withdraw"] {
                let again = try await app.send(.POST, path(bond, "/\(id)/steps"), json: ["step": step, "text": "x"], token: ana.token)
                XCTAssertEqual(again.status, .conflict, step)
            }
            let bensDelete = try await app.send(.DELETE, path(bond, "/\(id)"), token: ben.token)
            XCTAssertEqual(bensDelete.status, .conflict, "deleting is the raiser's")
            let deleted = try await app.send(.DELETE, path(bond, "/\(id)"), token: ana.token)
            XCTAssertEqual(deleted.status, .noContent)
            let gone = try await app.send(.GET, path(bond, "/\(id)"), token: ben.token)
            XCTAssertEqual(gone.status, .notFound)
            let rows = try await RepairRow.query(on: app.db).count()
            XCTAssertEqual(rows, 0)
        }
    }

    func testAWithdrawnRepairIsTheRaisersAloneAndEverythingIsSealed() async throws {
        try await withApp { app, _ in
            let (ana, ben, bond) = try await app.pair()
            let raised = try await app.send(.POST, path(bond), json: ["wouldHelp": "Talking about the move calmly"], token: ben.token)
            let id = try XCTUnwrap(raised.json["id"] as? String)
            let anaTries = try await app.send(.POST, path(bond, "/\(id)/steps"), json: ["step": "withdraw"], token: ana.token)
            XCTAssertEqual(anaTries.status, .conflict, "only the raiser withdraws")
            let sql = try XCTUnwrap(app.db as? any SQLDatabase)
            for row in try await sql.raw("SELECT would_help AS v FROM repairs").all() {
                let value = try row.decode(column: "v", as: String.self)
                XCTAssertTrue(value.hasPrefix("kc2:"))
                XCTAssertFalse(value.contains("move"))
            }
            let withdrawn = try await app.send(.POST, path(bond, "/\(id)/steps"), json: ["step": "withdraw"], token: ben.token)
            XCTAssertEqual(withdrawn.json["step"] as? String, "withdrawn")
            // Ana: not in any list, not by id, not its text anywhere.
            for request in [path(bond), path(bond) + "?past=true", path(bond, "/\(id)")] {
                let response = try await app.send(.GET, request, token: ana.token)
                XCTAssertFalse(response.body.contains("move calmly"), request)
                XCTAssertFalse(response.body.contains(id), request)
            }
            let byID = try await app.send(.GET, path(bond, "/\(id)"), token: ana.token)
            XCTAssertEqual(byID.status, .notFound)
            let bensPast = try await app.send(.GET, path(bond) + "?past=true", token: ben.token)
            XCTAssertTrue(bensPast.body.contains("move calmly"))
            let home = try await app.send(.GET, "/api/v1/bonds/\(bond)/home", token: ana.token)
            XCTAssertFalse(home.body.contains("move calmly"))
            let deleted = try await app.send(.DELETE, path(bond, "/\(id)"), token: ben.token)
            XCTAssertEqual(deleted.status, .noContent)
        }
    }

    func testMistakesStrangersAndAnEndedBond() async throws {
        try await withApp { app, _ in
            let (ana, ben, bond) = try await app.pair()
            let stranger = try await app.person("Cara")
            let empty = try await app.send(.POST, path(bond), json: ["happened": "  ", "felt": NSNull()], token: ana.token)
            XCTAssertEqual(empty.status, .unprocessableEntity)
            XCTAssertEqual(empty.problemFields, ["happened"])
            let long = try await app.send(.POST, path(bond), json: ["felt": String(repeating: "a", count: 2001)], token: ana.token)
            XCTAssertEqual(long.problemFields, ["felt"])
            let made = try await app.send(.POST, path(bond), json: ["happened": "The shouting in the car"], token: ana.token)
            let id = try XCTUnwrap(made.json["id"] as? String)
            let badQuery = try await app.send(.GET, path(bond) + "?past=sometimes", token: ana.token)
            XCTAssertEqual(badQuery.problemFields, ["past"])
            let unknown = try await app.send(.POST, path(bond, "/\(id)/steps"), json: ["step": "forgive"], token: ben.token)
            XCTAssertEqual(unknown.problemFields, ["step"])
            let missing = try await app.send(.POST, path(bond, "/\(UUID())/steps"), json: ["step": "acknowledge"], token: ben.token)
            XCTAssertEqual(missing.status, .notFound)
            for (method, suffix) in [(HTTPMethod.GET, ""), (.POST, ""), (.GET, "/\(id)"), (.DELETE, "/\(id)"), (.POST, "/\(id)/steps")] {
                let response = try await app.send(method, path(bond, suffix), json: ["step": "acknowledge", "happened": "x"], token: stranger.token)
                XCTAssertEqual(response.status, .notFound, "\(method) \(suffix)")
                XCTAssertFalse(response.body.contains("shouting"))
            }
            _ = try await app.send(.POST, "/api/v1/bonds/\(bond)/leave", token: ben.token)
            let after = try await app.send(.POST, path(bond), json: ["happened": "Later"], token: ana.token)
            XCTAssertEqual(after.status, .conflict)
            // Once the bond has ended, Ben no longer sees what Ana raised; Ana still may withdraw
            // it, and then delete it for good.
            let bensList = try await app.send(.GET, path(bond), token: ben.token)
            XCTAssertEqual(bensList.status, .ok)
            XCTAssertFalse(bensList.body.contains("shouting"))
            let bensGet = try await app.send(.GET, path(bond, "/\(id)"), token: ben.token)
            XCTAssertEqual(bensGet.status, .notFound)
            let read = try await app.send(.GET, path(bond), token: ana.token)
            XCTAssertEqual((read.json["repairs"] as? [[String: Any]])?.first?["actions"] as? [String], ["withdraw"])
            let resolve = try await app.send(.POST, path(bond, "/\(id)/steps"), json: ["step": "resolve"], token: ana.token)
            XCTAssertEqual(resolve.status, .conflict, "nothing else moves in an ended bond")
            let withdrawn = try await app.send(.POST, path(bond, "/\(id)/steps"), json: ["step": "withdraw"], token: ana.token)
            XCTAssertEqual(withdrawn.json["step"] as? String, "withdrawn", withdrawn.body)
            let deleted = try await app.send(.DELETE, path(bond, "/\(id)"), token: ana.token)
            XCTAssertEqual(deleted.status, .noContent)
        }
    }

    func testTwoAtOnceNeitherLosesAWordSilently() async throws {
        try await withApp { app, _ in
            let (ana, ben, bond) = try await app.pair()
            let raised = try await app.send(.POST, path(bond), json: ["happened": "The forgotten pickup"], token: ana.token)
            let id = try XCTUnwrap(raised.json["id"] as? String)
            // Ben's two devices send two different replies at once: one is kept, the other is told.
            let steps = path(bond, "/\(id)/steps")
            func atOnce(_ sends: [(String, [String: String])]) async throws -> [(code: UInt, body: String)] {
                try await withThrowingTaskGroup(of: (UInt, String).self) { group in
                    for (token, body) in sends {
                        group.addTask {
                            let response = try await app.send(.POST, steps, json: body, token: token)
                            return (response.status.code, response.body)
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
            }
            let answers = try await atOnce([(ben.token, ["step": "acknowledge", "text": "Reply from the phone"]),
                                            (ben.token, ["step": "acknowledge", "text": "Reply from the laptop"])])
            XCTAssertEqual(answers.map(\.code).sorted(), [200, 409], answers.map(\.body).joined(separator: "\n"))
            let winner = try XCTUnwrap(answers.first { $0.code == 200 }?.body)
            let stored = try await app.send(.GET, path(bond, "/\(id)"), token: ana.token)
            let kept = try XCTUnwrap(stored.json["reply"] as? String)
            XCTAssertTrue(winner.contains(kept), "the reply kept is the one that was answered 200")
            // Both say what they will do at the same moment: it is agreed, once.
            let both = try await atOnce([(ana.token, ["step": "agree", "text": "Set a reminder"]), (ben.token, ["step": "agree", "text": "Call if I'm late"])])
            XCTAssertEqual(both.map(\.code), [200, 200])
            let after = try await app.send(.GET, path(bond, "/\(id)"), token: ana.token)
            XCTAssertEqual(after.json["step"] as? String, "agreed")
            XCTAssertEqual(after.json["yourWill"] as? String, "Set a reminder")
            XCTAssertEqual(after.json["theirWill"] as? String, "Call if I'm late")
        }
    }
}
