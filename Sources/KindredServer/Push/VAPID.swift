import Crypto
import Foundation

/// The server's Voluntary Application Server Identification key (RFC 8292): a P-256 signing
/// key whose public half browsers are given as `applicationServerKey` when they subscribe, and
/// which signs a short-lived JWT on every push so the push service knows who is sending.
struct VAPIDKey: Sendable {
    let privateKey: P256.Signing.PrivateKey

    /// RFC 8292 §2: push services reject tokens that expire more than 24 hours ahead.
    static let maximumLifetime: TimeInterval = 24 * 3600

    init(privateKey: P256.Signing.PrivateKey) {
        self.privateKey = privateKey
    }

    static func generate() -> VAPIDKey {
        VAPIDKey(privateKey: P256.Signing.PrivateKey())
    }

    /// The raw 32-byte private scalar as base64url (what `KINDRED_VAPID_PRIVATE_KEY` holds and
    /// the key file stores); nil when it is not base64url, not 32 bytes, or not a valid scalar.
    init?(base64URLPrivateKey: String) {
        let text = base64URLPrivateKey.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let raw = Base64URL.decode(text), raw.count == 32,
              let key = try? P256.Signing.PrivateKey(rawRepresentation: raw)
        else { return nil }
        self.privateKey = key
    }

    var base64URLPrivateKey: String {
        Base64URL.encode(privateKey.rawRepresentation)
    }

    /// The 65-byte uncompressed public key, base64url: the `applicationServerKey` browsers need
    /// and the `k` parameter of the Authorization header.
    var publicKeyBase64URL: String {
        Base64URL.encode(privateKey.publicKey.x963Representation)
    }

    /// An ES256 JWT (RFC 8292 §2): JOSE header `{"typ":"JWT","alg":"ES256"}`, claims
    /// `{"aud":…,"exp":…,"sub":…}` (`exp` in whole seconds since 1970, rounded down), and the
    /// signature as raw r||s (64 bytes), each part base64url without padding.
    func token(audience: String, subject: String, expires: Date) -> String {
        let header = Base64URL.encode(Data(#"{"typ":"JWT","alg":"ES256"}"#.utf8))
        let claims = Claims(aud: audience, exp: Int64(expires.timeIntervalSince1970.rounded(.down)), sub: subject)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding three plain fields cannot fail.
        let body = Base64URL.encode(try! encoder.encode(claims))
        let signingInput = "\(header).\(body)"
        // swift-crypto signs the SHA-256 digest of the input (ES256); the signature's raw form is r||s.
        let signature = try! privateKey.signature(for: Data(signingInput.utf8))
        return "\(signingInput).\(Base64URL.encode(signature.rawRepresentation))"
    }

    /// `vapid t=<jwt>, k=<public key>` for the Authorization header of a push to `endpoint`.
    /// The token's audience is the endpoint's origin and it expires `lifetime` after `now`
    /// (capped at 24 hours). nil when the endpoint is not an http(s) URL with a host.
    func authorization(endpoint: URL, subject: String, now: Date, lifetime: TimeInterval = 12 * 3600) -> String? {
        guard let audience = Self.origin(of: endpoint) else { return nil }
        let expires = now.addingTimeInterval(min(max(lifetime, 0), Self.maximumLifetime))
        let jwt = token(audience: audience, subject: subject, expires: expires)
        return "vapid t=\(jwt), k=\(publicKeyBase64URL)"
    }

    /// The origin of a URL, as RFC 8292 §2 wants for `aud`: `scheme://host[:port]`, lowercase,
    /// with the port only when it is not the scheme's default. nil unless http or https with a host.
    static func origin(of url: URL) -> String? {
        guard let components = URLComponents(url: url, resolvingAgainstBaseURL: false),
              let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
              var host = components.host?.lowercased(), !host.isEmpty
        else { return nil }
        // IPv6 literals keep (or regain) their brackets.
        if host.contains(":"), !host.hasPrefix("[") { host = "[\(host)]" }
        let defaultPort = scheme == "https" ? 443 : 80
        if let port = components.port, port != defaultPort {
            return "\(scheme)://\(host):\(port)"
        }
        return "\(scheme)://\(host)"
    }

    private struct Claims: Encodable {
        let aud: String
        let exp: Int64
        let sub: String
    }
}
