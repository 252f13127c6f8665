import KindredCore
import Vapor

extension Request {
    private struct UserKey: StorageKey { typealias Value = User }
    private struct WebSessionKey: StorageKey { typealias Value = WebSession }
    private struct APITokenKey: StorageKey { typealias Value = APIToken }

    /// The signed-in person, from a session cookie (web) or a bearer token (API).
    var currentUser: User? {
        get { storage[UserKey.self] }
        set { storage[UserKey.self] = newValue }
    }

    var webSession: WebSession? {
        get { storage[WebSessionKey.self] }
        set { storage[WebSessionKey.self] = newValue }
    }

    var apiToken: APIToken? {
        get { storage[APITokenKey.self] }
        set { storage[APITokenKey.self] = newValue }
    }

    /// For routes behind an authenticating middleware.
    func requireUser() throws -> User {
        guard let user = currentUser else { throw Problem.unauthorized() }
        return user
    }

    /// The session or API token this request was made with: re-asking a signed-in person's
    /// password counts guesses against it, never against anything someone else can reach.
    var credentialHolder: String {
        if let session = webSession?.id { return "session:\(session)" }
        if let token = apiToken?.id { return "token:\(token)" }
        return "none"
    }

    /// The address a request came from, for the sign-in throttle. Behind trusted proxies it is
    /// the entry they appended to `X-Forwarded-For` (see `ClientAddress.forwarded`).
    var clientAddress: String {
        if let forwarded = ClientAddress.forwarded(headers[.xForwardedFor], hops: kindred.configuration.trustedProxyHops) {
            return forwarded
        }
        return remoteAddress?.ipAddress ?? "unknown"
    }
}
