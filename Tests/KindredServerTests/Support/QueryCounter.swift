import Logging
import NIOConcurrencyHelpers
import Vapor

/// Counts a request's database round trips: SQLKit logs every statement it sends, Fluent's
/// included, as "Executing query" at trace (`useKindredDatabase`) to the request's logger,
/// which this middleware swaps for a counting one.
/// Add it before the test's first request (Vapor builds its responder then).
final class QueryCounter: AsyncMiddleware, Sendable {
    private let counts = NIOLockedValueBox<[String: [String]]>([:])

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let key = "\(request.method) \(request.url.path)"
        request.logger = Logger(label: "query-counter") { _ in Handler(counter: self, key: key) }
        return try await next.respond(to: request)
    }

    func count(_ key: String) -> Int { queries(key).count }
    /// The SQL of each statement, for a failure's message.
    func queries(_ key: String) -> [String] { counts.withLockedValue { $0[key] ?? [] } }
    func reset() { counts.withLockedValue { $0 = [:] } }
    fileprivate func add(_ key: String, _ query: String) { counts.withLockedValue { $0[key, default: []].append(query) } }

    struct Handler: LogHandler {
        let counter: QueryCounter
        let key: String
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            // One line per statement sent (Fluent's own "Running query" line comes before its SQL's).
            if event.message.description == "Executing query" { counter.add(key, "\(event.metadata?["sql"] ?? "?")") }
        }
    }
}
