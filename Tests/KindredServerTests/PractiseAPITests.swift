import Fluent
import XCTVapor
@testable import KindredServer

final class PractiseAPITests: XCTestCase {
    func testAppreciationsReachTheOtherMemberAndAreSealed() async throws {
        try await withApp { app, _ in
            let (ana, ben, bond) = try await app.pair()
            let sent = try await app.send(.POST, "/api/v1/bonds/\(bond)/appreciations", json: ["text": "Thank you for the soup when I was ill"], token: ana.token)
            XCTAssertEqual(sent.status, .created)
            let bens = try await app.send(.GET, "/api/v1/bonds/\(bond)/appreciations", token: ben.token)
            XCTAssertEqual((bens.json["received"] as? [[String: Any]])?.first?["text"] as? String, "Thank you for the soup when I was ill")
            XCTAssertEqual((bens.json["sent"] as? [[String: Any]])?.count, 0)
            XCTAssertNotNil(bens.json["starter"] as? String)
            let anas = try await app.send(.GET, "/api/v1/bonds/\(bond)/appreciations", token: ana.token)
            XCTAssertEqual((anas.json["sent"] as? [[String: Any]])?.count, 1)
            let stored = try await Appreciation.query(on: app.db).first()
            XCTAssertFalse(stored?.sealedText.contains("soup") ?? true)
            let empty = try await app.send(.POST, "/api/v1/bonds/\(bond)/appreciations", json: ["text": ""], token: ana.token)
            XCTAssertEqual(empty.problemFields, ["text"])
            let long = try await app.send(.POST, "/api/v1/bonds/\(bond)/appreciations", json: ["text": String(repeating: "x", count: 501)], token: ana.token)
            XCTAssertEqual(long.problemFields, ["text"])
        }
    }

    func testTheWeeklyCheckinIsRevealedOnlyWhenBothCheckedIn() async throws {
        try await withApp { app, _ in
            let (ana, ben, bond) = try await app.pair()
            let ratings = ["open-sharing": 4, "trust": 5, "positive-feelings": 3, "quality-time": 2, "communication": 4, "vulnerability": 3]
            let missing = try await app.send(.PUT, "/api/v1/bonds/\(bond)/checkins/current", json: ["ratings": ["trust": 9]], token: ana.token)
            XCTAssertEqual(Set(missing.problemFields), ["ratings.open-sharing", "ratings.trust", "ratings.positive-feelings", "ratings.quality-time", "ratings.communication", "ratings.vulnerability"])
            let mine = try await app.send(.PUT, "/api/v1/bonds/\(bond)/checkins/current", json: ["ratings": ratings, "note": "Busy week, missed you"], token: ana.token)
            XCTAssertEqual(mine.json["state"] as? String, "waitingForThem")
            let bensView = try await app.send(.GET, "/api/v1/bonds/\(bond)/checkins/current", token: ben.token)
            XCTAssertEqual(bensView.json["state"] as? String, "theyAnswered")
            XCTAssertNil(bensView.json["theirRatings"])
            XCTAssertFalse(bensView.body.contains("missed you"))
            let bensHistory = try await app.send(.GET, "/api/v1/bonds/\(bond)/checkins", token: ben.token)
            XCTAssertFalse(bensHistory.body.contains("missed you"))
            _ = try await app.send(.PUT, "/api/v1/bonds/\(bond)/checkins/current", json: ["ratings": ratings], token: ben.token)
            let revealed = try await app.send(.GET, "/api/v1/bonds/\(bond)/checkins/current", token: ben.token)
            XCTAssertEqual(revealed.json["theirNote"] as? String, "Busy week, missed you")
            XCTAssertEqual((revealed.json["theirRatings"] as? [String: Int])?["quality-time"], 2)
            let late = try await app.send(.PUT, "/api/v1/bonds/\(bond)/checkins/current", json: ["ratings": ratings], token: ana.token)
            XCTAssertEqual(late.status, .conflict)
        }
    }

    /// On a SQLite file (two connections, as in production) or PostgreSQL: both members check in
    /// at the same instant, week after week; both land, nothing fails, both end revealed.
    func testSimultaneousCheckinsBothLandAndBothEndRevealed() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kindred-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let onFile: (inout KindredConfiguration) -> Void = { if !TestDatabase.isPostgres { $0.storage = .sqlite(path: directory + "/kindred.sqlite") } }
        try await withApp(onFile) { app, clock in
            let (ana, ben, bond) = try await app.pair()
            let ratings = ["open-sharing": 4, "trust": 5, "positive-feelings": 3, "quality-time": 2, "communication": 4, "vulnerability": 3]
            for week in 1...8 {
                clock.advance(7 * 86_400)
                let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                    for person in [ana, ben] {
                        group.addTask {
                            try await app.send(.PUT, "/api/v1/bonds/\(bond)/checkins/current", json: ["ratings": ratings, "note": "week \(week)"], token: person.token).status
                        }
                    }
                    return try await group.reduce(into: [HTTPStatus]()) { $0.append($1) }
                }
                XCTAssertEqual(statuses, [.ok, .ok], "week \(week)")
                for person in [ana, ben] {
                    let view = try await app.send(.GET, "/api/v1/bonds/\(bond)/checkins/current", token: person.token)
                    XCTAssertEqual(view.json["state"] as? String, "revealed", "week \(week)")
                    XCTAssertEqual(view.json["theirNote"] as? String, "week \(week)")
                }
            }
            let rows = try await Checkin.query(on: app.db).count()
            XCTAssertEqual(rows, 16)
        }
    }

    func testTheDeepConversationTakesTurnsAndResumes() async throws {
        try await withApp { app, _ in
            let (ana, ben, bond) = try await app.pair()
            let none = try await app.send(.GET, "/api/v1/bonds/\(bond)/conversation", token: ana.token)
            XCTAssertEqual(none.json["underway"] as? Bool, false)
            let started = try await app.send(.POST, "/api/v1/bonds/\(bond)/conversation", token: ana.token)
            XCTAssertEqual(started.status, .created)
            XCTAssertEqual(started.json["total"] as? Int, 36)
            XCTAssertEqual(started.json["set"] as? Int, 1)
            XCTAssertEqual(started.json["yourTurn"] as? Bool, true, "whoever starts answers first")
            let again = try await app.send(.POST, "/api/v1/bonds/\(bond)/conversation", token: ben.token)
            XCTAssertEqual(again.status, .ok, "Ben joins the one under way")
            XCTAssertEqual(again.json["yourTurn"] as? Bool, false)
            // Both press "next" at once: it moves on only once.
            _ = try await app.send(.POST, "/api/v1/bonds/\(bond)/conversation/advance", json: ["position": 0], token: ana.token)
            let twice = try await app.send(.POST, "/api/v1/bonds/\(bond)/conversation/advance", json: ["position": 0], token: ben.token)
            XCTAssertEqual(twice.json["position"] as? Int, 1)
            for outOfRange in [-1, 37, 1001] {
                let refused = try await app.send(.POST, "/api/v1/bonds/\(bond)/conversation/advance", json: ["position": outOfRange], token: ana.token)
                XCTAssertEqual(refused.status, .unprocessableEntity, "position \(outOfRange)")
                XCTAssertEqual(refused.problemFields, ["position"])
            }
            let document = try await app.send(.GET, "/api/openapi.yaml")
            XCTAssertTrue(document.body.contains("maximum: 36"), "the contract states the conversation's real length")
            XCTAssertEqual(twice.json["yourTurn"] as? Bool, true, "now Ben answers first")
            for position in 1..<36 {
                _ = try await app.send(.POST, "/api/v1/bonds/\(bond)/conversation/advance", json: ["position": position], token: ana.token)
            }
            let closing = try await app.send(.GET, "/api/v1/bonds/\(bond)/conversation", token: ben.token)
            XCTAssertEqual(closing.json["closing"] as? Bool, true)
            XCTAssertEqual(closing.json["closingMinutes"] as? Int, 4)
            let finished = try await app.send(.POST, "/api/v1/bonds/\(bond)/conversation/finish", token: ben.token)
            XCTAssertEqual(finished.json["underway"] as? Bool, false)
            XCTAssertEqual(finished.json["completedConversations"] as? Int, 1)
        }
    }
}
