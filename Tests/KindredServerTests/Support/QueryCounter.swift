import Logging
import NIOConcurrencyHelpers
import Vapor

/// Counts a request's database round trips: Fluent and SQLKit log each query they send (at
/// debug) to the request's logger, which this middleware swaps for a counting one.
/// Add it before the test's first request (Vapor builds its responder then).
final class QueryCounter: AsyncMiddleware, Sendable {
    private let counts = NIOLockedValueBox<[String: Int]>([:])

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let key = "\(request.method) \(request.url.path)"
        request.logger = Logger(label: "query-counter") { _ in Handler(counter: self, key: key) }
        return try await next.respond(to: request)
    }

    func count(_ key: String) -> Int { counts.withLockedValue { $0[key] ?? 0 } }
    func reset() { counts.withLockedValue { $0 = [:] } }
    fileprivate func add(_ key: String) { counts.withLockedValue { $0[key, default: 0] += 1 } }

    struct Handler: LogHandler {
        let counter: QueryCounter
        let key: String
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .debug

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let message = event.message
            // Fluent logs "Running query" for a model query, SQLKit "Executing query" for raw SQL.
            if ["Running query", "Executing query"].contains(where: message.description.hasPrefix) { counter.add(key) }
        }
    }
}
