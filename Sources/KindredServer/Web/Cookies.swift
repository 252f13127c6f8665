import Vapor

/// Kindred's cookies. Over https they carry `Secure` and the `__Host-` prefix, which
/// stops a sibling subdomain from planting or overwriting them.
enum Cookies {
    static func sessionName(_ req: Request) -> String { name("kindred_session", req) }
    static func csrfName(_ req: Request) -> String { name("kindred_csrf", req) }
    static func flashName(_ req: Request) -> String { name("kindred_flash", req) }

    private static func name(_ base: String, _ req: Request) -> String {
        req.kindred.configuration.isHTTPS ? "__Host-" + base : base
    }

    /// HttpOnly, SameSite=Lax, Path=/; no expiry, so closing the browser forgets it.
    static func value(_ string: String, _ req: Request) -> HTTPCookies.Value {
        HTTPCookies.Value(
            string: string, path: "/",
            isSecure: req.kindred.configuration.isHTTPS, isHTTPOnly: true, sameSite: .lax
        )
    }

    static func expired(_ req: Request) -> HTTPCookies.Value {
        HTTPCookies.Value(
            string: "", expires: Date(timeIntervalSince1970: 0), maxAge: 0, path: "/",
            isSecure: req.kindred.configuration.isHTTPS, isHTTPOnly: true, sameSite: .lax
        )
    }
}
