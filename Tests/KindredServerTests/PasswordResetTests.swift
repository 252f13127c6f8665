import Fluent
import XCTVapor
@testable import KindredServer

/// "Forgot your password?" in the browser and the API: the same answer for everyone, a
/// single-use link for 30 minutes by email, and a new password that signs out everywhere.
final class PasswordResetTests: XCTestCase {
    private let newPassword = "a brand new and longer passphrase"

    // MARK: - Asking

    func testAskingAlwaysGetsTheSamePageAndOnlyARealAccountGetsAnEmail() async throws {
        try await withApp { app, _ in
            let ana = try await app.person("Ana")
            let browser = Browser(app)
            let signIn = try await browser.get("/sign-in")
            XCTAssertTrue(signIn.body.contains(#"<a href="/forgot-password">Forgot your password?</a>"#))
            let form = try await browser.get("/forgot-password")
            XCTAssertEqual(form.status, .ok)
            XCTAssertTrue(form.body.contains(#"<input type="email" id="email" name="email""#))

            let known = try await browser.post("/forgot-password", ["email": ana.email.uppercased()])
            try await browser.get("/forgot-password")
            let unknown = try await browser.post("/forgot-password", ["email": "nobody-at-all@example.org"])
            XCTAssertEqual(known.status, .ok)
            XCTAssertEqual(unknown.status, known.status)
            XCTAssertEqual(unknown.body, known.body, "nothing tells whether an account exists")
            XCTAssertTrue(known.body.contains(RemindersAPIController.resetAccepted.replacingOccurrences(of: "'", with: "&#39;"))
                          || known.body.contains(RemindersAPIController.resetAccepted))
            XCTAssertFalse(known.body.contains("ask whoever runs"), "email is set up in tests")

            let mail = try await Self.waitForMail(app, count: 1)
            XCTAssertEqual(mail.map(\.to), [ana.email], "only the real account gets an email")
            XCTAssertEqual(mail.first?.subject, "Your password reset link")
            try await Task.sleep(for: .milliseconds(100))
            XCTAssertEqual(app.fakeMail.sent.count, 1, "and nobody else")
            XCTAssertNotNil(Self.link(in: mail[0]))

            try await browser.get("/forgot-password")
            let empty = try await browser.post("/forgot-password", ["email": "  "])
            XCTAssertEqual(empty.status, .unprocessableEntity)
            XCTAssertTrue(empty.body.contains("Enter the email address you signed up with."))
            XCTAssertTrue(empty.body.contains(##"href="#email""##))
            let forged = try await browser.post("/forgot-password", ["email": ana.email], csrf: "not-the-token-not-the-token-not-the")
            XCTAssertEqual(forged.status, .forbidden)
        }
    }

    func testWithoutEmailThePageSaysToAskWhoeverRunsThisKindred() async throws {
        try await withApp({ $0.smtp = nil }) { app, _ in
            let ana = try await app.person("Ana")
            let browser = Browser(app)
            try await browser.get("/forgot-password")
            let known = try await browser.post("/forgot-password", ["email": ana.email])
            try await browser.get("/forgot-password")
            let unknown = try await browser.post("/forgot-password", ["email": "nobody-at-all@example.org"])
            XCTAssertEqual(known.status, .ok)
            XCTAssertEqual(known.body, unknown.body)
            XCTAssertTrue(known.body.contains("Whoever runs this Kindred for you can make a reset link for your account."))
            XCTAssertFalse(known.body.contains("kindred users"), "no command names on people's pages")
            XCTAssertFalse(known.body.contains("reset-link"))
            let links = try await PasswordResetToken.query(on: app.db).count()
            XCTAssertEqual(links, 0, "no link is made when it cannot be sent")
        }
    }

    // MARK: - Using the link

    func testTheLinkSetsANewPasswordOnceAndSignsOutEverywhere() async throws {
        try await withApp { app, _ in
            let old = Browser(app)
            let email = try await old.register("Ana")
            let bonds = try await old.get("/bonds")
            XCTAssertEqual(bonds.status, .ok)
            let token = try await app.send(.POST, "/api/v1/tokens", json: ["email": email, "password": "a long and lovely passphrase"])
            let apiToken = try XCTUnwrap(token.json["token"] as? String)

            let browser = Browser(app)
            try await browser.get("/forgot-password")
            _ = try await browser.post("/forgot-password", ["email": email])
            let mail = try await Self.waitForMail(app, count: 1)
            let path = try XCTUnwrap(Self.link(in: mail[0]))
            XCTAssertTrue(path.hasPrefix("/reset-password/"))

            let form = try await browser.get(path)
            XCTAssertEqual(form.status, .ok)
            XCTAssertTrue(form.body.contains(#"autocomplete="new-password""#))
            XCTAssertTrue(form.body.contains(#"<form class="stack" method="post" action="\#(path)" novalidate>"#))

            let weak = try await browser.post(path, ["password": "too short"])
            XCTAssertEqual(weak.status, .unprocessableEntity)
            XCTAssertTrue(weak.body.contains(#"<span class="field-error" id="password-error">"#))
            XCTAssertTrue(weak.body.contains(##"href="#password""##), "the error summary points at the field")
            XCTAssertFalse(weak.body.contains("too short\""), "a password is never sent back")
            let stillUsable = try await browser.get(path)
            XCTAssertEqual(stillUsable.status, .ok, "a mistake does not use the link up")

            let done = try await browser.post(path, ["password": newPassword])
            XCTAssertEqual(done.status, .seeOther)
            XCTAssertEqual(done.location, "/sign-in")
            let signInPage = try await browser.get("/sign-in")
            XCTAssertTrue(signInPage.body.contains("Your password is changed, and every device was signed out."))

            // Every session and token ended.
            let oldNext = try await old.get("/bonds")
            XCTAssertEqual(oldNext.status, .seeOther)
            XCTAssertEqual(oldNext.location, "/sign-in?next=%2Fbonds")
            let api = try await app.send(.GET, "/api/v1/me", token: apiToken)
            XCTAssertEqual(api.status, .unauthorized)

            // Once only.
            let reused = try await browser.get(path)
            XCTAssertEqual(reused.status, .gone)
            XCTAssertTrue(reused.body.contains(#"<a class="button" href="/forgot-password">Ask for a new link</a>"#))
            XCTAssertFalse(reused.body.contains(#"name="password""#))
            try await browser.get("/forgot-password")
            let reposted = try await browser.post(path, ["password": "yet another long passphrase"])
            XCTAssertEqual(reposted.status, .gone)

            // The old password no longer works; the new one does, and the log says what happened.
            let oldPassword = try await Browser(app).signIn(email)
            XCTAssertEqual(oldPassword.status, .unauthorized)
            let fresh = Browser(app)
            let signedIn = try await fresh.signIn(email, password: newPassword)
            XCTAssertEqual(signedIn.status, .seeOther)
            let log = try await fresh.get("/settings/security")
            XCTAssertTrue(log.body.contains("Password reset with a link (every device signed out)"))
        }
    }

    func testALinkExpiresAfterThirtyMinutes() async throws {
        try await withApp { app, clock in
            let ana = try await app.person("Ana")
            let browser = Browser(app)
            try await browser.get("/forgot-password")
            _ = try await browser.post("/forgot-password", ["email": ana.email])
            let mail = try await Self.waitForMail(app, count: 1)
            let path = try XCTUnwrap(Self.link(in: mail[0]))

            clock.advance(29 * 60)
            let inTime = try await browser.get(path)
            XCTAssertEqual(inTime.status, .ok)
            let token = try XCTUnwrap(browser.csrf)
            clock.advance(60)
            let late = try await browser.get(path)
            XCTAssertEqual(late.status, .gone)
            XCTAssertTrue(late.body.contains("This link no longer works"))
            let posted = try await browser.post(path, ["password": newPassword], csrf: token)
            XCTAssertEqual(posted.status, .gone)
            let oldStillWorks = try await Browser(app).signIn(ana.email)
            XCTAssertEqual(oldStillWorks.status, .seeOther, "the password is unchanged")
        }
    }

    func testAMadeUpLinkGetsAKindNotFoundPageThatSaysNothingOfAnyAccount() async throws {
        try await withApp { app, _ in
            _ = try await app.person("Ana")
            let browser = Browser(app)
            try await browser.get("/forgot-password")
            let token = try XCTUnwrap(browser.csrf)
            for path in ["/reset-password/made-up", "/reset-password/" + String(repeating: "x", count: 400)] {
                let page = try await browser.get(path)
                XCTAssertEqual(page.status, .notFound)
                XCTAssertTrue(page.body.contains("This link no longer works"))
                XCTAssertTrue(page.body.contains(#"href="/forgot-password""#))
                XCTAssertFalse(page.body.contains("Ana"))
                let posted = try await browser.post(path, ["password": newPassword], csrf: token)
                XCTAssertEqual(posted.status, .notFound)
                XCTAssertTrue(posted.body.contains("This link no longer works"))
            }
        }
    }

    // MARK: - The API

    func testTheAPIAnswersAlikeForEveryoneAndTheLinkWorksOnce() async throws {
        try await withApp { app, _ in
            let ana = try await app.person("Ana")
            let known = try await app.send(.POST, "/api/v1/password-resets", json: ["email": ana.email])
            let unknown = try await app.send(.POST, "/api/v1/password-resets", json: ["email": "nobody-at-all@example.org"])
            XCTAssertEqual(known.status, .accepted)
            XCTAssertEqual(unknown.status, .accepted)
            XCTAssertEqual(known.body, unknown.body)
            XCTAssertEqual(known.json["message"] as? String, RemindersAPIController.resetAccepted)
            let mail = try await Self.waitForMail(app, count: 1)
            XCTAssertEqual(mail.map(\.to), [ana.email])
            let path = try XCTUnwrap(Self.link(in: mail[0]))
            let token = String(path.dropFirst("/reset-password/".count))

            let weak = try await app.send(.POST, "/api/v1/password-resets/\(token)", json: ["password": "short"])
            XCTAssertEqual(weak.status, .unprocessableEntity)
            XCTAssertEqual(weak.problemFields, ["password"])
            let done = try await app.send(.POST, "/api/v1/password-resets/\(token)", json: ["password": newPassword])
            XCTAssertEqual(done.status, .ok, done.body)
            let again = try await app.send(.POST, "/api/v1/password-resets/\(token)", json: ["password": newPassword])
            XCTAssertEqual(again.status, .gone)
            XCTAssertEqual(again.json["code"] as? String, "reset-link-unusable")
            let oldToken = try await app.send(.GET, "/api/v1/me", token: ana.token)
            XCTAssertEqual(oldToken.status, .unauthorized, "every token ended")
            let signIn = try await app.send(.POST, "/api/v1/tokens", json: ["email": ana.email, "password": newPassword])
            XCTAssertEqual(signIn.status, .created)
        }
    }

    // MARK: - Helpers

    /// The email goes out in the background after the answer: wait for it briefly.
    static func waitForMail(_ app: Application, count: Int) async throws -> [MailMessage] {
        for _ in 0..<100 {
            let sent = app.fakeMail.sent
            if sent.count >= count { return sent }
            try await Task.sleep(for: .milliseconds(20))
        }
        struct NoMail: Error {}
        XCTFail("no email arrived")
        throw NoMail()
    }

    /// The reset link's path in a message.
    static func link(in message: MailMessage) -> String? {
        message.text.range(of: #"/reset-password/[A-Za-z0-9_-]+"#, options: .regularExpression).map { String(message.text[$0]) }
    }
}
