import Fluent
import XCTVapor
@testable import KindredServer
import KindredCore

/// Waking hours, the long-distance mark and the hours both are awake (issue 12, part 4).
/// The test clock starts at 08:00 UTC on Friday 15 January 2027.
final class TimeTogetherTests: XCTestCase {
    private func pair(_ app: Application, _ a: String, _ b: String) async throws -> (APIPerson, APIPerson, String) {
        let ana = try await app.person("Ana", timeZone: a), ben = try await app.person("Ben", timeZone: b)
        let bond = try await app.bond(of: ana)
        let (code, _) = try await app.invite(to: bond, by: ana)
        _ = try await app.send(.POST, "/api/v1/invites/\(code)/accept", token: ben.token)
        return (ana, ben, bond)
    }

    func testTheHoursBothAreAwakeFollowEachPersonsDayAndTheirChoices() async throws {
        try await withApp { app, _ in
            let (ana, ben, bond) = try await pair(app, "Europe/London", "America/New_York")
            let overlap = try await app.send(.GET, "/api/v1/bonds/\(bond)/overlap", token: ana.token)
            XCTAssertEqual(overlap.status, .ok, overlap.body)
            // London 08:00–22:00 (UTC) and New York 08:00–22:00 (13:00–03:00 UTC): 13:00–22:00 UTC each day.
            let stretches = try XCTUnwrap(overlap.json["stretches"] as? [[String: Any]])
            XCTAssertEqual(stretches.first?["start"] as? String, "2027-01-15T13:00:00Z")
            XCTAssertEqual(stretches.first?["end"] as? String, "2027-01-15T22:00:00Z")
            XCTAssertEqual(overlap.json["totalMinutes"] as? Int, 7 * 9 * 60)
            let members = try XCTUnwrap(overlap.json["members"] as? [[String: Any]])
            XCTAssertEqual(members.map { $0["localTime"] as? String }, ["08:00", "03:00"])

            // Ben is an early bird: 05:00–21:00 in New York (10:00–02:00 UTC).
            let saved = try await app.send(.PUT, "/api/v1/me/waking-hours", json: ["wake": "05:00", "sleep": "21:00"], token: ben.token)
            XCTAssertEqual(saved.status, .ok, saved.body)
            let me = try await app.send(.GET, "/api/v1/me", token: ben.token)
            XCTAssertEqual((me.json["wakingHours"] as? [String: Any])?["wake"] as? String, "05:00")
            let after = try await app.send(.GET, "/api/v1/bonds/\(bond)/overlap?days=1", token: ben.token)
            XCTAssertEqual((after.json["stretches"] as? [[String: Any]])?.first?["start"] as? String, "2027-01-15T10:00:00Z")
            XCTAssertEqual(after.json["totalMinutes"] as? Int, 12 * 60)

            let bad = try await app.send(.PUT, "/api/v1/me/waking-hours", json: ["wake": "07:00", "sleep": "08:00"], token: ben.token)
            XCTAssertEqual(bad.status, .unprocessableEntity)
            XCTAssertEqual(bad.problemFields, ["sleep"])
            let nonsense = try await app.send(.PUT, "/api/v1/me/waking-hours", json: ["wake": 7], token: ben.token)
            XCTAssertEqual(Set(nonsense.problemFields), ["wake", "sleep"])
            let tooLong = try await app.send(.GET, "/api/v1/bonds/\(bond)/overlap?days=40", token: ana.token)
            XCTAssertEqual(tooLong.status, .unprocessableEntity)
            let stranger = try await app.person("Cara")
            let theirs = try await app.send(.GET, "/api/v1/bonds/\(bond)/overlap", token: stranger.token)
            XCTAssertEqual(theirs.status, .notFound)
        }
    }

    func testWakingHoursMoveTheBondsTurnoverWithoutSkippingADay() async throws {
        try await withApp { app, clock in
            let (ana, ben, bond) = try await pair(app, "Europe/London", "Europe/London")
            let before = try await app.send(.GET, "/api/v1/bonds/\(bond)/today", token: ana.token)
            XCTAssertEqual(before.json["nextQuestionAt"] as? String, "2027-01-16T04:00:00Z")
            // Two night owls (awake 14:00–06:00): the day now turns as they fall asleep, at 06:00.
            for person in [ana, ben] {
                _ = try await app.send(.PUT, "/api/v1/me/waking-hours", json: ["wake": "14:00", "sleep": "06:00"], token: person.token)
            }
            let after = try await app.send(.GET, "/api/v1/bonds/\(bond)/today", token: ana.token)
            let day = (after.json["today"] as? [String: Any])?["day"] as? String
            XCTAssertEqual(day, "2027-01-15")
            let next = try XCTUnwrap(after.json["nextQuestionAt"] as? String)
            XCTAssertEqual(next, "2027-01-16T06:00:00Z")
            clock.advance(22 * 3600 + 60)
            let turned = try await app.send(.GET, "/api/v1/bonds/\(bond)/today", token: ben.token)
            XCTAssertEqual((turned.json["today"] as? [String: Any])?["day"] as? String, "2027-01-16")
        }
    }

    func testLongDistanceIsMarkedByEitherAndPutsIdeasThatWorkApartFirst() async throws {
        try await withApp { app, _ in
            let (ana, ben, bond) = try await pair(app, "Europe/London", "Europe/London")
            let near = try await app.send(.GET, "/api/v1/bonds/\(bond)/rituals", token: ana.token)
            let nearIdeas = (near.json["ideas"] as? [[String: Any]] ?? []).compactMap { $0["place"] as? String }
            XCTAssertNotEqual(nearIdeas.first, "apart", "near each other, ideas keep their own order")
            let marked = try await app.send(.PATCH, "/api/v1/bonds/\(bond)", json: ["longDistance": true], token: ben.token)
            XCTAssertEqual(marked.status, .ok, marked.body)
            XCTAssertEqual(marked.json["longDistance"] as? Bool, true)
            let far = try await app.send(.GET, "/api/v1/bonds/\(bond)/rituals", token: ana.token)
            let places = (far.json["ideas"] as? [[String: Any]] ?? []).compactMap { $0["place"] as? String }
            let firstNear = try XCTUnwrap(places.firstIndex { $0 != "apart" })
            XCTAssertGreaterThan(firstNear, 5)
            XCTAssertTrue(places[..<firstNear].allSatisfy { $0 == "apart" } && places[firstNear...].allSatisfy { $0 != "apart" })
            let missing = try await app.send(.PATCH, "/api/v1/bonds/\(bond)", json: ["name": "x"], token: ana.token)
            XCTAssertEqual(missing.status, .unprocessableEntity)
            let stranger = try await app.person("Cara")
            let theirs = try await app.send(.PATCH, "/api/v1/bonds/\(bond)", json: ["longDistance": false], token: stranger.token)
            XCTAssertEqual(theirs.status, .notFound)
        }
    }

    func testThePageShowsBothClocksTheBandAndTheTable() async throws {
        try await withApp { app, _ in
            let (ana, _, bondID) = try await pair(app, "Europe/London", "Asia/Tokyo")
            let bond = bondID.lowercased()
            let browser = Browser(app)
            _ = try await browser.signIn(ana.email)
            let home = try await browser.get("/bonds/\(bond)")
            XCTAssertTrue(home.body.contains(#"href="/bonds/\#(bond)/together">Your hours together</a>"#))
            let page = try await browser.get("/bonds/\(bond)/together")
            XCTAssertEqual(page.status, .ok)
            // 08:00 in London, 17:00 in Tokyo; both awake 08:00–13:00 London time (17:00–22:00 Tokyo).
            XCTAssertTrue(page.body.contains(#"<span class="clock-time">08:00</span>"#))
            XCTAssertTrue(page.body.contains(#"<span class="clock-time">17:00</span>"#))
            XCTAssertTrue(page.body.contains("<th scope=\"row\">Today</th><td>08:00–13:00</td>"), page.text)
            XCTAssertTrue(page.body.contains(#"<svg class="overlap-band""#))
            XCTAssertTrue(page.body.contains(#"<rect x="140.0" y="0" width="50.0" height="20" rx="4" class="band-awake">"#), "08:00–13:00 on the band")
            XCTAssertTrue(page.body.contains("35 hours in all"))
            // A ritual kept on Tokyo's clock names it on Ana's pages, whose times are London's.
            _ = try await app.send(.POST, "/api/v1/bonds/\(bond)/rituals", json: ["title": "Morning call", "rhythm": "daily", "time": "07:00", "timeZone": "Asia/Tokyo"], token: ana.token)
            let rituals = try await browser.get("/bonds/\(bond)/rituals")
            XCTAssertTrue(rituals.body.contains("Every day at 07:00 Tokyo time"), rituals.text)
            let marked = try await browser.post("/bonds/\(bond)/together", ["longDistance": "1"])
            XCTAssertEqual(marked.status, .seeOther)
            let after = try await browser.get("/bonds/\(bond)/together")
            XCTAssertTrue(after.body.contains("This bond is marked long-distance"))

            try await browser.get("/settings")
            let bad = try await browser.post("/settings/waking-hours", ["wake": "09:00", "sleep": "10:00"])
            XCTAssertEqual(bad.status, .unprocessableEntity)
            XCTAssertTrue(bad.body.contains(##"href="#sleep""##))
            XCTAssertTrue(bad.body.contains(#"value="10:00""#), "what was typed stays")
            let good = try await browser.post("/settings/waking-hours", ["wake": "07:00", "sleep": "23:00"])
            XCTAssertEqual(good.status, .seeOther)
            let settings = try await browser.get("/settings")
            XCTAssertTrue(settings.body.contains(#"id="wake" name="wake" value="07:00""#))
        }
    }
}
