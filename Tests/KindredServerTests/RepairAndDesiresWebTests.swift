import Fluent
import XCTVapor
@testable import KindredServer
import KindredCore

/// Repair, needs and desires, and this week's plan in the browser, from both members' sides.
final class RepairAndDesiresWebTests: XCTestCase {
    func testRaiseHearAgreeResolveAndLetGoWithTheSafetyLinkOnEveryPage() async throws {
        try await withApp { app, _ in
            let (ana, ben, bondID) = try await app.pair()
            let bond = bondID.lowercased()
            let anas = Browser(app), bens = Browser(app)
            _ = try await anas.signIn(ana.email)
            _ = try await bens.signIn(ben.email)
            let home = try await anas.get("/bonds/\(bond)")
            XCTAssertTrue(home.body.contains(#"href="/bonds/\#(bond)/repairs">Repair and let go</a>"#))
            XCTAssertFalse(home.body.contains("/desires"), "needs and desires are for romantic bonds")
            let list = try await anas.get("/bonds/\(bond)/repairs")
            XCTAssertTrue(list.body.contains(#"href="/support""#), "the quiet link to the private safety check")
            let empty = try await anas.post("/bonds/\(bond)/repairs", ["happened": " ", "felt": "", "wouldHelp": ""])
            XCTAssertEqual(empty.status, .unprocessableEntity)
            XCTAssertTrue(empty.body.contains(##"href="#happened""##))
            let raised = try await anas.post("/bonds/\(bond)/repairs", ["happened": "The comment about my job at dinner", "felt": "", "wouldHelp": "Ask before joking about it"])
            XCTAssertEqual(raised.status, .seeOther, raised.body)
            let page = try XCTUnwrap(raised.location)
            let anaView = try await anas.get(page).text
            XCTAssertTrue(anaView.contains("What you raised"))
            XCTAssertTrue(anaView.contains(#"href="/support""#))
            XCTAssertFalse(anaView.contains("I've heard it"), "it's Ben's to acknowledge")

            let benView = try await bens.get(page).text
            XCTAssertTrue(benView.contains("What Ana raised"))
            XCTAssertTrue(benView.contains("The comment about my job at dinner"))
            XCTAssertTrue(benView.contains("I've heard it"))
            let heard = try await bens.post(page + "/steps", ["step": "acknowledge", "text": "You're right, and I'm sorry."])
            XCTAssertEqual(heard.status, .seeOther)
            // Ben's second tab still shows the reply form: what he types there is not lost.
            let again = try await bens.post(page + "/steps", ["step": "acknowledge", "text": "One more thing I wanted to say"])
            XCTAssertEqual(again.status, .conflict)
            XCTAssertTrue(again.text.contains("One more thing I wanted to say"))
            XCTAssertTrue(again.text.contains("That isn't the next step."))
            _ = try await anas.get(page)
            let noText = try await anas.post(page + "/steps", ["step": "agree", "text": ""])
            XCTAssertEqual(noText.status, .unprocessableEntity)
            XCTAssertTrue(noText.body.contains(##"href="#text""##))
            _ = try await anas.post(page + "/steps", ["step": "agree", "text": "Tell you sooner when something stings"])
            _ = try await bens.get(page)
            _ = try await bens.post(page + "/steps", ["step": "agree", "text": "Ask before joking"])
            let agreed = try await anas.get(page).text
            XCTAssertTrue(agreed.contains("Agreed"))
            XCTAssertTrue(agreed.contains("Ask before joking") && agreed.contains("Tell you sooner"))
            _ = try await anas.post(page + "/steps", ["step": "resolve"])
            _ = try await bens.get(page)
            _ = try await bens.post(page + "/steps", ["step": "suggest-let-go"])
            let suggested = try await anas.get(page).text
            XCTAssertTrue(suggested.contains("Ben has suggested letting this go"))
            let letGo = try await anas.post(page + "/steps", ["step": "let-go"])
            XCTAssertEqual(letGo.location, "/bonds/\(bond)/repairs")
            let after = try await bens.get("/bonds/\(bond)/repairs")
            XCTAssertFalse(after.body.contains("The comment about my job"), "a let-go item leaves the default view")
            let benHome = try await bens.get("/bonds/\(bond)")
            XCTAssertFalse(benHome.body.contains("The comment about my job"))
            let past = try await anas.get("/bonds/\(bond)/repairs?past=1")
            XCTAssertTrue(past.body.contains("The comment about my job"))
            _ = try await anas.get(page)
            let deleted = try await anas.post(page + "/delete")
            XCTAssertEqual(deleted.location, "/bonds/\(bond)/repairs")
            let gone = try await bens.get(page)
            XCTAssertEqual(gone.status, .notFound)
        }
    }

    func testNeedsAndDesiresAskForAgeAndShowOnlyMatches() async throws {
        try await withApp { app, _ in
            let (ana, ben, bondID) = try await app.pair(kind: "romantic")
            let bond = bondID.lowercased()
            let anas = Browser(app), bens = Browser(app)
            _ = try await anas.signIn(ana.email)
            _ = try await bens.signIn(ben.email)
            let home = try await anas.get("/bonds/\(bond)")
            XCTAssertTrue(home.body.contains(#"href="/bonds/\#(bond)/desires">Needs and desires</a>"#))
            let gate = try await anas.get("/bonds/\(bond)/desires")
            XCTAssertTrue(gate.body.contains("I am 18 or over"))
            XCTAssertFalse(gate.body.contains("mark-affection-01"), "no items before confirming")
            let unticked = try await anas.post("/bonds/\(bond)/desires/confirm", [:])
            XCTAssertEqual(unticked.status, .unprocessableEntity)
            let confirmed = try await anas.post("/bonds/\(bond)/desires/confirm", ["adult": "1"])
            XCTAssertEqual(confirmed.status, .seeOther)
            let open = try await anas.get("/bonds/\(bond)/desires")
            XCTAssertTrue(open.body.contains(#"name="mark-sex-08""#))
            let tampered = try await anas.post("/bonds/\(bond)/desires", ["mark-affection-01": "always"])
            XCTAssertEqual(tampered.status, .unprocessableEntity)
            XCTAssertTrue(tampered.body.contains(##"href="#mark-affection-01-yes""##))
            let saved = try await anas.post("/bonds/\(bond)/desires", ["mark-affection-01": "yes", "mark-touch-01": "no", "mark-romance-01": "maybe"])
            XCTAssertEqual(saved.status, .seeOther)
            let mine = try await anas.get("/bonds/\(bond)/desires")
            XCTAssertTrue(mine.body.contains(#"id="mark-affection-01-yes" name="mark-affection-01" value="yes" checked"#))

            _ = try await bens.get("/bonds/\(bond)/desires")
            _ = try await bens.post("/bonds/\(bond)/desires/confirm", ["adult": "1"])
            _ = try await bens.get("/bonds/\(bond)/desires")
            _ = try await bens.post("/bonds/\(bond)/desires", ["mark-affection-01": "maybe", "mark-touch-01": "yes"])
            let content = try XCTUnwrap(app.kindred.content.desires)
            let matched = try XCTUnwrap(content.item("affection-01")?.item)
            let refused = try XCTUnwrap(content.item("touch-01")?.item)
            let onesided = try XCTUnwrap(content.item("romance-01")?.item)
            for browser in [anas, bens] {
                let page = try await browser.get("/bonds/\(bond)/desires").text
                let matches = String(page[page.range(of: "id=\"matches\"")!.lowerBound..<page.range(of: "</section>")!.lowerBound])
                XCTAssertTrue(matches.contains(matched.text))
                XCTAssertTrue(matches.contains(matched.talk))
                XCTAssertFalse(matches.contains(refused.text), "a no is never a match")
                XCTAssertFalse(matches.contains(onesided.text), "a one-sided maybe is not shown")
            }
            let bensPage = try await bens.get("/bonds/\(bond)/desires")
            XCTAssertFalse(bensPage.body.contains(#"name="mark-romance-01" value="maybe" checked"#), "Ana's marks are hers")
        }
    }

    func testThisWeeksPlanPage() async throws {
        try await withApp { app, _ in
            let (ana, _, bondID) = try await app.pair()
            let bond = bondID.lowercased()
            let anas = Browser(app)
            _ = try await anas.signIn(ana.email)
            let page = try await anas.get("/bonds/\(bond)/plan").text
            XCTAssertTrue(page.contains("This week's plan"))
            XCTAssertEqual(page.components(separatedBy: "<li class=\"card\">").count - 1, 3)
            XCTAssertTrue(page.contains("Because "))
            // On the home, the plan takes the suggestion's place once no questionnaire is due.
            let due = try await anas.get("/bonds/\(bond)").text
            XCTAssertTrue(due.contains("When you have a moment"))
            XCTAssertFalse(due.contains("Why these, and how"))
            let six = ["open1": 4, "open2": 4, "trust1": 2, "trust2": 2, "warmth1": 4, "warmth2": 4, "time1": 4, "time2": 4,
                       "talk1": 4, "talk2": 4, "open3": 4, "open4": 4]
            for (instrument, answers) in [("six-signs", six), ("eis", ["eis1": 4, "eis2": 4, "eis3": 4, "eis4": 4, "eis5": 4])] {
                let taken = try await app.send(.POST, "/api/v1/bonds/\(bondID)/assessments", json: ["instrument": instrument, "answers": answers], token: ana.token)
                XCTAssertEqual(taken.status, .created, taken.body)
            }
            let home = try await anas.get("/bonds/\(bond)").text
            XCTAssertFalse(home.contains("When you have a moment"))
            XCTAssertTrue(home.contains("This week's plan"))
            XCTAssertTrue(home.contains("Because trust was your lowest sign in your last six signs."))
            XCTAssertTrue(home.contains("Why these, and how"))
        }
    }
}
