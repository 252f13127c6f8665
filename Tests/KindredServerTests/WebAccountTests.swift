import Fluent
import XCTVapor
@testable import KindredServer

final class WebAccountTests: XCTestCase {
    func testTheLandingPageOffersSignUpAndQuickExit() async throws {
        try await withApp { app, _ in
            let browser = Browser(app)
            let home = try await browser.get("/")
            XCTAssertEqual(home.status, .ok)
            XCTAssertTrue(home.body.contains(#"href="/register""#))
            XCTAssertTrue(home.body.contains(#"data-quick-exit"#))
            XCTAssertTrue(home.body.contains(#"href="http://127.0.0.1:9/neutral""#), "quick exit is a plain link to the neutral site")
        }
    }

    func testRegisteringSignsYouInAndShowsYourBonds() async throws {
        try await withApp { app, _ in
            let browser = Browser(app)
            try await browser.get("/register")
            XCTAssertTrue(browser.lastPage.contains(#"<option value="Pacific/Kiritimati""#), "every IANA zone is offered")
            XCTAssertFalse(browser.lastPage.contains("Please check this"), "no error summary before any mistake")
            let asked = try await browser.post("/register", [
                "displayName": "Ana", "email": "ana@example.org", "password": "a long and lovely passphrase", "timeZone": "America/Sao_Paulo",
            ])
            let response = try await browser.finishSignup(asked, email: "ana@example.org")
            XCTAssertEqual(response.status, .seeOther)
            XCTAssertEqual(response.location, "/bonds")
            let bonds = try await browser.get("/bonds")
            XCTAssertEqual(bonds.status, .ok)
            XCTAssertTrue(bonds.body.contains("Welcome to Kindred"), "the welcome flash shows once")
            XCTAssertTrue(bonds.body.contains("Make a new bond"))
            XCTAssertTrue(bonds.body.contains("A bond is a private space"), "someone with no bonds is told what one is")
            let again = try await browser.get("/bonds")
            XCTAssertFalse(again.body.contains("Welcome to Kindred"))
            let user = try await User.query(on: app.db).first()
            XCTAssertEqual(user?.timeZone, "America/Sao_Paulo")
        }
    }

    func testAFormWithMistakesComesBackWithWhatWasTypedButNeverThePassword() async throws {
        try await withApp { app, _ in
            let browser = Browser(app)
            try await browser.get("/register")
            let response = try await browser.post("/register", [
                "displayName": "Ana <b>", "email": "ana-at-example", "password": "short secret", "timeZone": "Europe/Paris",
            ])
            XCTAssertEqual(response.status, .unprocessableEntity)
            XCTAssertTrue(response.body.contains(#"value="ana-at-example""#), "email is kept")
            XCTAssertTrue(response.body.contains(#"value="Ana &lt;b&gt;""#), "name is kept, escaped")
            XCTAssertFalse(response.body.contains("short secret"), "the password is never echoed")
            XCTAssertTrue(response.body.contains(#"<option value="Europe/Paris" selected>"#))
            XCTAssertTrue(response.body.contains("Enter an email address like name@example.org."))
            XCTAssertTrue(response.body.contains(#"aria-invalid="true""#))
            let count = try await User.query(on: app.db).count()
            XCTAssertEqual(count, 0)
        }
    }

    func testAPostWithoutAValidCSRFTokenIsRefused() async throws {
        try await withApp { app, _ in
            let browser = Browser(app)
            try await browser.get("/register")
            let form = ["displayName": "Ana", "email": "ana@example.org", "password": "a long and lovely passphrase"]
            let missing = try await browser.post("/register", form, csrf: .some(nil))
            XCTAssertEqual(missing.status, .forbidden)
            let forged = try await browser.post("/register", form, csrf: "forged-token-forged-token-forged-token")
            XCTAssertEqual(forged.status, .forbidden)
            XCTAssertTrue(forged.contentType.hasPrefix("text/html"))
            let count = try await User.query(on: app.db).count()
            XCTAssertEqual(count, 0)

            // Signed in, the token is the session's: an old anonymous one no longer works.
            let anonymousToken = browser.csrf
            try await browser.register("Ben")
            let signOutWithOldToken = try await browser.post("/sign-out", [:], csrf: anonymousToken)
            XCTAssertEqual(signOutWithOldToken.status, .forbidden)
        }
    }

    func testWrongPasswordShowsOneMessageAndKeepsTheEmail() async throws {
        try await withApp { app, _ in
            let email = try await Browser(app).register("Ana")
            let browser = Browser(app)
            let wrong = try await browser.signIn(email, password: "definitely not it")
            XCTAssertEqual(wrong.status, .unauthorized)
            XCTAssertTrue(wrong.body.contains("don&#39;t match an account") || wrong.body.contains("don't match an account"))
            XCTAssertTrue(wrong.body.contains(#"value="\#(email)""#))
            let unknown = try await browser.signIn("nobody@example.org", password: "definitely not it")
            XCTAssertEqual(unknown.status, .unauthorized)
            let right = try await browser.signIn(email)
            XCTAssertEqual(right.status, .seeOther)
        }
    }

    func testSignInIsThrottledOnTheWebToo() async throws {
        try await withApp { app, _ in
            let email = try await Browser(app).register("Ana")
            let browser = Browser(app)
            for _ in 1...10 { _ = try await browser.signIn(email, password: "guessing again and again") }
            let blocked = try await browser.signIn(email)
            XCTAssertEqual(blocked.status, .tooManyRequests)
            XCTAssertNotNil(blocked.headers.first(name: "Retry-After"))
            XCTAssertTrue(blocked.body.contains("Too many sign-in attempts"))
        }
    }

    func testSessionCookieIsHardenedAndRenewedAtEverySignIn() async throws {
        try await withApp { app, _ in
            let browser = Browser(app)
            try await browser.get("/register")
            let asked = try await browser.post("/register", ["displayName": "Ana", "email": "ana@example.org", "password": "a long and lovely passphrase"])
            let registered = try await browser.finishSignup(asked, email: "ana@example.org")
            let cookie = try XCTUnwrap(registered.headers[.setCookie].first { $0.hasPrefix("kindred_session=") })
            XCTAssertTrue(cookie.contains("HttpOnly"))
            XCTAssertTrue(cookie.contains("SameSite=Lax"))
            XCTAssertTrue(cookie.contains("Path=/"))
            XCTAssertFalse(cookie.contains("Secure"), "plain http on loopback")
            let first = browser.cookies["kindred_session"]
            try await browser.get("/bonds")
            try await browser.post("/sign-out")
            _ = try await browser.signIn("ana@example.org")
            let second = browser.cookies["kindred_session"]
            XCTAssertNotNil(second)
            XCTAssertNotEqual(first, second, "a new session id at sign-in")
            let sessions = try await WebSession.query(on: app.db).count()
            XCTAssertEqual(sessions, 1, "the old session was destroyed")
            let stored = try await WebSession.query(on: app.db).first()
            XCTAssertEqual(stored?.tokenHash, Secrets.sha256(second ?? ""), "only a hash of the cookie is stored")
        }
    }

    func testOverHTTPSCookiesAreSecureWithTheHostPrefix() async throws {
        try await withApp({ $0.publicURL = URL(string: "https://kindred.example.org") }) { app, _ in
            let browser = Browser(app)
            try await browser.get("/register")
            let asked = try await browser.post("/register", ["displayName": "Ana", "email": "ana@example.org", "password": "a long and lovely passphrase"])
            let registered = try await browser.finishSignup(asked, email: "ana@example.org")
            let cookie = try XCTUnwrap(registered.headers[.setCookie].first { $0.hasPrefix("__Host-kindred_session=") })
            XCTAssertTrue(cookie.contains("Secure"))
            XCTAssertTrue(cookie.contains("Path=/"))
            XCTAssertFalse(cookie.lowercased().contains("domain="))
            let bonds = try await browser.get("/bonds")
            XCTAssertEqual(bonds.status, .ok)
        }
    }

    func testSigningOutDestroysTheSession() async throws {
        try await withApp { app, _ in
            let browser = Browser(app)
            try await browser.register("Ana")
            let stolen = try XCTUnwrap(browser.cookies["kindred_session"])
            try await browser.get("/bonds")
            let out = try await browser.post("/sign-out")
            XCTAssertEqual(out.status, .seeOther)
            XCTAssertNil(browser.cookies["kindred_session"])
            let replay = try await app.send(.GET, "/bonds", headers: ["Cookie": "kindred_session=\(stolen)"])
            XCTAssertEqual(replay.status, .seeOther, "the old cookie no longer signs anyone in")
            XCTAssertTrue(replay.location?.hasPrefix("/sign-in") ?? false)
            let sessions = try await WebSession.query(on: app.db).count()
            XCTAssertEqual(sessions, 0)
        }
    }

    func testIdleSessionsExpireAfterThirtyMinutes() async throws {
        try await withApp { app, clock in
            let browser = Browser(app)
            try await browser.register("Ana")
            clock.advance(29 * 60)
            let stillIn = try await browser.get("/bonds")
            XCTAssertEqual(stillIn.status, .ok, "activity keeps the session alive")
            clock.advance(29 * 60)
            let stillInAgain = try await browser.get("/bonds")
            XCTAssertEqual(stillInAgain.status, .ok)
            clock.advance(30 * 60)
            let expired = try await browser.get("/bonds")
            XCTAssertEqual(expired.status, .seeOther)
            XCTAssertEqual(expired.location, "/sign-in?next=%2Fbonds")
            let signIn = try await browser.get(expired.location!)
            XCTAssertTrue(signIn.body.contains("signed out after a while without activity"))
            let sessions = try await WebSession.query(on: app.db).count()
            XCTAssertEqual(sessions, 0, "the expired session is deleted")
        }
    }

    func testSessionsEndTwelveHoursAfterSignInHoweverActive() async throws {
        try await withApp { app, clock in
            let browser = Browser(app)
            try await browser.register("Ana")
            for _ in 0..<35 {
                clock.advance(20 * 60)
                let page = try await browser.get("/bonds")
                XCTAssertEqual(page.status, .ok)
            }
            clock.advance(20 * 60)  // 12 h after sign-in
            let expired = try await browser.get("/bonds")
            XCTAssertEqual(expired.status, .seeOther)
        }
    }

    func testTimeoutsAreConfigurable() async throws {
        try await withApp({ $0.sessionIdleMinutes = 5 }) { app, clock in
            let browser = Browser(app)
            try await browser.register("Ana")
            clock.advance(5 * 60)
            let expired = try await browser.get("/bonds")
            XCTAssertEqual(expired.status, .seeOther)
        }
    }

    func testSignInReturnsToWhereYouWereGoingButNeverOffSite() async throws {
        try await withApp { app, _ in
            let email = try await Browser(app).register("Ana")
            let browser = Browser(app)
            try await browser.get("/sign-in?next=%2Fsettings")
            let back = try await browser.post("/sign-in", ["email": email, "password": "a long and lovely passphrase", "next": "/settings"])
            XCTAssertEqual(back.location, "/settings")
            let other = Browser(app)
            try await other.get("/sign-in")
            let offSite = try await other.post("/sign-in", ["email": email, "password": "a long and lovely passphrase", "next": "//evil.example/steal"])
            XCTAssertEqual(offSite.location, "/bonds")
            // A tab that browsers strip from a Location would turn this into //evil.example.
            let sneaky = Browser(app)
            try await sneaky.get("/sign-in?next=/%09/evil.example")
            let stripped = try await sneaky.post("/sign-in", ["email": email, "password": "a long and lovely passphrase", "next": "/\t/evil.example"])
            XCTAssertEqual(stripped.location, "/bonds")
        }
    }

    func testOnlyAPlainPathOnThisSiteIsASafeNext() {
        for safe in ["/settings", "/bonds/1/today?x=1#y", "/join/abc-DEF_123", "/a%09b"] {
            XCTAssertTrue(SiteURL.isSafeNext(safe), safe)
        }
        for unsafe in [nil, "", "settings", "//evil.example", "/\\evil.example", "/\t/evil.example", "/\n/evil.example",
                       "/ /evil.example", "\\/evil.example", "https://evil.example", "/\u{00A0}/evil.example", "/caf\u{E9}"] {
            XCTAssertFalse(SiteURL.isSafeNext(unsafe), String(describing: unsafe))
        }
    }

    func testSettingsChangeNameAndTimeZoneAndKeepTypedValuesOnError() async throws {
        try await withApp { app, _ in
            let browser = Browser(app)
            try await browser.register("Ana")
            try await browser.get("/settings")
            let bad = try await browser.post("/settings", ["displayName": "", "timeZone": "Nowhere/Land"])
            XCTAssertEqual(bad.status, .unprocessableEntity)
            XCTAssertTrue(bad.body.contains("Tell us what to call you."))
            let saved = try await browser.post("/settings", ["displayName": "Ana Sofia", "timeZone": "Asia/Tokyo"])
            XCTAssertEqual(saved.status, .seeOther)
            let page = try await browser.get("/settings")
            XCTAssertTrue(page.body.contains("Your settings are saved."))
            XCTAssertTrue(page.body.contains(#"value="Ana Sofia""#))
            XCTAssertTrue(page.body.contains(#"<option value="Asia/Tokyo" selected>"#))
        }
    }

    func testChangingThePasswordOnTheWebSignsOutOtherBrowsers() async throws {
        try await withApp { app, _ in
            let laptop = Browser(app)
            let email = try await laptop.register("Ana")
            let phone = Browser(app)
            _ = try await phone.signIn(email)
            try await laptop.get("/settings")
            let wrong = try await laptop.post("/settings/password", ["currentPassword": "nope nope nope", "newPassword": "the new long passphrase"])
            XCTAssertEqual(wrong.status, .forbidden)
            XCTAssertTrue(wrong.body.contains("That isn&#39;t your current password.") || wrong.body.contains("That isn't your current password."))
            let changed = try await laptop.post("/settings/password", ["currentPassword": "a long and lovely passphrase", "newPassword": "the new long passphrase"])
            XCTAssertEqual(changed.status, .seeOther)
            let laptopPage = try await laptop.get("/settings")
            XCTAssertEqual(laptopPage.status, .ok, "this browser stays signed in")
            let phonePage = try await phone.get("/settings")
            XCTAssertEqual(phonePage.status, .seeOther, "the other browser is signed out")
        }
    }

    func testDeletingTheAccountNeedsThePassword() async throws {
        try await withApp { app, _ in
            let browser = Browser(app)
            try await browser.register("Ana")
            try await browser.get("/settings/delete")
            let wrong = try await browser.post("/settings/delete", ["password": "not my password"])
            XCTAssertEqual(wrong.status, .forbidden)
            XCTAssertTrue(wrong.body.contains(#"aria-invalid="true""#), "the form comes back with the field marked")
            let stillThere = try await User.query(on: app.db).count()
            XCTAssertEqual(stillThere, 1)
            let deleted = try await browser.post("/settings/delete", ["password": "a long and lovely passphrase"])
            XCTAssertEqual(deleted.status, .seeOther)
            let home = try await browser.get("/")
            XCTAssertTrue(home.body.contains("Your account and everything in it are deleted."))
            let users = try await User.query(on: app.db).count()
            let sessions = try await WebSession.query(on: app.db).count()
            XCTAssertEqual([users, sessions], [0, 0])
        }
    }

    func testPagesThatNeedYouSendYouToSignIn() async throws {
        try await withApp { app, _ in
            for path in ["/bonds", "/bonds/new", "/settings", "/settings/delete", "/bonds/\(UUID())"] {
                let response = try await app.send(.GET, path)
                XCTAssertEqual(response.status, .seeOther, path)
                XCTAssertTrue(response.location?.hasPrefix("/sign-in?next=") ?? false, path)
            }
        }
    }

    func testSigningUpWithATakenEmailSaysSoBesideTheField() async throws {
        // Accounts made at once (with email, see SignupByEmailTests: the inbox is told instead).
        try await withApp({ $0.signupConfirmation = .atOnce }) { app, _ in
            let email = try await Browser(app).register("Ana")
            let browser = Browser(app)
            try await browser.get("/register")
            let response = try await browser.post("/register", ["displayName": "Other", "email": email.uppercased(), "password": "a long and lovely passphrase"])
            XCTAssertEqual(response.status, .conflict)
            XCTAssertTrue(response.body.contains("There is already an account with this email."))
            XCTAssertTrue(response.body.contains(#"value="Other""#))
        }
    }

    func testTooManySignUpsFromOnePlaceGiveTheFormBackWithWhatToDo() async throws {
        try await withApp({ $0.registrationsPerClient = 1 }) { app, _ in
            _ = try await Browser(app).register("Ana")
            let browser = Browser(app)
            try await browser.get("/register")
            let response = try await browser.post("/register", ["displayName": "Ben", "email": "ben@example.org", "password": "a long and lovely passphrase"])
            XCTAssertEqual(response.status, .tooManyRequests)
            XCTAssertNotNil(response.headers.first(name: "Retry-After"))
            XCTAssertTrue(response.text.contains("Too many new accounts"), response.text)
            XCTAssertTrue(response.body.contains(#"value="ben@example.org""#), "what was typed stays")
            let users = try await User.query(on: app.db).count()
            XCTAssertEqual(users, 1)
        }
    }

    func testAPlantedOrStaleAnonymousCSRFValueIsWorthNothing() async throws {
        // Accounts made at once, so each accepted form is an account to count.
        try await withApp({ $0.signupConfirmation = .atOnce }) { app, clock in
            let form = ["displayName": "Ana", "email": "ana@example.org", "password": "a long and lovely passphrase"]
            // Someone who can set a cookie for this site picks a value and puts it in the form.
            let planted = Browser(app)
            let chosen = String(repeating: "a", count: 52)
            planted.plant("kindred_csrf", chosen)
            let page = try await planted.get("/register")
            XCTAssertFalse(page.body.contains(chosen), "a value we did not sign is never adopted")
            let hoisted1 = try await planted.post("/register", form, csrf: chosen).status
            XCTAssertEqual(hoisted1, .forbidden)

            // A real value with its signature changed is just as worthless.
            let real = Browser(app)
            try await real.get("/register")
            let token = try XCTUnwrap(real.csrf)
            XCTAssertEqual(token.split(separator: ".").count, 3)
            let tampered = token.dropLast(2) + (token.hasSuffix("AA") ? "BB" : "AA")
            let forger = Browser(app)
            forger.plant("kindred_csrf", String(tampered))
            let hoisted2 = try await forger.post("/register", form, csrf: String(tampered)).status
            XCTAssertEqual(hoisted2, .forbidden)

            // One we gave out works for a day, then not: an old one someone kept cannot be planted forever.
            clock.advance(23 * 3600)
            let fresh = try await real.post("/register", form, csrf: token)
            XCTAssertEqual(fresh.status, .seeOther)
            let late = Browser(app)
            try await late.get("/register")
            let lateToken = try XCTUnwrap(late.csrf)
            clock.advance(25 * 3600)
            let stale = try await late.post("/register", ["displayName": "Ben", "email": "ben@example.org", "password": "a long and lovely passphrase"], csrf: lateToken)
            XCTAssertEqual(stale.status, .forbidden)
            let users = try await User.query(on: app.db).count()
            XCTAssertEqual(users, 1)
        }
    }
}
