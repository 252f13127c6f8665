import XCTVapor
@testable import KindredServer

/// A therapist or counsellor in the browser (issue 14), from both sides: signing up as one,
/// the members' page (invite, consent, withdraw, the log), accepting a link, the summary.
final class ProfessionalWebTests: XCTestCase {
    func testAProfessionalSignsUpInTheBrowserAndLandsOnTheBondsTheyServe() async throws {
        try await withApp { app, _ in
            let browser = Browser(app)
            let form = try await browser.get("/register?as=professional")
            XCTAssertTrue(form.text.contains("Create a professional account"))
            XCTAssertTrue(form.body.contains(#"name="practiceName""#) && form.body.contains(#"name="credentials""#))
            let memberForm = try await browser.get("/register")
            XCTAssertFalse(memberForm.body.contains(#"name="practiceName""#))
            XCTAssertTrue(memberForm.body.contains(#"href="/register?as=professional""#))
            let tooLong = try await browser.post("/register", ["displayName": "Jo Ames", "email": "jo@example.org", "password": "a long and lovely passphrase",
                                                               "role": "professional", "practiceName": String(repeating: "x", count: 121)])
            XCTAssertEqual(tooLong.status, .unprocessableEntity)
            XCTAssertTrue(tooLong.text.contains("Keep this to 120 characters or fewer."))
            XCTAssertTrue(tooLong.body.contains(#"name="role" value="professional""#), "still the professional form")
            let sent = try await browser.post("/register", ["displayName": "Jo Ames", "email": "jo@example.org", "password": "a long and lovely passphrase",
                                                            "role": "professional", "practiceName": "Harbour Counselling", "credentials": "Couples therapist"])
            let created = try await browser.finishSignup(sent, email: "jo@example.org")
            XCTAssertEqual(created.headers.first(name: .location), "/professional")
            let home = try await browser.get("/professional")
            XCTAssertEqual(home.status, .ok)
            XCTAssertTrue(home.text.contains("Bonds I serve") && home.text.contains("Harbour Counselling") && home.text.contains("No bonds yet"))
            let bonds = try await browser.get("/bonds")
            XCTAssertEqual(bonds.headers.first(name: .location), "/professional", "a professional has no bonds of their own")
            try await browser.get("/bonds/new")
            let make = try await browser.post("/bonds", ["kind": "romantic"])
            XCTAssertEqual(make.status, .forbidden)
        }
    }

    func testInviteConsentSummaryLogAndWithdrawalFromBothSides() async throws {
        try await withApp { app, clock in
            let (ana, ben, bondID) = try await app.pair(kind: "romantic")
            let ames = try await app.professional("Jo Ames", practice: "Harbour Counselling")
            let shared = try await app.send(.POST, "/api/v1/bonds/\(bondID)/assessments",
                                            json: ["instrument": "csi4", "answers": ProfessionalAPITests.csiHigh, "share": true], token: ana.token)
            XCTAssertEqual(shared.status, .created)
            let anaWeb = Browser(app), benWeb = Browser(app), amesWeb = Browser(app)
            for (browser, person) in [(anaWeb, ana), (benWeb, ben), (amesWeb, ames)] { _ = try await browser.signIn(person.email) }

            let home = try await anaWeb.get("/bonds/\(bondID)")
            XCTAssertTrue(home.body.contains("/bonds/\(bondID.lowercased())/professionals"), "linked from the bond's home")
            let page = try await anaWeb.get("/bonds/\(bondID)/professionals")
            XCTAssertTrue(page.text.contains("Nothing opens until you have both consented."))
            let made = try await anaWeb.post("/bonds/\(bondID)/professionals/invites")
            XCTAssertEqual(made.status, .ok)
            let link = try XCTUnwrap(made.body.range(of: #"/professional-invites/[a-z0-9]+"#, options: .regularExpression).map { String(made.body[$0]) })

            let invited = try await amesWeb.get(link)
            XCTAssertTrue(invited.text.contains("Ana invited you"))
            let accepted = try await amesWeb.post(link)
            XCTAssertEqual(accepted.headers.first(name: .location), "/professional/bonds/\(bondID.lowercased())")
            let closed = try await amesWeb.get("/professional/bonds/\(bondID)")
            XCTAssertEqual(closed.status, .forbidden)
            XCTAssertTrue(closed.text.contains("Access opens once both members have consented."))

            let professionalID = ames.id.lowercased()
            let consentPath = "/bonds/\(bondID)/professionals/\(professionalID)/consent"
            try await anaWeb.get("/bonds/\(bondID)/professionals")
            let nothing = try await anaWeb.post(consentPath, pairs: [("decision", "consent")])
            XCTAssertEqual(nothing.status, .unprocessableEntity)
            XCTAssertTrue(nothing.text.contains("Choose at least one thing to share"))
            let anaConsents = try await anaWeb.post(consentPath, pairs: [("decision", "consent"), ("scopes[]", "shared-results"), ("scopes[]", "rhythm")])
            XCTAssertEqual(anaConsents.status, .seeOther)
            let bensPage = try await benWeb.get("/bonds/\(bondID)/professionals")
            XCTAssertTrue(bensPage.text.contains("Ana has consented. Nothing opens until you do too."))
            XCTAssertTrue(bensPage.text.contains("Harbour Counselling"))
            let stillClosed = try await amesWeb.get("/professional/bonds/\(bondID)")
            XCTAssertEqual(stillClosed.status, .forbidden, "one consent is not enough")
            try await benWeb.post(consentPath, pairs: [("decision", "consent"), ("scopes[]", "shared-results"), ("scopes[]", "checkins")])

            clock.advance(120)
            let summary = try await amesWeb.get("/professional/bonds/\(bondID)")
            XCTAssertEqual(summary.status, .ok, summary.body)
            XCTAssertTrue(summary.text.contains("Ana and Ben: between sessions"))
            XCTAssertTrue(summary.text.contains("Shared with you: shared results."), "what both chose")
            XCTAssertTrue(summary.text.contains("Cut-off for relationship distress: below 13.5."))
            XCTAssertTrue(summary.text.contains("18 of 21"))
            XCTAssertFalse(summary.text.contains("Rhythm, the last twelve weeks"), "only Ana chose rhythm")
            XCTAssertTrue(summary.body.contains("@media print") || summary.body.contains("/css/app.css"), "printable with the site's print styles")
            let badSince = try await amesWeb.get("/professional/bonds/\(bondID)?since=tomorrow")
            XCTAssertTrue(badSince.text.contains("Use a past date"))

            let log = try await benWeb.get("/bonds/\(bondID)/professionals")
            XCTAssertTrue(log.text.contains("Jo Ames viewed the summary on"), log.text)
            XCTAssertTrue(log.text.contains("scopes: shared results."))

            let withdrawn = try await benWeb.post(consentPath, pairs: [("decision", "withdraw")])
            XCTAssertEqual(withdrawn.status, .seeOther)
            let gone = try await amesWeb.get("/professional/bonds/\(bondID)")
            XCTAssertEqual(gone.status, .forbidden)
            XCTAssertTrue(gone.text.contains("Access to this bond has ended."))
            let anasView = try await anaWeb.get("/bonds/\(bondID)/professionals")
            XCTAssertTrue(anasView.text.contains("Access ended on"))
            XCTAssertFalse(anasView.text.contains("Ben ended") || anasView.text.contains("Ben withdrew"), "not who ended it")
            let list = try await amesWeb.get("/professional")
            XCTAssertTrue(list.text.contains("Two members") && list.text.contains("Access ended"), "no names once access ended")
            XCTAssertFalse(list.text.contains("Ana and Ben"))
        }
    }

    func testAMemberOpeningAProfessionalLinkIsToldWhoItIsFor() async throws {
        try await withApp { app, _ in
            let (ana, ben, bondID) = try await app.pair()
            let invite = try await app.send(.POST, "/api/v1/bonds/\(bondID)/professional-invites", token: ana.token)
            let path = "/professional-invites/\(invite.json["code"] as? String ?? "")"
            let anonymous = try await Browser(app).get(path)
            XCTAssertTrue(anonymous.body.contains("/register?as=professional&amp;next=") || anonymous.body.contains("/register?as=professional&next="))
            let benWeb = Browser(app)
            _ = try await benWeb.signIn(ben.email)
            let refused = try await benWeb.get(path)
            XCTAssertEqual(refused.status, .forbidden)
            XCTAssertTrue(refused.text.contains("This link is for a therapist's or counsellor's account."))
        }
    }
}
