import Fluent
import XCTVapor
@testable import KindredServer
import KindredCore

/// Rituals in the browser: propose from an idea, the other agrees, each marks their part;
/// mistakes come back with what was typed; change, pause, resume, remove. The test clock
/// starts at 08:00 UTC on Friday 15 January 2027.
final class RitualWebTests: XCTestCase {
    private func signedIn(_ app: Application, _ person: APIPerson) async throws -> Browser {
        let browser = Browser(app)
        let response = try await browser.signIn(person.email)
        XCTAssertEqual(response.status, .seeOther)
        return browser
    }

    func testProposeFromAnIdeaTheOtherAgreesAndEachMarksTheirPart() async throws {
        try await withApp { app, _ in
            let (ana, ben, bondID) = try await app.pair()
            let bond = bondID.lowercased()
            let anas = try await signedIn(app, ana), bens = try await signedIn(app, ben)
            let home = try await anas.get("/bonds/\(bond)")
            XCTAssertTrue(home.body.contains(#"href="/bonds/\#(bond)/rituals">Rituals you share</a>"#))
            let list = try await anas.get("/bonds/\(bond)/rituals")
            XCTAssertEqual(list.status, .ok)
            XCTAssertTrue(list.body.contains("Cook dinner together"))
            XCTAssertFalse(list.body.contains("Date night"), "nothing romantic in a friendship")
            let fromIdea = try await anas.get("/bonds/\(bond)/rituals?idea=sunday-walk")
            XCTAssertTrue(fromIdea.body.contains(#"value="Sunday walk""#))
            XCTAssertTrue(fromIdea.body.contains(#"<input type="hidden" name="ideaId" value="sunday-walk">"#))

            let proposed = try await anas.post("/bonds/\(bond)/rituals", [
                "title": "Sunday walk", "description": "Round the reservoir", "participation": "both", "rhythm": "daily",
                "every": "1", "start": "2027-01-15", "time": "07:30", "timeZone": "Europe/London", "ideaId": "sunday-walk",
            ])
            XCTAssertEqual(proposed.status, .seeOther, proposed.body)
            let ritualPath = try XCTUnwrap(proposed.location)
            let mine = try await anas.get(ritualPath)
            XCTAssertTrue(mine.body.contains("Waiting for Ben to agree."))
            XCTAssertTrue(mine.body.contains("Proposed. It becomes a shared ritual once the other person agrees."))
            XCTAssertFalse(mine.body.contains("Agree to it"))

            let bensList = try await bens.get("/bonds/\(bond)/rituals")
            XCTAssertTrue(bensList.body.contains("Every day at 07:30<"), "the same zone: no clock named")
            XCTAssertTrue(bensList.body.contains("Ana would like to start"))
            let bensView = try await bens.get(ritualPath)
            XCTAssertTrue(bensView.body.contains("Agree to it"))
            let agreed = try await bens.post(ritualPath + "/response", ["response": "accept"])
            XCTAssertEqual(agreed.location, ritualPath)
            let marked = try await bens.get(ritualPath)
            XCTAssertTrue(marked.body.contains("Agreed. It&#39;s a ritual you share now.") || marked.body.contains("Agreed. It's a ritual you share now."))
            let done = try await bens.post(ritualPath + "/occurrences/2027-01-15", ["status": "done"])
            XCTAssertEqual(done.status, .seeOther)
            let anasView = try await anas.get(ritualPath)
            XCTAssertTrue(anasView.body.contains("Half done"), anasView.text)
            XCTAssertTrue(anasView.body.contains("You: — · Ben: Done"))
            _ = try await anas.post(ritualPath + "/occurrences/2027-01-15", ["status": "done"])
            let both = try await anas.get(ritualPath)
            XCTAssertTrue(both.body.contains("Kept 1 of the last 1 times.") || both.body.contains("Kept the one time so far."))
            XCTAssertTrue(both.body.contains("Clear my mark"))
            let cleared = try await anas.post(ritualPath + "/occurrences/2027-01-15", ["status": "clear"])
            XCTAssertEqual(cleared.status, .seeOther)
            let after = try await anas.get(ritualPath)
            XCTAssertTrue(after.body.contains("Your mark is cleared."))
            XCTAssertTrue(after.body.contains("Half done"))
        }
    }

    func testMistakesComeBackWithWhatWasTypedAndChangesPausesAndRemoval() async throws {
        try await withApp { app, _ in
            let (ana, ben, bondID) = try await app.pair()
            let bond = bondID.lowercased()
            let anas = try await signedIn(app, ana)
            try await anas.get("/bonds/\(bond)/rituals")
            let wrong = try await anas.post("/bonds/\(bond)/rituals", [
                "title": "  ", "description": "Keep this text", "rhythm": "weekly", "every": "many", "time": "half past", "start": "2027-01-15",
            ])
            XCTAssertEqual(wrong.status, .unprocessableEntity)
            XCTAssertTrue(wrong.body.contains("Please check this"))
            XCTAssertTrue(wrong.body.contains(##"href="#title""##))
            XCTAssertTrue(wrong.body.contains(##"href="#time""##))
            XCTAssertTrue(wrong.body.contains(##"href="#every""##))
            XCTAssertTrue(wrong.body.contains("Keep this text"))

            let made = try await app.send(.POST, "/api/v1/bonds/\(bond)/rituals", json: ["title": "Friday call", "rhythm": "weekly", "weekdays": [5]], token: ana.token)
            let id = try XCTUnwrap(made.json["id"] as? String).lowercased()
            _ = try await app.send(.PATCH, "/api/v1/bonds/\(bond)/rituals/\(id)", json: ["response": "accept"], token: ben.token)
            let path = "/bonds/\(bond)/rituals/\(id)"
            try await anas.get(path)
            let changed = try await anas.post(path + "/edit", [
                "title": "Saturday call", "participation": "either", "rhythm": "weekly", "weekdays[]": "6", "every": "1",
                "start": "2027-01-16", "time": "10:00", "timeZone": "Europe/London", "from": "2027-01-16",
            ])
            XCTAssertEqual(changed.status, .seeOther, changed.body)
            let page = try await anas.get(path)
            XCTAssertTrue(page.body.contains("<h1>Saturday call</h1>"))
            XCTAssertTrue(page.body.contains("Every Saturday at 10:00 · Either of us"))
            XCTAssertTrue(page.body.contains("15 January 2027 at 19:00"), "this Friday's time stays")
            let badChange = try await anas.post(path + "/edit", ["title": "Saturday call", "rhythm": "weekly", "time": "10:00", "from": "someday"])
            XCTAssertEqual(badChange.status, .unprocessableEntity)
            XCTAssertTrue(badChange.body.contains(##"href="#from""##))

            try await anas.get(path)
            _ = try await anas.post(path + "/pause", ["paused": "1"])
            let paused = try await anas.get(path)
            XCTAssertTrue(paused.body.contains("Paused: nothing comes round, and nothing is owed."))
            XCTAssertTrue(paused.body.contains("Resume it"))
            _ = try await anas.post(path + "/pause", ["paused": "0"])
            let resumed = try await anas.get(path)
            XCTAssertTrue(resumed.body.contains("Resumed. Welcome back to it."))
            let removed = try await anas.post(path + "/delete")
            XCTAssertEqual(removed.location, "/bonds/\(bond)/rituals")
            let gone = try await anas.get(path)
            XCTAssertEqual(gone.status, .notFound)
        }
    }

    func testACalendarAddressIsShownOnceWorksAndCanBeRemoved() async throws {
        try await withApp { app, _ in
            let (ana, ben, bondID) = try await app.pair()
            let bond = bondID.lowercased()
            let made = try await app.send(.POST, "/api/v1/bonds/\(bond)/rituals", json: ["title": "Tea at four", "rhythm": "daily"], token: ana.token)
            _ = try await app.send(.PATCH, "/api/v1/bonds/\(bond)/rituals/\(made.json["id"] as? String ?? "")", json: ["response": "accept"], token: ben.token)
            let anas = try await signedIn(app, ana)
            let list = try await anas.get("/bonds/\(bond)/rituals")
            XCTAssertTrue(list.body.contains("Make a calendar address"))
            let page = try await anas.post("/bonds/\(bond)/calendar-feeds", ["alarmMinutes": "10", "includeDailyQuestion": "1"])
            XCTAssertEqual(page.status, .ok)
            XCTAssertEqual(page.headers.first(name: .cacheControl), "no-store")
            let url = try XCTUnwrap(page.body.range(of: #"http://127\.0\.0\.1:8080/calendar/[a-z0-9]+\.ics"#, options: .regularExpression).map { String(page.body[$0]) })
            XCTAssertTrue(page.body.contains("webcal://127.0.0.1:8080/calendar/"))
            let path = String(url.dropFirst("http://127.0.0.1:8080".count))
            let feed = try await app.send(.GET, path)
            XCTAssertTrue(feed.body.contains("SUMMARY:Tea at four"))
            XCTAssertTrue(feed.body.contains("TRIGGER:-PT10M"))

            let again = try await anas.get("/bonds/\(bond)/rituals")
            XCTAssertTrue(again.body.contains("A reminder 10 minutes before, with today&#39;s question") || again.body.contains("A reminder 10 minutes before, with today's question"))
            XCTAssertFalse(again.body.contains(path), "the address is shown once")
            let revokeURL = try XCTUnwrap(again.body.range(of: #"/bonds/[0-9a-f-]+/calendar-feeds/[0-9a-f-]+/delete"#, options: .regularExpression).map { String(again.body[$0]) })
            let bens = try await signedIn(app, ben)
            try await bens.get("/bonds/\(bond)/rituals")
            let notHis = try await bens.post(revokeURL)
            XCTAssertEqual(notHis.status, .notFound)
            let removed = try await anas.post(revokeURL)
            XCTAssertEqual(removed.status, .seeOther)
            let gone = try await app.send(.GET, path)
            XCTAssertEqual(gone.status, .notFound)
        }
    }
}
