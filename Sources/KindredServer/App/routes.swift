import Fluent
import SQLKit
import Vapor

func routes(_ app: Application) throws {
    // Health: no database, so it is also the throughput ceiling for the benchmark.
    app.get("healthz") { _ in "ok" }
    app.get("readyz", use: readiness)
    app.get("api", "openapi.yaml", use: openAPIDocument)

    let api = app.grouped("api", "v1")
    try api.register(collection: AccountsAPIController())
    try api.register(collection: BondsAPIController())

    let web = app.grouped(WebSessionMiddleware(), CSRFMiddleware())
    try web.register(collection: AccountPagesController())
    try web.register(collection: BondPagesController())
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
    let response = try await req.fileio.asyncStreamFile(at: ResourcePaths.openAPI)
    response.headers.replaceOrAdd(name: .contentType, value: "application/yaml; charset=utf-8")
    return response
}
