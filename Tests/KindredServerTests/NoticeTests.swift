import Fluent
import SQLKit
import XCTVapor
@testable import KindredServer

/// Reminders and partner-activity notices: when they go, what they say (never what anyone
/// wrote, no names unless asked), that each goes once, and what happens when delivery fails.
final class NoticeTests: XCTestCase {
    /// 2027-01-15 08:00 UTC is 03:00 in New York: a reminder at 08:30 there is 13:30 UTC.
    func reminders(_ app: Application, _ person: APIPerson, _ body: [String: Any]) async throws -> TestResponse {
        try await app.send(.PUT, "/api/v1/me/reminders", json: body, token: person.token)
    }

    func newYorkPair(_ app: Application) async throws -> (APIPerson, APIPerson, String) {
        let ana = try await app.person("Ana", timeZone: "America/New_York")
        let ben = try await app.person("Ben", timeZone: "Europe/London")
        let bond = try await app.bond(of: ana)
        let (code, _) = try await app.invite(to: bond, by: ana)
        _ = try await app.send(.POST, "/api/v1/invites/\(code)/accept", token: ben.token)
        return (ana, ben, bond)
    }

    func testADailyReminderGoesOnceAtTheLocalTimeByEmailAndPush() async throws {
        try await withApp { app, clock in
            let (ana, _, _) = try await newYorkPair(app)
            let browser = PushBrowser()
            try await browser.subscribe(app, as: ana)
            let saved = try await reminders(app, ana, ["dailyAt": "08:30", "email": true, "push": true, "partnerActivity": false])
            XCTAssertEqual(saved.status, .ok, saved.body)
            XCTAssertEqual(saved.json["dailyAt"] as? String, "08:30")

            clock.advance(5 * 3600)  // 13:00 UTC, 08:00 in New York
            await NoticeScheduler.runOnce(app)
            XCTAssertTrue(app.fakeMail.sent.isEmpty, "not yet")
            clock.advance(31 * 60)  // 08:31 in New York
            let sent = await NoticeScheduler.runOnce(app)
            XCTAssertEqual(sent, 2)
            await NoticeScheduler.runOnce(app)
            XCTAssertEqual(app.fakeMail.sent.count, 1, "once, however often the scheduler runs")
            XCTAssertEqual(app.fakePush.requests.count, 1)

            let mail = try XCTUnwrap(app.fakeMail.sent.first)
            XCTAssertEqual(mail.to, ana.email)
            XCTAssertEqual(mail.subject, "A new question is waiting")
            XCTAssertFalse(mail.text.contains("Ben"), "no names by default")
            let unsubscribe = try XCTUnwrap(mail.extraHeaders.first { $0.name == "List-Unsubscribe" }?.value)
            XCTAssertTrue(unsubscribe.contains("/unsubscribe/"), unsubscribe)
            XCTAssertEqual(mail.extraHeaders.first { $0.name == "List-Unsubscribe-Post" }?.value, "List-Unsubscribe=One-Click")
            XCTAssertTrue(mail.messageID.hasPrefix("<") && mail.messageID.hasSuffix(">"))

            let push = try XCTUnwrap(app.fakePush.requests.first)
            XCTAssertEqual(push.endpoint.absoluteString, browser.endpoint)
            XCTAssertEqual(push.header("Content-Encoding"), "aes128gcm")
            XCTAssertEqual(push.header("TTL"), "43200")
            XCTAssertTrue(push.header("Authorization")?.hasPrefix("vapid t=") == true)
            let payload = try browser.open(push)
            XCTAssertEqual(payload["title"] as? String, "A new question is waiting")
            XCTAssertTrue((payload["url"] as? String)?.hasPrefix("/bonds/") == true, "opens the one bond")

            // The next one is tomorrow at 08:30 New York time.
            clock.advance(23 * 3600)
            await NoticeScheduler.runOnce(app)
            XCTAssertEqual(app.fakeMail.sent.count, 1)
            clock.advance(3600)
            await NoticeScheduler.runOnce(app)
            XCTAssertEqual(app.fakeMail.sent.count, 2)
        }
    }

    func testNoReminderOnceTheDayIsDoneAndNoneWithoutAnActiveBond() async throws {
        try await withApp { app, clock in
            let (ana, _, bond) = try await newYorkPair(app)
            let lonely = try await app.person("Lee", timeZone: "America/New_York")
            for person in [ana, lonely] {
                _ = try await reminders(app, person, ["dailyAt": "08:30", "email": true, "push": false, "partnerActivity": false])
            }
            clock.advance(5 * 3600 + 20 * 60)  // 08:20 in New York
            _ = try await app.send(.POST, "/api/v1/bonds/\(bond)/today/skip", token: ana.token)
            clock.advance(15 * 60)
            await NoticeScheduler.runOnce(app)
            XCTAssertTrue(app.fakeMail.sent.isEmpty, "Ana already passed today; Lee has no bond: \(app.fakeMail.sent.map(\.to))")
        }
    }

    func testNamesOnlyWhenAskedAndNeverAWordAnyoneWrote() async throws {
        try await withApp { app, clock in
            let (ana, ben, bond) = try await newYorkPair(app)
            let browser = PushBrowser()
            try await browser.subscribe(app, as: ben)
            _ = try await reminders(app, ben, ["dailyAt": NSNull(), "email": true, "push": true, "partnerActivity": true, "includeNames": false])
            clock.advance(60)
            _ = try await app.send(.PUT, "/api/v1/bonds/\(bond)/today/answer", json: ["text": "A secret about the lighthouse"], token: ana.token)
            await NoticeScheduler.runOnce(app)
            let neutral = try browser.open(try XCTUnwrap(app.fakePush.requests.last))
            XCTAssertEqual(neutral["title"] as? String, "Something new is waiting")
            XCTAssertEqual(app.fakeMail.sent.last?.subject, "Something new is waiting")

            _ = try await reminders(app, ben, ["dailyAt": NSNull(), "email": true, "push": true, "partnerActivity": true, "includeNames": true])
            _ = try await app.send(.POST, "/api/v1/bonds/\(bond)/appreciations", json: ["text": "Thanks for the lighthouse story"], token: ana.token)
            await NoticeScheduler.runOnce(app)
            let named = try browser.open(try XCTUnwrap(app.fakePush.requests.last))
            XCTAssertEqual(named["title"] as? String, "Ana sent you an appreciation")
            XCTAssertEqual(app.fakeMail.sent.last?.subject, "Ana sent you an appreciation")

            // Changing an answer is not a new notice; nothing written ever travels.
            _ = try await app.send(.PUT, "/api/v1/bonds/\(bond)/today/answer", json: ["text": "A secret about the lighthouse, edited"], token: ana.token)
            await NoticeScheduler.runOnce(app)
            XCTAssertEqual(app.fakePush.requests.count, 2)
            for request in app.fakePush.requests {
                let text = String(decoding: try JSONSerialization.data(withJSONObject: try browser.open(request)), as: UTF8.self)
                XCTAssertFalse(text.contains("lighthouse"), text)
            }
            for mail in app.fakeMail.sent { XCTAssertFalse(mail.rendered().contains("lighthouse")) }
        }
    }

    func testAnsweringSecondSaysBothAnswersAreOpenNotAnswerToo() async throws {
        try await withApp { app, clock in
            let (ana, ben, bond) = try await newYorkPair(app)
            _ = try await reminders(app, ben, ["dailyAt": NSNull(), "email": true, "push": false, "partnerActivity": true, "includeNames": true])
            clock.advance(60)
            _ = try await app.send(.PUT, "/api/v1/bonds/\(bond)/today/answer", json: ["text": "Ben first"], token: ben.token)
            _ = try await app.send(.PUT, "/api/v1/bonds/\(bond)/today/answer", json: ["text": "Ana second"], token: ana.token)
            await NoticeScheduler.runOnce(app)
            XCTAssertEqual(app.fakeMail.sent.map(\.subject), ["Ana answered too"])
            XCTAssertTrue(app.fakeMail.sent.first?.text.contains("read each other's answers") == true)
        }
    }

    func testANudgeReachesTheOtherMemberOnlyIfTheyAskedForNotices() async throws {
        try await withApp { app, clock in
            let (ana, ben, bond) = try await newYorkPair(app)
            clock.advance(60)
            _ = try await app.send(.POST, "/api/v1/bonds/\(bond)/nudge", token: ana.token)
            await NoticeScheduler.runOnce(app)
            XCTAssertTrue(app.fakeMail.sent.isEmpty, "Ben asked for nothing: it waits on his home")
            _ = try await reminders(app, ben, ["dailyAt": NSNull(), "email": true, "push": false, "partnerActivity": true, "includeNames": true])
            clock.advance(86_400)
            _ = try await app.send(.POST, "/api/v1/bonds/\(bond)/nudge", token: ana.token)
            await NoticeScheduler.runOnce(app)
            XCTAssertEqual(app.fakeMail.sent.map(\.subject), ["Ana would love to hear your answer"])
            XCTAssertEqual(app.fakeMail.sent.first?.to, ben.email)
        }
    }

    func testAPushEndpointThatIsGoneIsForgotten() async throws {
        try await withApp { app, clock in
            let (ana, ben, bond) = try await newYorkPair(app)
            let gone = PushBrowser(), alive = PushBrowser()
            try await gone.subscribe(app, as: ben)
            try await alive.subscribe(app, as: ben)
            app.fakePush.answer(410, for: gone.endpoint)
            _ = try await reminders(app, ben, ["dailyAt": NSNull(), "email": false, "push": true, "partnerActivity": true])
            clock.advance(60)
            _ = try await app.send(.PUT, "/api/v1/bonds/\(bond)/today/answer", json: ["text": "x"], token: ana.token)
            await NoticeScheduler.runOnce(app)
            let left = try await PushSubscription.query(on: app.db).all().map(\.endpoint)
            XCTAssertEqual(left, [alive.endpoint])
            let notice = try await Notice.query(on: app.db).first()
            XCTAssertNotNil(notice?.sentAt)
        }
    }

    func testMailThatFailsIsTriedAgainLaterAndSentOnce() async throws {
        try await withApp { app, clock in
            let (ana, ben, bond) = try await newYorkPair(app)
            _ = try await reminders(app, ben, ["dailyAt": NSNull(), "email": true, "push": false, "partnerActivity": true])
            app.fakeMail.setDown(true)
            clock.advance(60)
            _ = try await app.send(.PUT, "/api/v1/bonds/\(bond)/today/answer", json: ["text": "x"], token: ana.token)
            await NoticeScheduler.runOnce(app)
            let waiting = try await Notice.query(on: app.db).first()
            XCTAssertNil(waiting?.sentAt)
            XCTAssertEqual(waiting?.attempts, 1)
            XCTAssertNotNil(waiting?.lastError)
            app.fakeMail.setDown(false)
            await NoticeScheduler.runOnce(app)
            XCTAssertTrue(app.fakeMail.sent.isEmpty, "it backs off first")
            clock.advance(61)
            await NoticeScheduler.runOnce(app)
            await NoticeScheduler.runOnce(app)
            XCTAssertEqual(app.fakeMail.sent.count, 1)
        }
    }

    func testEachEmailIsRecordedTheMomentTheMailServerTakesItSoABrokenSessionDoublesNothing() async throws {
        try await withApp { app, clock in
            let outbox = NoticeService(db: app.db, services: app.kindred)
            var people: [String] = []
            for n in 0..<25 {
                let person = try await app.person("P\(n)")
                let userID = try XCTUnwrap(UUID(uuidString: person.id))
                let setting = ReminderSetting(userID: userID, now: clock.now)
                setting.email = true
                setting.partnerActivity = true
                try await setting.create(on: app.db)
                try await outbox.enqueue(.nudge, for: userID, bondID: nil, settings: setting, occasion: "n", dueAt: clock.now)
                people.append(person.email)
            }
            // Chunks of ten, one session each: the first session breaks before anything is taken.
            app.fakeMail.breakNextSession(after: 0)
            await NoticeScheduler.runOnce(app)
            XCTAssertEqual(app.fakeMail.sent.count, 15, "the first ten wait; the other fifteen went")
            // When they are tried again, the session breaks after three were taken.
            app.fakeMail.breakNextSession(after: 3)
            clock.advance(61)
            await NoticeScheduler.runOnce(app)
            XCTAssertEqual(app.fakeMail.sent.count, 18, "three taken before the break, and recorded at once")
            clock.advance(5 * 60)
            await NoticeScheduler.runOnce(app)
            let recipients = app.fakeMail.sent.map(\.to)
            XCTAssertEqual(recipients.count, 25)
            XCTAssertEqual(Set(recipients), Set(people), "everyone once, nobody twice")
            let unsent = try await Notice.query(on: app.db).filter(\.$sentAt == nil).count()
            XCTAssertEqual(unsent, 0)
        }
    }

    func testANodeTooSlowToKeepItsClaimDoesNotSendWhatAnotherNodeTookOver() async throws {
        try await withApp { app, clock in
            let person = try await app.person("Pat")
            let userID = try XCTUnwrap(UUID(uuidString: person.id))
            let setting = ReminderSetting(userID: userID, now: clock.now)
            setting.email = true
            try await setting.create(on: app.db)
            let outbox = NoticeService(db: app.db, services: app.kindred)
            try await outbox.enqueue(.dailyReminder, for: userID, bondID: nil, settings: setting, occasion: "d", dueAt: clock.now)
            let slow = try await outbox.claim(by: "slow-node")
            clock.advance(NoticeService.claimLifetime + 1)
            let quick = try await outbox.claim(by: "quick-node")
            XCTAssertEqual(quick.count, 1)
            let stillMine = try await outbox.renewClaims(slow)
            XCTAssertTrue(stillMine.isEmpty, "the slow node sees it is no longer its own, and leaves it")
            let quickHolds = try await outbox.renewClaims(quick)
            XCTAssertEqual(quickHolds.count, 1)
        }
    }

    func testClaimsAreExclusiveAndAClaimThatOutlivesItsNodeIsTakenOver() async throws {
        try await withApp { app, clock in
            let person = try await app.person("Pat")
            let userID = try XCTUnwrap(UUID(uuidString: person.id))
            let setting = ReminderSetting(userID: userID, now: clock.now)
            setting.email = true
            try await setting.create(on: app.db)
            let outbox = NoticeService(db: app.db, services: app.kindred)
            for n in 0..<30 {
                try await outbox.enqueue(.dailyReminder, for: userID, bondID: nil, settings: setting, occasion: "day-\(n)", dueAt: clock.now)
            }
            // The same occasion twice is one notice.
            try await outbox.enqueue(.dailyReminder, for: userID, bondID: nil, settings: setting, occasion: "day-0", dueAt: clock.now)
            let total = try await Notice.query(on: app.db).count()
            XCTAssertEqual(total, 30)
            let a = try await outbox.claim(by: "node-a", limit: 20)
            let b = try await outbox.claim(by: "node-b", limit: 20)
            XCTAssertEqual(a.count, 20)
            XCTAssertEqual(b.count, 10)
            XCTAssertTrue(Set(a.map(\.id)).isDisjoint(with: Set(b.map(\.id))))
            let none = try await outbox.claim(by: "node-c")
            XCTAssertTrue(none.isEmpty, "everything is claimed")
            // Node A dies; after its claim lapses, its notices go to someone else, once.
            clock.advance(NoticeService.claimLifetime + 1)
            let c = try await outbox.claim(by: "node-c", limit: 100)
            XCTAssertEqual(c.count, 30, "both lapsed claims are taken over")
        }
    }

    func testReminderSettingsAreValidatedAndOnlyYourOwn() async throws {
        try await withApp({ $0.smtp = nil }) { app, _ in
            let ana = try await app.person("Ana"), ben = try await app.person("Ben")
            let initial = try await app.send(.GET, "/api/v1/me/reminders", token: ana.token)
            XCTAssertEqual(initial.json["dailyAt"] as? String, nil)
            XCTAssertEqual(initial.json["emailAvailable"] as? Bool, false)
            let noMail = try await reminders(app, ana, ["dailyAt": "08:30", "email": true, "push": false, "partnerActivity": false])
            XCTAssertEqual(noMail.status, .conflict)
            XCTAssertEqual(noMail.json["code"] as? String, "email-unavailable")
            XCTAssertEqual(noMail.problemFields, ["email"])
            let noChannel = try await reminders(app, ana, ["dailyAt": "08:30", "email": false, "push": false, "partnerActivity": false])
            XCTAssertEqual(noChannel.problemFields, ["channels"])
            let badTime = try await reminders(app, ana, ["dailyAt": "8:30", "email": false, "push": true, "partnerActivity": false])
            XCTAssertEqual(badTime.problemFields, ["dailyAt"])
            let missing = try await reminders(app, ana, ["dailyAt": "08:30"])
            XCTAssertEqual(Set(missing.problemFields), ["email", "push", "partnerActivity"])
            let ok = try await reminders(app, ana, ["dailyAt": "21:05", "email": false, "push": true, "partnerActivity": true])
            XCTAssertEqual(ok.status, .ok, ok.body)
            let benSees = try await app.send(.GET, "/api/v1/me/reminders", token: ben.token)
            XCTAssertNil(benSees.json["dailyAt"] as? String, "another person's settings are never anyone else's")
            XCTAssertEqual(benSees.json["push"] as? Bool, false)
        }
    }

    func testPushSubscriptionsBelongToOnePersonAndEndpointsMustBePublicHTTPS() async throws {
        try await withApp { app, _ in
            let ana = try await app.person("Ana"), ben = try await app.person("Ben")
            let browser = PushBrowser()
            let created = try await browser.subscribe(app, as: ana)
            XCTAssertEqual(created.status, .created)
            let again = try await browser.subscribe(app, as: ana)
            XCTAssertEqual(again.status, .ok, "the same browser again updates its keys")
            let id = try XCTUnwrap(created.json["id"] as? String)
            let r1 = try await app.send(.DELETE, "/api/v1/me/push-subscriptions/\(id)", token: ben.token)
            XCTAssertEqual(r1.status, .notFound)
            let list = try await app.send(.GET, "/api/v1/me/push-subscriptions", token: ben.token)
            XCTAssertEqual(list.jsonArray.count, 0)

            for endpoint in ["http://push.example.net/x", "https://127.0.0.1/x", "https://10.0.0.5/x", "not a url", "https://192.168.1.1/p",
                             "https://evil.example.com/x", "https://127.1/x", "https://2130706433/x", "https://[::ffff:127.0.0.1]/x",
                             "https://push.example.net.evil.com/x", "https://fcm.googleapis.com.evil.com/x",
                             "https://user@push.example.net/x", "https://metadata.google.internal/x"] {
                let bad = PushBrowser(endpoint: endpoint)
                let refused = try await app.send(.POST, "/api/v1/me/push-subscriptions", json: bad.subscription, token: ana.token)
                XCTAssertEqual(refused.problemFields, ["endpoint"], endpoint)
            }
            var broken = browser.subscription
            broken["keys"] = ["p256dh": "AAAA", "auth": "BBBB"]
            let badKeys = try await app.send(.POST, "/api/v1/me/push-subscriptions", json: broken, token: ana.token)
            XCTAssertEqual(badKeys.problemFields, ["keys.p256dh"])
            let r2 = try await app.send(.DELETE, "/api/v1/me/push-subscriptions/\(id)", token: ana.token)
            XCTAssertEqual(r2.status, .noContent)
            let google = PushBrowser(endpoint: "https://fcm.googleapis.com/fcm/send/abc123")
            let accepted = try await google.subscribe(app, as: ana)
            XCTAssertEqual(accepted.status, .created, "the browsers' own push services are welcome")
            let apple = PushBrowser(endpoint: "https://web.push.apple.com/QGxk")
            let appleAccepted = try await apple.subscribe(app, as: ana)
            XCTAssertEqual(appleAccepted.status, .created)
            let key = try await app.send(.GET, "/api/v1/push/key")
            XCTAssertEqual(Base64URL.decode(key.json["publicKey"] as? String ?? "")?.count, 65)
        }
    }

    func testLoopbackEndpointsOnlyWhenTheOperatorAllowsThem() async throws {
        try await withApp({ $0.pushAllowLoopback = true }) { app, _ in
            let ana = try await app.person("Ana")
            let local = PushBrowser(endpoint: "http://127.0.0.1:9999/push/ana")
            let r3 = try await local.subscribe(app, as: ana)
            XCTAssertEqual(r3.status, .created)
        }
    }

    func testMovingTimeZoneMovesTheDailyReminder() async throws {
        try await withApp { app, _ in
            let ana = try await app.person("Ana", timeZone: "Europe/London")
            _ = try await reminders(app, ana, ["dailyAt": "08:30", "email": true, "push": false, "partnerActivity": false])
            let london = try await ReminderSetting.query(on: app.db).first()?.nextDailyAt
            XCTAssertEqual(london, ISO8601DateFormatter().date(from: "2027-01-15T08:30:00Z"))
            _ = try await app.send(.PATCH, "/api/v1/me", json: ["timeZone": "Asia/Tokyo"], token: ana.token)
            let tokyo = try await ReminderSetting.query(on: app.db).first()?.nextDailyAt
            XCTAssertEqual(tokyo, ISO8601DateFormatter().date(from: "2027-01-15T23:30:00Z"), "08:30 on the 16th in Tokyo")
        }
    }
}
