import Fluent
import XCTVapor
@testable import KindredServer

/// Passing, swapping, reactions, nudges and themes through the API — each from both sides.
final class DayControlAPITests: XCTestCase {
    func today(_ app: Application, _ person: APIPerson, _ bond: String) async throws -> [String: Any] {
        let response = try await app.send(.GET, "/api/v1/bonds/\(bond)/today", token: person.token)
        XCTAssertEqual(response.status, .ok, response.body)
        return response.json["today"] as? [String: Any] ?? [:]
    }

    func post(_ app: Application, _ person: APIPerson, _ path: String, json: Any? = nil) async throws -> TestResponse {
        try await app.send(.POST, path, json: json, token: person.token)
    }

    func promptID(_ day: [String: Any]) -> String? { (day["prompt"] as? [String: Any])?["id"] as? String }

    // MARK: - Passing

    func testAPassStaysQuietUntilTheOtherMemberHasActed() async throws {
        try await withApp { app, _ in
            let (ana, ben, bond) = try await app.pair()
            let passed = try await post(app, ana, "/api/v1/bonds/\(bond)/today/skip")
            XCTAssertEqual(passed.status, .ok, passed.body)
            let mine = passed.json["today"] as? [String: Any] ?? [:]
            XCTAssertEqual(mine["state"] as? String, "passed")
            XCTAssertEqual(mine["youPassed"] as? Bool, true)
            XCTAssertEqual(mine["canPass"] as? Bool, false)

            // Ben sees nothing of it: the day looks untouched, in every response he can get.
            let benSees = try await today(app, ben, bond)
            XCTAssertEqual(benSees["state"] as? String, "open")
            XCTAssertEqual(benSees["theyPassed"] as? Bool, false)
            XCTAssertEqual(benSees["theyAnswered"] as? Bool, false)
            for path in ["/api/v1/bonds/\(bond)/home", "/api/v1/bonds/\(bond)/days", "/api/v1/bonds/\(bond)"] {
                let response = try await app.send(.GET, path, token: ben.token)
                XCTAssertFalse(response.body.contains("\"theyPassed\":true"), path)
                XCTAssertFalse(response.body.contains("passed"), "\(path) mentions the pass: \(response.body)")
            }

            // Once Ben answers, he may know — and Ana never sees his answer, having passed.
            let benAnswers = try await app.send(.PUT, "/api/v1/bonds/\(bond)/today/answer", json: ["text": "Tea in the garden"], token: ben.token)
            let after = benAnswers.json["today"] as? [String: Any] ?? [:]
            XCTAssertEqual(after["state"] as? String, "passed")
            XCTAssertEqual(after["theyPassed"] as? Bool, true)
            let anaSees = try await today(app, ana, bond)
            XCTAssertEqual(anaSees["theyAnswered"] as? Bool, true)
            XCTAssertNil(anaSees["theirAnswer"])
            let anaBody = try await app.send(.GET, "/api/v1/bonds/\(bond)/today", token: ana.token).body
            XCTAssertFalse(anaBody.contains("Tea in the garden"))

            // Ana changes her mind and answers: the pass gives way, and both are revealed.
            let anaAnswers = try await app.send(.PUT, "/api/v1/bonds/\(bond)/today/answer", json: ["text": "A long phone call"], token: ana.token)
            let revealed = anaAnswers.json["today"] as? [String: Any] ?? [:]
            XCTAssertEqual(revealed["state"] as? String, "revealed")
            XCTAssertEqual(revealed["youPassed"] as? Bool, false)
            XCTAssertEqual((revealed["theirAnswer"] as? [String: Any])?["text"] as? String, "Tea in the garden")
            let passes = try await DailyPass.query(on: app.db).count()
            XCTAssertEqual(passes, 0)
        }
    }

    func testYourAnswerIsNeverShownToSomeoneWhoPassed() async throws {
        try await withApp { app, _ in
            let (ana, ben, bond) = try await app.pair()
            _ = try await app.send(.PUT, "/api/v1/bonds/\(bond)/today/answer", json: ["text": "Something tender"], token: ana.token)
            let benPasses = try await post(app, ben, "/api/v1/bonds/\(bond)/today/skip")
            XCTAssertEqual(benPasses.status, .ok)
            XCTAssertFalse(benPasses.body.contains("Something tender"))
            let benDay = benPasses.json["today"] as? [String: Any] ?? [:]
            XCTAssertEqual(benDay["state"] as? String, "passed")
            XCTAssertNil(benDay["theirAnswer"])
            let anaSees = try await today(app, ana, bond)
            XCTAssertEqual(anaSees["theyPassed"] as? Bool, true)
            XCTAssertEqual(anaSees["canReply"] as? Bool, false)
        }
    }

    func testPassingIsRefusedOnceYouHaveAnsweredAndRepeatingItChangesNothing() async throws {
        try await withApp { app, _ in
            let (ana, ben, bond) = try await app.pair()
            let r1 = try await post(app, ben, "/api/v1/bonds/\(bond)/today/skip")
            XCTAssertEqual(r1.status, .ok)
            let r2 = try await post(app, ben, "/api/v1/bonds/\(bond)/today/skip")
            XCTAssertEqual(r2.status, .ok)
            let passes = try await DailyPass.query(on: app.db).count()
            XCTAssertEqual(passes, 1)
            _ = try await app.send(.PUT, "/api/v1/bonds/\(bond)/today/answer", json: ["text": "Mine"], token: ana.token)
            let refused = try await post(app, ana, "/api/v1/bonds/\(bond)/today/skip")
            XCTAssertEqual(refused.status, .conflict)
            XCTAssertEqual(refused.json["code"] as? String, "already-answered")
            XCTAssertEqual(refused.contentType, "application/problem+json")
            _ = try await post(app, ana, "/api/v1/bonds/\(bond)/leave")
            let ended = try await post(app, ben, "/api/v1/bonds/\(bond)/today/skip")
            XCTAssertEqual(ended.status, .conflict)
        }
    }

    // MARK: - Swapping

    func testASwapGivesBothANewPromptOnceAndOnlyBeforeAnyAnswer() async throws {
        try await withApp { app, clock in
            let (ana, ben, bond) = try await app.pair()
            let before = try await today(app, ana, bond)
            let swapped = try await post(app, ana, "/api/v1/bonds/\(bond)/today/swap")
            XCTAssertEqual(swapped.status, .ok, swapped.body)
            let mine = swapped.json["today"] as? [String: Any] ?? [:]
            XCTAssertNotEqual(promptID(mine), promptID(before))
            XCTAssertEqual(mine["swappedBy"] as? String, "you")
            XCTAssertEqual(mine["canSwap"] as? Bool, false)
            let benSees = try await today(app, ben, bond)
            XCTAssertEqual(promptID(benSees), promptID(mine), "both see the new one")
            XCTAssertEqual(benSees["swappedBy"] as? String, "them")

            let again = try await post(app, ben, "/api/v1/bonds/\(bond)/today/swap")
            XCTAssertEqual(again.status, .conflict)
            XCTAssertEqual(again.json["code"] as? String, "swap-used")

            // The next day, once someone has answered, the question stays.
            clock.advance(86_400)
            _ = try await app.send(.PUT, "/api/v1/bonds/\(bond)/today/answer", json: ["text": "An answer"], token: ben.token)
            let afterAnswer = try await post(app, ana, "/api/v1/bonds/\(bond)/today/swap")
            XCTAssertEqual(afterAnswer.status, .conflict)
            XCTAssertEqual(afterAnswer.json["code"] as? String, "swap-after-answer")

            // The swapped-away prompt counts as asked: it does not come straight back.
            let asked = try await DailyQuestion.query(on: app.db).all()
            XCTAssertEqual(asked.count, 2)
            XCTAssertFalse(asked.map(\.promptID).contains(promptID(before)!))
        }
    }

    func testAnAnswerWrittenForASwappedQuestionIsNotSavedUnderTheNewOne() async throws {
        try await withApp { app, _ in
            let (ana, ben, bond) = try await app.pair()
            let before = try await today(app, ana, bond)
            let asked = try XCTUnwrap(promptID(before))
            _ = try await post(app, ben, "/api/v1/bonds/\(bond)/today/swap")
            let late = try await app.send(.PUT, "/api/v1/bonds/\(bond)/today/answer", json: ["text": "About the old question", "promptId": asked], token: ana.token)
            XCTAssertEqual(late.status, .conflict)
            XCTAssertEqual(late.json["code"] as? String, "question-changed")
            let saved = try await DailyAnswer.query(on: app.db).count()
            XCTAssertEqual(saved, 0, "nothing saved under a question it was not written for")
            let after = try await today(app, ana, bond)
            let current = try XCTUnwrap(promptID(after))
            let onTime = try await app.send(.PUT, "/api/v1/bonds/\(bond)/today/answer", json: ["text": "About the new one", "promptId": current], token: ana.token)
            XCTAssertEqual(onTime.status, .ok, onTime.body)
        }
    }

    func testASwapClearsAPassAndTwoSimultaneousSwapsGiveOnePrompt() async throws {
        try await withApp { app, _ in
            let (ana, ben, bond) = try await app.pair()
            _ = try await post(app, ben, "/api/v1/bonds/\(bond)/today/skip")
            let statuses = try await withThrowingTaskGroup(of: UInt.self) { group in
                for person in [ana, ben] {
                    group.addTask { try await app.send(.POST, "/api/v1/bonds/\(bond)/today/swap", token: person.token).status.code }
                }
                return try await group.reduce(into: [UInt]()) { $0.append($1) }.sorted()
            }
            XCTAssertEqual(statuses, [200, 409], "exactly one swap lands")
            let a = try await today(app, ana, bond), b = try await today(app, ben, bond)
            XCTAssertEqual(promptID(a), promptID(b))
            XCTAssertEqual(b["youPassed"] as? Bool, false, "a new question is a fresh chance")
        }
    }

    // MARK: - Reactions

    func testReactionsOnARevealedDayAreOneEachChangeableAndSeenByBoth() async throws {
        try await withApp { app, _ in
            let (ana, ben, bond) = try await app.pair()
            _ = try await app.send(.PUT, "/api/v1/bonds/\(bond)/today/answer", json: ["text": "One"], token: ana.token)
            let anaToday = try await today(app, ana, bond)
            let day = try XCTUnwrap(anaToday["day"] as? String)
            let path = "/api/v1/bonds/\(bond)/days/\(day)/reactions"
            let early = try await app.send(.PUT, path, json: ["reaction": "heart"], token: ana.token)
            XCTAssertEqual(early.status, .conflict)
            XCTAssertEqual(early.json["code"] as? String, "day-not-revealed")
            _ = try await app.send(.PUT, "/api/v1/bonds/\(bond)/today/answer", json: ["text": "Two"], token: ben.token)

            let heart = try await app.send(.PUT, path, json: ["reaction": "heart"], token: ana.token)
            XCTAssertEqual(heart.status, .ok, heart.body)
            XCTAssertEqual(heart.json["yours"] as? String, "heart")
            let hug = try await app.send(.PUT, path, json: ["reaction": "hug"], token: ana.token)
            XCTAssertEqual(hug.json["yours"] as? String, "hug", "changed, not added")
            let count = try await ReactionRow.query(on: app.db).count()
            XCTAssertEqual(count, 1)
            let benSees = try await today(app, ben, bond)
            XCTAssertEqual((benSees["reactions"] as? [String: Any])?["theirs"] as? String, "hug")
            XCTAssertNil((benSees["reactions"] as? [String: Any])?["yours"])

            let bad = try await app.send(.PUT, path, json: ["reaction": "angry"], token: ben.token)
            XCTAssertEqual(bad.status, .unprocessableEntity)
            XCTAssertEqual(bad.problemFields, ["reaction"])
            let removed = try await app.send(.DELETE, path, token: ana.token)
            XCTAssertEqual(removed.status, .ok)
            XCTAssertNil(removed.json["yours"])
            let benAfter = try await today(app, ben, bond)
            XCTAssertNil((benAfter["reactions"] as? [String: Any])?["theirs"])

            let stranger = try await app.person("Cy")
            let refused = try await app.send(.PUT, path, json: ["reaction": "heart"], token: stranger.token)
            XCTAssertEqual(refused.status, .notFound)
            let noDay = try await app.send(.PUT, "/api/v1/bonds/\(bond)/days/2020-01-01/reactions", json: ["reaction": "heart"], token: ana.token)
            XCTAssertEqual(noDay.status, .notFound)
        }
    }

    func testAppreciationsCanBeReactedToByTheirReaderOnly() async throws {
        try await withApp { app, _ in
            let (ana, ben, bond) = try await app.pair()
            let sent = try await post(app, ben, "/api/v1/bonds/\(bond)/appreciations", json: ["text": "Thank you for the soup"])
            let id = try XCTUnwrap(sent.json["id"] as? String)
            let path = "/api/v1/bonds/\(bond)/appreciations/\(id)/reactions"
            let own = try await app.send(.PUT, path, json: ["reaction": "heart"], token: ben.token)
            XCTAssertEqual(own.status, .conflict)
            XCTAssertEqual(own.json["code"] as? String, "own-appreciation")
            let thanks = try await app.send(.PUT, path, json: ["reaction": "thanks"], token: ana.token)
            XCTAssertEqual(thanks.json["yours"] as? String, "thanks")
            let list = try await app.send(.GET, "/api/v1/bonds/\(bond)/appreciations", token: ben.token)
            let mine = (list.json["sent"] as? [[String: Any]])?.first
            XCTAssertEqual((mine?["reactions"] as? [String: Any])?["theirs"] as? String, "thanks")
            let unknown = try await app.send(.PUT, "/api/v1/bonds/\(bond)/appreciations/\(UUID())/reactions", json: ["reaction": "wow"], token: ana.token)
            XCTAssertEqual(unknown.status, .notFound)
        }
    }

    // MARK: - Nudges

    func testANudgeIsOnceADayAndNeverRevealsAPass() async throws {
        try await withApp { app, clock in
            let (ana, ben, bond) = try await app.pair()
            clock.advance(60)
            let nudged = try await post(app, ana, "/api/v1/bonds/\(bond)/nudge")
            XCTAssertEqual(nudged.status, .created, nudged.body)
            let again = try await post(app, ana, "/api/v1/bonds/\(bond)/nudge")
            XCTAssertEqual(again.json["code"] as? String, "nudge-used")
            let benHome = try await app.send(.GET, "/api/v1/bonds/\(bond)/home", token: ben.token)
            let kinds = (benHome.json["news"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
            XCTAssertTrue(kinds.contains("nudged"), benHome.body)

            // Next day: Ben passes. Ana, who has not acted, can still nudge (a refusal would tell her).
            clock.advance(86_400)
            _ = try await post(app, ben, "/api/v1/bonds/\(bond)/today/skip")
            let r3 = try await post(app, ana, "/api/v1/bonds/\(bond)/nudge")
            XCTAssertEqual(r3.status, .created)
            // The day after, Ana answers first and Ben passes: now she may see it, and it is respected.
            clock.advance(86_400)
            _ = try await app.send(.PUT, "/api/v1/bonds/\(bond)/today/answer", json: ["text": "x"], token: ana.token)
            _ = try await post(app, ben, "/api/v1/bonds/\(bond)/today/skip")
            let respected = try await post(app, ana, "/api/v1/bonds/\(bond)/nudge")
            XCTAssertEqual(respected.json["code"] as? String, "nudge-passed")
            // And someone who has answered needs no nudge.
            clock.advance(86_400)
            _ = try await app.send(.PUT, "/api/v1/bonds/\(bond)/today/answer", json: ["text": "y"], token: ben.token)
            let needless = try await post(app, ana, "/api/v1/bonds/\(bond)/nudge")
            XCTAssertEqual(needless.json["code"] as? String, "nudge-not-needed")
        }
    }

    // MARK: - Themes

    func testThemesNarrowTheQuestionAndAreValidatedForTheBond() async throws {
        try await withApp { app, clock in
            let (ana, ben, bond) = try await app.pair(kind: "friendship")
            let initial = try await app.send(.GET, "/api/v1/bonds/\(bond)/themes", token: ben.token)
            XCTAssertEqual(initial.status, .ok)
            XCTAssertTrue(initial.json["decks"] is NSNull || initial.json["decks"] == nil)
            let available = initial.json["available"] as? [[String: Any]] ?? []
            XCTAssertEqual(available.count, app.kindred.content.decks.count, "all six decks, named, with a sample")
            XCTAssertTrue(available.allSatisfy { ($0["title"] as? String)?.isEmpty == false })

            let romanticOnly = try await app.send(.PUT, "/api/v1/bonds/\(bond)/themes", json: ["decks": ["partners"], "depth": NSNull()], token: ana.token)
            XCTAssertEqual(romanticOnly.status, .conflict, "valid decks that clash with a friendship")
            XCTAssertEqual(romanticOnly.problemFields, ["decks"])
            let badDepth = try await app.send(.PUT, "/api/v1/bonds/\(bond)/themes", json: ["decks": ["everyday"], "depth": 7], token: ana.token)
            XCTAssertEqual(badDepth.problemFields, ["depth"])
            let wrongType = try await app.send(.PUT, "/api/v1/bonds/\(bond)/themes", json: ["decks": "everyday"], token: ana.token)
            XCTAssertEqual(wrongType.status, .unprocessableEntity)

            let saved = try await app.send(.PUT, "/api/v1/bonds/\(bond)/themes", json: ["decks": ["everyday"], "depth": 1], token: ana.token)
            XCTAssertEqual(saved.status, .ok, saved.body)
            XCTAssertEqual(saved.json["decks"] as? [String], ["everyday"])
            XCTAssertEqual(saved.json["depth"] as? Int, 1)
            let benSees = try await app.send(.GET, "/api/v1/bonds/\(bond)/themes", token: ben.token)
            XCTAssertEqual(benSees.json["decks"] as? [String], ["everyday"])
            for _ in 0..<8 {
                let day = try await today(app, ben, bond)
                let prompt = day["prompt"] as? [String: Any] ?? [:]
                XCTAssertTrue((prompt["id"] as? String)?.hasPrefix("everyday-") == true, "\(prompt)")
                XCTAssertEqual(prompt["depth"] as? Int, 1)
                clock.advance(86_400)
            }
            let stranger = try await app.person("Cy")
            let r4 = try await app.send(.GET, "/api/v1/bonds/\(bond)/themes", token: stranger.token)
            XCTAssertEqual(r4.status, .notFound)
        }
    }
}
