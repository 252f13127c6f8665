import NIOCore
import XCTVapor
@testable import KindredServer

/// `/metrics` (issue 15): Prometheus text with requests by route pattern and status, latency,
/// the reminder queue, reveals and the pool — never an id, a name or anything people wrote; and
/// only for a direct loopback scrape or the bearer of `KINDRED_METRICS_TOKEN`.
final class MetricsTests: XCTestCase {
    static let token = String(repeating: "m", count: 40)

    func testTheScraperSeesRoutePatternsAndCountsButNothingOfAnyone() async throws {
        try await withApp({ $0.metricsToken = Self.token }) { app, _ in
            let (ana, ben, bondID) = try await app.pair(kind: "romantic")
            _ = try await app.send(.PUT, "/api/v1/bonds/\(bondID)/today/answer", json: ["text": "Metrics-canary-ana"], token: ana.token)
            _ = try await app.send(.PUT, "/api/v1/bonds/\(bondID)/today/answer", json: ["text": "Metrics-canary-ben"], token: ben.token)
            _ = try await app.send(.GET, "/api/v1/bonds/\(bondID)/today", token: ana.token)
            _ = try await app.send(.GET, "/api/v1/bonds/\(UUID())/today", token: ana.token)
            let metrics = try await app.send(.GET, "/metrics", token: Self.token)
            XCTAssertEqual(metrics.status, .ok)
            XCTAssertTrue(metrics.headers.first(name: .contentType)?.hasPrefix("text/plain; version=0.0.4") ?? false)
            let body = metrics.body
            XCTAssertTrue(body.contains(#"kindred_http_requests_total{method="GET",route="/api/v1/bonds/:bondID/today",status="200"} 1"#), body)
            XCTAssertTrue(body.contains(#"kindred_http_requests_total{method="GET",route="/api/v1/bonds/:bondID/today",status="404"} 1"#), body)
            XCTAssertTrue(body.contains(#"kindred_http_request_duration_seconds_bucket{method="PUT",route="/api/v1/bonds/:bondID/today/answer""#), body)
            XCTAssertTrue(body.contains("kindred_reveals_total 1"), body)
            XCTAssertTrue(body.contains("kindred_reveals_around_today 1"), body)
            XCTAssertTrue(body.contains("kindred_reminder_queue_waiting "), body)
            XCTAssertTrue(body.contains("kindred_database_pool_connections "), body)
            for secret in [bondID, bondID.lowercased(), ana.email, ben.email, ana.id, "Metrics-canary", "Ana", ana.token] {
                XCTAssertFalse(body.contains(secret), "the metrics hold \(secret)")
            }
        }
    }

    func testWithoutTheTokenOrFromElsewhereItIsNotThere() async throws {
        try await withApp({ $0.metricsToken = Self.token }) { app, _ in
            let none = try await app.send(.GET, "/metrics")
            XCTAssertEqual(none.status, .notFound, "an in-memory test request is not a loopback scrape")
            let wrong = try await app.send(.GET, "/metrics", token: String(repeating: "x", count: 40))
            XCTAssertEqual(wrong.status, .notFound)
        }
        try await withApp { app, _ in
            let untokened = try await app.send(.GET, "/metrics", token: Self.token)
            XCTAssertEqual(untokened.status, .notFound, "no token configured: only loopback")
        }
    }

    func testOnlyADirectLoopbackScrapeIsLetInWithoutAToken() async throws {
        try await withApp { app, _ in
            func request(from address: String, forwarded: Bool) throws -> Request {
                var headers = HTTPHeaders()
                if forwarded { headers.add(name: .xForwardedFor, value: "203.0.113.9") }
                return Request(application: app, method: .GET, url: "/metrics", headers: headers,
                               remoteAddress: try SocketAddress(ipAddress: address, port: 40_000), on: app.eventLoopGroup.any())
            }
            XCTAssertTrue(MetricsAccess.allowed(try request(from: "127.0.0.1", forwarded: false)))
            XCTAssertTrue(MetricsAccess.allowed(try request(from: "::1", forwarded: false)))
            XCTAssertFalse(MetricsAccess.allowed(try request(from: "127.0.0.1", forwarded: true)), "through a proxy everyone looks local")
            XCTAssertFalse(MetricsAccess.allowed(try request(from: "192.0.2.4", forwarded: false)))
        }
    }

    func testTheTokenMustBeLongEnough() {
        let short = KindredConfiguration.load(from: ["KINDRED_METRICS_TOKEN": "short"])
        guard case .failure(let problems) = short else { return XCTFail("a short token was accepted") }
        XCTAssertTrue(problems.description.contains("KINDRED_METRICS_TOKEN"))
    }
}
