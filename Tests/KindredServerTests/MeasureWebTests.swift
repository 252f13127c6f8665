import Fluent
import XCTVapor
@testable import KindredServer

final class MeasureWebTests: XCTestCase {
    /// Two browsers in an active bond; returns them and the bond's path.
    func pairedBrowsers(_ app: Application, kind: String = "romantic") async throws -> (Browser, Browser, String) {
        let ana = Browser(app)
        try await ana.register("Ana")
        try await ana.get("/bonds/new")
        let created = try await ana.post("/bonds", ["kind": kind])
        let bondPath = try XCTUnwrap(created.location)
        let invite = try await ana.post("\(bondPath)/invites")
        let range = try XCTUnwrap(invite.body.range(of: #"/join/[0-9a-z]{20}"#, options: .regularExpression))
        let ben = Browser(app)
        try await ben.register("Ben")
        try await ben.get(String(invite.body[range]))
        _ = try await ben.post(String(invite.body[range]))
        return (ana, ben, bondPath)
    }

    func testTakingTheEISInTheBrowser() async throws {
        try await withApp { app, _ in
            let (ana, _, bond) = try await pairedBrowsers(app)
            let form = try await ana.get("\(bond)/measure/eis/take")
            XCTAssertEqual(form.status, .ok)
            XCTAssertTrue(form.body.contains("3 of 5"), "progress is shown")
            XCTAssertTrue(form.body.contains("This person cares deeply for me."))
            XCTAssertTrue(form.body.contains("Source: Sinclair"), "the citation is shown")
            // One missing: the form comes back, with the others still chosen.
            let partial = try await ana.post("\(bond)/measure/eis/take", [
                "mode": "self", "answer-eis1": "4", "answer-eis2": "3", "answer-eis3": "5", "answer-eis4": "4",
            ])
            XCTAssertEqual(partial.status, .unprocessableEntity)
            XCTAssertTrue(partial.body.contains("Please answer this one."))
            XCTAssertTrue(partial.body.contains(#"id="answer-eis3-5" value="5" checked"#), "answers are kept")
            XCTAssertTrue(partial.body.contains("Question 5 of 5"), "the summary names the question")
            let done = try await ana.post("\(bond)/measure/eis/take", [
                "mode": "self", "answer-eis1": "4", "answer-eis2": "3", "answer-eis3": "5", "answer-eis4": "4", "answer-eis5": "2",
            ])
            XCTAssertEqual(done.status, .seeOther)
            let page = try await ana.get(try XCTUnwrap(done.location))
            XCTAssertTrue(page.body.contains("18 of 25"))
            XCTAssertTrue(page.body.contains("Only you can see this result"))
            XCTAssertTrue(page.body.contains(#"<svg"#) && page.body.contains(#"role="img""#), "the profile chart")
            XCTAssertTrue(page.body.contains("<table>"), "and its table")
            XCTAssertTrue(page.body.contains("What tends to help"))
            // The home keeps to one gentle suggestion; results live one tap away, on the measures page.
            let home = try await ana.get(bond)
            XCTAssertTrue(home.body.contains(bond + "/measure"), "measures stay reachable from the home")
            XCTAssertFalse(home.body.contains("Emotional Intimacy Scale: 5 short questions"), "taken: no longer suggested")
            let measures = try await ana.get(bond + "/measure")
            XCTAssertTrue(measures.body.contains("18 of 25"), "the measures page shows the latest")
        }
    }

    func testThePartnerSeesNothingOfAnUnsharedResultOrAPrediction() async throws {
        try await withApp { app, _ in
            let (ana, ben, bond) = try await pairedBrowsers(app)
            try await ana.get("\(bond)/measure/eis/take")
            _ = try await ana.post("\(bond)/measure/eis/take", [
                "mode": "self", "answer-eis1": "1", "answer-eis2": "1", "answer-eis3": "2", "answer-eis4": "1", "answer-eis5": "1",
            ])
            try await ana.get("\(bond)/measure/eis/take?mode=predict")
            _ = try await ana.post("\(bond)/measure/eis/take", [
                "mode": "predict", "answer-eis1": "5", "answer-eis2": "5", "answer-eis3": "5", "answer-eis4": "5", "answer-eis5": "4",
            ])
            for path in [bond, "\(bond)/measure", "\(bond)/measure/eis"] {
                let page = try await ben.get(path)
                XCTAssertEqual(page.status, .ok, path)
                XCTAssertFalse(page.body.contains("6 of 25"), "\(path) shows Ana's unshared score")
                XCTAssertFalse(page.body.contains("24 of 25"), "\(path) shows Ana's prediction")
                XCTAssertFalse(page.body.contains("Ana shared"), path)
                XCTAssertFalse(page.body.contains("How well Ana knows you"), path)
            }
            let anasPage = try await ana.get("\(bond)/measure/eis")
            XCTAssertTrue(anasPage.body.contains("6 of 25"))
        }
    }

    func testSharingOnTheWebShowsTheComparisonToBoth() async throws {
        try await withApp { app, _ in
            let (ana, ben, bond) = try await pairedBrowsers(app)
            try await ana.get("\(bond)/measure/eis/take")
            let taken = try await ana.post("\(bond)/measure/eis/take", [
                "mode": "self", "answer-eis1": "4", "answer-eis2": "3", "answer-eis3": "5", "answer-eis4": "4", "answer-eis5": "2",
            ])
            XCTAssertEqual(taken.status, .seeOther)
            try await ben.get("\(bond)/measure/eis/take")
            _ = try await ben.post("\(bond)/measure/eis/take", [
                "mode": "self", "share": "yes", "answer-eis1": "5", "answer-eis2": "5", "answer-eis3": "5", "answer-eis4": "5", "answer-eis5": "5",
            ])
            let before = try await ana.get("\(bond)/measure/eis")
            XCTAssertTrue(before.body.contains("Ben shared 25 of 25"))
            XCTAssertFalse(before.body.contains("Side by side"), "Ana has not shared yet")
            let shareRange = try XCTUnwrap(before.body.range(of: #"/results/[0-9a-f-]{36}/sharing"#, options: .regularExpression))
            let shared = try await ana.post(bond + String(before.body[shareRange]), ["shared": "yes"])
            XCTAssertEqual(shared.status, .seeOther)
            let benSees = try await ben.get("\(bond)/measure/eis")
            XCTAssertTrue(benSees.body.contains("Side by side"))
            XCTAssertTrue(benSees.body.contains("Ana shared 18 of 25"))
            let anaSees = try await ana.get("\(bond)/measure/eis")
            XCTAssertTrue(anaSees.body.contains("Side by side"))
            XCTAssertTrue(anaSees.body.contains("Stop sharing"))
        }
    }

    func testFriendshipBondsAreNotAskedRomanticQuestions() async throws {
        try await withApp { app, _ in
            let (ana, _, bond) = try await pairedBrowsers(app, kind: "friendship")
            let list = try await ana.get("\(bond)/measure")
            XCTAssertFalse(list.body.contains("Couples Satisfaction"), "CSI-4 is for romantic bonds")
            let balance = try await ana.get("\(bond)/measure/intimacy-balance/take")
            XCTAssertTrue(balance.body.contains("emotional closeness"))
            XCTAssertFalse(balance.body.contains("sexual"))
            XCTAssertFalse(balance.body.contains("physical affection"))
            let csi = try await ana.get("\(bond)/measure/csi4/take")
            XCTAssertEqual(csi.status, .notFound)
        }
    }

    func testTheBalanceCheckExplainsAnImbalanceGently() async throws {
        try await withApp { app, _ in
            let (ana, _, bond) = try await pairedBrowsers(app)
            try await ana.get("\(bond)/measure/intimacy-balance/take")
            let done = try await ana.post("\(bond)/measure/intimacy-balance/take", [
                "mode": "self", "answer-emotional-satisfaction": "1", "answer-emotional-attention": "1",
                "answer-physical-satisfaction": "4", "answer-physical-attention": "4",
                "answer-sexual-satisfaction": "4", "answer-sexual-attention": "5",
            ])
            let page = try await ana.get(try XCTUnwrap(done.location))
            XCTAssertTrue(page.body.contains("emotional closeness feels unsatisfying"))
            XCTAssertTrue(page.body.contains("nobody&#39;s fault") || page.body.contains("nobody's fault"))
        }
    }
}
