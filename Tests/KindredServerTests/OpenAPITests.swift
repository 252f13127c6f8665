import XCTVapor
@testable import KindredServer
import KindredCore

/// The OpenAPI document is the contract: every `/api` route must be in it, and nothing
/// in it may be missing from the server.
final class OpenAPITests: XCTestCase {
    /// (method, path) pairs from the document, with `{param}` segments as `:`.
    private func documentedOperations() throws -> Set<String> {
        let text = try String(contentsOfFile: ResourcePaths.openAPI, encoding: .utf8)
        var operations = Set<String>()
        var currentPath: String?
        var inPaths = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "paths:" { inPaths = true; continue }
            if inPaths, !line.hasPrefix(" "), !line.isEmpty { break }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), line.hasSuffix(":"), !line.hasPrefix("   ") {
                currentPath = String(line.dropFirst(2).dropLast())
                    .replacingOccurrences(of: #"\{[^}]+\}"#, with: ":", options: .regularExpression)
            } else if let path = currentPath, line.hasPrefix("    "), !line.hasPrefix("     "), line.hasSuffix(":") {
                let method = line.trimmingCharacters(in: .whitespaces).dropLast().uppercased()
                if ["GET", "POST", "PUT", "PATCH", "DELETE"].contains(method) {
                    operations.insert("\(method) \(path)")
                }
            }
        }
        return operations
    }

    private func registeredOperations(_ app: Application) -> Set<String> {
        Set(app.routes.all.compactMap { route -> String? in
            let path = "/" + route.path.map { component -> String in
                if case .parameter = component { return ":" }
                return component.description
            }.joined(separator: "/")
            guard path.hasPrefix("/api/") else { return nil }
            return "\(route.method.rawValue) \(path)"
        })
    }

    func testEveryAPIRouteIsDocumentedAndEveryDocumentedRouteExists() async throws {
        try await withApp { app, _ in
            let documented = try documentedOperations()
            let registered = registeredOperations(app)
            XCTAssertGreaterThan(registered.count, 15)
            XCTAssertEqual(registered.subtracting(documented), [], "registered but missing from openapi.yaml")
            XCTAssertEqual(documented.subtracting(registered), [], "documented but not served")
        }
    }

    /// The API's paths are written once, in `APIPath`: nothing under `/api/v1` is registered
    /// outside it, and no case is left unserved.
    func testEveryAPIRouteIsAnAPIPathAndEveryAPIPathIsServed() async throws {
        try await withApp { app, _ in
            let patterns = Set(app.routes.all.map { "/" + $0.path.map(\.description).joined(separator: "/") }.filter { $0.hasPrefix("/api/v1/") })
            XCTAssertEqual(patterns.subtracting(APIPath.allCases.map(\.rawValue)), [], "registered outside APIPath")
            XCTAssertEqual(Set(APIPath.allCases.map(\.rawValue)).subtracting(patterns), [], "in APIPath but nothing serves it")
            XCTAssertEqual(RepairGuideDTO.safetyCheckPath, "/api/v1/safety-check")
        }
    }

    func testTheDocumentIsServedAsYAML() async throws {
        try await withApp { app, _ in
            let response = try await app.send(.GET, "/api/openapi.yaml")
            XCTAssertEqual(response.status, .ok)
            XCTAssertTrue(response.contentType.hasPrefix("application/yaml"))
            XCTAssertTrue(response.body.hasPrefix("openapi: 3.1"))
            XCTAssertFalse(response.body.contains("x-kindred-enum"), "the lists are filled in")
            XCTAssertTrue(response.body.contains(#"- "six-signs""#))
            XCTAssertTrue(response.body.contains(#"- "Pacific/Kiritimati""#))
            XCTAssertTrue(response.body.contains(#"- "UTC""#))
        }
    }
}
