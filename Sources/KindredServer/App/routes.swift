import Fluent
import KindredCore
import SQLKit
import Vapor

func routes(_ app: Application) throws {
    // Health: no database, so it is also the throughput ceiling for the benchmark.
    app.get("healthz") { _ in "ok" }
    app.get("readyz", use: readiness)
    app.get("api", "openapi.yaml", use: openAPIDocument)
    app.get("metrics", use: metricsEndpoint)
    // The web app manifest needs no session (the service worker and icons are static files).
    try app.register(collection: AppShellController())

    // The API's paths are whole in `APIPath`, so its controllers register on the app itself.
    try app.register(collection: AccountsAPIController())
    try app.register(collection: BondsAPIController())
    try app.register(collection: MeasureAPIController())
    try app.register(collection: PractiseAPIController())
    try app.register(collection: RitualsAPIController())
    try app.register(collection: PlansAPIController())
    try app.register(collection: RepairsAPIController())
    try app.register(collection: GuideAPIController())
    try app.register(collection: ProfessionalsAPIController())
    try app.register(collection: CalendarFeedsAPIController())
    try app.register(collection: TimeTogetherAPIController())
    try app.register(collection: SafetyAPIController())
    try app.register(collection: DailyReturnAPIController())
    try app.register(collection: RemindersAPIController())

    let web = app.grouped(WebSessionMiddleware(), CSRFMiddleware())
    try web.register(collection: AccountPagesController())
    try web.register(collection: BondPagesController())
    try web.register(collection: InvitePagesController())
    try web.register(collection: MeasurePagesController())
    try web.register(collection: PractisePagesController())
    try web.register(collection: DailyReturnPagesController())
    try web.register(collection: SafetyPagesController())
    try web.register(collection: ReminderPagesController())
    try web.register(collection: PasswordPagesController())
    try web.register(collection: SignupPagesController())
    try web.register(collection: RitualPagesController())
    try web.register(collection: CalendarFeedPagesController())
    try web.register(collection: TimeTogetherPagesController())
    try web.register(collection: PlanPagesController())
    try web.register(collection: RepairPagesController())
    try web.register(collection: GuidePagesController())
    try web.register(collection: ProfessionalPagesController())

    // One-click unsubscribe (RFC 8058): mail providers post it with no CSRF token and no
    // session, so it is outside the web group; the session is read only for the page's links.
    try app.grouped(WebSessionMiddleware()).register(collection: UnsubscribePagesController())
}

/// 200 when the database answers a query, 503 otherwise.
@Sendable func readiness(req: Request) async throws -> Response {
    do {
        guard let sql = req.db as? any SQLDatabase else { throw Abort(.serviceUnavailable) }
        _ = try await sql.raw("SELECT 1 AS ok").all()
        return Response(status: .ok, body: .init(string: "ready"))
    } catch {
        req.logger.warning("Readiness check failed: \(String(reflecting: error))")
        return Response(status: .serviceUnavailable, body: .init(string: "database unavailable"))
    }
}

@Sendable func openAPIDocument(req: Request) async throws -> Response {
    let response = Response(status: .ok, body: .init(string: try req.application.openAPIDocument()))
    response.headers.replaceOrAdd(name: .contentType, value: "application/yaml; charset=utf-8")
    return response
}

/// The contract as served: the file, with the exact lists and bounds this server accepts —
/// time zones, instrument keys, safety questions, the conversation's length — filled in, so
/// the document and the validation never disagree.
enum OpenAPIDocument {
    static func markers(_ content: ContentLibrary) -> [String: [String]] {
        [
            "x-kindred-enum: time-zones": TimeZones.all, "x-kindred-enum: instruments": content.instruments.map(\.key),
            "x-kindred-enum: decks": content.decks.map(\.key), "x-kindred-enum: ritual-ideas": content.ritualIdeas.map(\.id),
            "x-kindred-enum: plan-ideas": content.planIdeas.map(\.id),
        ]
    }

    /// Objects whose keys come from content: every key required, each a boolean, nothing else.
    static func booleanObjects(_ content: ContentLibrary) -> [String: [String]] {
        ["x-kindred-object: safety-answers": content.safety?.items.map(\.id) ?? []]
    }

    /// Objects of marks whose keys come from content: each key optional, yes, maybe, no or null.
    static func markObjects(_ content: ContentLibrary) -> [String: [String]] {
        ["x-kindred-marks: desire-items": content.desires?.order ?? []]
    }

    /// Upper bounds that depend on content: the deep conversation's last position.
    static func maximums(_ content: ContentLibrary) -> [String: Int] {
        ["x-kindred-maximum: conversation-questions": content.conversation?.questions.count ?? 0]
    }

    static func render(file: String, content: ContentLibrary) -> String {
        let markers = markers(content)
        let objects = booleanObjects(content)
        let maximums = maximums(content)
        let marks = markObjects(content)
        return file.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            let indent = String(line.prefix { $0 == " " })
            if let maximum = maximums[trimmed] { return "\(indent)maximum: \(maximum)" }
            if let keys = marks[trimmed] {
                return ([indent + "additionalProperties: false", indent + "properties:"]
                    + keys.flatMap { ["\(indent)  \"\($0)\":", "\(indent)    enum: [\"yes\", \"maybe\", \"no\", null]"] }).joined(separator: "\n")
            }
            if let keys = objects[trimmed] {
                return ([indent + "required: [" + keys.map { "\"\($0)\"" }.joined(separator: ", ") + "]", indent + "additionalProperties: false", indent + "properties:"]
                    + keys.flatMap { ["\(indent)  \"\($0)\":", "\(indent)    type: boolean"] }).joined(separator: "\n")
            }
            guard let values = markers[trimmed] else { return String(line) }
            return ([indent + "enum:"] + values.map { "\(indent)  - \"\($0)\"" }).joined(separator: "\n")
        }.joined(separator: "\n")
    }
}

extension Application {
    private struct OpenAPIKey: StorageKey { typealias Value = String }

    /// Rendered once at start-up (see `configure`), then served from memory.
    func openAPIDocument() throws -> String {
        if let text = storage[OpenAPIKey.self] { return text }
        return OpenAPIDocument.render(file: try String(contentsOfFile: ResourcePaths.openAPI, encoding: .utf8), content: kindred.content)
    }

    func prepareOpenAPIDocument() throws {
        storage[OpenAPIKey.self] = OpenAPIDocument.render(
            file: try String(contentsOfFile: ResourcePaths.openAPI, encoding: .utf8), content: kindred.content
        )
    }
}
