import Fluent
import SQLKit
import XCTVapor
@testable import KindredServer

/// Health, headers, errors and storage settings: what every response and every node relies on.
final class PlatformTests: XCTestCase {
    func testHealthNeedsNoDatabaseAndReadinessChecksIt() async throws {
        try await withApp { app, _ in
            let health = try await app.send(.GET, "/healthz")
            XCTAssertEqual(health.status, .ok)
            XCTAssertEqual(health.body, "ok")
            let ready = try await app.send(.GET, "/readyz")
            XCTAssertEqual(ready.status, .ok)
        }
    }

    func testEveryResponseCarriesTheSecurityHeaders() async throws {
        try await withApp { app, _ in
            let ana = try await app.person("Ana")
            let responses = [
                try await app.send(.GET, "/"),
                try await app.send(.GET, "/sign-in"),
                try await app.send(.GET, "/css/app.css"),
                try await app.send(.GET, "/no/such/page"),
                try await app.send(.GET, "/api/v1/me", token: ana.token),
                try await app.send(.GET, "/api/v1/me"),
                try await app.send(.POST, "/api/v1/accounts", raw: "{"),
                try await app.send(.GET, "/healthz"),
            ]
            for response in responses {
                let csp = response.headers.first(name: "Content-Security-Policy") ?? ""
                XCTAssertTrue(csp.contains("frame-ancestors 'none'"))
                XCTAssertTrue(csp.contains("script-src 'self'"))
                XCTAssertFalse(csp.contains("unsafe-inline"))
                XCTAssertEqual(response.headers.first(name: "Referrer-Policy"), "no-referrer")
                XCTAssertEqual(response.headers.first(name: "X-Content-Type-Options"), "nosniff")
                let permissions = response.headers.first(name: "Permissions-Policy") ?? ""
                for feature in ["geolocation=()", "camera=()", "microphone=()"] {
                    XCTAssertTrue(permissions.contains(feature), feature)
                }
            }
            XCTAssertEqual(responses[0].headers.first(name: .cacheControl), "no-store", "pages are not cached")
            XCTAssertEqual(responses[2].headers.first(name: .cacheControl), "public, max-age=3600", "our own static files may be")
        }
    }

    func testTemplatesHaveNoInlineScriptOrStyle() throws {
        let views = ResourcePaths.views
        let files = try FileManager.default.contentsOfDirectory(atPath: views).filter { $0.hasSuffix(".leaf") }
        XCTAssertGreaterThan(files.count, 5)
        for file in files {
            let text = try String(contentsOfFile: views + file, encoding: .utf8)
            XCTAssertNil(text.range(of: #"<script(?![^>]*\bsrc=)"#, options: .regularExpression), "\(file) has an inline script")
            XCTAssertNil(text.range(of: #"<style"#, options: .regularExpression), "\(file) has a style element")
            XCTAssertNil(text.range(of: #"\sstyle="#, options: .regularExpression), "\(file) has a style attribute")
            XCTAssertNil(text.range(of: #"\son[a-z]+="#, options: .regularExpression), "\(file) has an inline event handler")
            // Only charts, which KindredCore draws and escapes, may be printed unescaped.
            let unescaped = text.components(separatedBy: "#unsafeHTML(").dropFirst().map { String($0.prefix { $0 != ")" }) }
            for name in unescaped {
                XCTAssertTrue(name.hasSuffix("Chart"), "\(file) prints \(name) unescaped")
            }
        }
    }

    func testUnknownPagesAreFriendly404sAndUnknownAPIRoutesAreProblems() async throws {
        try await withApp { app, _ in
            let page = try await app.send(.GET, "/no/such/page")
            XCTAssertEqual(page.status, .notFound)
            XCTAssertTrue(page.contentType.hasPrefix("text/html"))
            XCTAssertTrue(page.body.contains("We couldn"))
            XCTAssertTrue(page.body.contains("data-quick-exit"), "even error pages have quick exit")
            let api = try await app.send(.GET, "/api/v1/no-such-thing")
            XCTAssertEqual(api.status, .notFound)
            XCTAssertEqual(api.contentType, "application/problem+json")
            XCTAssertEqual(api.json["status"] as? Int, 404)
        }
    }

    func testAServerErrorIsAKindPageThatRevealsNothing() async throws {
        try await withApp { app, _ in
            struct Boom: Error { let secret = "internal detail 42" }
            app.get("boom") { _ -> String in throw Boom() }
            app.get("api", "v1", "boom") { _ -> String in throw Boom() }
            let page = try await app.send(.GET, "/boom")
            XCTAssertEqual(page.status, .internalServerError)
            XCTAssertTrue(page.body.contains("Something went wrong"))
            XCTAssertFalse(page.body.contains("internal detail"))
            let api = try await app.send(.GET, "/api/v1/boom")
            XCTAssertEqual(api.status, .internalServerError)
            XCTAssertEqual(api.contentType, "application/problem+json")
            XCTAssertFalse(api.body.contains("internal detail"))
        }
    }

    func testWhatPeopleTypeIsEscapedInPages() async throws {
        try await withApp { app, _ in
            let browser = Browser(app)
            try await browser.register("<script>alert(1)</script>")
            let page = try await browser.get("/settings")
            XCTAssertFalse(page.body.contains("<script>alert(1)</script>"))
            XCTAssertTrue(page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        }
    }

    func testOversizedBodiesAreRefusedWith413() async throws {
        try await withApp { app, _ in
            try await app.server.start(address: .hostname("127.0.0.1", port: 0))
            let port = try XCTUnwrap(app.http.server.shared.localAddress?.port)
            let big = "{\"email\": \"" + String(repeating: "a", count: 70_000) + "\"}"
            let response = try await app.client.post(URI(string: "http://127.0.0.1:\(port)/api/v1/accounts")) { request in
                request.headers.contentType = .json
                request.body = ByteBuffer(string: big)
            }
            XCTAssertEqual(response.status, .payloadTooLarge)
            XCTAssertEqual(response.headers.first(name: .contentType), "application/problem+json")
            let count = try await User.query(on: app.db).count()
            XCTAssertEqual(count, 0)
            await app.server.shutdown()
        }
    }

    func testSQLiteFilesUseWALFullSyncAndForeignKeysOnEveryConnection() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kindred-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await withApp({ $0.storage = .sqlite(path: directory + "/kindred.sqlite") }) { app, _ in
            XCTAssertTrue(FileManager.default.fileExists(atPath: directory + "/kindred.sqlite"), "the data folder is created")
            for eventLoop in app.eventLoopGroup.makeIterator() {
                let sql = try XCTUnwrap(app.databases.database(.sqlite, logger: app.logger, on: eventLoop) as? any SQLDatabase)
                let journal = try await sql.raw("PRAGMA journal_mode").first()?.decode(column: "journal_mode", as: String.self)
                let synchronous = try await sql.raw("PRAGMA synchronous").first()?.decode(column: "synchronous", as: Int.self)
                let foreignKeys = try await sql.raw("PRAGMA foreign_keys").first()?.decode(column: "foreign_keys", as: Int.self)
                XCTAssertEqual(journal, "wal")
                XCTAssertEqual(synchronous, 2, "FULL")
                XCTAssertEqual(foreignKeys, 1)
            }
        }
    }

    func testMigrationsRevertCleanly() async throws {
        try await withApp { app, _ in
            try await app.autoRevert()
            try await app.autoMigrate()
            _ = try await app.person("Ana")
        }
    }

    func testAWrongMethodOnAKnownPathIs405WithAllow() async throws {
        try await withApp { app, _ in
            let api = try await app.send(.PUT, "/api/v1/me")
            XCTAssertEqual(api.status, .methodNotAllowed)
            XCTAssertEqual(api.contentType, "application/problem+json")
            XCTAssertEqual(api.headers.first(name: "Allow"), "DELETE, GET, HEAD, PATCH")
            let withParameter = try await app.send(.PUT, "/api/v1/bonds/\(UUID())")
            XCTAssertEqual(withParameter.headers.first(name: "Allow"), "GET, HEAD, PATCH")
            let page = try await app.send(.DELETE, "/settings")
            XCTAssertEqual(page.status, .methodNotAllowed)
            XCTAssertEqual(page.headers.first(name: "Allow"), "GET, HEAD, POST")
            let unknown = try await app.send(.PUT, "/api/v1/nothing-here")
            XCTAssertEqual(unknown.status, .notFound, "an unknown path stays 404")
        }
    }
}
