import KindredCore
import Vapor

/// Turns every error into a useful answer: `application/problem+json` under `/api`,
/// a page everywhere else. Internal details are logged, never shown.
struct KindredErrorMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch let signIn as SignInRequired {
            let flash: Flash = request.sessionJustExpired ? .sessionExpired : .signInFirst
            return request.redirect(to: .signIn(next: signIn.next), flash: flash)
        } catch let abort as RouteNotFound {
            // The router may have found the path but not the method: say so, with `Allow`.
            guard let allowed = request.application.allowedMethods.methods(for: request.url.path),
                  !allowed.contains(request.method.rawValue)
            else { return await respond(toError: abort, request) }
            let problem = Problem(
                status: .methodNotAllowed, detail: "This address does not accept \(request.method.rawValue).",
                headers: ["Allow": allowed.sorted().joined(separator: ", ")]
            )
            return await respond(toError: problem, request)
        } catch {
            return await respond(toError: error, request)
        }
    }

    private func respond(toError error: any Error, _ request: Request) async -> Response {
        let (status, detail, fieldErrors, headers) = describe(error, request)
        let code = (error as? Problem)?.code
        let response = request.url.path.hasPrefix("/api/")
            ? problemResponse(status: status, detail: detail, fieldErrors: fieldErrors, code: code, request: request)
            : await pageResponse(status: status, detail: detail, request: request)
        for (name, value) in headers { response.headers.replaceOrAdd(name: name, value: value) }
        return response
    }

    private func describe(_ error: any Error, _ request: Request) -> (HTTPStatus, String, [KindredCore.FieldError], HTTPHeaders) {
        switch error {
        case let problem as Problem:
            return (problem.status, problem.detail, problem.fieldErrors, problem.headers)
        case let abort as any AbortError:
            if abort.status.code >= 500 { request.logger.error("Server error: \(String(reflecting: error))") }
            return (abort.status, Self.friendlyDetail(for: abort.status, reason: abort.reason), [], abort.headers)
        case is PasswordService.Busy:
            return (.serviceUnavailable, "We're very busy just now. Please try again in a few seconds.", [], ["Retry-After": "5"])
        case is DecodingError:
            return (.badRequest, "The request could not be read. Check it is complete and well formed.", [], [:])
        default:
            request.logger.error("Unhandled error: \(String(reflecting: error))")
            return (.internalServerError, "Something went wrong on our side. Nothing you sent was lost; please try again.", [], [:])
        }
    }

    /// Vapor's own reasons are terse and sometimes technical; these say what to do.
    static func friendlyDetail(for status: HTTPStatus, reason: String) -> String {
        switch status {
        case .notFound: "There is nothing here. The link may be old, or you may need to sign in as someone else."
        case .payloadTooLarge: "That is more than we can take in one go (the limit is 64 KiB)."
        case .methodNotAllowed: "That action is not available here."
        case .unsupportedMediaType: "Send the body as JSON (application/json)."
        case .badRequest: "The request could not be read: \(reason)"
        default: reason
        }
    }

    private func problemResponse(status: HTTPStatus, detail: String, fieldErrors: [KindredCore.FieldError], code: String?, request: Request) -> Response {
        let body = ProblemBody(status: status, detail: detail, fieldErrors: fieldErrors, code: code)
        let response = Response(status: status)
        do {
            try response.content.encode(body, as: .json)
        } catch {
            response.body = .init(string: #"{"type":"about:blank","title":"Error","status":\#(status.code),"detail":"error"}"#)
        }
        response.headers.replaceOrAdd(name: .contentType, value: "application/problem+json")
        return response
    }

    private func pageResponse(status: HTTPStatus, detail: String, request: Request) async -> Response {
        struct ErrorPage: Encodable {
            let status: Int
            let heading: String
            let detail: String
        }
        // An unknown address never passed through the session middleware.
        await WebSessionMiddleware.identify(request)
        let heading = switch status {
        case .notFound: "We couldn't find that page"
        case .forbidden: "That didn't go through"
        case .internalServerError: "Something went wrong"
        default: status.reasonPhrase
        }
        do {
            return try await request.page(
                "error", title: heading, status: status,
                ErrorPage(status: Int(status.code), heading: heading, detail: detail)
            )
        } catch {
            request.logger.error("Could not render the error page: \(String(reflecting: error))")
            let response = Response(status: status, body: .init(string: "<!doctype html><title>\(status.code)</title><p>\(status.reasonPhrase)</p>"))
            response.headers.replaceOrAdd(name: .contentType, value: "text/html; charset=utf-8")
            return response
        }
    }
}
