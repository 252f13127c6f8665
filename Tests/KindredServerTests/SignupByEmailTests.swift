import Fluent
import XCTVapor
@testable import KindredServer
import KindredCore

/// Sign-up when this Kindred sends email (the default then): a free address and a taken one
/// get the same answer after the same work; the inbox hears which — a link that makes the
/// account once, or a note that one exists. Issue 11, item 3.
final class SignupByEmailTests: XCTestCase {
    private let password = "a long and lovely passphrase"

    private func signUp(_ app: Application, _ email: String, password: String? = nil, headers: HTTPHeaders = [:]) async throws -> TestResponse {
        try await app.send(.POST, "/api/v1/accounts", json: ["email": email, "password": password ?? self.password, "displayName": "Someone"], headers: headers)
    }

    private func token(in message: MailMessage) throws -> String {
        let path = try XCTUnwrap(FakeMail.signupLink(in: message), message.text)
        return String(path.split(separator: "/").last!)
    }

    func testAFreeAndATakenAddressGetTheSameAnswerAndOnlyTheInboxHearsWhich() async throws {
        try await withApp { app, _ in
            let ana = try await app.person("Ana")
            let hashesBefore = app.kindred.passwords.hashesMade
            let taken = try await signUp(app, ana.email.uppercased(), password: "someone else's passphrase")
            let free = try await signUp(app, "newcomer@example.org")
            XCTAssertEqual(app.kindred.passwords.hashesMade - hashesBefore, 2, "a taken address costs a hash like a free one")
            XCTAssertEqual(taken.status, .accepted)
            XCTAssertEqual(free.status, taken.status)
            XCTAssertEqual(taken.body.replacingOccurrences(of: ana.email, with: "X"), free.body.replacingOccurrences(of: "newcomer@example.org", with: "X"),
                           "the same answer, apart from the address it names")
            XCTAssertEqual(taken.headers.first(name: .contentType), free.headers.first(name: .contentType))
            XCTAssertEqual(taken.json["message"] as? String, SignupLink.accepted(email: ana.email))

            let note = try await app.fakeMail.waitAndTake(to: ana.email)
            XCTAssertEqual(note.subject, "You already have a Kindred account")
            XCTAssertNil(FakeMail.signupLink(in: note), "no link for an address that has an account")
            XCTAssertTrue(note.text.contains("/forgot-password"))
            let link = try await app.fakeMail.waitAndTake(to: "newcomer@example.org")
            XCTAssertEqual(link.subject, "Finish creating your Kindred account")
            XCTAssertFalse(link.text.contains(password))

            // Ana's account is untouched: her own password still works, the other one does not.
            let users = try await User.query(on: app.db).count()
            XCTAssertEqual(users, 1, "no account until the link is used")
            let hers = try await app.send(.POST, "/api/v1/tokens", json: ["email": ana.email, "password": ana.password])
            XCTAssertEqual(hers.status, .created)
            let theirs = try await app.send(.POST, "/api/v1/tokens", json: ["email": ana.email, "password": "someone else's passphrase"])
            XCTAssertEqual(theirs.status, .unauthorized)
            let pending = try await PendingSignup.query(on: app.db).filter(\.$usedAt == nil).all()
            XCTAssertEqual(pending.map(\.email), ["newcomer@example.org"])
            XCTAssertNotEqual(pending.first?.tokenHash, try token(in: link), "only the link's hash is kept")
        }
    }

    func testTheLinkMakesTheAccountOnceAndThenItCanSignIn() async throws {
        try await withApp { app, clock in
            _ = try await signUp(app, "  New@Example.ORG ")
            let code = try token(in: try await app.fakeMail.waitAndTake(to: "new@example.org"))
            let tooEarly = try await app.send(.POST, "/api/v1/tokens", json: ["email": "new@example.org", "password": password])
            XCTAssertEqual(tooEarly.status, .unauthorized, "no account before the link")

            clock.advance(23 * 3600)
            let made = try await app.send(.POST, "/api/v1/signups/\(code)", json: [:])
            XCTAssertEqual(made.status, .created, made.body)
            XCTAssertEqual(made.json["email"] as? String, "new@example.org")
            XCTAssertEqual(made.json["displayName"] as? String, "Someone")
            let again = try await app.send(.POST, "/api/v1/signups/\(code)", json: [:])
            XCTAssertEqual(again.status, .gone)
            XCTAssertEqual(again.json["code"] as? String, "signup-link-unusable")
            let signedIn = try await app.send(.POST, "/api/v1/tokens", json: ["email": "new@example.org", "password": password])
            XCTAssertEqual(signedIn.status, .created)

            let unknown = try await app.send(.POST, "/api/v1/signups/not-a-real-link-at-all", json: [:])
            XCTAssertEqual(unknown.status, .notFound)
            XCTAssertEqual(unknown.contentType, "application/problem+json")
            let overlong = try await app.send(.POST, "/api/v1/signups/" + String(repeating: "a", count: 400), json: [:])
            XCTAssertEqual(overlong.status, .notFound)
        }
    }

    func testALinkEndsAfterADayAndAnotherLinkForTheSameAddressEndsWhenOneIsUsed() async throws {
        try await withApp({ $0.trustForwardedFor = true }) { app, clock in
            _ = try await signUp(app, "late@example.org")
            let late = try token(in: try await app.fakeMail.waitAndTake(to: "late@example.org"))
            clock.advance(SignupLink.lifetime + 1)
            let expired = try await app.send(.POST, "/api/v1/signups/\(late)", json: [:])
            XCTAssertEqual(expired.status, .gone)

            _ = try await signUp(app, "twice@example.org", headers: ["X-Forwarded-For": "203.0.113.1"])
            let first = try token(in: try await app.fakeMail.waitAndTake(to: "twice@example.org"))
            _ = try await signUp(app, "twice@example.org", headers: ["X-Forwarded-For": "203.0.113.2"])
            let second = try token(in: try await app.fakeMail.waitAndTake(to: "twice@example.org"))
            // Both opened at the same instant: one account.
            async let one = app.send(.POST, "/api/v1/signups/\(first)", json: [:])
            async let two = app.send(.POST, "/api/v1/signups/\(second)", json: [:])
            let statuses = try await [one.status, two.status]
            XCTAssertEqual(statuses.filter { $0 == .created }.count, 1, "\(statuses)")
            XCTAssertTrue(statuses.allSatisfy { $0 == .created || $0 == .gone }, "\(statuses)")
            let accounts = try await User.query(on: app.db).filter(\.$email == "twice@example.org").count()
            XCTAssertEqual(accounts, 1)

            // An address that gained an account some other way meanwhile: the link says so.
            _ = try await signUp(app, "meanwhile@example.org")
            let meanwhile = try token(in: try await app.fakeMail.waitAndTake(to: "meanwhile@example.org"))
            try await User(email: "meanwhile@example.org", displayName: "M", passwordHash: "x", timeZone: "UTC", now: app.kindred.now).create(on: app.db)
            let clash = try await app.send(.POST, "/api/v1/signups/\(meanwhile)", json: [:])
            XCTAssertEqual(clash.status, .conflict)
            XCTAssertEqual(clash.json["code"] as? String, "email-taken")

            // Ended links are swept a day after they end.
            clock.advance(SignupLink.lifetime + 24 * 3600 + 1)
            let swept = try await SignupService(db: app.db, services: app.kindred).sweep()
            XCTAssertEqual(swept, 4)
        }
    }

    func testSignUpCannotFloodSomeonesInbox() async throws {
        try await withApp({ $0.trustForwardedFor = true }) { app, _ in
            let ana = try await app.person("Ana")
            for n in 1...5 {
                let asked = try await signUp(app, ana.email, headers: ["X-Forwarded-For": "203.0.113.\(n)"])
                XCTAssertEqual(asked.status, .accepted, "the answer never changes")
            }
            for n in 1...5 {
                _ = try await signUp(app, "flooded@example.org", headers: ["X-Forwarded-For": "198.51.100.\(n)"])
            }
            try await Task.sleep(for: .milliseconds(400))
            // Ana's own sign-up link was the first of hers in these 15 minutes.
            XCTAssertEqual(app.fakeMail.take(to: ana.email).count, SignupLink.emailsPerAddress - 1)
            XCTAssertEqual(app.fakeMail.take(to: "flooded@example.org").count, SignupLink.emailsPerAddress)
        }
    }

    func testMistakesAreNamedBeforeAnyEmailAndSignUpsAreStillRationed() async throws {
        try await withApp({ $0.trustForwardedFor = true; $0.registrationsPerClient = 2 }) { app, _ in
            let wrong = try await app.send(.POST, "/api/v1/accounts", json: ["email": "nope", "password": "short", "displayName": ""])
            XCTAssertEqual(wrong.status, .unprocessableEntity)
            XCTAssertEqual(Set(wrong.problemFields), ["email", "password", "displayName"])
            let from: HTTPHeaders = ["X-Forwarded-For": "203.0.113.7"]
            let first = try await signUp(app, "a@example.org", headers: from)
            let second = try await signUp(app, "b@example.org", headers: from)
            XCTAssertEqual([first.status, second.status], [.accepted, .accepted])
            let third = try await signUp(app, "c@example.org", headers: from)
            XCTAssertEqual(third.status, .tooManyRequests)
            XCTAssertEqual(third.json["code"] as? String, "too-many-registrations")
            try await Task.sleep(for: .milliseconds(300))
            XCTAssertTrue(app.fakeMail.take(to: "nope").isEmpty)
            XCTAssertTrue(app.fakeMail.take(to: "c@example.org").isEmpty, "a refused sign-up sends nothing")
        }
    }

    // MARK: - In the browser

    func testInTheBrowserTheSamePageForAFreeAndATakenAddressAndTheLinkAsksBeforeMakingTheAccount() async throws {
        try await withApp { app, _ in
            let ana = try await app.person("Ana")
            let browser = Browser(app)
            try await browser.get("/register")
            let taken = try await browser.post("/register", ["displayName": "Not Ana", "email": ana.email, "password": password])
            try await browser.get("/register")
            let free = try await browser.post("/register", ["displayName": "Ben", "email": "ben@example.org", "password": password, "timeZone": "America/New_York"])
            XCTAssertEqual(taken.status, .ok)
            XCTAssertEqual(free.status, .ok)
            XCTAssertTrue(free.body.contains("<h1>Check your email</h1>"))
            XCTAssertEqual(taken.body.replacingOccurrences(of: ana.email, with: "X"), free.body.replacingOccurrences(of: "ben@example.org", with: "X"))
            XCTAssertFalse(free.body.contains(password))
            _ = try await app.fakeMail.waitAndTake(to: ana.email)

            let message = try await app.fakeMail.waitAndTake(to: "ben@example.org")
            let path = try XCTUnwrap(FakeMail.signupLink(in: message))
            // Opening the link (as a mail scanner might) makes nothing.
            let page = try await browser.get(path)
            XCTAssertEqual(page.status, .ok)
            XCTAssertTrue(page.body.contains("Welcome, Ben."))
            XCTAssertTrue(page.body.contains(#"<form method="post" action="\#(path)">"#))
            let none = try await User.query(on: app.db).filter(\.$email == "ben@example.org").count()
            XCTAssertEqual(none, 0)
            let forged = try await browser.post(path, [:], csrf: "not-the-token-not-the-token-not-the")
            XCTAssertEqual(forged.status, .forbidden)

            try await browser.get(path)
            let made = try await browser.post(path, [:])
            XCTAssertEqual(made.status, .seeOther)
            XCTAssertEqual(made.location, "/bonds")
            let bonds = try await browser.get("/bonds")
            XCTAssertTrue(bonds.body.contains("Welcome to Kindred"))
            let ben = try await User.query(on: app.db).filter(\.$email == "ben@example.org").first()
            XCTAssertEqual(ben?.timeZone, "America/New_York")

            let signedIn = try await browser.get(path)
            XCTAssertEqual(signedIn.status, .gone)
            XCTAssertTrue(signedIn.body.contains("you're signed in") || signedIn.body.contains("you&#39;re signed in"), signedIn.body)
            XCTAssertTrue(signedIn.body.contains(#"href="/bonds""#))

            let used = Browser(app)
            let again = try await used.get(path)
            XCTAssertEqual(again.status, .gone)
            XCTAssertTrue(again.body.contains("This link no longer works"))
            XCTAssertTrue(again.body.contains(#"href="/register""#))
            let unknown = try await used.get("/register/confirm/made-up-link")
            XCTAssertEqual(unknown.status, .notFound)
            try await used.get("/register")
            let posted = try await used.post("/register/confirm/made-up-link", [:])
            XCTAssertEqual(posted.status, .notFound)
        }
    }

    func testInvitedSomeoneGoesOnToTheInviteAfterTheLinkAndAFormWithMistakesSendsNothing() async throws {
        try await withApp { app, _ in
            let ana = try await app.person("Ana")
            let bond = try await app.bond(of: ana)
            let (code, _) = try await app.invite(to: bond, by: ana)
            let ben = Browser(app)
            try await ben.get("/register?next=/join/\(code)")
            let wrong = try await ben.post("/register", ["displayName": "Ben", "email": "ben@example.org", "password": "short", "next": "/join/\(code)"])
            XCTAssertEqual(wrong.status, .unprocessableEntity)
            XCTAssertTrue(wrong.body.contains(#"id="password-error""#))
            let asked = try await ben.post("/register", ["displayName": "Ben", "email": "ben@example.org", "password": password, "next": "/join/\(code)"])
            XCTAssertEqual(asked.status, .ok)
            let made = try await ben.finishSignup(asked, email: "ben@example.org")
            XCTAssertEqual(made.location, "/join/\(code)")
            let join = try await ben.get("/join/\(code)")
            XCTAssertTrue(join.text.contains("accept the invite"))

            // A next that leaves the site is dropped before it is stored.
            let carl = Browser(app)
            try await carl.get("/register")
            let away = try await carl.post("/register", ["displayName": "Carl", "email": "carl@example.org", "password": password, "next": "https://evil.example/"])
            let carlMade = try await carl.finishSignup(away, email: "carl@example.org")
            XCTAssertEqual(carlMade.location, "/bonds")
        }
    }

    func testWithoutEmailAnAccountStartsAtOnce() async throws {
        try await withApp({ $0.smtp = nil }) { app, _ in
            let made = try await signUp(app, "direct@example.org")
            XCTAssertEqual(made.status, .created)
            XCTAssertEqual(made.json["email"] as? String, "direct@example.org")
            let taken = try await signUp(app, "direct@example.org")
            XCTAssertEqual(taken.status, .conflict)
            let pending = try await PendingSignup.query(on: app.db).count()
            XCTAssertEqual(pending, 0)
        }
    }
}
