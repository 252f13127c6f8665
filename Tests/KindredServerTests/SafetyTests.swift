import Fluent
import XCTVapor
@testable import KindredServer

final class SafetyTests: XCTestCase {
    static let allNo = Dictionary(uniqueKeysWithValues: ["afraid", "hurt", "threatened", "insulted", "money", "phone", "isolated", "pressured", "children", "walking-on-eggshells"].map { ($0, false) })

    func testAnyYesBringsSupportSignsResourcesAndAPlan() async throws {
        try await withApp { app, _ in
            var answers = Self.allNo
            answers["phone"] = true
            let response = try await app.send(.POST, "/api/v1/safety-check", json: ["answers": answers, "country": "GB"])
            XCTAssertEqual(response.status, .ok)
            XCTAssertEqual(response.json["concern"] as? Bool, true)
            XCTAssertTrue((response.json["message"] as? String ?? "").contains("none of it is your fault"))
            XCTAssertNotNil(response.json["signs"] as? [String: Any])
            XCTAssertNotNil(response.json["safetyPlan"] as? [String: Any])
            let resources = response.json["resources"] as? [String: Any]
            XCTAssertEqual(resources?["country"] as? String, "gb")
            XCTAssertTrue(response.body.contains("0808 2000 247"))
            XCTAssertEqual(response.headers.first(name: .cacheControl), "no-store")
            let stored = try await SavedSafetyCheck.query(on: app.db).count()
            XCTAssertEqual(stored, 0, "nothing is kept unless the person asks")
        }
    }

    func testAllNoIsReassuringAndAnUnknownCountryFallsBackToGeneralAdvice() async throws {
        try await withApp { app, _ in
            let response = try await app.send(.POST, "/api/v1/safety-check", json: ["answers": Self.allNo, "country": "zz"])
            XCTAssertEqual(response.json["concern"] as? Bool, false)
            XCTAssertNil(response.json["safetyPlan"])
            XCTAssertEqual((response.json["resources"] as? [String: Any])?["country"] as? String, "general")
            XCTAssertTrue(response.body.contains("local emergency number"))
        }
    }

    func testEveryQuestionNeedsAnAnswer() async throws {
        try await withApp { app, _ in
            let response = try await app.send(.POST, "/api/v1/safety-check", json: ["answers": ["afraid": true, "nonsense": false]])
            XCTAssertEqual(response.status, .unprocessableEntity)
            XCTAssertTrue(response.problemFields.contains("answers.hurt"))
            XCTAssertTrue(response.problemFields.contains("answers.nonsense"))
            let wrongType = try await app.send(.POST, "/api/v1/safety-check", json: ["answers": ["afraid": "yes"]])
            XCTAssertTrue(wrongType.problemFields.contains("answers.afraid"))
        }
    }

    func testASavedCheckIsVisibleToItsOwnerAloneAndNeverToTheOtherMember() async throws {
        try await withApp { app, _ in
            let (ana, ben, bond) = try await app.pair()
            var answers = Self.allNo
            answers["afraid"] = true
            let anonymousSave = try await app.send(.POST, "/api/v1/safety-check", json: ["answers": answers, "save": true])
            XCTAssertEqual(anonymousSave.status, .unauthorized)
            let saved = try await app.send(.POST, "/api/v1/safety-check", json: ["answers": answers, "save": true, "country": "us"], token: ana.token)
            let id = try XCTUnwrap((saved.json["saved"] as? [String: Any])?["id"] as? String)
            let mine = try await app.send(.GET, "/api/v1/me/safety-checks", token: ana.token)
            XCTAssertEqual(mine.jsonArray.first?["country"] as? String, "us")
            XCTAssertEqual((mine.jsonArray.first?["answers"] as? [String: Bool])?["afraid"], true)
            let row = try await SavedSafetyCheck.query(on: app.db).first()
            XCTAssertFalse(row?.sealed.contains("afraid") ?? true, "sealed at rest")

            // Ben: nothing of it, anywhere he can look.
            let bens = try await app.send(.GET, "/api/v1/me/safety-checks", token: ben.token)
            XCTAssertEqual(bens.jsonArray.count, 0)
            let bensDelete = try await app.send(.DELETE, "/api/v1/me/safety-checks/\(id)", token: ben.token)
            XCTAssertEqual(bensDelete.status, .notFound)
            for path in ["/api/v1/bonds/\(bond)", "/api/v1/bonds/\(bond)/today", "/api/v1/bonds/\(bond)/dashboard", "/api/v1/me/export",
                         "/api/v1/me/security-log", "/api/v1/bonds"] {
                let response = try await app.send(.GET, path, token: ben.token)
                XCTAssertFalse(response.body.lowercased().contains(id.lowercased()), path)
                XCTAssertFalse(response.body.contains("afraid"), path)
                if path.hasSuffix("/export") {
                    XCTAssertEqual((response.json["savedSafetyChecks"] as? [Any])?.count, 0, "Ben's own export has no check of Ana's")
                } else {
                    XCTAssertFalse(response.body.lowercased().contains("safety"), "\(path) mentions a safety check")
                }
            }
            let deleted = try await app.send(.DELETE, "/api/v1/me/safety-checks/\(id)", token: ana.token)
            XCTAssertEqual(deleted.status, .noContent)
            let count = try await SavedSafetyCheck.query(on: app.db).count()
            XCTAssertEqual(count, 0)
        }
    }

    func testTheWebCheckNeverShowsOnTheOtherMembersPages() async throws {
        try await withApp { app, _ in
            let ana = Browser(app)
            try await ana.register("Ana")
            try await ana.get("/bonds/new")
            let created = try await ana.post("/bonds", ["kind": "romantic"])
            let bond = try XCTUnwrap(created.location)
            let invite = try await ana.post("\(bond)/invites")
            let join = String(invite.body[try XCTUnwrap(invite.body.range(of: #"/join/[0-9a-z]{20}"#, options: .regularExpression))])
            let ben = Browser(app)
            try await ben.register("Ben")
            try await ben.get(join)
            _ = try await ben.post(join)

            let form = try await ana.get("/support")
            XCTAssertTrue(form.body.contains("Kindred check — not a validated scale"))
            XCTAssertEqual(form.headers.first(name: .cacheControl), "no-store")
            var fields = ["country": "gb", "save": "yes"]
            for key in Self.allNo.keys { fields["question-\(key)"] = "no" }
            fields["question-money"] = "yes"
            let result = try await ana.post("/support", fields)
            XCTAssertEqual(result.status, .ok)
            XCTAssertTrue(result.body.contains("0808 2000 247"))
            XCTAssertTrue(result.body.contains("A short safety plan"))
            XCTAssertTrue(result.body.contains("Saved for you only"))
            for path in [bond, "/bonds", "\(bond)/today", "\(bond)/measure", "/settings", "/settings/security", "/support/saved"] {
                let page = try await ben.get(path)
                // What Ana's result showed her (not the word "money": the day's question may say it).
                XCTAssertFalse(page.body.contains("0808 2000 247"), path)
                XCTAssertFalse(page.body.contains("A short safety plan"), path)
                XCTAssertFalse(page.body.contains("Saved for you only"), path)
                XCTAssertFalse(page.body.contains("answered yes"), "\(path) shows a saved check")
            }
            let anasSaved = try await ana.get("/support/saved")
            XCTAssertTrue(anasSaved.body.contains("1 of 10 answered yes."))
        }
    }

    func testTheFooterLinksToHelpOnEveryPage() async throws {
        try await withApp { app, _ in
            for path in ["/", "/sign-in", "/register", "/support", "/no-such-page"] {
                let page = try await app.send(.GET, path)
                XCTAssertTrue(page.body.contains(#"<a href="/support">Help and support</a>"#), path)
            }
        }
    }

    func testTheCountryIsSuggestedFromTheBrowserLanguageAndAHostileHeaderIsHarmless() async throws {
        try await withApp { app, _ in
            let british = try await app.send(.GET, "/support", headers: ["Accept-Language": "en-GB,en;q=0.9"])
            XCTAssertTrue(british.body.contains(#"<option value="gb" selected>"#))
            for header in [";", "en,;", ";;,,;q=1", "-", "en-", "", ",,,"] {
                let page = try await app.send(.GET, "/support", headers: ["Accept-Language": header])
                XCTAssertEqual(page.status, .ok, "Accept-Language: \(header)")
                XCTAssertTrue(page.body.contains(#"<option value="general" selected>"#), "Accept-Language: \(header)")
            }
        }
    }

    func testQuickExitCanAlsoSignOut() async throws {
        try await withApp { app, _ in
            let browser = Browser(app)
            try await browser.register("Ana")
            let before = try await browser.get("/settings/devices")
            XCTAssertTrue(before.body.contains(#"href="http://127.0.0.1:9/neutral""#), "by default quick exit only leaves")
            _ = try await browser.post("/settings/quick-exit", ["signOut": "yes"])
            let after = try await browser.get("/bonds")
            let link = try XCTUnwrap(after.body.range(of: #"class="quick-exit" href="/exit\?t=[0-9a-f]{32}""#, options: .regularExpression))
            let href = after.body[link].components(separatedBy: "href=\"").last!.dropLast()

            // Another site linking to /exit (or guessing the token) only sends the browser away.
            for crossSite in ["/exit", "/exit?t=", "/exit?t=" + String(repeating: "0", count: 32)] {
                let away = try await browser.get(crossSite)
                XCTAssertEqual(away.status, .seeOther)
                XCTAssertEqual(away.location, "http://127.0.0.1:9/neutral")
                let hoisted1 = try await WebSession.query(on: app.db).count()
                XCTAssertEqual(hoisted1, 1, "\(crossSite) signed Ana out")
            }
            let hoisted2 = try await browser.get("/bonds").status
            XCTAssertEqual(hoisted2, .ok)

            let exit = try await browser.get(String(href))
            XCTAssertEqual(exit.status, .seeOther)
            XCTAssertEqual(exit.location, "http://127.0.0.1:9/neutral")
            let sessions = try await WebSession.query(on: app.db).count()
            XCTAssertEqual(sessions, 0, "the session is gone")
            let back = try await browser.get("/bonds")
            XCTAssertEqual(back.status, .seeOther, "Back finds no one signed in")
        }
    }
}
