import Foundation
import KindredCore
import Vapor

/// An error a client can act on. The API renders it as RFC 9457
/// `application/problem+json`; the web renders the same status as a page.
struct Problem: AbortError, Sendable {
    let status: HTTPResponseStatus
    let detail: String
    var fieldErrors: [FieldError] = []
    var headers: HTTPHeaders = [:]
    /// A stable, machine-readable reason (e.g. `invite-expired`) for clients to branch on.
    var code: String? = nil

    var reason: String { detail }

    init(status: HTTPResponseStatus, detail: String, fieldErrors: [FieldError] = [], headers: HTTPHeaders = [:], code: String? = nil) {
        self.status = status
        self.detail = detail
        self.fieldErrors = fieldErrors
        self.headers = headers
        self.code = code
    }

    /// For refusals a client branches on: the stable code first.
    init(status: HTTPResponseStatus, code: String, detail: String) {
        self.init(status: status, detail: detail, code: code)
    }

    static func notFound(_ detail: String = "There is nothing here.") -> Problem {
        Problem(status: .notFound, detail: detail)
    }

    static func invalid(_ errors: [FieldError]) -> Problem {
        let fields = errors.map(\.field).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        return Problem(
            status: .unprocessableEntity,
            detail: "Some fields need attention: \(fields.joined(separator: ", ")).",
            fieldErrors: errors
        )
    }

    static func unauthorized(_ detail: String = "Sign in first: send a bearer token in the Authorization header.") -> Problem {
        Problem(status: .unauthorized, detail: detail, headers: ["WWW-Authenticate": "Bearer"])
    }

    static func tooManyRegistrations(retryAfter seconds: Int) -> Problem {
        let minutes = max(1, Int((Double(seconds) / 60).rounded(.up)))
        return Problem(
            status: .tooManyRequests,
            detail: "Too many new accounts have been made just now. Please wait \(minutes) minute\(minutes == 1 ? "" : "s") and try again.",
            headers: ["Retry-After": String(seconds)], code: "too-many-registrations"
        )
    }

    static func tooManyAttempts(retryAfter seconds: Int) -> Problem {
        let minutes = max(1, Int((Double(seconds) / 60).rounded(.up)))
        return Problem(
            status: .tooManyRequests,
            detail: "Too many sign-in attempts. Please wait \(minutes) minute\(minutes == 1 ? "" : "s") and try again.",
            headers: ["Retry-After": String(seconds)]
        )
    }

    static func conflict(_ detail: String) -> Problem {
        Problem(status: .conflict, detail: detail)
    }
}

/// The JSON body of a problem response.
struct ProblemBody: Content {
    struct FieldProblem: Content {
        let field: String
        let detail: String
    }

    let type: String
    let title: String
    let status: Int
    let detail: String
    let errors: [FieldProblem]?
    let code: String?

    init(status: HTTPResponseStatus, detail: String, fieldErrors: [FieldError] = [], code: String? = nil) {
        self.code = code
        self.type = "about:blank"
        self.title = status.reasonPhrase
        self.status = Int(status.code)
        self.detail = detail
        self.errors = fieldErrors.isEmpty ? nil : fieldErrors.map { FieldProblem(field: $0.field, detail: $0.message) }
    }
}
