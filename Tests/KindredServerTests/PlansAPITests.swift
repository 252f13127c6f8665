import Fluent
import SQLKit
import XCTVapor
@testable import KindredServer
import KindredCore

/// Planned time together through the API: one proposes, the turn passes until one accepts or
/// declines; afterwards "what we liked" stays private until both wrote or its writer shares it.
/// The test clock starts at 08:00 UTC on Friday 15 January 2027.
final class PlansAPITests: XCTestCase {
    private func path(_ bond: String, _ rest: String = "") -> String { "/api/v1/bonds/\(bond)/plans\(rest)" }

    func testTheTurnPassesUntilOneAcceptsAndBothSeeTheState() async throws {
        try await withApp { app, _ in
            let (ana, ben, bond) = try await app.pair()
            let made = try await app.send(.POST, path(bond), json: ["title": "Picnic by the river", "startsAt": "2027-01-16T12:00:00Z",
                                                                    "minutes": 150, "mode": "in-person", "ideaId": "picnic"], token: ana.token)
            XCTAssertEqual(made.status, .created, made.body)
            XCTAssertEqual(made.json["state"] as? String, "proposed")
            XCTAssertEqual(made.json["mayRespond"] as? Bool, false)
            XCTAssertEqual(made.json["insideBothAwake"] as? Bool, true)
            let id = try XCTUnwrap(made.json["id"] as? String)
            let own = try await app.send(.PATCH, path(bond, "/\(id)"), json: ["response": "accept"], token: ana.token)
            XCTAssertEqual(own.status, .conflict)
            XCTAssertEqual(own.json["code"] as? String, "not-your-turn")

            // Ben proposes Sunday instead; now it is Ana's turn.
            let counter = try await app.send(.PATCH, path(bond, "/\(id)"), json: ["response": "propose", "startsAt": "2027-01-17T13:00:00Z"], token: ben.token)
            XCTAssertEqual(counter.status, .ok, counter.body)
            XCTAssertEqual(counter.json["startsAt"] as? String, "2027-01-17T13:00:00Z")
            XCTAssertEqual(counter.json["proposedByYou"] as? Bool, true)
            let bensAgain = try await app.send(.PATCH, path(bond, "/\(id)"), json: ["response": "accept"], token: ben.token)
            XCTAssertEqual(bensAgain.status, .conflict)
            let accepted = try await app.send(.PATCH, path(bond, "/\(id)"), json: ["response": "accept"], token: ana.token)
            XCTAssertEqual(accepted.json["state"] as? String, "accepted")
            let list = try await app.send(.GET, path(bond), token: ben.token)
            let upcoming = try XCTUnwrap(list.json["upcoming"] as? [[String: Any]])
            XCTAssertEqual(upcoming.map { $0["state"] as? String }, ["accepted"])
            XCTAssertEqual(upcoming.first?["title"] as? String, "Picnic by the river")
            XCTAssertFalse((list.json["ideas"] as? [[String: Any]] ?? []).isEmpty)
            XCTAssertEqual((list.json["suggestedStarts"] as? [String])?.count, 3)

            let late = try await app.send(.PATCH, path(bond, "/\(id)"), json: ["response": "decline"], token: ben.token)
            XCTAssertEqual(late.status, .conflict, "answered already")
        }
    }

    func testWhatWeLikedIsPrivateUntilBothWroteOrItIsShared() async throws {
        try await withApp { app, clock in
            let (ana, ben, bond) = try await app.pair()
            let made = try await app.send(.POST, path(bond), json: ["title": "Film club", "startsAt": "2027-01-15T20:00:00Z", "mode": "apart"], token: ana.token)
            let id = try XCTUnwrap(made.json["id"] as? String)
            _ = try await app.send(.PATCH, path(bond, "/\(id)"), json: ["response": "accept"], token: ben.token)
            let early = try await app.send(.PUT, path(bond, "/\(id)/liked"), json: ["text": "Too soon"], token: ana.token)
            XCTAssertEqual(early.status, .conflict)
            clock.advance(14 * 3600)
            let anas = try await app.send(.PUT, path(bond, "/\(id)/liked"), json: ["text": "Laughing at the same bits across an ocean"], token: ana.token)
            XCTAssertEqual(anas.status, .ok, anas.body)
            let bensView = try await app.send(.GET, path(bond, "/\(id)"), token: ben.token)
            XCTAssertEqual(bensView.json["theyWroteLiked"] as? Bool, true)
            XCTAssertFalse(bensView.body.contains("Laughing"), "not before Ben wrote his")
            let list = try await app.send(.GET, path(bond), token: ben.token)
            XCTAssertFalse(list.body.contains("Laughing"))
            let bens = try await app.send(.PUT, path(bond, "/\(id)/liked"), json: ["text": "The popcorn on a video call"], token: ben.token)
            XCTAssertEqual(bens.json["theirLiked"] as? String, "Laughing at the same bits across an ocean")
            let anaSees = try await app.send(.GET, path(bond, "/\(id)"), token: ana.token)
            XCTAssertEqual(anaSees.json["theirLiked"] as? String, "The popcorn on a video call")

            // Another plan: Ana shares hers first, so Ben sees it before writing.
            let second = try await app.send(.POST, path(bond), json: ["title": "Walk", "startsAt": "2027-01-16T12:00:00Z"], token: ana.token)
            let secondID = try XCTUnwrap(second.json["id"] as? String)
            _ = try await app.send(.PATCH, path(bond, "/\(secondID)"), json: ["response": "accept"], token: ben.token)
            clock.advance(24 * 3600)
            _ = try await app.send(.PUT, path(bond, "/\(secondID)/liked"), json: ["text": "The frost on the fields", "share": true], token: ana.token)
            let shared = try await app.send(.GET, path(bond, "/\(secondID)"), token: ben.token)
            XCTAssertEqual(shared.json["theirLiked"] as? String, "The frost on the fields")

            let sql = try XCTUnwrap(app.db as? any SQLDatabase)
            for (table, column) in [("plans", "title"), ("plan_notes", "text")] {
                for row in try await sql.raw("SELECT \(ident: column) AS v FROM \(ident: table)").all() {
                    let value = try row.decode(column: "v", as: String.self)
                    XCTAssertTrue(value.hasPrefix("kc2:"), "\(table).\(column) sealed")
                    XCTAssertFalse(value.contains("Film") || value.contains("frost") || value.contains("popcorn"))
                }
            }
        }
    }

    func testMistakesStrangersAndAnEndedBond() async throws {
        try await withApp { app, _ in
            let (ana, ben, bond) = try await app.pair()
            let stranger = try await app.person("Cara")
            let wrong = try await app.send(.POST, path(bond), json: ["title": " ", "startsAt": "tomorrow", "minutes": 5, "mode": "hologram"], token: ana.token)
            XCTAssertEqual(wrong.status, .unprocessableEntity)
            XCTAssertEqual(Set(wrong.problemFields), ["title", "startsAt", "minutes", "mode"])
            let past = try await app.send(.POST, path(bond), json: ["title": "Yesterday", "startsAt": "2027-01-14T12:00:00Z"], token: ana.token)
            XCTAssertEqual(past.problemFields, ["startsAt"])
            let idea = try await app.send(.POST, path(bond), json: ["title": "x", "startsAt": "2027-01-16T12:00:00Z", "ideaId": "nope"], token: ana.token)
            XCTAssertEqual(idea.problemFields, ["ideaId"])
            let answer = try await app.send(.PATCH, path(bond, "/\(UUID())"), json: ["response": "maybe"], token: ana.token)
            XCTAssertEqual(answer.status, .notFound)
            let made = try await app.send(.POST, path(bond), json: ["title": "Night walk", "startsAt": "2027-01-15T22:30:00Z"], token: ana.token)
            XCTAssertEqual(made.json["insideBothAwake"] as? Bool, false, "22:30 is past both bedtimes")
            let id = try XCTUnwrap(made.json["id"] as? String)
            let maybe = try await app.send(.PATCH, path(bond, "/\(id)"), json: ["response": "maybe"], token: ben.token)
            XCTAssertEqual(maybe.problemFields, ["response"])
            let noTime = try await app.send(.PATCH, path(bond, "/\(id)"), json: ["response": "propose"], token: ben.token)
            XCTAssertEqual(noTime.problemFields, ["startsAt"])
            for (method, suffix) in [(HTTPMethod.GET, ""), (.GET, "/\(id)"), (.PATCH, "/\(id)"), (.DELETE, "/\(id)"), (.PUT, "/\(id)/liked")] {
                let response = try await app.send(method, path(bond, suffix), json: ["response": "accept", "text": "x"], token: stranger.token)
                XCTAssertEqual(response.status, .notFound, "\(method) \(suffix)")
                XCTAssertFalse(response.body.contains("Night walk"))
            }
            let removed = try await app.send(.DELETE, path(bond, "/\(id)"), token: ben.token)
            XCTAssertEqual(removed.status, .noContent)
            _ = try await app.send(.POST, "/api/v1/bonds/\(bond)/leave", token: ben.token)
            let after = try await app.send(.POST, path(bond), json: ["title": "Later", "startsAt": "2027-01-16T12:00:00Z"], token: ana.token)
            XCTAssertEqual(after.status, .conflict)
        }
    }

    func testTheHomeSaysWhatTheOtherDidWithPlans() async throws {
        try await withApp { app, clock in
            let (ana, ben, bond) = try await app.pair()
            func news(_ person: APIPerson) async throws -> [String] {
                let home = try await app.send(.GET, "/api/v1/bonds/\(bond)/home", token: person.token)
                return (home.json["news"] as? [[String: Any]] ?? []).compactMap { $0["text"] as? String }
            }
            _ = try await news(ana)
            _ = try await news(ben)
            clock.advance(60)
            let made = try await app.send(.POST, path(bond), json: ["title": "Museum morning", "startsAt": "2027-01-16T10:00:00Z"], token: ana.token)
            let id = try XCTUnwrap(made.json["id"] as? String)
            clock.advance(60)
            let bens = try await news(ben)
            XCTAssertTrue(bens.contains("Ana suggested time together: Museum morning."), "\(bens)")
            _ = try await app.send(.PATCH, path(bond, "/\(id)"), json: ["response": "accept"], token: ben.token)
            clock.advance(60)
            let anas = try await news(ana)
            XCTAssertTrue(anas.contains("Ben said yes to Museum morning."), "\(anas)")
            clock.advance(2 * 86_400)
            _ = try await news(ana)
            _ = try await app.send(.PUT, path(bond, "/\(id)/liked"), json: ["text": "The dinosaurs"], token: ben.token)
            clock.advance(60)
            let hidden = try await news(ana)
            XCTAssertFalse(hidden.joined().contains("liked"), "not news while it is not shown to her: \(hidden)")
            _ = try await app.send(.PUT, path(bond, "/\(id)/liked"), json: ["text": "The dinosaurs", "share": true], token: ben.token)
            clock.advance(60)
            let shown = try await news(ana)
            XCTAssertTrue(shown.contains("Ben wrote what they liked about Museum morning."), "\(shown)")
        }
    }
}
