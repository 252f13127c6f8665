import Fluent
import KindredCore
import Vapor

/// Loads the signed-in person from the session cookie, enforcing the idle and absolute
/// timeouts, and hands out the anonymous CSRF cookie that sign-up and sign-in forms need.
struct WebSessionMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let cookieName = Cookies.sessionName(request)
        let secret = request.cookies[cookieName]?.string
        if let secret, !secret.isEmpty {
            try await load(secret: secret, into: request)
        }
        let response = try await next.respond(to: request)
        if secret != nil, request.webSession == nil, response.cookies[cookieName] == nil {
            response.cookies[cookieName] = Cookies.expired(request)
        }
        if let fresh = request.newCSRFCookie {
            response.cookies[Cookies.csrfName(request)] = Cookies.value(fresh, request)
        }
        return response
    }

    private func load(secret: String, into request: Request) async throws {
        guard let session = try await WebSession.query(on: request.db)
            .filter(\.$tokenHash == Secrets.sha256(secret))
            .join(User.self, on: \WebSession.$user.$id == \User.$id)
            .first()
        else { return }
        let now = request.kindred.now
        switch request.kindred.sessionPolicy.state(createdAt: session.createdAt, lastSeenAt: session.lastSeenAt, now: now) {
        case .valid(let needsTouch):
            // Read the joined user before saving: saving drops the row it was joined from.
            request.currentUser = try session.joined(User.self)
            if needsTouch {
                session.lastSeenAt = now
                try await session.update(on: request.db)
            }
            request.webSession = session
        case .idleExpired, .absoluteExpired:
            try await session.delete(on: request.db)
            request.sessionJustExpired = true
        }
    }
}

extension WebSessionMiddleware {
    /// For pages rendered outside the session middleware (an address no route knows): who
    /// is signed in, read only — nothing is touched or expired here — so the page's links
    /// are the signed-in ones.
    static func identify(_ request: Request) async {
        guard request.currentUser == nil,
              let secret = request.cookies[Cookies.sessionName(request)]?.string, !secret.isEmpty,
              let session = try? await WebSession.query(on: request.db)
                .filter(\.$tokenHash == Secrets.sha256(secret))
                .join(User.self, on: \WebSession.$user.$id == \User.$id).first(),
              case .valid = request.kindred.sessionPolicy.state(createdAt: session.createdAt, lastSeenAt: session.lastSeenAt, now: request.kindred.now)
        else { return }
        request.currentUser = try? session.joined(User.self)
        request.webSession = session
    }
}

extension Request {
    private struct NewCSRFKey: StorageKey { typealias Value = String }
    private struct ExpiredKey: StorageKey { typealias Value = Bool }

    /// Set when this request arrived with a session that had just timed out.
    var sessionJustExpired: Bool {
        get { storage[ExpiredKey.self] ?? false }
        set { storage[ExpiredKey.self] = newValue }
    }

    fileprivate(set) var newCSRFCookie: String? {
        get { storage[NewCSRFKey.self] }
        set { storage[NewCSRFKey.self] = newValue }
    }

    /// The token this browser's forms must carry: the session's once signed in,
    /// otherwise a value the server made and signed, kept in its own cookie (double submit).
    var csrfToken: String {
        if let session = webSession { return session.csrfToken }
        if let existing = cookies[Cookies.csrfName(self)]?.string, AnonymousCSRF.isValid(existing, self) { return existing }
        if let fresh = newCSRFCookie { return fresh }
        let fresh = AnonymousCSRF.make(self)
        newCSRFCookie = fresh
        return fresh
    }

    /// The token a form submission must match, if this browser has a good one yet. A value
    /// the server did not sign (one planted by another site or subdomain) matches nothing.
    var expectedCSRFToken: String? {
        if let session = webSession { return session.csrfToken }
        guard let value = cookies[Cookies.csrfName(self)]?.string, AnonymousCSRF.isValid(value, self) else { return nil }
        return value
    }

    /// The quick exit link's proof that it came from one of this session's own pages: a
    /// navigation from another site cannot know it, so it cannot sign anyone out.
    var exitToken: String? {
        webSession.map { String(Secrets.sha256("exit:" + $0.csrfToken).prefix(32)) }
    }
}

/// The CSRF value before sign-in: `<random>.<issued, Unix seconds>.<HMAC>`. Signed, so a
/// cookie planted by someone else cannot fix it to a value they know; dated, so one they
/// once got from us stops working after a day.
enum AnonymousCSRF {
    static let lifetime: TimeInterval = 24 * 60 * 60
    private static let purpose = "anonymous-csrf"

    static func make(_ req: Request) -> String {
        let body = SecureToken.secret() + "." + String(Int(req.kindred.now.timeIntervalSince1970))
        return body + "." + req.kindred.cipher.tag(body, purpose: purpose)
    }

    static func isValid(_ value: String, _ req: Request) -> Bool {
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count >= 32, let issued = TimeInterval(parts[1]) else { return false }
        let age = req.kindred.now.timeIntervalSince1970 - issued
        guard age >= -300, age <= lifetime else { return false }
        return req.kindred.cipher.verify(tag: String(parts[2]), of: parts[0] + "." + parts[1], purpose: purpose)
    }
}
