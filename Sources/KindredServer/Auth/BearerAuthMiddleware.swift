import Fluent
import Vapor

/// API authentication: `Authorization: Bearer <token>`. Cookies are ignored under
/// `/api`, so no API call can be forged from another site's page.
struct BearerAuthMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let bearer = request.headers.bearerAuthorization else { throw Problem.unauthorized() }
        guard let token = try await APIToken.query(on: request.db)
            .filter(\.$tokenHash == Secrets.sha256(bearer.token))
            .join(User.self, on: \APIToken.$user.$id == \User.$id)
            .first()
        else {
            throw Problem.unauthorized("That token is not valid. It may have been revoked; create a new one.")
        }
        request.apiToken = token
        request.currentUser = try token.joined(User.self)
        return try await next.respond(to: request)
    }
}
