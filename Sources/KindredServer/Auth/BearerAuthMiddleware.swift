import Fluent
import KindredCore
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
        let now = request.kindred.now
        switch request.kindred.tokenPolicy.state(lastUsedAt: token.lastUsedAt, createdAt: token.createdAt, expiresAt: token.expiresAt, now: now) {
        case .expired:
            try await token.delete(on: request.db)
            throw Problem.unauthorized(
                "That token ended after \(token.idleDays) day\(token.idleDays == 1 ? "" : "s") without use. Create a new one."
            )
        case .valid(let needsTouch):
            if needsTouch {
                // A query, not a save: only these two columns, and no lost update if two
                // requests touch at once (both write the same kind of value).
                let expiresAt = TokenPolicy.expiry(after: now, idleDays: token.idleDays)
                try await APIToken.query(on: request.db).filter(\.$id == token.requireID())
                    .set(\.$lastUsedAt, to: now).set(\.$expiresAt, to: expiresAt).update()
                token.lastUsedAt = now
                token.expiresAt = expiresAt
            }
        }
        request.apiToken = token
        request.currentUser = try token.joined(User.self)
        return try await next.respond(to: request)
    }
}
