import Fluent
import XCTVapor
@testable import KindredServer
import KindredCore

/// Calendar feeds: a member makes a private address, a calendar app fetches it with no
/// sign-in and gets the bond's shared rituals (titles only), skipped times left out, an alarm
/// if chosen and the daily question's time if asked; revoking, leaving and strangers get 404.
final class CalendarFeedTests: XCTestCase {
    private func feedPath(_ url: String) -> String { String(url.drop { $0 != "/" }.dropFirst(2).drop { $0 != "/" }) }

    func testAFeedHoldsTheSharedRitualsTitlesOnlyAndEndsWhenRevoked() async throws {
        try await withApp { app, _ in
            let (ana, ben, bond) = try await app.pair()
            let walk = try await app.send(.POST, "/api/v1/bonds/\(bond)/rituals", json: [
                "title": "Friday walk", "description": "Round the park, talk about the week", "rhythm": "weekly", "weekdays": [5],
                "start": "2027-01-01", "time": "08:00", "timeZone": "Europe/London",
            ], token: ana.token)
            let walkID = try XCTUnwrap(walk.json["id"] as? String)
            _ = try await app.send(.PATCH, "/api/v1/bonds/\(bond)/rituals/\(walkID)", json: ["response": "accept"], token: ben.token)
            _ = try await app.send(.POST, "/api/v1/bonds/\(bond)/rituals", json: ["title": "Not yet agreed", "rhythm": "daily"], token: ana.token)
            // Last Friday, both skipped.
            for person in [ana, ben] {
                _ = try await app.send(.PUT, "/api/v1/bonds/\(bond)/rituals/\(walkID)/occurrences/2027-01-08", json: ["status": "skipped"], token: person.token)
            }
            _ = try await app.send(.PUT, "/api/v1/me/reminders", json: ["dailyAt": "08:30", "email": true, "push": false, "partnerActivity": false], token: ana.token)

            // A plan both agreed to, and one still waiting.
            let plan = try await app.send(.POST, "/api/v1/bonds/\(bond)/plans", json: ["title": "Kite flying", "startsAt": "2027-01-16T14:30:00Z", "minutes": 90], token: ana.token)
            _ = try await app.send(.PATCH, "/api/v1/bonds/\(bond)/plans/\(plan.json["id"] as? String ?? "")", json: ["response": "accept"], token: ben.token)
            _ = try await app.send(.POST, "/api/v1/bonds/\(bond)/plans", json: ["title": "Still deciding", "startsAt": "2027-01-17T14:30:00Z"], token: ana.token)
            let made = try await app.send(.POST, "/api/v1/bonds/\(bond)/calendar-feeds", json: ["alarmMinutes": 15, "includeDailyQuestion": true], token: ana.token)
            XCTAssertEqual(made.status, .created, made.body)
            let url = try XCTUnwrap(made.json["url"] as? String)
            XCTAssertTrue(url.hasPrefix("http://127.0.0.1:8080/calendar/") && url.hasSuffix(".ics"), url)
            let secret = String(url.split(separator: "/").last!.dropLast(4))
            XCTAssertGreaterThanOrEqual(secret.count * 5, 128, "at least 128 bits")
            let stored = try await CalendarFeedLink.query(on: app.db).all()
            XCTAssertEqual(stored.map(\.tokenHash), [Secrets.sha256(secret)], "only the hash is kept")

            let feed = try await app.send(.GET, feedPath(url))
            XCTAssertEqual(feed.status, .ok)
            XCTAssertEqual(feed.headers.first(name: .contentType), "text/calendar; charset=utf-8")
            XCTAssertEqual(feed.headers.first(name: .cacheControl), "private, no-store")
            let text = feed.body
            XCTAssertTrue(text.hasPrefix("BEGIN:VCALENDAR\r\n"))
            XCTAssertTrue(text.contains("SUMMARY:Friday walk\r\n"))
            XCTAssertTrue(text.contains("RRULE:FREQ=WEEKLY;INTERVAL=1;BYDAY=FR;WKST=MO\r\n"), text)
            XCTAssertTrue(text.contains("DTSTART;TZID=Europe/London:20270101T080000"))
            XCTAssertTrue(text.contains("EXDATE;TZID=Europe/London:20270108T080000"), "the skipped Friday")
            XCTAssertTrue(text.contains("TRIGGER:-PT15M"))
            XCTAssertTrue(text.contains("SUMMARY:Today's question"))
            XCTAssertTrue(text.contains("BEGIN:VTIMEZONE\r\nTZID:Europe/London"))
            XCTAssertFalse(text.contains("Round the park"), "titles only, never what anyone wrote about it")
            XCTAssertFalse(text.contains("Not yet agreed"), "only rituals both agreed to")
            XCTAssertTrue(text.contains("SUMMARY:Kite flying\r\n"))
            XCTAssertTrue(text.contains("DTSTART;TZID=Europe/London:20270116T143000\r\nDURATION:PT90M"), text)
            XCTAssertFalse(text.contains("Still deciding"), "only plans both agreed to")

            // Listed without the address; the other member neither sees nor revokes it.
            let listed = try await app.send(.GET, "/api/v1/bonds/\(bond)/calendar-feeds", token: ana.token)
            XCTAssertEqual(listed.jsonArray.count, 1)
            XCTAssertFalse(listed.body.contains(secret))
            let bens = try await app.send(.GET, "/api/v1/bonds/\(bond)/calendar-feeds", token: ben.token)
            XCTAssertEqual(bens.jsonArray.count, 0)
            let feedID = try XCTUnwrap(made.json["id"] as? String)
            let notHis = try await app.send(.DELETE, "/api/v1/bonds/\(bond)/calendar-feeds/\(feedID)", token: ben.token)
            XCTAssertEqual(notHis.status, .notFound)
            let revoked = try await app.send(.DELETE, "/api/v1/bonds/\(bond)/calendar-feeds/\(feedID)", token: ana.token)
            XCTAssertEqual(revoked.status, .noContent)
            let gone = try await app.send(.GET, feedPath(url))
            XCTAssertEqual(gone.status, .notFound)
            let madeUp = try await app.send(.GET, "/calendar/not-a-real-secret.ics")
            XCTAssertEqual(madeUp.status, .notFound)
        }
    }

    func testMistakesLimitsAndAnEndedBondsFeed() async throws {
        try await withApp { app, _ in
            let (ana, ben, bond) = try await app.pair()
            let stranger = try await app.person("Cara")
            let wrong = try await app.send(.POST, "/api/v1/bonds/\(bond)/calendar-feeds", json: ["alarmMinutes": 7], token: ana.token)
            XCTAssertEqual(wrong.status, .unprocessableEntity)
            XCTAssertEqual(wrong.problemFields, ["alarmMinutes"])
            let theirs = try await app.send(.POST, "/api/v1/bonds/\(bond)/calendar-feeds", json: [:], token: stranger.token)
            XCTAssertEqual(theirs.status, .notFound)
            var urls: [String] = []
            for _ in 0..<CalendarFeedService.perMember {
                let made = try await app.send(.POST, "/api/v1/bonds/\(bond)/calendar-feeds", json: [:], token: ana.token)
                urls.append(made.json["url"] as? String ?? "")
            }
            let one = try await app.send(.POST, "/api/v1/bonds/\(bond)/calendar-feeds", json: [:], token: ana.token)
            XCTAssertEqual(one.status, .conflict)
            let before = try await app.send(.GET, feedPath(urls[0]))
            XCTAssertEqual(before.status, .ok)
            _ = try await app.send(.POST, "/api/v1/bonds/\(bond)/leave", token: ben.token)
            let after = try await app.send(.GET, feedPath(urls[0]))
            XCTAssertEqual(after.status, .notFound, "the feed ends with the bond")
        }
    }
}
