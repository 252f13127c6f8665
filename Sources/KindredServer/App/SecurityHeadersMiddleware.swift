import Vapor

/// Headers on every response, error pages and static files included.
struct SecurityHeadersMiddleware: AsyncMiddleware {
    /// No inline script or style anywhere: every script and stylesheet is a file of ours.
    static let contentSecurityPolicy = [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        // The service worker (/sw.js) and the web app manifest: ours only, said outright
        // rather than left to default-src.
        "worker-src 'self'",
        "manifest-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ].joined(separator: "; ")

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        let headers = [
            ("Content-Security-Policy", Self.contentSecurityPolicy),
            ("Referrer-Policy", "no-referrer"),
            ("X-Content-Type-Options", "nosniff"),
            ("X-Frame-Options", "DENY"),
            ("Permissions-Policy", "geolocation=(), camera=(), microphone=(), interest-cohort=()"),
            ("Cross-Origin-Opener-Policy", "same-origin"),
        ]
        for (name, value) in headers {
            response.headers.replaceOrAdd(name: name, value: value)
        }
        // What people write must not linger in shared caches or a shared device's history;
        // only our own static files may be cached.
        if response.headers.first(name: .cacheControl) == nil {
            let isStatic = request.url.path.hasPrefix("/css/") || request.url.path.hasPrefix("/js/")
            response.headers.replaceOrAdd(name: .cacheControl, value: isStatic ? "public, max-age=3600" : "no-store")
        }
        return response
    }
}
