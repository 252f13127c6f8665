import Fluent
import SQLKit
import XCTVapor
@testable import KindredServer

final class TodayAPITests: XCTestCase {
    func today(_ app: Application, _ person: APIPerson, _ bond: String) async throws -> [String: Any] {
        let response = try await app.send(.GET, "/api/v1/bonds/\(bond)/today", token: person.token)
        XCTAssertEqual(response.status, .ok, response.body)
        return response.json["today"] as? [String: Any] ?? [:]
    }

    func answer(_ app: Application, _ person: APIPerson, _ bond: String, _ text: String) async throws -> TestResponse {
        try await app.send(.PUT, "/api/v1/bonds/\(bond)/today/answer", json: ["text": text], token: person.token)
    }

    func testBothMembersGetTheSamePromptOnTheSameDay() async throws {
        try await withApp { app, _ in
            let (ana, ben, bond) = try await app.pair()
            let a = try await today(app, ana, bond), b = try await today(app, ben, bond)
            XCTAssertEqual((a["prompt"] as? [String: Any])?["id"] as? String, (b["prompt"] as? [String: Any])?["id"] as? String)
            XCTAssertEqual(a["state"] as? String, "open")
            XCTAssertEqual((a["prompt"] as? [String: Any])?["depth"] as? Int, 1, "a new bond starts light")
        }
    }

    func testTheOtherMembersAnswerIsRevealedOnlyOnceBothAnswered() async throws {
        try await withApp { app, _ in
            let (ana, ben, bond) = try await app.pair()
            let first = try await answer(app, ana, bond, "The smell of rain on the walk home")
            XCTAssertEqual((first.json["today"] as? [String: Any])?["state"] as? String, "waitingForThem")
            let edited = try await answer(app, ana, bond, "Rain on the walk home, and soup")
            XCTAssertEqual(((edited.json["today"] as? [String: Any])?["yourAnswer"] as? [String: Any])?["text"] as? String, "Rain on the walk home, and soup")

            // Ben learns only that Ana answered: not a word of it, anywhere.
            for path in ["/api/v1/bonds/\(bond)/today", "/api/v1/bonds/\(bond)/days", "/api/v1/bonds/\(bond)",
                         "/api/v1/bonds/\(bond)/dashboard", "/api/v1/bonds"] {
                let response = try await app.send(.GET, path, token: ben.token)
                XCTAssertFalse(response.body.contains("Rain"), "\(path) leaks Ana's answer")
                XCTAssertFalse(response.body.contains("soup"), "\(path) leaks Ana's answer")
                XCTAssertFalse(response.body.contains("kc1:"), "\(path) leaks the sealed text")
            }
            let seen = try await today(app, ben, bond)
            XCTAssertEqual(seen["state"] as? String, "theyAnswered")
            XCTAssertEqual(seen["theyAnswered"] as? Bool, true)
            XCTAssertNil(seen["theirAnswer"])
            let day = try XCTUnwrap(seen["day"] as? String)
            let dayView = try await app.send(.GET, "/api/v1/bonds/\(bond)/days/\(day)", token: ben.token)
            XCTAssertFalse(dayView.body.contains("soup"))

            let second = try await answer(app, ben, bond, "Finishing the crossword together")
            let revealed = second.json["today"] as? [String: Any]
            XCTAssertEqual(revealed?["state"] as? String, "revealed")
            XCTAssertEqual((revealed?["theirAnswer"] as? [String: Any])?["text"] as? String, "Rain on the walk home, and soup")
            let anaSees = try await today(app, ana, bond)
            XCTAssertEqual((anaSees["theirAnswer"] as? [String: Any])?["text"] as? String, "Finishing the crossword together")
            XCTAssertEqual((anaSees["yourAnswer"] as? [String: Any])?["editable"] as? Bool, false)

            let tooLate = try await answer(app, ana, bond, "Changed my mind")
            XCTAssertEqual(tooLate.status, .conflict)
            XCTAssertEqual(tooLate.json["code"] as? String, "answers-revealed")
        }
    }

    func testAnswersAreSealedAtRest() async throws {
        try await withApp { app, _ in
            let (ana, _, bond) = try await app.pair()
            _ = try await answer(app, ana, bond, "A sentence nobody should read in the database")
            let rows = try await DailyAnswer.query(on: app.db).all()
            XCTAssertEqual(rows.count, 1)
            XCTAssertTrue(rows[0].sealedText.hasPrefix("kc2:"), "sealed and bound to its row")
            XCTAssertFalse(rows[0].sealedText.contains("nobody should read"))
        }
    }

    func testAnswersAreValidated() async throws {
        try await withApp { app, _ in
            let (ana, _, bond) = try await app.pair()
            let empty = try await answer(app, ana, bond, "   ")
            XCTAssertEqual(empty.problemFields, ["text"])
            let long = try await answer(app, ana, bond, String(repeating: "a", count: 2001))
            XCTAssertEqual(long.problemFields, ["text"])
            let missing = try await app.send(.PUT, "/api/v1/bonds/\(bond)/today/answer", json: [String: Any](), token: ana.token)
            XCTAssertEqual(missing.problemFields, ["text"])
            let count = try await DailyAnswer.query(on: app.db).count()
            XCTAssertEqual(count, 0)
        }
    }

    /// An answer's response is built from the rows read before the write with the write
    /// folded in: at every step it must say exactly what a fresh `GET today` says.
    func testTheAnswersResponseIsWhatAFreshReadSays() async throws {
        try await withApp { app, clock in
            let (ana, ben, bond) = try await app.pair()
            // A mutual day yesterday, so the consistency line has something to carry.
            _ = try await today(app, ana, bond)
            _ = try await answer(app, ana, bond, "Yesterday, Ana")
            _ = try await answer(app, ben, bond, "Yesterday, Ben")
            clock.advance(86_400)
            _ = try await today(app, ana, bond)
            let passed = try await app.send(.POST, "/api/v1/bonds/\(bond)/today/skip", token: ana.token)
            XCTAssertEqual(passed.status, .ok, passed.body)
            let steps: [(APIPerson, String, String)] = [
                (ana, "Ana changes her mind about passing", "waitingForThem"),
                (ana, "Ana, in other words", "waitingForThem"),
                (ben, "Ben answers second", "revealed"),
            ]
            for (person, text, state) in steps {
                let put = try await app.send(.PUT, "/api/v1/bonds/\(bond)/today/answer", json: ["text": text], token: person.token)
                XCTAssertEqual(put.status, .ok, put.body)
                let fresh = try await app.send(.GET, "/api/v1/bonds/\(bond)/today", token: person.token)
                XCTAssertEqual((put.json["today"] as? [String: Any])?["state"] as? String, state, put.body)
                XCTAssertEqual(try Self.canonical(put.json), try Self.canonical(fresh.json), "after \"\(text)\"")
            }
            let last = try await app.send(.GET, "/api/v1/bonds/\(bond)/today", token: ana.token)
            let consistency = try XCTUnwrap(last.json["consistency"] as? [String: Any])
            XCTAssertEqual(consistency["days"] as? Int, 2)
        }
    }

    private static func canonical(_ json: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys]), as: UTF8.self)
    }

    func testSimultaneousAnswersBothLandAndBothEndRevealed() async throws {
        try await withApp { app, _ in
            let (ana, ben, bond) = try await app.pair()
            _ = try await today(app, ana, bond)
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for (person, text) in [(ana, "Ana at the same instant"), (ben, "Ben at the same instant")] {
                    group.addTask {
                        try await app.send(.PUT, "/api/v1/bonds/\(bond)/today/answer", json: ["text": text], token: person.token).status
                    }
                }
                return try await group.reduce(into: [HTTPStatus]()) { $0.append($1) }
            }
            XCTAssertEqual(statuses, [.ok, .ok])
            let rows = try await DailyAnswer.query(on: app.db).count()
            XCTAssertEqual(rows, 2)
            let a = try await today(app, ana, bond), b = try await today(app, ben, bond)
            XCTAssertEqual(a["state"] as? String, "revealed")
            XCTAssertEqual(b["state"] as? String, "revealed")
        }
    }

    func testRepliesOpenAfterTheRevealAndHistoryKeepsBothAnswers() async throws {
        try await withApp { app, clock in
            let (ana, ben, bond) = try await app.pair()
            let opened = try await today(app, ana, bond)
            let day = try XCTUnwrap(opened["day"] as? String)
            _ = try await answer(app, ana, bond, "Ana's first answer")
            let early = try await app.send(.POST, "/api/v1/bonds/\(bond)/days/\(day)/replies", json: ["text": "Hi"], token: ana.token)
            XCTAssertEqual(early.status, .conflict)
            _ = try await answer(app, ben, bond, "Ben's first answer")
            let reply = try await app.send(.POST, "/api/v1/bonds/\(bond)/days/\(day)/replies", json: ["text": "I loved reading this"], token: ben.token)
            XCTAssertEqual(reply.status, .created)
            let seenByAna = try await app.send(.GET, "/api/v1/bonds/\(bond)/days/\(day)", token: ana.token)
            let replies = seenByAna.json["replies"] as? [[String: Any]] ?? []
            XCTAssertEqual(replies.first?["text"] as? String, "I loved reading this")
            XCTAssertEqual(replies.first?["yours"] as? Bool, false)
            clock.advance(86_400)
            let history = try await app.send(.GET, "/api/v1/bonds/\(bond)/days", token: ana.token)
            let past = history.jsonArray.first { $0["day"] as? String == day }
            XCTAssertEqual((past?["theirAnswer"] as? [String: Any])?["text"] as? String, "Ben's first answer")
            let unknownDay = try await app.send(.GET, "/api/v1/bonds/\(bond)/days/2020-01-01", token: ana.token)
            XCTAssertEqual(unknownDay.status, .notFound)
            let badDay = try await app.send(.GET, "/api/v1/bonds/\(bond)/days/yesterday", token: ana.token)
            XCTAssertEqual(badDay.status, .notFound)
        }
    }

    func testConsistencyCountsDaysAnsweredTogether() async throws {
        try await withApp { app, clock in
            let (ana, ben, bond) = try await app.pair()
            for day in 0..<10 {
                if day != 3 && day != 7 {
                    _ = try await answer(app, ana, bond, "Ana on day \(day)")
                    _ = try await answer(app, ben, bond, "Ben on day \(day)")
                } else {
                    _ = try await answer(app, ana, bond, "Only Ana on day \(day)")
                }
                if day < 9 { clock.advance(86_400) }
            }
            let response = try await app.send(.GET, "/api/v1/bonds/\(bond)/today", token: ana.token)
            let consistency = response.json["consistency"] as? [String: Any]
            XCTAssertEqual(consistency?["days"] as? Int, 8)
            XCTAssertEqual(consistency?["sentence"] as? String, "You've answered together on 8 of the last 10 days.")
            let questions = try await DailyQuestion.query(on: app.db).all()
            XCTAssertEqual(Set(questions.map(\.promptID)).count, 10, "no repeats")
        }
    }

    func testAWaitingBondHasNoDailyAnswersAndAnEndedOneHidesThePartner() async throws {
        try await withApp { app, clock in
            let solo = try await app.person("Solo")
            let waiting = try await app.bond(of: solo)
            let early = try await answer(app, solo, waiting, "Anyone there?")
            XCTAssertEqual(early.status, .conflict)
            XCTAssertEqual(early.json["code"] as? String, "bond-waiting")
            let look = try await app.send(.GET, "/api/v1/bonds/\(waiting)/today", token: solo.token)
            XCTAssertEqual(look.json["code"] as? String, "bond-waiting")
            let used = try await DailyQuestion.query(on: app.db).count()
            XCTAssertEqual(used, 0, "no prompt is used up before the other person joins")

            let (ana, ben, bond) = try await app.pair()
            _ = try await answer(app, ana, bond, "Ana's words")
            _ = try await answer(app, ben, bond, "Ben's words")
            _ = try await app.send(.POST, "/api/v1/bonds/\(bond)/leave", token: ben.token)
            let after = try await app.send(.GET, "/api/v1/bonds/\(bond)/today", token: ana.token)
            XCTAssertFalse(after.body.contains("Ben's words"), "what the other wrote is no longer reachable")
            XCTAssertTrue(after.body.contains("Ana's words"), "each keeps their own")
            let write = try await answer(app, ana, bond, "More")
            XCTAssertEqual(write.json["code"] as? String, "bond-ended")
            // The next day an ended bond is asked nothing new, on the API and on the page.
            clock.advance(86_400)
            let questions = try await DailyQuestion.query(on: app.db).count()
            let nextDay = try await app.send(.GET, "/api/v1/bonds/\(bond)/today", token: ana.token)
            XCTAssertEqual(nextDay.status, .conflict)
            XCTAssertEqual(nextDay.json["code"] as? String, "bond-ended")
            let browser = Browser(app)
            _ = try await browser.signIn(ana.email, password: ana.password)
            let page = try await browser.get("/bonds/\(bond)/today")
            XCTAssertEqual(page.location?.lowercased(), "/bonds/\(bond)/days".lowercased())
            let past = try await browser.get("/bonds/\(bond)/days")
            XCTAssertTrue(past.body.contains("15 January 2027"), "the past day is still listed")
            let questionsAfter = try await DailyQuestion.query(on: app.db).count()
            XCTAssertEqual(questionsAfter, questions, "no prompt is used up by an ended bond")
        }
    }
}
