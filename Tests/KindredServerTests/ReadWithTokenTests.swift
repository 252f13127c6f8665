import Fluent
import XCTVapor
@testable import KindredServer

/// The hot bond routes read their bond in the bearer token's own statement (issue 15): one
/// round trip where there were two, and every answer — including every refusal — as before.
final class ReadWithTokenTests: XCTestCase {
    func testOneStatementAuthenticatesAndReadsTheBond() async throws {
        try await withApp { app, _ in
            let counter = QueryCounter()
            app.middleware.use(counter)
            let (ana, ben, bond) = try await app.pair(kind: "romantic")
            _ = try await app.send(.GET, "/api/v1/bonds/\(bond)/dashboard", token: ana.token)
            _ = try await app.send(.GET, "/api/v1/bonds/\(bond)/today", token: ana.token) // the day's question is chosen
            for path in ["/api/v1/bonds/\(bond)", "/api/v1/bonds", "/api/v1/bonds/\(bond)/dashboard", "/api/v1/bonds/\(bond)/measures/eis",
                         "/api/v1/bonds/\(bond)/today"] {
                counter.reset()
                let response = try await app.send(.GET, path, token: ana.token)
                XCTAssertEqual(response.status, .ok, "\(path): \(response.body)")
                XCTAssertEqual(counter.count("GET \(path)"), 1, "\(path): \(counter.queries("GET \(path)").map { $0.prefix(90) })")
            }
            let shown = try await app.send(.GET, "/api/v1/bonds/\(bond)", token: ben.token)
            XCTAssertEqual(shown.json["status"] as? String, "active")
            XCTAssertEqual((shown.json["members"] as? [[String: Any]])?.map { $0["displayName"] as? String }, ["Ana", "Ben"], shown.body)
            let listed = try await app.send(.GET, "/api/v1/bonds", token: ben.token)
            XCTAssertEqual(listed.jsonArray.map { $0["id"] as? String }, [bond])
        }
    }

    /// Only a read with a token carries the token's tables: today's page, read with a session,
    /// sends no column of them (on PostgreSQL the wide form would otherwise pad every branch).
    func testTodaysPageReadsNothingOfTokens() async throws {
        try await withApp { app, _ in
            let counter = QueryCounter()
            app.middleware.use(counter)
            let (ana, _, bond) = try await app.pair()
            let browser = Browser(app)
            let signedIn = try await browser.signIn(ana.email)
            XCTAssertEqual(signedIn.status, .seeOther)
            let page = try await browser.get("/bonds/\(bond)/today")
            XCTAssertEqual(page.status, .ok)
            let web = counter.queries("GET /bonds/\(bond)/today")
            XCTAssertTrue(web.contains { $0.contains("daily_questions") }, "today's read: \(web.map { $0.prefix(90) })")
            for statement in web {
                XCTAssertFalse(statement.contains("api_tokens") || statement.contains("t_token_hash"), String(statement.prefix(300)))
            }
            let api = try await app.send(.GET, "/api/v1/bonds/\(bond)/today", token: ana.token)
            XCTAssertEqual(api.status, .ok)
            let read = counter.queries("GET /api/v1/bonds/\(bond)/today")
            XCTAssertEqual(read.count, 1)
            XCTAssertTrue(read.first?.contains("api_tokens") == true, "the token's branch")
        }
    }

    func testRefusalsAreAsBefore() async throws {
        try await withApp { app, _ in
            let (ana, _, bond) = try await app.pair()
            let cal = try await app.person("Cal")
            for path in ["/api/v1/bonds/\(bond)", "/api/v1/bonds/\(bond)/dashboard", "/api/v1/bonds/\(bond)/measures/eis",
                         "/api/v1/bonds/\(bond)/today"] {
                let stranger = try await app.send(.GET, path, token: cal.token)
                XCTAssertEqual(stranger.status, .notFound, path)
                XCTAssertFalse(stranger.body.contains("Ana"), "\(path) tells a stranger who is in the bond")
                let unknown = try await app.send(.GET, path.replacingOccurrences(of: bond, with: UUID().uuidString), token: ana.token)
                XCTAssertEqual(unknown.status, .notFound, path)
                let malformed = try await app.send(.GET, path.replacingOccurrences(of: bond, with: "not-a-bond"), token: ana.token)
                XCTAssertEqual(malformed.status, .notFound, path)
                let forged = try await app.send(.GET, path, token: "kdr_" + String(repeating: "x", count: 52))
                XCTAssertEqual(forged.status, .unauthorized, path)
                XCTAssertFalse(forged.body.contains("Ana"))
            }
            let none = try await app.send(.GET, "/api/v1/bonds", token: cal.token)
            XCTAssertEqual(none.status, .ok)
            XCTAssertEqual(none.jsonArray.count, 0, "no bond: the token's row alone")
        }
    }

    func testATokenThatEndedIsRefusedAndGoneOnTheseRoutesToo() async throws {
        try await withApp { app, clock in
            let (ana, _, bond) = try await app.pair()
            var phones: [(path: String, token: String)] = []
            for path in ["/api/v1/bonds/\(bond)", "/api/v1/bonds/\(bond)/today"] {
                let made = try await app.send(.POST, "/api/v1/tokens", json: ["email": ana.email, "password": ana.password, "name": "Phone", "idleDays": 7])
                XCTAssertEqual(made.status, .created, made.body)
                let phone = try XCTUnwrap(made.json["token"] as? String)
                let working = try await app.send(.GET, path, token: phone)
                XCTAssertEqual(working.status, .ok, path)
                phones.append((path, phone))
            }
            clock.advance(8 * 86_400)
            for (path, phone) in phones {
                let ended = try await app.send(.GET, path, token: phone)
                XCTAssertEqual(ended.status, .unauthorized, path)
                XCTAssertTrue(ended.body.contains("without use"), ended.body)
                XCTAssertFalse(ended.body.contains("Ana"), path)
                let gone = try await app.send(.GET, "/api/v1/bonds", token: phone)
                XCTAssertEqual(gone.status, .unauthorized)
                XCTAssertFalse(gone.body.contains("without use"), "and it is gone: \(gone.body)")
            }
        }
    }

    /// `PUT answer` reads today with its token too: a stranger, a forged token and a malformed
    /// bond id write nothing and learn nothing.
    func testAnAnswerFromOutsideTheBondWritesNothing() async throws {
        try await withApp { app, _ in
            let (ana, ben, bond) = try await app.pair()
            let cal = try await app.person("Cal")
            let put = "/api/v1/bonds/\(bond)/today/answer"
            let stranger = try await app.send(.PUT, put, json: ["text": "Let me in"], token: cal.token)
            XCTAssertEqual(stranger.status, .notFound, stranger.body)
            let forged = try await app.send(.PUT, put, json: ["text": "Let me in"], token: "kdr_" + String(repeating: "x", count: 52))
            XCTAssertEqual(forged.status, .unauthorized, forged.body)
            let malformed = try await app.send(.PUT, "/api/v1/bonds/not-a-bond/today/answer", json: ["text": "Let me in"], token: ana.token)
            XCTAssertEqual(malformed.status, .notFound, malformed.body)
            for body in [stranger.body, forged.body] { XCTAssertFalse(body.contains("Ana") || body.contains("Ben"), body) }
            let today = try await app.send(.GET, "/api/v1/bonds/\(bond)/today", token: ben.token)
            XCTAssertEqual(today.status, .ok, today.body)
            XCTAssertFalse(today.body.contains("Let me in"), today.body)
            let written = try await DailyAnswer.query(on: app.db).count()
            XCTAssertEqual(written, 0, "nothing was written")
        }
    }

    func testTheFetchedRowsAreTakenOnce() throws {
        let fetched = FetchedBonds(read: .bond, userID: UUID(), bondID: UUID(), rows: [])
        XCTAssertNotNil(fetched.take())
        XCTAssertNil(fetched.take(), "a second read in the same request goes to the database")
        let today = FetchedToday(userID: UUID(), bondID: UUID(), days: TodayRead.possibleDays(at: Date()), rows: [])
        XCTAssertNotNil(today.take())
        XCTAssertNil(today.take(), "a second read of today in the same request goes to the database")
    }
}
