import Fluent
import SQLKit
import XCTVapor
@testable import KindredServer

final class DataRightsTests: XCTestCase {
    /// Ana and Ben, each having written something of every kind.
    func fullBond(_ app: Application) async throws -> (APIPerson, APIPerson, String) {
        let (ana, ben, bond) = try await app.pair(kind: "romantic")
        // Ben asks for notices and sets up a device; Ana nudges him before he answers.
        _ = try await app.send(.PUT, "/api/v1/me/reminders", json: ["dailyAt": "08:30", "email": true, "push": true, "partnerActivity": true], token: ben.token)
        try await PushBrowser().subscribe(app, as: ben)
        _ = try await app.send(.PUT, "/api/v1/bonds/\(bond)/today/answer", json: ["text": "Ana's private answer"], token: ana.token)
        let nudged = try await app.send(.POST, "/api/v1/bonds/\(bond)/nudge", token: ana.token)
        XCTAssertEqual(nudged.status, .created, nudged.body)
        _ = try await app.send(.POST, "/api/v1/password-resets", json: ["email": ben.email])
        // The link is made after the answer has gone: wait for it.
        for _ in 0..<100 where try await PasswordResetToken.query(on: app.db).count() == 0 { try await Task.sleep(for: .milliseconds(20)) }
        for (person, words) in [(ana, "Ana"), (ben, "Ben")] {
            _ = try await app.send(.PUT, "/api/v1/bonds/\(bond)/today/answer", json: ["text": "\(words)'s private answer"], token: person.token)
            _ = try await app.send(.POST, "/api/v1/bonds/\(bond)/appreciations", json: ["text": "\(words)'s thanks"], token: person.token)
            _ = try await app.send(.PUT, "/api/v1/bonds/\(bond)/checkins/current", json: [
                "ratings": ["open-sharing": 4, "trust": 4, "positive-feelings": 4, "quality-time": 4, "communication": 4, "vulnerability": 4],
                "note": "\(words)'s week note",
            ], token: person.token)
            _ = try await app.send(.POST, "/api/v1/bonds/\(bond)/assessments",
                                   json: ["instrument": "eis", "answers": ["eis1": 4, "eis2": 4, "eis3": 4, "eis4": 4, "eis5": 4], "share": person.email == ana.email], token: person.token)
        }
        let day = try await app.send(.GET, "/api/v1/bonds/\(bond)/today", token: ana.token)
        let date = (day.json["today"] as? [String: Any])?["day"] as? String ?? ""
        // Each proposes time together for tomorrow, and the other says yes.
        for (person, other, words) in [(ana, ben, "Ana"), (ben, ana, "Ben")] {
            let plan = try await app.send(.POST, "/api/v1/bonds/\(bond)/plans", json: ["title": "\(words)'s plan", "startsAt": "2027-01-16T12:00:00Z"], token: person.token)
            XCTAssertEqual(plan.status, .created, plan.body)
            _ = try await app.send(.PATCH, "/api/v1/bonds/\(bond)/plans/\(plan.json["id"] as? String ?? "")", json: ["response": "accept"], token: other.token)
        }
        // Each proposes a ritual, the other agrees, and both mark today's time.
        for (person, other, words) in [(ana, ben, "Ana"), (ben, ana, "Ben")] {
            let ritual = try await app.send(.POST, "/api/v1/bonds/\(bond)/rituals", json: ["title": "\(words)'s ritual", "rhythm": "daily", "start": date], token: person.token)
            let id = ritual.json["id"] as? String ?? ""
            _ = try await app.send(.PATCH, "/api/v1/bonds/\(bond)/rituals/\(id)", json: ["response": "accept"], token: other.token)
            for marker in [ana, ben] {
                let marked = try await app.send(.PUT, "/api/v1/bonds/\(bond)/rituals/\(id)/occurrences/\(date)", json: ["status": "done"], token: marker.token)
                XCTAssertEqual(marked.status, .ok, marked.body)
            }
        }
        _ = try await app.send(.POST, "/api/v1/bonds/\(bond)/days/\(date)/replies", json: ["text": "Ben's reply"], token: ben.token)
        _ = try await app.send(.PUT, "/api/v1/bonds/\(bond)/days/\(date)/reactions", json: ["reaction": "hug"], token: ben.token)
        _ = try await app.send(.PUT, "/api/v1/bonds/\(bond)/days/\(date)/reactions", json: ["reaction": "wow"], token: ana.token)
        let notes = try await app.send(.GET, "/api/v1/bonds/\(bond)/appreciations", token: ben.token)
        if let fromAna = (notes.json["received"] as? [[String: Any]])?.first?["id"] as? String {
            _ = try await app.send(.PUT, "/api/v1/bonds/\(bond)/appreciations/\(fromAna)/reactions", json: ["reaction": "thanks"], token: ben.token)
        }
        _ = try await app.send(.POST, "/api/v1/safety-check", json: ["answers": SafetyTests.allNo, "save": true], token: ben.token)
        // Each raises a hurt, and answers the other's; each marks needs and desires.
        for (person, other, words) in [(ana, ben, "Ana"), (ben, ana, "Ben")] {
            let raised = try await app.send(.POST, "/api/v1/bonds/\(bond)/repairs", json: ["happened": "\(words)'s hurt"], token: person.token)
            let id = raised.json["id"] as? String ?? ""
            let heard = try await app.send(.POST, "/api/v1/bonds/\(bond)/repairs/\(id)/steps", json: ["step": "acknowledge", "text": "\(words == "Ana" ? "Ben" : "Ana")'s apology"], token: other.token)
            XCTAssertEqual([raised.status, heard.status], [.created, .ok], heard.body)
            let marked = try await app.send(.PUT, "/api/v1/bonds/\(bond)/desires", json: ["confirmAdult": true, "marks": ["affection-01": words == "Ana" ? "yes" : "no"]], token: person.token)
            XCTAssertEqual(marked.status, .ok, marked.body)
        }
        return (ana, ben, bond)
    }

    func testTheExportHoldsEverythingThePersonWroteAndNothingOfTheOthers() async throws {
        try await withApp { app, _ in
            let (ana, ben, _) = try await fullBond(app)
            let export = try await app.send(.GET, "/api/v1/me/export", token: ana.token)
            XCTAssertEqual(export.status, .ok)
            XCTAssertTrue(export.headers.first(name: .contentDisposition)?.contains("kindred-export.json") ?? false)
            for own in ["Ana's private answer", "Ana's thanks", "Ana's week note", "\"instrument\":\"eis\"", "Ana's ritual", "Ana's plan", "Ana's hurt", "Ana's apology"] {
                XCTAssertTrue(export.body.contains(own), own)
            }
            for theirs in ["Ben's private answer", "Ben's thanks", "Ben's week note", "Ben's reply", "Ben's ritual", "Ben's plan", "Ben's hurt", "Ben's apology", "Ben"] {
                XCTAssertFalse(export.body.contains(theirs), "the export holds \(theirs)")
            }
            XCTAssertEqual((export.json["savedSafetyChecks"] as? [Any])?.count, 0, "Ben's saved check is not in Ana's export")
            XCTAssertEqual((export.json["reactions"] as? [[String: Any]])?.map { $0["reaction"] as? String }, ["wow"], "only her own reaction")
            XCTAssertEqual((export.json["nudgesSent"] as? [Any])?.count, 1)
            XCTAssertEqual((export.json["ritualsProposed"] as? [[String: Any]])?.map { $0["schedule"] as? String }, ["Every day at 19:00"])
            XCTAssertEqual((export.json["ritualMarks"] as? [[String: Any]])?.map { $0["mark"] as? String }, ["done", "done"], "her marks on both rituals")
            XCTAssertEqual((export.json["plansMade"] as? [[String: Any]])?.map { $0["state"] as? String }, ["accepted"])
            XCTAssertEqual((export.json["desireMarks"] as? [[String: Any]])?.map { $0["mark"] as? String }, ["yes"], "her mark, never his no")
            XCTAssertEqual((export.json["notificationDevices"] as? [Any])?.count, 0, "Ben's device is his")
            let bens = try await app.send(.GET, "/api/v1/me/export", token: ben.token)
            XCTAssertEqual((bens.json["reminders"] as? [String: Any])?["dailyAt"] as? String, "08:30")
            XCTAssertEqual((bens.json["notificationDevices"] as? [Any])?.count, 1)
            XCTAssertFalse(bens.body.contains("p256dh"), "never the device's push keys")

            // Her invites (the one Ben used), her tokens and sessions — never a secret.
            let invites = try XCTUnwrap(export.json["invitesCreated"] as? [[String: Any]])
            XCTAssertEqual(invites.map { $0["state"] as? String }, ["used"])
            XCTAssertEqual((bens.json["invitesCreated"] as? [Any])?.count, 0, "Ben made no invite")
            let tokens = try XCTUnwrap(export.json["apiTokens"] as? [[String: Any]])
            XCTAssertEqual(tokens.count, 1)
            XCTAssertEqual(tokens.first?["idleDays"] as? Int, 90)
            XCTAssertFalse(export.body.contains(ana.token), "never the token itself")
            let hashes = try await APIToken.query(on: app.db).all().map(\.tokenHash) + (try await Invite.query(on: app.db).all().map(\.codeHash))
            for hash in hashes { XCTAssertFalse(export.body.contains(hash), "never a token's or code's hash") }
            XCTAssertEqual((export.json["sessions"] as? [Any])?.count, 0, "Ana has no browser signed in")
            let log = try await app.send(.GET, "/api/v1/me/security-log", token: ana.token)
            XCTAssertTrue(log.jsonArray.contains { $0["event"] as? String == "exported" })

            let csv = try await app.send(.GET, "/api/v1/me/export/assessments.csv", token: ana.token)
            XCTAssertEqual(csv.contentType, "text/csv; charset=utf-8")
            let lines = csv.body.split(separator: "\r\n")
            XCTAssertEqual(lines.count, 2, "a header and Ana's one response")
            let header = lines[0].split(separator: ",").map(String.init)
            XCTAssertEqual(Array(header.prefix(8)), ["assessment_id", "bond_id", "instrument", "instrument_version", "mode", "shared", "taken_at", "score"])
            XCTAssertTrue(header.contains("eis1") && header.contains("swls5"), "a column per item")
            let row = lines[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            XCTAssertEqual(row[header.firstIndex(of: "score")!], "20")
            XCTAssertEqual(row[header.firstIndex(of: "eis3")!], "4")
        }
    }

    func testDeletingAnAccountLeavesNoRowHoldingItsContent() async throws {
        try await withApp { app, _ in
            let (ana, ben, bond) = try await fullBond(app)
            _ = try await app.send(.POST, "/api/v1/tokens", json: ["email": ben.email, "password": "wrong password here"])
            // Rows of every new kind exist for Ben before he goes.
            let sqlBefore = try XCTUnwrap(app.db as? any SQLDatabase)
            for table in ["reactions", "nudges", "reminder_settings", "push_subscriptions", "notices", "password_resets"] {
                let n = try await sqlBefore.raw("SELECT COUNT(*) AS n FROM \(ident: table)").first()?.decode(column: "n", as: Int.self) ?? 0
                XCTAssertGreaterThan(n, 0, "\(table) has a row before deletion")
            }
            let benID = try XCTUnwrap(UUID(uuidString: ben.id))
            let deleted = try await app.send(.DELETE, "/api/v1/me", json: ["password": ben.password], token: ben.token)
            XCTAssertEqual(deleted.status, .noContent)
            // Every table, every row: none may mention Ben's id or hold his words.
            let sql = try XCTUnwrap(app.db as? any SQLDatabase)
            let tables = ["users", "web_sessions", "api_tokens", "bond_members", "invites", "sign_in_failures", "assessments", "daily_questions",
                          "daily_answers", "daily_replies", "appreciations", "checkins", "conversations", "saved_safety_checks", "security_events",
                          "daily_passes", "reactions", "nudges", "reminder_settings", "push_subscriptions", "notices", "password_resets",
                          "repairs", "desire_marks"]
            let cipher = app.kindred.cipher
            for table in tables {
                let rows = try await sql.raw("SELECT * FROM \(ident: table)").all()
                for row in rows {
                    for column in row.allColumns {
                        if let uuid = try? row.decode(column: column, as: UUID.self) { XCTAssertNotEqual(uuid, benID, "\(table).\(column) still names Ben") }
                        if let text = try? row.decode(column: column, as: String.self) {
                            XCTAssertFalse(text.contains(ben.email), "\(table).\(column) holds Ben's email")
                        }
                    }
                }
            }
            // Every sealed value left opens in its place, and none holds Ben's words.
            for sealed in SealedColumn.all {
                try await sealed.walk(on: sql) { row in
                    guard let value = row.value else { return }
                    let opened = try cipher.open(value, at: sealed.place(of: row))
                    XCTAssertFalse(opened.contains("Ben"), "\(sealed.table).\(sealed.column) holds Ben's words: \(opened)")
                }
            }
            let failures = try await SignInFailure.signInsOnly(app.db).count()
            XCTAssertEqual(failures, 0)
            // Ana keeps hers; the bond ended for her.
            let today = try await app.send(.GET, "/api/v1/bonds/\(bond)/today", token: ana.token)
            XCTAssertTrue(today.body.contains("Ana's private answer"))
            let bondView = try await app.send(.GET, "/api/v1/bonds/\(bond)", token: ana.token)
            XCTAssertEqual(bondView.json["status"] as? String, "ended")
        }
    }

    func testLeavingKeepsYourOwnWordsAndHidesTheOthersAndKillsInvites() async throws {
        try await withApp { app, _ in
            let (ana, ben, bond) = try await fullBond(app)
            _ = try await app.send(.POST, "/api/v1/bonds/\(bond)/leave", token: ana.token)
            for path in ["/api/v1/bonds/\(bond)/today", "/api/v1/bonds/\(bond)/days", "/api/v1/bonds/\(bond)/appreciations",
                         "/api/v1/bonds/\(bond)/checkins", "/api/v1/bonds/\(bond)/assessments", "/api/v1/bonds/\(bond)/measures/eis"] {
                let bens = try await app.send(.GET, path, token: ben.token)
                XCTAssertEqual(bens.status, .ok, path)
                XCTAssertFalse(bens.body.contains("Ana's"), "\(path) still shows what Ana wrote")
                let anas = try await app.send(.GET, path, token: ana.token)
                XCTAssertFalse(anas.body.contains("Ben's"), "\(path) still shows what Ben wrote")
            }
            let anasAnswers = try await app.send(.GET, "/api/v1/bonds/\(bond)/today", token: ana.token)
            XCTAssertTrue(anasAnswers.body.contains("Ana's private answer"), "each keeps their own")
            let log = try await app.send(.GET, "/api/v1/me/security-log", token: ben.token)
            XCTAssertFalse(log.body.contains("left"), "nothing tells Ben who ended it")
        }
    }

    func testDevicesAreListedAndCanBeSignedOutEverywhere() async throws {
        try await withApp { app, _ in
            let ana = try await app.person("Ana")
            let browser = Browser(app)
            _ = try await browser.signIn(ana.email)
            let phone = try await app.send(.POST, "/api/v1/tokens", json: ["email": ana.email, "password": ana.password, "name": "Phone"])
            let listed = try await app.send(.GET, "/api/v1/me/sessions", token: ana.token)
            XCTAssertEqual((listed.json["sessions"] as? [[String: Any]])?.count, 1)
            XCTAssertEqual((listed.json["tokens"] as? [[String: Any]])?.count, 2)
            let page = try await browser.get("/settings/devices")
            XCTAssertTrue(page.body.contains("(this one)"))
            let everywhere = try await app.send(.POST, "/api/v1/me/sign-out-everywhere", token: ana.token)
            XCTAssertEqual(everywhere.status, .noContent)
            let phoneNow = try await app.send(.GET, "/api/v1/me", token: phone.json["token"] as? String)
            XCTAssertEqual(phoneNow.status, .unauthorized)
            let browserNow = try await browser.get("/settings/devices")
            XCTAssertEqual(browserNow.status, .seeOther, "the browser was signed out too")
            let stillMe = try await app.send(.GET, "/api/v1/me", token: ana.token)
            XCTAssertEqual(stillMe.status, .ok, "except the token that asked")
            let log = try await app.send(.GET, "/api/v1/me/security-log", token: ana.token)
            let events = log.jsonArray.compactMap { $0["event"] as? String }
            XCTAssertTrue(events.contains("signed-in"))
            XCTAssertTrue(events.contains("signed-out-everywhere"))
        }
    }

    func testTheSecurityLogRecordsFailedSignInsForTheOwnerOnly() async throws {
        try await withApp { app, _ in
            let (ana, ben, _) = try await app.pair()
            _ = try await app.send(.POST, "/api/v1/tokens", json: ["email": ana.email, "password": "someone guessing"])
            _ = try await app.send(.POST, "/api/v1/me/password", json: ["currentPassword": ana.password, "newPassword": "a new long passphrase"], token: ana.token)
            let anas = try await app.send(.GET, "/api/v1/me/security-log", token: ana.token)
            let events = anas.jsonArray.compactMap { $0["event"] as? String }
            XCTAssertTrue(events.contains("sign-in-failed"))
            XCTAssertTrue(events.contains("password-changed"))
            let bens = try await app.send(.GET, "/api/v1/me/security-log", token: ben.token)
            XCTAssertFalse(bens.jsonArray.contains { $0["event"] as? String == "sign-in-failed" || $0["event"] as? String == "password-changed" })
        }
    }

    func testABurstOfFailuresIsOneEntryAndNeverPushesSignInsOffThePage() async throws {
        try await withApp({ $0.trustForwardedFor = true }) { app, clock in
            let ana = try await app.person("Ana")
            // Ten guesses at once from ten addresses: one entry, counted ten times.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for n in 1...10 {
                    group.addTask {
                        _ = try await app.send(.POST, "/api/v1/tokens", json: ["email": ana.email, "password": "guess number \(n) here"],
                                               headers: ["X-Forwarded-For": "198.51.100.\(n)"])
                    }
                }
                try await group.waitForAll()
            }
            let log = try await app.send(.GET, "/api/v1/me/security-log", token: ana.token)
            let failures = log.jsonArray.filter { $0["event"] as? String == "sign-in-failed" }
            XCTAssertEqual(failures.count, 1, log.body)
            XCTAssertEqual(failures.first?["count"] as? Int, 10)
            // Then a guessing campaign, a burst every quarter of an hour for days on end.
            for burst in 0..<150 {
                clock.advance(SecurityLog.burstWindow + 1)
                _ = try await app.send(.POST, "/api/v1/tokens", json: ["email": ana.email, "password": "campaign \(burst) guess"],
                                       headers: ["X-Forwarded-For": "203.0.113.\(burst % 200)"])
            }
            let after = try await app.send(.GET, "/api/v1/me/security-log", token: ana.token)
            let kinds = after.jsonArray.compactMap { $0["event"] as? String }
            XCTAssertTrue(kinds.contains("signed-in"), "her own sign-in is still on the page: \(kinds.count) rows")
            XCTAssertEqual(kinds.filter { $0 == "sign-in-failed" }.count, SecurityLog.failureRows)
            let rows = try await SecurityEvent.query(on: app.db).filter(\.$kind == "sign-in-failed").count()
            XCTAssertEqual(rows, 151, "nothing is deleted: the export holds all of it")
            let export = try await app.send(.GET, "/api/v1/me/export", token: ana.token)
            XCTAssertEqual((export.json["securityLog"] as? [[String: Any]])?.filter { $0["event"] as? String == "sign-in-failed" }.count, 151)
        }
    }
}
