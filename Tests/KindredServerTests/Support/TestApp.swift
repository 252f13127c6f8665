import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import XCTVapor
@testable import KindredServer

/// A clock the test moves by hand.
final class TestClock: Sendable {
    private let current = NIOLockedValueBox(Date(timeIntervalSince1970: 1_800_000_000))
    var now: Date { current.withLockedValue { $0 } }
    func advance(_ seconds: TimeInterval) { current.withLockedValue { $0 = $0.addingTimeInterval(seconds) } }
    var clock: KindredServer.Clock { KindredServer.Clock { [current] in current.withLockedValue { $0 } } }
}

/// The database the suite runs on: in-memory SQLite, or PostgreSQL when
/// `KINDRED_TEST_DATABASE_URL` is set (scripts/test runs both).
enum TestDatabase {
    static var postgresURL: String? {
        ProcessInfo.processInfo.environment["KINDRED_TEST_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }
    static var isPostgres: Bool { postgresURL != nil }
}

/// A fresh, migrated Kindred for one test, shut down afterwards.
func withApp(
    _ tweak: (inout KindredConfiguration) -> Void = { _ in },
    _ body: (Application, TestClock) async throws -> Void
) async throws {
    let app = try await Application.make(.testing)
    let clock = TestClock()
    var configuration = KindredConfiguration()
    // Cost 4 only so that hundreds of test sign-ups stay fast; production is 12 (tested separately).
    configuration.bcryptCost = 4
    configuration.storage = TestDatabase.postgresURL.map { .postgres(url: $0) } ?? .sqliteInMemory
    configuration.quickExitURL = "http://127.0.0.1:9/neutral"
    // Email is on, delivered to a fake that keeps what was sent; a test turns it off with `smtp = nil`.
    configuration.smtp = SMTPSettings(host: "127.0.0.1", port: 25, security: .insecure)
    configuration.mailFromAddress = "hello@kindred.test"
    configuration.mailFromName = "Kindred"
    // Tests make many people from one address; the registration limits have tests of their own.
    configuration.registrationsPerClient = 100_000
    configuration.registrationsTotal = 100_000
    // The tests' pretend push services, besides the browsers' own.
    configuration.pushServiceHosts += ["push.example.net", "push.example.org"]
    tweak(&configuration)
    do {
        let content = try configuration.loadContent().get()
        // A fresh key per test, unless the test chose keys (`encryptionKeys`, newest first).
        let cipher = try configuration.encryptionKeys.map { try KeyStore.load(environmentValue: $0, keyDirectory: "/nonexistent") }
            ?? TextCipher(keys: [TextCipher.Key(TextCipher.Key.generate())])
        let delivery = Delivery(mail: configuration.smtp == nil ? nil : FakeMail(), push: FakePush(), vapid: VAPIDKey.generate())
        try await configure(app, services: KindredServices(
            configuration: configuration, content: content, cipher: cipher, clock: clock.clock, throttle: .init(), delivery: delivery
        ))
        if case .postgres = configuration.storage, let sql = app.db as? any SQLDatabase {
            // One shared database: start each test from an empty schema.
            try await sql.raw("DROP SCHEMA IF EXISTS public CASCADE").run()
            try await sql.raw("CREATE SCHEMA public").run()
        }
        try await app.autoMigrate()
        try await app.applySQLitePragmas()
        try await body(app, clock)
    } catch {
        try? await app.asyncShutdown()
        throw error
    }
    try await app.asyncShutdown()
}

/// A response, with its body read as text.
struct TestResponse {
    let status: HTTPStatus
    let headers: HTTPHeaders
    let body: String

    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
    }
    var jsonArray: [[String: Any]] {
        (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [[String: Any]] ?? []
    }
    var contentType: String { headers.first(name: .contentType) ?? "" }
    /// The body with Leaf's HTML escapes undone, to compare with text people read.
    var text: String {
        body.replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&quot;", with: "\"")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
    var location: String? { headers.first(name: .location) }
    /// The field names of a 422 problem.
    var problemFields: [String] {
        (json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
    }
}

extension Application {
    func send(
        _ method: HTTPMethod, _ path: String, json: Any? = nil, raw: String? = nil,
        token: String? = nil, headers: HTTPHeaders = [:]
    ) async throws -> TestResponse {
        var headers = headers
        var body = ByteBuffer()
        if let json {
            body.writeBytes(try JSONSerialization.data(withJSONObject: json))
            headers.replaceOrAdd(name: .contentType, value: "application/json")
        } else if let raw {
            body.writeString(raw)
            headers.replaceOrAdd(name: .contentType, value: "application/json")
        }
        if let token { headers.replaceOrAdd(name: .authorization, value: "Bearer \(token)") }
        let response = try await testable().performTest(
            request: TestingHTTPRequest(method: method, url: URI(string: path), headers: headers, body: body)
        )
        return TestResponse(status: response.status, headers: response.headers, body: response.body.string)
    }
}
