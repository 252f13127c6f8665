import Fluent
import XCTVapor
@testable import KindredServer

final class WebBondTests: XCTestCase {
    /// Extracts the invite link's path from the "invite created" page.
    private func invitePath(in page: String) throws -> String {
        let range = try XCTUnwrap(page.range(of: #"/join/[0-9a-z]{20}"#, options: .regularExpression))
        return String(page[range])
    }

    func testTwoPeoplePairThroughAnInviteLinkAndOneLeaves() async throws {
        try await withApp { app, _ in
            let ana = Browser(app)
            try await ana.register("Ana")
            try await ana.get("/bonds/new")
            let created = try await ana.post("/bonds", ["kind": "friendship", "name": ""])
            XCTAssertEqual(created.status, .seeOther)
            let bondPath = try XCTUnwrap(created.location)
            let home = try await ana.get(bondPath)
            XCTAssertTrue(home.body.contains("Your bond is ready"))
            XCTAssertTrue(home.body.contains("Make an invite link"))
            let invitePage = try await ana.post("\(bondPath)/invites")
            XCTAssertEqual(invitePage.status, .ok)
            let joinPath = try invitePath(in: invitePage.body)
            XCTAssertTrue(invitePage.body.contains("http://127.0.0.1:8080\(joinPath)"))

            // Ben opens the link before having an account.
            let ben = Browser(app)
            let landing = try await ben.get(joinPath)
            XCTAssertEqual(landing.status, .ok)
            XCTAssertFalse(landing.body.contains("Ana"), "who invited you is shown only after signing in")
            XCTAssertTrue(landing.body.contains("/register?next=%2Fjoin%2F"))
            try await ben.get("/register?next=\(joinPath)")
            let asked = try await ben.post("/register", [
                "displayName": "Ben", "email": "ben@example.org", "password": "a long and lovely passphrase", "next": joinPath,
            ])
            let registered = try await ben.finishSignup(asked, email: "ben@example.org")
            XCTAssertEqual(registered.location, joinPath, "back to the invite after signing up")
            let invite = try await ben.get(joinPath)
            XCTAssertTrue(invite.body.contains("Ana invited you"))
            let joined = try await ben.post(joinPath)
            XCTAssertEqual(joined.location, bondPath)
            let bensHome = try await ben.get(bondPath)
            XCTAssertTrue(bensHome.body.contains("You and Ana"))
            XCTAssertTrue(bensHome.body.contains("You&#39;re in") || bensHome.body.contains("You're in"))

            let anasHome = try await ana.get(bondPath)
            XCTAssertTrue(anasHome.body.contains("You and Ben"))
            let settings = try await ana.get(bondPath + "/settings")
            XCTAssertTrue(settings.body.contains("Together"))
            XCTAssertTrue(settings.body.contains("Ben — joined"))

            // Ben leaves; Ana sees only that it ended.
            let confirm = try await ben.get("\(bondPath)/leave")
            XCTAssertTrue(confirm.body.contains("ends this bond for both of you"))
            let left = try await ben.post("\(bondPath)/leave")
            XCTAssertEqual(left.location, "/bonds")
            let anasAfter = try await ana.get(bondPath)
            XCTAssertTrue(anasAfter.body.contains("This bond has ended"))
            XCTAssertFalse(anasAfter.body.contains("Ben left"))
            XCTAssertFalse(anasAfter.body.contains("Leave this bond"))
            let list = try await ana.get("/bonds")
            XCTAssertTrue(list.body.contains("Ended"))
        }
    }

    func testAnInviteLinkUsedTwiceExplainsWhy() async throws {
        try await withApp { app, _ in
            let ana = Browser(app)
            try await ana.register("Ana")
            try await ana.get("/bonds/new")
            let createdBond = try await ana.post("/bonds", ["kind": "family"])
            let bondPath = try XCTUnwrap(createdBond.location)
            let invitePage = try await ana.post("\(bondPath)/invites")
            let joinPath = try invitePath(in: invitePage.body)

            let own = try await ana.get(joinPath)
            XCTAssertEqual(own.status, .conflict)
            XCTAssertTrue(own.body.contains("This is your own invite"))

            let ben = Browser(app)
            try await ben.register("Ben")
            try await ben.get(joinPath)
            _ = try await ben.post(joinPath)
            let cai = Browser(app)
            try await cai.register("Cai")
            let used = try await cai.get(joinPath)
            XCTAssertEqual(used.status, .gone)
            XCTAssertTrue(used.body.contains("already been used"))
            XCTAssertFalse(used.body.contains("Join the bond"))
        }
    }

    func testRevokingAnInviteOnTheWeb() async throws {
        try await withApp { app, _ in
            let ana = Browser(app)
            try await ana.register("Ana")
            try await ana.get("/bonds/new")
            let createdBond = try await ana.post("/bonds", ["kind": "romantic", "name": "Us"])
            let bondPath = try XCTUnwrap(createdBond.location)
            let invitePage = try await ana.post("\(bondPath)/invites")
            let joinPath = try invitePath(in: invitePage.body)
            let home = try await ana.get(bondPath + "/settings")
            XCTAssertTrue(home.body.contains("An invite link is waiting"))
            let revokeRange = try XCTUnwrap(home.body.range(of: #"/invites/[0-9a-f-]{36}/revoke"#, options: .regularExpression))
            let revoked = try await ana.post(bondPath + String(home.body[revokeRange]))
            XCTAssertEqual(revoked.location, bondPath + "/settings")
            let ben = Browser(app)
            try await ben.register("Ben")
            let page = try await ben.get(joinPath)
            XCTAssertEqual(page.status, .gone)
            XCTAssertTrue(page.body.contains("withdrawn"))
        }
    }

    func testNewBondFormExplainsMistakes() async throws {
        try await withApp { app, _ in
            let ana = Browser(app)
            try await ana.register("Ana")
            try await ana.get("/bonds/new")
            let response = try await ana.post("/bonds", ["name": String(repeating: "x", count: 61)])
            XCTAssertEqual(response.status, .unprocessableEntity)
            XCTAssertTrue(response.body.contains("Choose romantic, friendship or family."))
            XCTAssertTrue(response.body.contains("Keep the name to 60 characters or fewer."))
            let count = try await Bond.query(on: app.db).count()
            XCTAssertEqual(count, 0)
        }
    }

    func testSomeoneElsesBondIsNotFoundOnTheWeb() async throws {
        try await withApp { app, _ in
            let ana = Browser(app)
            try await ana.register("Ana")
            try await ana.get("/bonds/new")
            let createdBond = try await ana.post("/bonds", ["kind": "romantic", "name": "Our secret name"])
            let bondPath = try XCTUnwrap(createdBond.location)
            let cai = Browser(app)
            try await cai.register("Cai")
            for path in [bondPath, "\(bondPath)/leave"] {
                let response = try await cai.get(path)
                XCTAssertEqual(response.status, .notFound, path)
                XCTAssertFalse(response.body.contains("Our secret name"))
                XCTAssertFalse(response.body.contains("Ana"))
            }
            try await cai.get("/bonds")
            let post = try await cai.post("\(bondPath)/invites")
            XCTAssertEqual(post.status, .notFound)
            let leave = try await cai.post("\(bondPath)/leave")
            XCTAssertEqual(leave.status, .notFound)
            let stillWaiting = try await ana.get(bondPath + "/settings")
            XCTAssertTrue(stillWaiting.body.contains("Waiting for them to join"))
        }
    }
}
