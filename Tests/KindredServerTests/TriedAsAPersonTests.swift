import Fluent
import NIOCore
import XCTVapor
@testable import KindredServer

/// Defects found by trying Kindred as a person would — each tested as it was seen.
final class TriedAsAPersonTests: XCTestCase {
    func testInviteLinksUseThePortTheServerReallyListensOn() async throws {
        try await withApp { app, _ in
            // As `kindred serve --port N` does: the configuration says 8080, the server listens elsewhere.
            try await app.server.start(address: .hostname("127.0.0.1", port: 0))
            let port = try XCTUnwrap(app.http.server.shared.localAddress?.port)
            XCTAssertNotEqual(port, 8080)
            let ana = try await app.person("Ana")
            let bond = try await app.bond(of: ana)
            let invite = try await app.send(.POST, "/api/v1/bonds/\(bond)/invites", token: ana.token)
            XCTAssertTrue((invite.json["url"] as? String)?.hasPrefix("http://127.0.0.1:\(port)/join/") == true, invite.body)
            XCTAssertEqual(app.baseURL, "http://127.0.0.1:\(port)")
            await app.server.shutdown()
        }
    }

    func testThePublicAddressWinsWhenItIsSet() async throws {
        try await withApp({ $0.publicURL = URL(string: "https://kindred.example.org/") }) { app, _ in
            let ana = try await app.person("Ana")
            let bond = try await app.bond(of: ana)
            let invite = try await app.send(.POST, "/api/v1/bonds/\(bond)/invites", token: ana.token)
            XCTAssertTrue((invite.json["url"] as? String)?.hasPrefix("https://kindred.example.org/join/") == true, invite.body)
        }
    }

    func testOneWeekOfCheckInsIsOneWeekInTheHistory() async throws {
        try await withApp { app, _ in
            let (ana, ben, bond) = try await app.pair()
            let ratings = Dictionary(uniqueKeysWithValues: ["open-sharing", "trust", "positive-feelings", "quality-time", "communication", "vulnerability"].map { ($0, 4) })
            for person in [ana, ben] {
                let done = try await app.send(.PUT, "/api/v1/bonds/\(bond)/checkins/current", json: ["ratings": ratings], token: person.token)
                XCTAssertEqual(done.status, .ok, done.body)
            }
            let history = try await app.send(.GET, "/api/v1/bonds/\(bond)/checkins", token: ana.token)
            XCTAssertEqual(history.jsonArray.count, 1, "the same week twice: \(history.body)")
            let browser = Browser(app)
            _ = try await browser.signIn(ana.email)
            let page = try await browser.get("/bonds/\(bond)/checkin")
            XCTAssertFalse(page.body.contains("<svg"), "one week is one point: no line to draw yet")
            XCTAssertFalse(page.text.contains("once you've both finished"), "they have both checked in already")
            XCTAssertTrue(page.text.contains("You've both checked in this week."))
        }
    }

    func testThePageNotFoundShowsASignedInPersonTheirOwnLinks() async throws {
        try await withApp { app, _ in
            let browser = Browser(app)
            try await browser.register("Ana")
            let missing = try await browser.get("/no-such-page")
            XCTAssertEqual(missing.status, .notFound)
            XCTAssertTrue(missing.body.contains("Sign out"), "signed-in links")
            XCTAssertFalse(missing.body.contains("Create an account"))
            let anonymous = try await Browser(app).get("/no-such-page")
            XCTAssertTrue(anonymous.body.contains("Create an account"))
        }
    }

    func testSomeoneInvitedIsNotToldToMakeABond() async throws {
        try await withApp { app, _ in
            let ana = try await app.person("Ana")
            let bond = try await app.bond(of: ana)
            let (code, _) = try await app.invite(to: bond, by: ana)
            let ben = Browser(app)
            try await ben.get("/register?next=/join/\(code)")
            let email = "ben-\(UUID().uuidString.prefix(6))@example.org"
            let asked = try await ben.post("/register", [
                "displayName": "Ben", "email": email,
                "password": "a long and lovely passphrase", "timeZone": "Europe/London", "next": "/join/\(code)",
            ])
            // The link in the email carries where Ben was going.
            let registered = try await ben.finishSignup(asked, email: email)
            XCTAssertEqual(registered.location, "/join/\(code)")
            let join = try await ben.get("/join/\(code)")
            XCTAssertFalse(join.text.contains("Start by making a bond"))
            XCTAssertTrue(join.text.contains("accept the invite"))
        }
    }

    func testKindsOfBondAreDescribedWithoutRepeatingThemselves() async throws {
        try await withApp { app, _ in
            let browser = Browser(app)
            try await browser.register("Ana")
            let page = try await browser.get("/bonds/new").text
            XCTAssertFalse(page.contains("Your partner."))
            XCTAssertFalse(page.contains("A close friend."))
            XCTAssertTrue(page.contains("You're in a relationship together"))
        }
    }

    func testHelplinesAreTappableAndOperatorNotesStayOffPeoplesPages() async throws {
        try await withApp { app, _ in
            let browser = Browser(app)
            try await browser.get("/support")
            var form = Dictionary(uniqueKeysWithValues: SafetyTests.allNo.keys.map { ("question-\($0)", "no") })
            form["question-afraid"] = "yes"
            form["country"] = "us"
            let result = try await browser.post("/support", form)
            XCTAssertEqual(result.status, .ok, result.body)
            XCTAssertTrue(result.body.contains(#"href="tel:18007997233""#), "a number to call")
            XCTAssertTrue(result.body.contains(#"href="sms:88788?body=START""#), "a number to text, with its keyword")
            XCTAssertTrue(result.body.contains(#"href="tel:911""#), "the emergency number")
            for note in ["operators should", "re-check", "not yet checked", "Operators"] {
                XCTAssertFalse(result.text.contains(note), note)
            }
            let api = try await app.send(.POST, "/api/v1/safety-check", json: ["answers": SafetyTests.allNo, "country": "ca"])
            XCTAssertFalse(api.body.lowercased().contains("re-check"), api.body)
            XCTAssertTrue(api.body.contains("ShelterSafe lists them"), "the note meant for people stays")

            try await browser.register("Ana")
            let ana = try await app.person("Ben")
            let bond = try await app.bond(of: ana)
            _ = bond
            let instruments = try await app.send(.GET, "/api/v1/instruments/eis", token: ana.token)
            XCTAssertFalse(instruments.body.contains("not yet checked"), instruments.body)
        }
    }

    func testTheShiftHintIsOnlyForKeyboardsAndQuickExitStaysOnScreen() async throws {
        try await withApp { app, _ in
            let page = try await Browser(app).get("/").body
            XCTAssertTrue(page.contains(#"<span class="keyboard-hint">, or press Shift three times</span>"#))
            let css = try await Browser(app).get("/css/app.css").body
            XCTAssertTrue(css.contains("@media (hover: hover) and (pointer: fine) { .keyboard-hint { display: inline; } }"))
            let header = try XCTUnwrap(css.range(of: ".site-header {").map { String(css[$0.lowerBound...].prefix(400)) })
            XCTAssertTrue(header.contains("position: sticky; top: 0;"), header)
        }
    }
}
