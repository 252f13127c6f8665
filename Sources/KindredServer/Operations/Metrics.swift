import Fluent
import Foundation
import KindredCore
import Prometheus
import SQLKit
import Vapor

/// What `/metrics` reports, in Prometheus's text format (issue 15): requests by route pattern
/// and status, their latency, the database pool, the reminder queue and reveals. Labels are
/// route patterns (`/api/v1/bonds/:bondID/today`), never ids, names or anything people wrote.
final class KindredMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    static let buckets: [Duration] = [.milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
                                      .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5)]

    static var requests: MetricNameDescriptor { MetricNameDescriptor(namespace: "kindred", metricName: "http_requests", unitName: "total",
                                               helpText: "Requests answered, by method, route pattern and status.") }
    static var latency: MetricNameDescriptor { MetricNameDescriptor(namespace: "kindred", metricName: "http_request_duration", unitName: "seconds",
                                              helpText: "How long requests took, by method and route pattern.") }
    static var reveals: MetricNameDescriptor { MetricNameDescriptor(namespace: "kindred", metricName: "reveals", unitName: "total",
                                              helpText: "Days revealed (both members answered), counted as they happen on this node.") }
    static var dashboards: MetricNameDescriptor { MetricNameDescriptor(namespace: "kindred", metricName: "dashboards", unitName: "total",
                                                 helpText: "Dashboards' cards served on this node, kept from an earlier look or built afresh.") }
    static func gauge(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "kindred", metricName: name, unitName: "", helpText: help)
    }

    func request(method: String, route: String, status: UInt, took: Duration) {
        registry.makeCounter(descriptor: Self.requests, labels: [("method", method), ("route", route), ("status", String(status))]).increment()
        registry.makeDurationHistogram(descriptor: Self.latency, labels: [("method", method), ("route", route)], buckets: Self.buckets).record(took)
    }

    /// A dashboard's cards were served: kept (`DashboardCards`) or built from the results.
    func dashboard(kept: Bool) {
        registry.makeCounter(descriptor: Self.dashboards, labels: [("cards", kept ? "kept" : "built")]).increment()
    }

    /// A day's question became revealed: both members have answered.
    func revealed() {
        registry.makeCounter(descriptor: Self.reveals).increment()
    }

    /// Gauges read at scrape time from the database and the configuration.
    func refresh(on db: any Database, configuration: KindredConfiguration, now: Date) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        let due = try await sql.raw("SELECT count(*) AS n FROM notices WHERE sent_at IS NULL AND failed_at IS NULL AND due_at <= \(bind: now)")
            .first()?.decode(column: "n", as: Int.self) ?? 0
        let waiting = try await sql.raw("SELECT count(*) AS n FROM notices WHERE sent_at IS NULL AND failed_at IS NULL")
            .first()?.decode(column: "n", as: Int.self) ?? 0
        registry.makeGauge(descriptor: Self.gauge("reminder_queue_due", "Notices due now and not yet sent.")).set(Double(due))
        registry.makeGauge(descriptor: Self.gauge("reminder_queue_waiting", "Notices not yet sent, due or not.")).set(Double(waiting))
        let today = LocalDay(now, inZone: "UTC")
        let revealedToday = try await sql.raw("""
            SELECT count(*) AS n FROM (SELECT bond_id, day FROM daily_answers WHERE day >= \(bind: today.adding(days: -1).description)
            AND day <= \(bind: today.adding(days: 1).description) GROUP BY bond_id, day HAVING count(*) >= 2) AS revealed
            """).first()?.decode(column: "n", as: Int.self) ?? 0
        registry.makeGauge(descriptor: Self.gauge("reveals_around_today", "Days revealed dated yesterday, today or tomorrow (UTC), across every node."))
            .set(Double(revealedToday))
        let poolSize: Int
        switch configuration.storage {
        case .postgres: poolSize = configuration.databasePoolSize * System.coreCount
        case .sqlite, .sqliteInMemory: poolSize = System.coreCount
        }
        registry.makeGauge(descriptor: Self.gauge("database_pool_connections", "Database connections this node may open (per event loop, times event loops)."))
            .set(Double(poolSize))
    }
}

/// Counts and times every request by its route pattern. Outermost, so it sees the status
/// the person got, error pages included.
struct MetricsMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let started = ContinuousClock.now
        let response: Response
        do {
            response = try await next.respond(to: request)
        } catch {
            record(request, status: (error as? any AbortError)?.status.code ?? 500, started: started)
            throw error
        }
        record(request, status: response.status.code, started: started)
        return response
    }

    private func record(_ request: Request, status: UInt, started: ContinuousClock.Instant) {
        let route = request.route.map { "/" + $0.path.map(\.description).joined(separator: "/") } ?? "unmatched"
        request.kindred.metrics.request(method: request.method.rawValue, route: route, status: status, took: ContinuousClock.now - started)
    }
}

/// `GET /metrics`: only to a scraper on this machine talking to Kindred directly (not through
/// a proxy, which would make everyone look local), or to one holding `KINDRED_METRICS_TOKEN`.
/// Anyone else gets the same 404 as any page that does not exist.
@Sendable func metricsEndpoint(req: Request) async throws -> Response {
    guard MetricsAccess.allowed(req) else { throw Abort(.notFound) }
    try await req.kindred.metrics.refresh(on: req.db, configuration: req.kindred.configuration, now: req.kindred.now)
    let response = Response(status: .ok, body: .init(string: req.kindred.metrics.registry.emitToString()))
    response.headers.replaceOrAdd(name: .contentType, value: "text/plain; version=0.0.4; charset=utf-8")
    response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
    return response
}

enum MetricsAccess {
    static func allowed(_ req: Request) -> Bool {
        if let token = req.kindred.configuration.metricsToken, let bearer = req.headers.bearerAuthorization?.token {
            return Secrets.constantTimeEqual(Secrets.sha256(bearer), Secrets.sha256(token))
        }
        guard req.headers[.xForwardedFor].isEmpty, req.headers.first(name: "Forwarded") == nil,
              let address = req.remoteAddress?.ipAddress else { return false }
        return address == "127.0.0.1" || address == "::1" || address.hasPrefix("127.")
    }
}
