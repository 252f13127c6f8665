import Fluent
import XCTVapor
@testable import KindredServer

/// Settings → Reminders, devices for notifications, one-click unsubscribe, the installable
/// app (manifest, service worker, icons) and sharing or emailing an invite, in the browser.
final class ReminderPagesTests: XCTestCase {
    // MARK: - Settings → Reminders

    func testTheRemindersPageStartsWithNothingAndSavesATimeOnThePersonsOwnClock() async throws {
        try await withApp { app, _ in
            let ana = Browser(app)
            try await ana.register("Ana", timeZone: "America/New_York")
            let settings = try await ana.get("/settings")
            XCTAssertTrue(settings.body.contains(#"href="/settings/reminders""#), "settings links to reminders")

            let page = try await ana.get("/settings/reminders")
            XCTAssertEqual(page.status, .ok)
            XCTAssertTrue(page.body.contains(#"id="daily-none" value="none" checked"#), "no daily reminder by default")
            XCTAssertTrue(page.body.contains(#"type="time" id="dailyAt" name="dailyAt" value="""#))
            XCTAssertTrue(page.body.contains("America/New York"), "the time is on the person's own clock")
            XCTAssertTrue(page.body.contains(#"name="includeNames" id="includeNames" value="yes">"#), "names are off by default")
            XCTAssertTrue(page.body.contains("“A new question is waiting”"))
            XCTAssertTrue(page.body.contains("Notifications need JavaScript on this device"), "without JavaScript the page says so")
            XCTAssertTrue(page.body.contains(#"data-push-key="\#(app.kindred.delivery.vapid.publicKeyBase64URL)""#))
            XCTAssertTrue(page.body.contains(#"data-push-url="/settings/reminders/devices""#))
            XCTAssertFalse(page.body.contains("isn't set up to send email"), "email is on in tests")
            XCTAssertFalse(page.body.contains(#"name="email" id="email" value="yes" disabled"#))

            let saved = try await ana.post("/settings/reminders", [
                "daily": "at", "dailyAt": "07:45", "email": "yes", "partnerActivity": "yes",
            ])
            XCTAssertEqual(saved.status, .seeOther, saved.body)
            XCTAssertEqual(saved.location, "/settings/reminders")
            let again = try await ana.get("/settings/reminders")
            XCTAssertTrue(again.body.contains("Your reminders are saved."))
            XCTAssertTrue(again.body.contains(#"id="daily-at" value="at" checked"#))
            XCTAssertTrue(again.body.contains(#"value="07:45""#), "the time is shown back")
            XCTAssertTrue(again.body.contains(#"name="email" id="email" value="yes" checked"#))
            XCTAssertTrue(again.body.contains(#"name="partnerActivity" id="partnerActivity" value="yes" checked"#))
            XCTAssertTrue(again.body.contains(#"name="push" id="push" value="yes" aria-describedby"#), "push stays off")
            // TestClock starts at 2027-01-15 08:00 UTC = 03:00 in New York: the next one is today at 07:45 there.
            XCTAssertTrue(again.body.contains("The next one comes on 15 January 2027 at 07:45"), again.body)

            let stored = try await ReminderSetting.query(on: app.db).first()
            let row = try XCTUnwrap(stored)
            XCTAssertEqual(row.dailyAt, "07:45")
            XCTAssertEqual(row.email, true)
            XCTAssertEqual(row.push, false)
            XCTAssertEqual(row.includeNames, false)
            XCTAssertEqual(row.nextDailyAt, Date(timeIntervalSince1970: 1_800_000_000 + 4 * 3600 + 45 * 60))

            // "No daily reminder" wins over a time left in the box; everything off is fine.
            let off = try await ana.post("/settings/reminders", ["daily": "none", "dailyAt": "09:00"])
            XCTAssertEqual(off.status, .seeOther, off.body)
            let cleared = try await ReminderSetting.query(on: app.db).first()
            XCTAssertNil(cleared?.dailyAt)
            XCTAssertNil(cleared?.nextDailyAt)
            XCTAssertEqual(cleared?.email, false)

            // A browser without a time picker sends what was typed.
            let typed = try await ana.post("/settings/reminders", ["daily": "at", "dailyAt": "8:05", "email": "yes", "includeNames": "yes"])
            XCTAssertEqual(typed.status, .seeOther, typed.body)
            let typedRow = try await ReminderSetting.query(on: app.db).first()
            XCTAssertEqual(typedRow?.dailyAt, "08:05")
            XCTAssertEqual(typedRow?.includeNames, true)
        }
    }

    func testRemindersWithNoWayToReachYouComeBackWithTheMessageBesideTheChoices() async throws {
        try await withApp { app, _ in
            let ana = Browser(app)
            try await ana.register("Ana")
            try await ana.get("/settings/reminders")
            let response = try await ana.post("/settings/reminders", ["daily": "at", "dailyAt": "08:30", "partnerActivity": "yes"])
            XCTAssertEqual(response.status, .unprocessableEntity)
            XCTAssertTrue(response.contentType.hasPrefix("text/html"))
            let message = "Choose how to reach you: by email, as a notification, or both."
            XCTAssertTrue(response.body.contains(#"<span class="field-error" id="channels-error">\#(message)</span>"#), "the message is next to the choices")
            XCTAssertTrue(response.body.contains(#"<fieldset id="channels" aria-describedby="channels-error">"#))
            XCTAssertTrue(response.body.contains(##"<li><a href="#channels">\##(message)</a></li>"##), "and in the error summary")
            XCTAssertTrue(response.body.contains(#"value="08:30""#), "what was chosen is kept")
            XCTAssertTrue(response.body.contains(#"id="daily-at" value="at" checked"#))
            XCTAssertTrue(response.body.contains(#"name="partnerActivity" id="partnerActivity" value="yes" checked"#))
            let saved = try await ReminderSetting.query(on: app.db).count()
            XCTAssertEqual(saved, 0, "nothing is saved")

            let badTime = try await ana.post("/settings/reminders", ["daily": "at", "dailyAt": "half past eight", "email": "yes"])
            XCTAssertEqual(badTime.status, .unprocessableEntity)
            XCTAssertTrue(badTime.body.contains("Enter a time like 08:30, or choose “No daily reminder”."))
            XCTAssertTrue(badTime.body.contains(##"href="#dailyAt""##))
            XCTAssertTrue(badTime.body.contains(#"value="half past eight" data-daily-time aria-invalid="true""#))

            let noTime = try await ana.post("/settings/reminders", ["daily": "at", "dailyAt": "", "email": "yes"])
            XCTAssertEqual(noTime.status, .unprocessableEntity)
            XCTAssertTrue(noTime.body.contains("Choose a time for your daily reminder"))

            let forged = try await ana.post("/settings/reminders", ["daily": "none"], csrf: .some(nil))
            XCTAssertEqual(forged.status, .forbidden)
            let stillNone = try await ReminderSetting.query(on: app.db).count()
            XCTAssertEqual(stillNone, 0)

            let anonymous = try await Browser(app).get("/settings/reminders")
            XCTAssertEqual(anonymous.status, .seeOther)
            XCTAssertEqual(anonymous.location, "/sign-in?next=%2Fsettings%2Freminders")
        }
    }

    func testWithoutEmailTheEmailChoiceIsShownButCannotBeChosen() async throws {
        try await withApp({ $0.smtp = nil }) { app, _ in
            let ana = Browser(app)
            try await ana.register("Ana")
            let page = try await ana.get("/settings/reminders")
            XCTAssertTrue(page.body.contains(#"name="email" id="email" value="yes" disabled>"#))
            XCTAssertTrue(page.body.contains("This Kindred isn't set up to send email."))
            // A form sent anyway (an old page, a hand-made request) comes back with the reason.
            let response = try await ana.post("/settings/reminders", ["daily": "at", "dailyAt": "08:30", "email": "yes"])
            XCTAssertEqual(response.status, .conflict, "the request is fine; this Kindred has no email")
            XCTAssertTrue(response.body.contains(#"<form class="stack" method="post" action="/settings/reminders""#), "the form is shown again")
            XCTAssertTrue(response.body.contains("reminders can only come as notifications"))
            XCTAssertTrue(response.body.contains(#"<span class="field-error" id="email-error">"#))
            let pushOnly = try await ana.post("/settings/reminders", ["daily": "at", "dailyAt": "08:30", "push": "yes"])
            XCTAssertEqual(pushOnly.status, .seeOther, pushOnly.body)
        }
    }

    // MARK: - Devices for notifications

    func testADeviceIsAddedWithJSONAndOnlyItsOwnerCanRemoveIt() async throws {
        try await withApp { app, _ in
            let ana = Browser(app)
            try await ana.register("Ana")
            try await ana.get("/settings/reminders")
            let csrf = try XCTUnwrap(ana.csrf)
            let subscription = PushBrowser(endpoint: "https://push.example.org/send/abc123").subscription

            let created = try await ana.postJSON("/settings/reminders/devices", subscription.merging(["csrf": csrf]) { $1 })
            XCTAssertEqual(created.status, .created, created.body)
            XCTAssertTrue(created.contentType.hasPrefix("application/json"))
            XCTAssertTrue((created.json["message"] as? String)?.contains("This device is set up") == true)
            let id = try XCTUnwrap(created.json["id"] as? String)
            let same = try await ana.postJSON("/settings/reminders/devices", subscription.merging(["csrf": csrf]) { $1 })
            XCTAssertEqual(same.status, .ok, "the same browser again updates its keys")

            let noToken = try await ana.postJSON("/settings/reminders/devices", subscription)
            XCTAssertEqual(noToken.status, .forbidden, "a fetch needs the page's CSRF token too")
            var broken = PushBrowser(endpoint: "https://push.example.org/send/other").subscription
            broken["keys"] = ["p256dh": "not-a-key", "auth": "AAAAAAAAAAAAAAAAAAAAAA"]
            broken["csrf"] = csrf
            let invalid = try await ana.postJSON("/settings/reminders/devices", broken)
            XCTAssertEqual(invalid.status, .unprocessableEntity)
            XCTAssertTrue(invalid.contentType.hasPrefix("application/json"), "the script reads JSON, never a page")
            XCTAssertTrue((invalid.json["message"] as? String)?.contains("P-256") == true, invalid.body)
            let plainHTTP = try await ana.postJSON("/settings/reminders/devices",
                                                   PushBrowser(endpoint: "http://10.0.0.1/push").subscription.merging(["csrf": csrf]) { $1 })
            XCTAssertEqual(plainHTTP.status, .unprocessableEntity)
            let count = try await PushSubscription.query(on: app.db).count()
            XCTAssertEqual(count, 1)

            let page = try await ana.get("/settings/reminders")
            let removePath = "/settings/reminders/devices/\(id)/remove"
            XCTAssertTrue(page.body.contains(#"action="\#(removePath)""#), "the device is listed with its remove button")
            XCTAssertTrue(page.body.contains(#"data-push-devices="1""#))

            // Ben knows the id: it is not his, so it is not found, and stays.
            let ben = Browser(app)
            try await ben.register("Ben")
            try await ben.get("/settings/reminders")
            let bens = try await ben.post(removePath)
            XCTAssertEqual(bens.status, .notFound)
            let stillThere = try await PushSubscription.query(on: app.db).count()
            XCTAssertEqual(stillThere, 1)

            let junk = try await ana.post("/settings/reminders/devices/not-an-id/remove")
            XCTAssertEqual(junk.status, .notFound)
            try await ana.get("/settings/reminders")
            let removed = try await ana.post(removePath)
            XCTAssertEqual(removed.status, .seeOther)
            XCTAssertEqual(removed.location, "/settings/reminders")
            let after = try await ana.get("/settings/reminders")
            XCTAssertTrue(after.body.contains("That device won&#39;t get notifications any more.") || after.body.contains("That device won't get notifications any more."))
            XCTAssertFalse(after.body.contains(removePath))
            let gone = try await PushSubscription.query(on: app.db).count()
            XCTAssertEqual(gone, 0)

            // The same browser, now used by Ben (a shared device): he takes the subscription over,
            // is told nothing of whose it was, and Ana's notices stop coming to it.
            let again = try await ana.postJSON("/settings/reminders/devices", subscription.merging(["csrf": try XCTUnwrap(ana.csrf)]) { $1 })
            XCTAssertEqual(again.status, .created)
            try await ben.get("/settings/reminders")
            let bensJSON = try await ben.postJSON("/settings/reminders/devices",
                                                  subscription.merging(["csrf": try XCTUnwrap(ben.csrf)]) { $1 })
            XCTAssertEqual(bensJSON.status, .created, "the same answer as any new device")
            XCTAssertFalse(bensJSON.body.lowercased().contains("another"), bensJSON.body)
            let anaPage = try await ana.get("/settings/reminders")
            XCTAssertFalse(anaPage.body.contains("/settings/reminders/devices/"), "no longer Ana's device")
            let owners = try await PushSubscription.query(on: app.db).all().map { $0.$user.id }
            XCTAssertEqual(owners.count, 1)
        }
    }

    func testAddingADeviceWhenSignedOutAnswersJSON() async throws {
        try await withApp { app, _ in
            let visitor = Browser(app)
            try await visitor.get("/sign-in")
            let response = try await visitor.postJSON("/settings/reminders/devices",
                                                      PushBrowser(endpoint: "https://push.example.org/x").subscription.merging(["csrf": try XCTUnwrap(visitor.csrf)]) { $1 })
            XCTAssertEqual(response.status, .unauthorized)
            XCTAssertTrue(response.contentType.hasPrefix("application/json"))
            let count = try await PushSubscription.query(on: app.db).count()
            XCTAssertEqual(count, 0)
        }
    }

    // MARK: - One-click unsubscribe

    func testTheUnsubscribeLinkInAReminderEmailWorksWithoutSigningIn() async throws {
        try await withApp { app, clock in
            let (ana, _, _) = try await app.pair()
            let browser = Browser(app)
            _ = try await browser.signIn(ana.email)
            try await browser.get("/settings/reminders")
            let saved = try await browser.post("/settings/reminders", ["daily": "at", "dailyAt": "08:10", "email": "yes", "push": "yes"])
            XCTAssertEqual(saved.status, .seeOther, saved.body)
            clock.advance(11 * 60)  // 08:11 in London (and the browser's session is still fresh)
            let sent = await NoticeScheduler.runOnce(app)
            XCTAssertGreaterThan(sent, 0)
            let email = try XCTUnwrap(app.fakeMail.sent.first { $0.to == ana.email })
            let header = try XCTUnwrap(email.extraHeaders.first { $0.name == "List-Unsubscribe" }?.value)
            let range = try XCTUnwrap(header.range(of: #"/unsubscribe/[A-Za-z0-9_-]+"#, options: .regularExpression))
            let path = String(header[range])

            // Opening the link (as a mail scanner would) changes nothing.
            let nobody = Browser(app)
            let page = try await nobody.get(path)
            XCTAssertEqual(page.status, .ok)
            XCTAssertTrue(page.body.contains("Stop these emails"))
            XCTAssertTrue(page.body.contains(#"<form method="post" action="\#(path)">"#))
            XCTAssertFalse(page.body.contains(#"name="csrf""#), "the one button needs no token")
            XCTAssertFalse(page.body.contains(ana.email), "the page names nobody")
            let before = try await ReminderSetting.query(on: app.db).first()
            XCTAssertEqual(before?.email, true)

            // RFC 8058: the mail provider posts, with no cookie and no token.
            let oneClick = try await app.send(.POST, path, headers: ["Content-Type": "application/x-www-form-urlencoded"])
            XCTAssertEqual(oneClick.status, .ok, oneClick.body)
            XCTAssertTrue(oneClick.body.contains("You won&#39;t get these emails any more") || oneClick.body.contains("You won't get these emails any more"))
            let after = try await ReminderSetting.query(on: app.db).first()
            XCTAssertEqual(after?.email, false)
            XCTAssertEqual(after?.push, true, "notifications carry on")
            XCTAssertEqual(after?.dailyAt, "08:10")

            // The signed-in person sees it too, and pressing the button again is harmless.
            let again = try await browser.post(path, [:], csrf: .some(nil))
            XCTAssertEqual(again.status, .ok)
            let reminders = try await browser.get("/settings/reminders")
            XCTAssertTrue(reminders.body.contains(#"name="email" id="email" value="yes">"#), "email is off")
        }
    }

    func testAnUnsubscribeLinkWeNeverSentGetsAKindNotFoundPage() async throws {
        try await withApp { app, _ in
            let (ana, _, _) = try await app.pair()
            let browser = Browser(app)
            _ = try await browser.signIn(ana.email)
            try await browser.get("/settings/reminders")
            _ = try await browser.post("/settings/reminders", ["daily": "at", "dailyAt": "08:30", "email": "yes"])
            for path in ["/unsubscribe/made-up-token", "/unsubscribe/" + String(repeating: "a", count: 300)] {
                let shown = try await Browser(app).get(path)
                XCTAssertEqual(shown.status, .notFound)
                XCTAssertTrue(shown.contentType.hasPrefix("text/html"))
                XCTAssertTrue(shown.body.contains("We couldn&#39;t find that link") || shown.body.contains("We couldn't find that link"))
                XCTAssertFalse(shown.body.contains("<form method=\"post\" action=\"/unsubscribe"))
                let posted = try await app.send(.POST, path)
                XCTAssertEqual(posted.status, .notFound)
            }
            let setting = try await ReminderSetting.query(on: app.db).first()
            XCTAssertEqual(setting?.email, true, "nothing changed")
        }
    }

    // MARK: - Installable app

    func testTheManifestServiceWorkerAndIconsAreServedWithoutASession() async throws {
        try await withApp { app, _ in
            let manifest = try await app.send(.GET, "/manifest.webmanifest")
            XCTAssertEqual(manifest.status, .ok)
            XCTAssertEqual(manifest.contentType, "application/manifest+json")
            XCTAssertNil(manifest.headers.first(name: .setCookie), "no session or cookie for the manifest")
            XCTAssertEqual(manifest.json["name"] as? String, "Kindred")
            XCTAssertEqual(manifest.json["short_name"] as? String, "Kindred")
            XCTAssertEqual(manifest.json["start_url"] as? String, "/")
            XCTAssertEqual(manifest.json["scope"] as? String, "/")
            XCTAssertEqual(manifest.json["display"] as? String, "standalone")
            XCTAssertEqual(manifest.json["theme_color"] as? String, "#a8432f")
            XCTAssertEqual(manifest.json["background_color"] as? String, "#fbf7f3")
            let icons = try XCTUnwrap(manifest.json["icons"] as? [[String: String]])
            XCTAssertTrue(icons.contains { $0["sizes"] == "192x192" && $0["type"] == "image/png" })
            XCTAssertTrue(icons.contains { $0["sizes"] == "512x512" && $0["purpose"] == "any" })
            XCTAssertTrue(icons.contains { $0["sizes"] == "512x512" && $0["purpose"] == "maskable" })
            for icon in icons {
                let file = try await app.send(.GET, try XCTUnwrap(icon["src"]))
                XCTAssertEqual(file.status, .ok, icon["src"] ?? "")
                XCTAssertEqual(file.contentType, icon["type"])
                XCTAssertFalse(file.body.isEmpty)
            }
            let touch = try await app.send(.GET, "/icons/apple-touch-icon.png")
            XCTAssertEqual(touch.status, .ok)

            let worker = try await app.send(.GET, "/sw.js")
            XCTAssertEqual(worker.status, .ok)
            XCTAssertTrue(worker.contentType.contains("javascript"), worker.contentType)
            XCTAssertTrue(worker.body.contains("showNotification"))
            XCTAssertTrue(worker.body.contains("notificationclick"))
            XCTAssertTrue(worker.body.contains("openWindow"))
            XCTAssertFalse(worker.body.contains("caches."), "nothing is cached for offline use")
            XCTAssertFalse(worker.body.contains(#"addEventListener("fetch""#))
            let policy = worker.headers.first(name: "Content-Security-Policy") ?? ""
            XCTAssertTrue(policy.contains("worker-src 'self'"))
            XCTAssertTrue(policy.contains("manifest-src 'self'"))

            let home = try await app.send(.GET, "/")
            XCTAssertTrue(home.body.contains(#"<link rel="manifest" href="/manifest.webmanifest">"#))
            XCTAssertTrue(home.body.contains(#"<link rel="apple-touch-icon" href="/icons/apple-touch-icon.png">"#))
            XCTAssertTrue(home.body.contains(##"<meta name="theme-color" content="#a8432f""##))
            let script = try await app.send(.GET, "/js/app.js")
            XCTAssertTrue(script.body.contains(#"navigator.serviceWorker.register("/sw.js")"#))
            XCTAssertTrue(script.body.contains("userVisibleOnly: true"))
        }
    }

    // MARK: - Sharing an invite

    func testTheInvitePageOffersShareCopyAndEmailWithAnEditableMessage() async throws {
        try await withApp { app, _ in
            let (ana, bondPath) = try await Self.waitingBond(app)
            let page = try await ana.post("\(bondPath)/invites")
            XCTAssertEqual(page.status, .ok)
            let code = try Self.code(in: page.body)
            XCTAssertTrue(page.body.contains(#"data-share-message="message""#), "a Share button for the Web Share API")
            XCTAssertTrue(page.body.contains(#"data-share-url="http://127.0.0.1:8080/join/\#(code)""#))
            XCTAssertTrue(page.body.contains(#"data-copy-target="invite-url""#), "the copy button is still there")
            XCTAssertTrue(page.body.contains(#"<textarea id="message" name="message""#))
            XCTAssertTrue(page.body.contains("I&#39;d like us to try Kindred together") || page.body.contains("I'd like us to try Kindred together"))
            XCTAssertTrue(page.body.contains(#"<span class="invite-code">\#(code)</span>"#), "the code sits in a box that never breaks it")
            XCTAssertTrue(page.body.contains(#"action="\#(bondPath)/invites/email""#), "email is offered when this Kindred can send it")
            XCTAssertTrue(page.body.contains(#"<input type="hidden" name="code" value="\#(code)">"#))
        }
        try await withApp({ $0.smtp = nil }) { app, _ in
            let (ana, bondPath) = try await Self.waitingBond(app)
            let page = try await ana.post("\(bondPath)/invites")
            XCTAssertEqual(page.status, .ok)
            XCTAssertTrue(page.body.contains(#"data-share-message="message""#))
            XCTAssertFalse(page.body.contains("/invites/email"), "no email form without email")
            XCTAssertFalse(page.body.contains("Or send it by email"))
            let code = try Self.code(in: page.body)
            let forced = try await ana.post("\(bondPath)/invites/email", ["code": code, "email": "ben@example.org", "message": "Hi"])
            XCTAssertEqual(forced.status, .conflict)
            XCTAssertTrue(forced.body.contains("isn&#39;t set up to send email") || forced.body.contains("isn't set up to send email"))
            XCTAssertTrue(forced.body.contains("/join/\(code)"), "the link is still shown to copy")
        }
    }

    func testInviteEmailsAreRationedAndAMailServerFailureIsAMessageNotAnErrorPage() async throws {
        try await withApp { app, _ in
            let (ana, bondPath) = try await Self.waitingBond(app)
            let code = try Self.code(in: try await ana.post("\(bondPath)/invites").body)
            for n in 1...InviteService.emailsPerInvite {
                let sent = try await ana.post("\(bondPath)/invites/email", ["code": code, "email": "friend\(n)@example.org", "message": "Hi"])
                XCTAssertEqual(sent.status, .ok, sent.body)
            }
            XCTAssertTrue(app.fakeMail.sent.last?.text.contains("typed your address into Kindred") == true, "the recipient is told why it came")
            let fourth = try await ana.post("\(bondPath)/invites/email", ["code": code, "email": "friend4@example.org", "message": "Hi"])
            XCTAssertEqual(fourth.status, .tooManyRequests)
            XCTAssertTrue(fourth.text.contains("as many invite emails as we can send for you"), fourth.body)
            XCTAssertTrue(fourth.body.contains("/join/\(code)"), "the link is still there to copy")
            XCTAssertEqual(app.fakeMail.sent.count, InviteService.emailsPerInvite)

            // A new link; the mail server is down: a message on the page, never a 500.
            try await ana.get(bondPath + "/settings")
            let fresh = try Self.code(in: try await ana.post("\(bondPath)/invites").body)
            app.fakeMail.setDown(true)
            let down = try await ana.post("\(bondPath)/invites/email", ["code": fresh, "email": "friend5@example.org", "message": "Hi"])
            XCTAssertEqual(down.status, .badGateway)
            XCTAssertTrue(down.text.contains("didn't take the invite"), down.body)
            XCTAssertTrue(down.body.contains("/join/\(fresh)"))
        }
    }

    func testSendingAnInviteByEmailCarriesTheLinkAndTheMessage() async throws {
        try await withApp { app, _ in
            let (ana, bondPath) = try await Self.waitingBond(app)
            let code = try Self.code(in: try await ana.post("\(bondPath)/invites").body)
            let link = "http://127.0.0.1:8080/join/\(code)"

            let invalid = try await ana.post("\(bondPath)/invites/email", ["code": code, "email": "not-an-address", "message": "Come and join me"])
            XCTAssertEqual(invalid.status, .unprocessableEntity)
            XCTAssertTrue(invalid.body.contains(#"<span class="field-error" id="email-error">"#))
            XCTAssertTrue(invalid.body.contains(#"value="not-an-address""#))
            XCTAssertTrue(invalid.body.contains("Come and join me</textarea>"), "the message is kept")
            XCTAssertTrue(invalid.body.contains(link), "the link stays visible")
            XCTAssertTrue(app.fakeMail.sent.isEmpty)

            let sent = try await ana.post("\(bondPath)/invites/email", ["code": code.uppercased(), "email": "Ben@Example.org", "message": "Come and join me"])
            XCTAssertEqual(sent.status, .ok, sent.body)
            XCTAssertTrue(sent.body.contains("Sent to ben@example.org."))
            XCTAssertTrue(sent.body.contains(link), "the link is shown again from the posted code")
            let message = try XCTUnwrap(app.fakeMail.sent.last)
            XCTAssertEqual(message.to, "ben@example.org")
            XCTAssertEqual(message.subject, "Ana invited you to Kindred")
            XCTAssertTrue(message.text.contains("Come and join me"))
            XCTAssertTrue(message.text.contains(link))
            let invites = try await Invite.query(on: app.db).count()
            XCTAssertEqual(invites, 1, "sending makes no new invite")
        }
    }

    func testAForgedOrSomeoneElsesInviteCodeIsNeverSent() async throws {
        try await withApp { app, _ in
            let (ana, bondPath) = try await Self.waitingBond(app)
            let code = try Self.code(in: try await ana.post("\(bondPath)/invites").body)

            let forged = try await ana.post("\(bondPath)/invites/email", ["code": "abcdefghjkmnpqrstvwx", "email": "ben@example.org"])
            XCTAssertEqual(forged.status, .conflict)
            XCTAssertFalse(forged.body.contains("/join/abcdefghjkmnpqrstvwx"), "a code that isn't real is never shown as a link")
            let junk = try await ana.post("\(bondPath)/invites/email", ["code": "<script>", "email": "ben@example.org"])
            XCTAssertEqual(junk.status, .conflict)

            // Cai, outside the bond, with Ana's real code: the bond is not his to know about.
            let (cai, caisBond) = try await Self.waitingBond(app, name: "Cai")
            let outsider = try await cai.post("\(bondPath)/invites/email", ["code": code, "email": "ben@example.org"])
            XCTAssertEqual(outsider.status, .notFound)
            // In his own bond, Ana's code is not one of his invites.
            let wrongBond = try await cai.post("\(caisBond)/invites/email", ["code": code, "email": "ben@example.org"])
            XCTAssertEqual(wrongBond.status, .conflict)
            let anonymous = try await Browser(app).post("\(bondPath)/invites/email", ["code": code, "email": "ben@example.org"])
            XCTAssertEqual(anonymous.status, .forbidden, "no CSRF token, no session")
            XCTAssertTrue(app.fakeMail.sent.isEmpty)

            // A withdrawn invite's code no longer goes out either.
            _ = try await ana.post("\(bondPath)/invites")
            let old = try await ana.post("\(bondPath)/invites/email", ["code": code, "email": "ben@example.org"])
            XCTAssertEqual(old.status, .conflict)
            XCTAssertTrue(app.fakeMail.sent.isEmpty)
        }
    }

    // MARK: - Helpers

    /// Someone signed up in the browser with a bond waiting for its second person.
    static func waitingBond(_ app: Application, name: String = "Ana") async throws -> (Browser, String) {
        let browser = Browser(app)
        try await browser.register(name)
        try await browser.get("/bonds/new")
        let created = try await browser.post("/bonds", ["kind": "friendship", "name": ""])
        XCTAssertEqual(created.status, .seeOther, created.body)
        let bondPath = try XCTUnwrap(created.location)
        try await browser.get(bondPath)
        return (browser, bondPath)
    }

    static func code(in page: String) throws -> String {
        let range = try XCTUnwrap(page.range(of: #"/join/[0-9a-z]{20}"#, options: .regularExpression))
        return String(page[range].dropFirst("/join/".count))
    }
}

extension Browser {
    /// Posts JSON with this browser's cookies, as the page's script does with `fetch`.
    func postJSON(_ path: String, _ json: [String: Any]) async throws -> TestResponse {
        var headers = HTTPHeaders()
        if !cookies.isEmpty {
            headers.replaceOrAdd(name: .cookie, value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
        }
        return try await app.send(.POST, path, json: json, headers: headers)
    }
}

