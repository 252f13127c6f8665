import Fluent
import XCTVapor
@testable import KindredServer
import KindredCore

/// API tokens end after a stretch without use, show when and from what they were used, and
/// ended sessions and tokens are never listed as live (issue 11, item 14); lists are paged.
final class TokenExpiryTests: XCTestCase {
    private let day: TimeInterval = 24 * 3600

    private func date(_ value: Any?) -> Date? {
        (value as? String).flatMap { ISO8601DateFormatter().date(from: $0) }
    }

    func testATokenEndsAfterItsIdleDaysAndEveryUseMovesThatOn() async throws {
        try await withApp { app, clock in
            let ana = try await app.person("Ana")
            let made = try await app.send(.POST, "/api/v1/tokens", json: [
                "email": ana.email, "password": ana.password, "name": "Phone", "idleDays": 7,
            ], headers: ["User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1"])
            XCTAssertEqual(made.status, .created, made.body)
            XCTAssertEqual(made.json["idleDays"] as? Int, 7)
            XCTAssertEqual(made.json["device"] as? String, "Safari on iOS")
            let createdAt = try XCTUnwrap(date(made.json["createdAt"]))
            XCTAssertEqual(date(made.json["expiresAt"]), createdAt.addingTimeInterval(7 * day))
            let phone = made.json["token"] as? String ?? ""

            // Used on day 6: it works, and its end moves to a week after that use.
            clock.advance(6 * day)
            let used = try await app.send(.GET, "/api/v1/me", token: phone)
            XCTAssertEqual(used.status, .ok)
            let listed = try await app.send(.GET, "/api/v1/tokens", token: phone)
            let row = try XCTUnwrap(listed.jsonArray.first { $0["name"] as? String == "Phone" })
            XCTAssertEqual(date(row["lastUsedAt"]), createdAt.addingTimeInterval(6 * day))
            XCTAssertEqual(date(row["expiresAt"]), createdAt.addingTimeInterval(13 * day))

            // Six more days is fine; then a week and a day without use ends it.
            clock.advance(6 * day)
            let stillFine = try await app.send(.GET, "/api/v1/me", token: phone)
            XCTAssertEqual(stillFine.status, .ok)
            clock.advance(7 * day + 60)
            let ended = try await app.send(.GET, "/api/v1/me", token: phone)
            XCTAssertEqual(ended.status, .unauthorized)
            XCTAssertTrue(ended.body.contains("ended after 7 days without use"), ended.body)
            let gone = try await APIToken.query(on: app.db).filter(\.$name == "Phone").count()
            XCTAssertEqual(gone, 0, "an ended token is deleted when it is next presented")
        }
    }

    func testTokensLastNinetyDaysWithoutUseUnlessChosenAndTheChoiceIsChecked() async throws {
        try await withApp { app, clock in
            let ana = try await app.person("Ana")
            let listed = try await app.send(.GET, "/api/v1/tokens", token: ana.token)
            let row = try XCTUnwrap(listed.jsonArray.first)
            XCTAssertEqual(row["idleDays"] as? Int, 90)
            XCTAssertEqual(date(row["expiresAt"]), date(row["createdAt"])?.addingTimeInterval(90 * day))

            for bad in [0, 366, -4] as [Any] + ["a week", 2.5] {
                let refused = try await app.send(.POST, "/api/v1/tokens", json: ["email": ana.email, "password": ana.password, "idleDays": bad])
                XCTAssertEqual(refused.status, .unprocessableEntity, "\(bad): \(refused.body)")
                XCTAssertTrue(refused.body.contains("idleDays"), refused.body)
            }
            let tokens = try await APIToken.query(on: app.db).count()
            XCTAssertEqual(tokens, 1, "no token is made from a refused request")

            // Ana's first token, unused for 91 days, has ended (the one made just now is fine).
            clock.advance(89 * day)
            let fresh = try await app.send(.POST, "/api/v1/tokens", json: ["email": ana.email, "password": ana.password])
            clock.advance(2 * day)
            let old = try await app.send(.GET, "/api/v1/me", token: ana.token)
            XCTAssertEqual(old.status, .unauthorized)
            let new = try await app.send(.GET, "/api/v1/me", token: fresh.json["token"] as? String ?? "")
            XCTAssertEqual(new.status, .ok)
        }
    }

    func testEndedSessionsAndTokensAreNeverListedAndTheSweepRemovesThem() async throws {
        try await withApp { app, clock in
            let ana = try await app.person("Ana")
            let browser = Browser(app)
            _ = try await browser.signIn(ana.email, password: ana.password)
            let short = try await app.send(.POST, "/api/v1/tokens", json: ["email": ana.email, "password": ana.password, "name": "Short", "idleDays": 1])
            XCTAssertEqual(short.status, .created)

            let before = try await app.send(.GET, "/api/v1/me/sessions", token: ana.token)
            XCTAssertEqual((before.json["sessions"] as? [Any])?.count, 1)
            XCTAssertEqual((before.json["tokens"] as? [Any])?.count, 2)

            // A day and a bit later the browser (30 minutes idle) and the short token have ended,
            // but nothing has swept them yet: still, neither is listed.
            clock.advance(day + 60)
            let after = try await app.send(.GET, "/api/v1/me/sessions", token: ana.token)
            XCTAssertEqual((after.json["sessions"] as? [Any])?.count, 0, after.body)
            let tokenNames = (after.json["tokens"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
            XCTAssertEqual(tokenNames, ["API token"], after.body)
            let listed = try await app.send(.GET, "/api/v1/tokens", token: ana.token)
            XCTAssertEqual(listed.jsonArray.count, 1)
            let rowsBefore = try await (WebSession.query(on: app.db).count(), APIToken.query(on: app.db).count())
            XCTAssertEqual(rowsBefore.0, 1)
            XCTAssertEqual(rowsBefore.1, 2)

            let swept = try await DeviceService(db: app.db, services: app.kindred).sweep()
            XCTAssertEqual(swept.sessions, 1)
            XCTAssertEqual(swept.tokens, 1)
            let rowsAfter = try await (WebSession.query(on: app.db).count(), APIToken.query(on: app.db).count())
            XCTAssertEqual(rowsAfter.0, 0)
            XCTAssertEqual(rowsAfter.1, 1, "a live token is never swept")
        }
    }

    func testListsOfTokensArePagedWithALinkToTheNextPage() async throws {
        try await withApp { app, _ in
            let ana = try await app.person("Ana")
            for n in 1...4 {
                let made = try await app.send(.POST, "/api/v1/tokens", json: ["email": ana.email, "password": ana.password, "name": "Token \(n)"])
                XCTAssertEqual(made.status, .created)
            }
            let first = try await app.send(.GET, "/api/v1/tokens?limit=2", token: ana.token)
            XCTAssertEqual(first.jsonArray.count, 2)
            XCTAssertEqual(first.headers.first(name: .link), "</api/v1/tokens?limit=2&offset=2>; rel=\"next\"")
            let second = try await app.send(.GET, "/api/v1/tokens?limit=2&offset=2", token: ana.token)
            XCTAssertEqual(second.jsonArray.count, 2)
            let third = try await app.send(.GET, "/api/v1/tokens?limit=2&offset=4", token: ana.token)
            XCTAssertEqual(third.jsonArray.count, 1)
            XCTAssertNil(third.headers.first(name: .link), "no next page after the last")
            let ids = Set((first.jsonArray + second.jsonArray + third.jsonArray).compactMap { $0["id"] as? String })
            XCTAssertEqual(ids.count, 5, "every token once across the pages")

            let sessions = try await app.send(.GET, "/api/v1/me/sessions?limit=3", token: ana.token)
            XCTAssertEqual((sessions.json["tokens"] as? [Any])?.count, 3)
            XCTAssertNotNil(sessions.headers.first(name: .link))

            for query in ["limit=0", "limit=101", "limit=ten", "offset=-1", "offset=x"] {
                let bad = try await app.send(.GET, "/api/v1/tokens?\(query)", token: ana.token)
                XCTAssertEqual(bad.status, .badRequest, query)
                XCTAssertEqual(bad.headers.contentType?.description, "application/problem+json", query)
            }
        }
    }

    func testDevicesShowsEachAppsTokenAndItsOwnerCanRevokeIt() async throws {
        try await withApp { app, clock in
            let browser = Browser(app)
            let email = "ana-devices@example.org"
            _ = try await browser.register("Ana", email: email)
            let made = try await app.send(.POST, "/api/v1/tokens", json: [
                "email": email, "password": "a long and lovely passphrase", "name": "Kitchen tablet",
            ], headers: ["User-Agent": "curl/8.4.0"])
            let tablet = made.json["token"] as? String ?? ""
            let page = try await browser.get("/settings/devices")
            XCTAssertTrue(page.text.contains("Kitchen tablet"), page.text)
            XCTAssertTrue(page.text.contains("last used: not yet"), page.text)
            XCTAssertTrue(page.text.contains("made from curl"), page.text)
            XCTAssertTrue(page.text.contains("ends if unused until"), page.text)

            // Ten minutes on (the browser still signed in), the tablet is used.
            clock.advance(600)
            _ = try await app.send(.GET, "/api/v1/me", token: tablet)
            let used = try await browser.get("/settings/devices")
            XCTAssertTrue(used.text.contains("Kitchen tablet"), used.text)
            XCTAssertFalse(used.text.contains("last used: not yet"), used.text)

            // Another person cannot revoke it, even with a valid form of their own.
            let ben = Browser(app)
            _ = try await ben.register("Ben", email: "ben-devices@example.org")
            try await ben.get("/settings/devices")
            let id = try await APIToken.query(on: app.db).filter(\.$name == "Kitchen tablet").first()?.requireID().uuidString.lowercased() ?? ""
            let byBen = try await ben.post("/settings/devices/tokens/\(id)/revoke")
            XCTAssertEqual(byBen.status, .notFound)
            let stillWorks = try await app.send(.GET, "/api/v1/me", token: tablet)
            XCTAssertEqual(stillWorks.status, .ok)

            let noCSRF = try await browser.post("/settings/devices/tokens/\(id)/revoke", csrf: .some(nil))
            XCTAssertNotEqual(noCSRF.status, .seeOther, "a form without the session's token changes nothing")
            try await browser.get("/settings/devices")
            let revoked = try await browser.post("/settings/devices/tokens/\(id)/revoke")
            XCTAssertEqual(revoked.status, .seeOther)
            let after = try await browser.get("/settings/devices")
            XCTAssertTrue(after.text.contains("That app's access is ended."), after.text)
            XCTAssertFalse(after.text.contains("Kitchen tablet"), after.text)
            let refused = try await app.send(.GET, "/api/v1/me", token: tablet)
            XCTAssertEqual(refused.status, .unauthorized)
        }
    }
}
