import Fluent
import XCTVapor
@testable import KindredServer
import KindredCore

/// Time together in the browser. The test clock starts at 08:00 UTC on Friday 15 January 2027.
final class PlanWebTests: XCTestCase {
    func testSuggestFromAnIdeaAnotherTimeIsSuggestedBackThenYesAndWhatWeLiked() async throws {
        try await withApp { app, clock in
            let (ana, ben, bondID) = try await app.pair()
            let bond = bondID.lowercased()
            let anas = Browser(app), bens = Browser(app)
            _ = try await anas.signIn(ana.email)
            _ = try await bens.signIn(ben.email)
            let home = try await anas.get("/bonds/\(bond)")
            XCTAssertTrue(home.body.contains(#"href="/bonds/\#(bond)/plans">Time together</a>"#))
            let list = try await anas.get("/bonds/\(bond)/plans")
            XCTAssertTrue(list.body.contains("Times you&#39;re both awake this week") || list.body.contains("Times you're both awake this week"))
            let fromIdea = try await anas.get("/bonds/\(bond)/plans?idea=picnic")
            XCTAssertTrue(fromIdea.body.contains(#"value="A picnic somewhere green""#))
            let wrong = try await anas.post("/bonds/\(bond)/plans", ["title": "", "date": "soon", "time": "18:00"])
            XCTAssertEqual(wrong.status, .unprocessableEntity)
            XCTAssertTrue(wrong.body.contains(##"href="#title""##) && wrong.body.contains(##"href="#date""##))
            let past = try await anas.post("/bonds/\(bond)/plans", ["title": "Too late", "date": "2027-01-14", "time": "18:00"])
            XCTAssertEqual(past.status, .unprocessableEntity)
            XCTAssertTrue(past.body.contains("Choose a time that hasn&#39;t passed yet.") || past.body.contains("Choose a time that hasn't passed yet."))

            let made = try await anas.post("/bonds/\(bond)/plans", ["title": "A picnic somewhere green", "date": "2027-01-16", "time": "12:00",
                                                                     "minutes": "120", "mode": "in-person", "ideaId": "picnic"])
            XCTAssertEqual(made.status, .seeOther, made.body)
            let planPath = try XCTUnwrap(made.location)
            let waiting = try await anas.get(planPath)
            XCTAssertTrue(waiting.body.contains("Waiting for Ben to answer"))
            XCTAssertTrue(waiting.body.contains("16 January 2027 at 12:00 · 2 hours · In person"))
            let bensView = try await bens.get(planPath)
            XCTAssertTrue(bensView.body.contains("Ana is waiting for your answer"))
            let counter = try await bens.post(planPath + "/response", ["response": "propose", "date": "2027-01-17", "time": "13:00"])
            XCTAssertEqual(counter.status, .seeOther)
            try await anas.get(planPath)
            let yes = try await anas.post(planPath + "/response", ["response": "accept"])
            XCTAssertEqual(yes.status, .seeOther)
            let accepted = try await bens.get(planPath)
            XCTAssertTrue(accepted.body.contains("You&#39;re both in") || accepted.body.contains("You're both in"))
            XCTAssertTrue(accepted.body.contains("17 January 2027 at 13:00"))

            clock.advance(3 * 86_400)
            // Sessions end after 12 hours: both sign in again.
            _ = try await anas.signIn(ana.email)
            _ = try await bens.signIn(ben.email)
            try await bens.get(planPath)
            let bensLiked = try await bens.post(planPath + "/liked", ["text": "The robin that stole a crust"])
            XCTAssertEqual(bensLiked.status, .seeOther)
            let anaBefore = try await anas.get(planPath)
            XCTAssertFalse(anaBefore.body.contains("robin"), "not before Ana wrote hers")
            XCTAssertTrue(anaBefore.body.contains("Ben has written theirs."))
            _ = try await anas.post(planPath + "/liked", ["text": "Sun on our faces in January"])
            try await anas.get(planPath)
            let anaAfter = try await anas.get(planPath)
            XCTAssertTrue(anaAfter.body.contains("The robin that stole a crust"))
            XCTAssertTrue(anaAfter.body.contains("Sun on our faces in January"), "her own words stay in the form")
            // A time when one of them is usually asleep is suggested, with a word about it.
            _ = try await anas.signIn(ana.email)
            try await anas.get("/bonds/\(bond)/plans")
            let late = try await anas.post("/bonds/\(bond)/plans", ["title": "Midnight feast", "date": "2027-01-19", "time": "23:30"])
            let latePage = try await anas.get(try XCTUnwrap(late.location))
            XCTAssertTrue(latePage.body.contains("outside the hours you&#39;re both usually awake") || latePage.body.contains("outside the hours you're both usually awake"))
            try await anas.get(planPath)
            let off = try await anas.post(planPath + "/delete")
            XCTAssertEqual(off.location, "/bonds/\(bond)/plans")
        }
    }
}
