import Fluent
import SQLKit
import XCTVapor
@testable import KindredServer
import KindredCore

/// Rituals through the API: one member proposes, the other accepts before it counts; each
/// marks occurrences; consistency is gentle; a change applies from a date on; pause, resume,
/// remove; sealed at rest; nobody outside the bond sees any of it. The test clock starts at
/// 08:00 UTC on Friday 15 January 2027.
final class RitualsAPITests: XCTestCase {
    private func path(_ bond: String, _ rest: String = "") -> String { "/api/v1/bonds/\(bond)/rituals\(rest)" }

    private func propose(_ app: Application, _ person: APIPerson, _ bond: String, _ body: [String: Any]) async throws -> TestResponse {
        try await app.send(.POST, path(bond), json: body, token: person.token)
    }

    private let friday = ["title": "Friday walk", "description": "Round the park, whatever the weather",
                          "participation": "both", "rhythm": "weekly", "weekdays": [5], "start": "2027-01-08", "time": "08:00",
                          "timeZone": "Europe/London"] as [String: Any]

    func testOneProposesTheOtherAcceptsAndBothMarkTheirPart() async throws {
        try await withApp { app, _ in
            let (ana, ben, bond) = try await app.pair()
            let proposed = try await propose(app, ana, bond, friday)
            XCTAssertEqual(proposed.status, .created, proposed.body)
            XCTAssertEqual(proposed.json["status"] as? String, "proposed")
            XCTAssertEqual(proposed.json["mayRespond"] as? Bool, false, "not for the proposer to accept")
            XCTAssertEqual((proposed.json["schedule"] as? [String: Any])?["summary"] as? String, "Every Friday at 08:00")
            let id = try XCTUnwrap(proposed.json["id"] as? String)

            let selfAccept = try await app.send(.PATCH, path(bond, "/\(id)"), json: ["response": "accept"], token: ana.token)
            XCTAssertEqual(selfAccept.status, .conflict)
            let early = try await app.send(.PUT, path(bond, "/\(id)/occurrences/2027-01-15"), json: ["status": "done"], token: ana.token)
            XCTAssertEqual(early.status, .conflict, "it counts once both agreed")
            XCTAssertEqual(early.json["code"] as? String, "not-markable")

            let seen = try await app.send(.GET, path(bond), token: ben.token)
            let listed = try XCTUnwrap((seen.json["rituals"] as? [[String: Any]])?.first)
            XCTAssertEqual(listed["title"] as? String, "Friday walk")
            XCTAssertEqual(listed["mayRespond"] as? Bool, true)
            XCTAssertFalse((seen.json["ideas"] as? [[String: Any]] ?? []).isEmpty)
            let accepted = try await app.send(.PATCH, path(bond, "/\(id)"), json: ["response": "accept"], token: ben.token)
            XCTAssertEqual(accepted.json["status"] as? String, "active", accepted.body)
            let twice = try await app.send(.PATCH, path(bond, "/\(id)"), json: ["response": "decline"], token: ben.token)
            XCTAssertEqual(twice.status, .conflict, "answered once")

            // Today (Friday the 15th): Ana walked; a "both" ritual is only half done until Ben marks it.
            let anas = try await app.send(.PUT, path(bond, "/\(id)/occurrences/2027-01-15"), json: ["status": "done"], token: ana.token)
            XCTAssertEqual(anas.status, .ok, anas.body)
            XCTAssertEqual(anas.json["outcome"] as? String, "partlyDone")
            XCTAssertEqual(anas.json["yours"] as? String, "done")
            let bens = try await app.send(.PUT, path(bond, "/\(id)/occurrences/2027-01-15"), json: ["status": "done"], token: ben.token)
            XCTAssertEqual(bens.json["outcome"] as? String, "done")
            XCTAssertEqual(bens.json["theirs"] as? String, "done")
            // Last Friday was missed; marking it skipped is allowed, and it is not a failure.
            let skipped = try await app.send(.PUT, path(bond, "/\(id)/occurrences/2027-01-08"), json: ["status": "skipped"], token: ben.token)
            XCTAssertEqual(skipped.json["outcome"] as? String, "skipped")
            let ritual = try await app.send(.GET, path(bond, "/\(id)"), token: ana.token)
            let consistency = try XCTUnwrap(ritual.json["consistency"] as? [String: Any])
            XCTAssertEqual(consistency["text"] as? String, "Kept 1 of the last 2 times.")
            XCTAssertEqual((ritual.json["upcoming"] as? [[String: Any]])?.first?["day"] as? String, "2027-01-22")

            // Clearing a mark leaves it open; the future, and days it does not fall on, cannot be marked.
            let cleared = try await app.send(.DELETE, path(bond, "/\(id)/occurrences/2027-01-15"), token: ben.token)
            XCTAssertEqual(cleared.json["outcome"] as? String, "partlyDone")
            let ahead = try await app.send(.PUT, path(bond, "/\(id)/occurrences/2027-01-22"), json: ["status": "done"], token: ana.token)
            XCTAssertEqual(ahead.status, .conflict)
            let thursday = try await app.send(.PUT, path(bond, "/\(id)/occurrences/2027-01-14"), json: ["status": "done"], token: ana.token)
            XCTAssertEqual(thursday.status, .conflict)
            let nonsense = try await app.send(.PUT, path(bond, "/\(id)/occurrences/2027-01-15"), json: ["status": "maybe"], token: ana.token)
            XCTAssertEqual(nonsense.status, .unprocessableEntity)
            let notADay = try await app.send(.PUT, path(bond, "/\(id)/occurrences/friday"), json: ["status": "done"], token: ana.token)
            XCTAssertEqual(notADay.status, .notFound)
        }
    }

    func testAChangeAppliesFromADateOnAndPauseAndResumeAndRemove() async throws {
        try await withApp { app, clock in
            let (ana, ben, bond) = try await app.pair()
            let made = try await propose(app, ana, bond, friday)
            let id = try XCTUnwrap(made.json["id"] as? String)
            _ = try await app.send(.PATCH, path(bond, "/\(id)"), json: ["response": "accept"], token: ben.token)
            _ = try await app.send(.PUT, path(bond, "/\(id)/occurrences/2027-01-15"), json: ["status": "done"], token: ana.token)
            // From next week, Saturdays at ten instead; this Friday's walk stays where it was.
            let changed = try await app.send(.PATCH, path(bond, "/\(id)"), json: ["weekdays": [6], "time": "10:00", "from": "2027-01-16"], token: ben.token)
            XCTAssertEqual(changed.status, .ok, changed.body)
            XCTAssertEqual(changed.json["title"] as? String, "Friday walk", "what was not sent stays")
            XCTAssertEqual((changed.json["schedule"] as? [String: Any])?["summary"] as? String, "Every Saturday at 10:00")
            XCTAssertEqual((changed.json["upcoming"] as? [[String: Any]])?.first?["day"] as? String, "2027-01-16")
            XCTAssertEqual((changed.json["recent"] as? [[String: Any]])?.last?["day"] as? String, "2027-01-15")
            XCTAssertEqual((changed.json["recent"] as? [[String: Any]])?.last?["yours"] as? String, nil, "Ben's view: Ana's mark is theirs")
            XCTAssertEqual((changed.json["recent"] as? [[String: Any]])?.last?["theirs"] as? String, "done")

            // Pausing is on its own: a change sent beside it is refused, not silently dropped (found by fuzzing).
            let mixed = try await app.send(.PATCH, path(bond, "/\(id)"), json: ["paused": true, "rhythm": "", "title": "Other"], token: ana.token)
            XCTAssertEqual(mixed.status, .unprocessableEntity)
            XCTAssertEqual(Set(mixed.problemFields), ["rhythm", "title"])
            let paused = try await app.send(.PATCH, path(bond, "/\(id)"), json: ["paused": true], token: ana.token)
            XCTAssertEqual(paused.json["paused"] as? Bool, true)
            XCTAssertEqual((paused.json["upcoming"] as? [[String: Any]])?.count, 0, "nothing comes round while paused")
            clock.advance(14 * 86_400)
            let resumed = try await app.send(.PATCH, path(bond, "/\(id)"), json: ["paused": false], token: ben.token)
            XCTAssertEqual(resumed.json["paused"] as? Bool, false)
            XCTAssertEqual((resumed.json["upcoming"] as? [[String: Any]])?.first?["day"] as? String, "2027-01-30")
            XCTAssertEqual((resumed.json["recent"] as? [[String: Any]])?.last?["day"] as? String, "2027-01-15", "the paused weeks owe nothing")

            let bad = try await app.send(.PATCH, path(bond, "/\(id)"), json: ["rhythm": "fortnightly", "time": "25:00", "title": " "], token: ana.token)
            XCTAssertEqual(bad.status, .unprocessableEntity)
            XCTAssertEqual(Set(bad.problemFields), ["rhythm", "time", "title"])

            let removed = try await app.send(.DELETE, path(bond, "/\(id)"), token: ben.token)
            XCTAssertEqual(removed.status, .noContent)
            let gone = try await app.send(.GET, path(bond, "/\(id)"), token: ana.token)
            XCTAssertEqual(gone.status, .notFound)
            let marks = try await RitualMark.query(on: app.db).count()
            XCTAssertEqual(marks, 0, "its marks go with it")
        }
    }

    func testMistakesAreNamedAndAProposalCanBeDeclined() async throws {
        try await withApp { app, _ in
            let (ana, ben, bond) = try await app.pair()
            let empty = try await app.send(.POST, path(bond), json: [String: Any](), token: ana.token)
            XCTAssertEqual(empty.status, .unprocessableEntity)
            XCTAssertEqual(empty.problemFields, ["title"])
            let wrong = try await propose(app, ana, bond, ["title": "x", "rhythm": "weekly", "weekdays": [9], "start": "soon", "timeZone": "Mars/Base",
                                                           "participation": "everyone", "every": 0])
            XCTAssertEqual(Set(wrong.problemFields), ["participation", "start"], wrong.body)
            let badDays = try await propose(app, ana, bond, ["title": "Tea", "rhythm": "weekly", "weekdays": [9], "timeZone": "Mars/Base", "every": 0])
            XCTAssertEqual(Set(badDays.problemFields), ["weekdays", "timeZone", "every"], badDays.body)
            let unknownIdea = try await propose(app, ana, bond, ["title": "Tea", "ideaId": "no-such-idea"])
            XCTAssertEqual(unknownIdea.problemFields, ["ideaId"])
            let fromIdea = try await propose(app, ana, bond, ["title": "Cook dinner together", "rhythm": "daily", "ideaId": "dinner-together"])
            XCTAssertEqual(fromIdea.status, .created, fromIdea.body)
            XCTAssertEqual(fromIdea.json["ideaId"] as? String, "dinner-together")
            XCTAssertEqual((fromIdea.json["schedule"] as? [String: Any])?["timeZone"] as? String, "Europe/London", "the proposer's zone by default")
            let id = try XCTUnwrap(fromIdea.json["id"] as? String)
            let declined = try await app.send(.PATCH, path(bond, "/\(id)"), json: ["response": "decline"], token: ben.token)
            XCTAssertEqual(declined.json["status"] as? String, "declined")
            let mark = try await app.send(.PUT, path(bond, "/\(id)/occurrences/2027-01-15"), json: ["status": "done"], token: ben.token)
            XCTAssertEqual(mark.status, .conflict)
        }
    }

    func testNobodyOutsideTheBondSeesARitualAndItIsSealedAtRest() async throws {
        try await withApp { app, _ in
            let (ana, ben, bond) = try await app.pair()
            let stranger = try await app.person("Cara")
            let made = try await propose(app, ana, bond, friday)
            let id = try XCTUnwrap(made.json["id"] as? String)
            _ = try await app.send(.PATCH, path(bond, "/\(id)"), json: ["response": "accept"], token: ben.token)
            _ = try await app.send(.PUT, path(bond, "/\(id)/occurrences/2027-01-15"), json: ["status": "done"], token: ana.token)
            for (method, suffix) in [(HTTPMethod.GET, ""), (.GET, "/\(id)"), (.PATCH, "/\(id)"), (.DELETE, "/\(id)"), (.PUT, "/\(id)/occurrences/2027-01-15")] {
                let response = try await app.send(method, path(bond, suffix), json: ["status": "done", "response": "accept"], token: stranger.token)
                XCTAssertEqual(response.status, .notFound, "\(method) \(suffix)")
                XCTAssertFalse(response.body.contains("Friday walk"))
            }
            // A ritual id from another bond is not found through this one.
            let (_, _, other) = try await app.pair()
            let elsewhere = try await app.send(.GET, path(other, "/\(id)"), token: stranger.token)
            XCTAssertEqual(elsewhere.status, .notFound)

            let sql = try XCTUnwrap(app.db as? any SQLDatabase)
            for (table, column) in [("rituals", "title"), ("rituals", "description"), ("rituals", "schedule"), ("ritual_marks", "mark")] {
                let rows = try await sql.raw("SELECT \(ident: column) AS v FROM \(ident: table)").all()
                for row in rows {
                    let value = try row.decode(column: "v", as: String?.self) ?? ""
                    XCTAssertTrue(value.hasPrefix("kc2:"), "\(table).\(column) is sealed")
                    XCTAssertFalse(value.contains("Friday") || value.contains("park") || value.contains("done") || value.contains("weekly"))
                }
            }
        }
    }

    func testAWaitingOrEndedBondTakesNoNewRituals() async throws {
        try await withApp { app, _ in
            let ana = try await app.person("Ana")
            let waiting = try await app.bond(of: ana)
            let alone = try await propose(app, ana, waiting, friday)
            XCTAssertEqual(alone.status, .conflict)
            XCTAssertEqual(alone.json["code"] as? String, "bond-waiting")
            let (bea, cal, bond) = try await app.pair()
            let made = try await propose(app, bea, bond, friday)
            let id = try XCTUnwrap(made.json["id"] as? String)
            _ = try await app.send(.POST, "/api/v1/bonds/\(bond)/leave", token: cal.token)
            let after = try await propose(app, bea, bond, friday)
            XCTAssertEqual(after.status, .conflict)
            let remove = try await app.send(.DELETE, path(bond, "/\(id)"), token: bea.token)
            XCTAssertEqual(remove.status, .conflict)
        }
    }

    func testTheHomeSaysWhatTheOtherDidWithRitualsAndNothingMore() async throws {
        try await withApp { app, clock in
            let (ana, ben, bond) = try await app.pair()
            func news(_ person: APIPerson) async throws -> [String] {
                let home = try await app.send(.GET, "/api/v1/bonds/\(bond)/home", token: person.token)
                XCTAssertEqual(home.status, .ok, home.body)
                return (home.json["news"] as? [[String: Any]] ?? []).compactMap { $0["text"] as? String }
            }
            _ = try await news(ana)
            _ = try await news(ben)
            clock.advance(60)
            let made = try await propose(app, ana, bond, friday)
            let id = try XCTUnwrap(made.json["id"] as? String)
            clock.advance(60)
            let bens = try await news(ben), hers = try await news(ana)
            XCTAssertTrue(bens.contains("Ana would like to start a ritual with you: Friday walk."), "\(bens)")
            XCTAssertFalse(hers.joined().contains("ritual"), "nothing about her own doing")
            _ = try await app.send(.PATCH, path(bond, "/\(id)"), json: ["response": "accept"], token: ben.token)
            for day in ["2027-01-08", "2027-01-15"] {
                _ = try await app.send(.PUT, path(bond, "/\(id)/occurrences/\(day)"), json: ["status": "done"], token: ben.token)
            }
            clock.advance(60)
            let anas = try await news(ana)
            XCTAssertTrue(anas.contains("Ben agreed to your ritual: Friday walk."), "\(anas)")
            XCTAssertTrue(anas.contains("Ben marked Friday walk done 2 times."), "\(anas)")
            XCTAssertFalse(anas.joined().contains("Round the park"), "never the description")
            // Seen once, then quiet; a skip is not news.
            _ = try await app.send(.PUT, path(bond, "/\(id)/occurrences/2027-01-15"), json: ["status": "skipped"], token: ben.token)
            clock.advance(60)
            let quiet = try await news(ana)
            XCTAssertFalse(quiet.joined().contains("Friday walk"), "\(quiet)")
        }
    }
}
