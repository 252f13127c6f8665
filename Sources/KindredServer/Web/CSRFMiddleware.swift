import Vapor

/// Every state-changing web request must carry the form's `csrf` field; a page on
/// another site cannot know it, so it cannot make a signed-in browser act.
struct CSRFMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.method != .GET, request.method != .HEAD else {
            return try await next.respond(to: request)
        }
        // The route would collect the body later anyway; the token is inside it.
        if request.body.data == nil {
            _ = try await request.body.collect(max: request.application.routes.defaultMaxBodySize.value).get()
        }
        let submitted = try? request.content.get(String.self, at: "csrf")
        guard let expected = request.expectedCSRFToken, let submitted,
              Secrets.constantTimeEqual(expected, submitted)
        else {
            throw Problem(
                status: .forbidden,
                detail: "This form is out of date, so we didn't act on it. Go back, reload the page and try again."
            )
        }
        return try await next.respond(to: request)
    }
}
