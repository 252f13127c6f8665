import Foundation

/// Where and how Kindred submits mail: an SMTP submission server, normally on port 587 with
/// STARTTLS. Plain SMTP exists only for a sink on loopback during development and tests.
struct SMTPSettings: Sendable, Equatable {
    enum Security: Sendable, Equatable {
        /// The server must offer STARTTLS and the certificate must verify; nothing, least of
        /// all credentials, is sent before TLS is up.
        case startTLS
        /// Plain text end to end. Only for a sink on loopback.
        case insecure
    }

    var host: String
    var port: Int
    var username: String?
    var password: String?
    var security: Security
    var heloName: String = "localhost"
    /// Seconds allowed for connecting, the TLS handshake and each command's reply.
    var timeout: TimeInterval = 30
    /// PEM certificate(s) trusted in addition to the system roots, e.g. a test CA.
    var trustRootsPEM: String? = nil

    init(
        host: String,
        port: Int = 587,
        username: String? = nil,
        password: String? = nil,
        security: Security = .startTLS,
        heloName: String = "localhost",
        timeout: TimeInterval = 30,
        trustRootsPEM: String? = nil
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.security = security
        self.heloName = heloName
        self.timeout = timeout
        self.trustRootsPEM = trustRootsPEM
    }

    static let defaultPort = 587

    /// Reads `smtp://user:pass@host:587` (STARTTLS required) or `smtp+insecure://host:2525`
    /// (plain, for loopback). User and password are percent-decoded; the port defaults to 587.
    static func parse(_ url: String) -> Result<SMTPSettings, SMTPSettingsProblem> {
        let trimmed = url.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let components = URLComponents(string: trimmed), let scheme = components.scheme else {
            return .failure(SMTPSettingsProblem(
                "The SMTP URL is not a valid URL. Expected smtp://user:password@host:587; check the port "
                    + "is a number and that special characters in the user or password are percent-encoded."
            ))
        }
        let security: Security
        switch scheme.lowercased() {
        case "smtp": security = .startTLS
        case "smtp+insecure": security = .insecure
        default:
            return .failure(SMTPSettingsProblem(
                "The SMTP URL scheme '\(scheme)' is not supported. Use smtp:// (STARTTLS, required) "
                    + "or smtp+insecure:// (no encryption, only for a local test server)."
            ))
        }
        var host = components.host ?? ""
        if host.hasPrefix("["), host.hasSuffix("]") {
            host = String(host.dropFirst().dropLast())
        }
        guard !host.isEmpty else {
            return .failure(SMTPSettingsProblem("The SMTP URL has no host name, as in smtp://mail.example.com:587."))
        }
        let port = components.port ?? defaultPort
        guard (1...65535).contains(port) else {
            return .failure(SMTPSettingsProblem("The SMTP URL port \(port) is not between 1 and 65535."))
        }
        // An empty user with a password (`smtp://:secret@host`) is almost certainly a typo,
        // and AUTH would fail later in a far less obvious way.
        let username = components.user.flatMap { $0.isEmpty ? nil : $0 }
        let password = components.password.flatMap { $0.isEmpty ? nil : $0 }
        if password != nil, username == nil {
            return .failure(SMTPSettingsProblem("The SMTP URL has a password but no user name, as in smtp://user:password@host."))
        }
        return .success(SMTPSettings(host: host, port: port, username: username, password: password, security: security))
    }

    /// For logs: where, how and whether authenticated — never the credentials.
    var redactedDescription: String {
        let mode = security == .startTLS ? "STARTTLS" : "insecure, no TLS"
        let auth = username == nil ? "no authentication" : "with authentication"
        let printedHost = host.contains(":") ? "[\(host)]" : host
        return "\(printedHost):\(port) (\(mode), \(auth))"
    }
}

/// Why an SMTP URL could not be used, in words an operator can act on.
struct SMTPSettingsProblem: Error, Equatable, CustomStringConvertible {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}
