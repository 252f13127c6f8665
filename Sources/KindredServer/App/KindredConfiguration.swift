import Foundation
import KindredCore

/// Everything an operator can set, read from the environment in one place.
/// Every problem is collected before start-up fails, so a bad deployment is fixed in one go.
public struct KindredConfiguration: Sendable, Equatable {
    public enum Storage: Sendable, Equatable {
        case sqlite(path: String)
        case sqliteInMemory
        case postgres(url: String)
    }

    public var host = "127.0.0.1"
    public var port = 8080
    public var dataDirectory = "./data"
    /// Where the encryption key file lives (`KINDRED_KEY_DIR`): by default a folder beside the
    /// data folder (`./data-keys`), never inside it, so one copy of the data carries no key.
    public var keyDirectoryOverride: String?
    public var keyDirectory: String {
        if let keyDirectoryOverride { return keyDirectoryOverride }
        var data = dataDirectory
        while data.count > 1, data.hasSuffix("/") { data.removeLast() }
        return data + "-keys"
    }
    public var storage = Storage.sqlite(path: "./data/kindred.sqlite")
    /// The address people reach Kindred at; decides invite links and secure cookies.
    public var publicURL: URL?
    public var sessionIdleMinutes = 30
    public var sessionAbsoluteHours = 12
    public var quickExitURL = "https://www.bbc.co.uk/weather"
    public var logLevel = "notice"
    /// How many reverse proxies stand in front of Kindred, each appending to `X-Forwarded-For`
    /// (0: none, so the header is ignored). Behind one nginx, the client is the last entry.
    public var trustedProxyHops = 0
    public var trustForwardedFor: Bool {
        get { trustedProxyHops > 0 }
        set { trustedProxyHops = newValue ? max(1, trustedProxyHops) : 0 }
    }
    /// Database connections per event loop (PostgreSQL only; SQLite always uses one).
    public var databasePoolSize = 4
    /// A folder of extra or replacement content (instruments, decks, resources).
    public var contentDirectory: String?
    /// Base64 AES keys, newest first; without it a key file in the data folder is used.
    public var encryptionKeys: String?
    /// Where email goes out (`KINDRED_SMTP_URL`); nil: this Kindred sends no email.
    var smtp: SMTPSettings?
    /// The sender of every email: address and optional display name (`KINDRED_MAIL_FROM`).
    public var mailFromAddress: String?
    public var mailFromName: String?
    /// Base64url P-256 private key for Web Push (VAPID); without it a key file in the data folder.
    public var vapidPrivateKey: String?
    /// Who push services may contact about our pushes: `mailto:` or `https:`.
    public var vapidSubject: String?
    /// How often the reminder scheduler looks for due work; 0 turns it off on this node.
    public var schedulerSeconds = 30
    /// A bearer token that opens `/metrics` from anywhere; without it, only a direct loopback scrape.
    public var metricsToken: String?
    /// Accept Web Push endpoints on plain http at loopback addresses — for tests, never production.
    public var pushAllowLoopback = false
    /// The push services browsers use; an endpoint anywhere else is refused, so a subscription
    /// can never make Kindred post to a host of someone's choosing (or inside its own network).
    public var pushServiceHosts = KindredConfiguration.browserPushServices
    public static let browserPushServices = ["fcm.googleapis.com", "updates.push.services.mozilla.com", "push.apple.com", "notify.windows.com"]
    /// New accounts per client (or IPv6 /64), and from everyone together, per 15 minutes.
    public var registrationsPerClient = 20
    public var registrationsTotal = 1000
    /// `KINDRED_SIGNUP_CONFIRMATION`: whether a new account waits for a link sent to its email
    /// (`email`) or starts at once (`none`). Unset: by email whenever this Kindred sends email.
    public var signupConfirmation: SignupConfirmation?
    public enum SignupConfirmation: String, Sendable { case byEmail = "email", atOnce = "none" }
    /// Whether sign-up ends with a link by email: then a new address and one already taken get
    /// the same answer, and nobody learns from sign-up which emails have accounts.
    public var confirmsSignupByEmail: Bool { smtp != nil && signupConfirmation != .atOnce }
    /// Password hashes waiting for a thread at most; beyond it sign-ups and sign-ins get 503.
    public var passwordQueueLimit = 64
    /// bcrypt work factor. Not an environment setting: production is always 12;
    /// the test suite lowers it only so that hundreds of sign-ups stay fast.
    public var bcryptCost = 12

    public init() {}

    /// Cookies get `Secure` and the `__Host-` prefix only when people reach us over https.
    public var isHTTPS: Bool { publicURL?.scheme == "https" }

    /// Said loudly at start-up when people reach Kindred over plain http from another
    /// machine: passwords and session cookies would cross the network readable by anyone on it.
    public var plainHTTPWarning: String? {
        guard let publicURL, publicURL.scheme == "http", let host = publicURL.host?.lowercased() else { return nil }
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        let octets = bare.split(separator: ".", omittingEmptySubsequences: false)
        let loopbackIPv4 = octets.count == 4 && octets.first == "127" && octets.allSatisfy { UInt8($0) != nil }
        if bare == "localhost" || bare.hasSuffix(".localhost") || bare == "::1" || loopbackIPv4 { return nil }
        return "KINDRED_PUBLIC_URL is \(publicURL.absoluteString): plain http beyond this machine. "
            + "Passwords, session cookies and everything people write travel unencrypted. "
            + "Put Kindred behind https (a reverse proxy such as nginx, see \"Operating it\" in the README) and set KINDRED_PUBLIC_URL to the https address."
    }

    /// Said at start-up when the key file would travel with every copy of the data folder.
    public var keyInsideDataWarning: String? {
        guard encryptionKeys == nil else { return nil }
        let data = URL(fileURLWithPath: dataDirectory).standardizedFileURL.path
        let keys = URL(fileURLWithPath: keyDirectory).standardizedFileURL.path
        guard keys == data || keys.hasPrefix(data + "/") else { return nil }
        return "KINDRED_KEY_DIR (\(keyDirectory)) is inside the data folder (\(dataDirectory)): a copy of the data folder would carry the key that opens it. "
            + "Choose a folder outside it, and back the key up separately (see \"Keys and backups\" in the README)."
    }

    /// Said at start-up while a copy of the key file an earlier version kept in the data folder
    /// is still there (it was copied to the key folder, never deleted, in case that folder does
    /// not survive a redeploy).
    public var keyLeftInDataWarning: String? {
        guard encryptionKeys == nil, keyInsideDataWarning == nil else { return nil }
        let old = (dataDirectory as NSString).appendingPathComponent(KeyStore.fileName)
        guard FileManager.default.fileExists(atPath: old) else { return nil }
        return "A copy of the encryption key is still in the data folder (\(old)); Kindred now uses the one in \(keyDirectory). "
            + "Make sure \(keyDirectory) is kept (and backed up) wherever the data folder is, then delete the copy in the data folder."
    }

    /// Base for links we hand out (invite links), without a trailing slash. A running server
    /// uses `Application.baseURL`, which knows the port `serve --port` chose.
    public var baseURL: String {
        if let publicURL { return publicURL.absoluteString.hasSuffix("/") ? String(publicURL.absoluteString.dropLast()) : publicURL.absoluteString }
        return "http://\(host):\(port)"
    }

    /// Documents each variable once; the README's table is written from the same list.
    public static let variables: [(name: String, meaning: String)] = [
        ("KINDRED_HOST", "Address to listen on (default 127.0.0.1)."),
        ("KINDRED_PORT", "Port to listen on (default 8080)."),
        ("KINDRED_DATA_DIR", "Folder for the SQLite database (default ./data)."),
        ("DATABASE_URL", "postgres://user:password@host:port/database selects PostgreSQL instead of SQLite."),
        ("KINDRED_PUBLIC_URL", "The address people use, e.g. https://kindred.example.org; https turns on Secure cookies."),
        ("KINDRED_SESSION_IDLE_MINUTES", "Sign out after this many idle minutes (default 30)."),
        ("KINDRED_SESSION_ABSOLUTE_HOURS", "Sign out this many hours after signing in (default 12)."),
        ("KINDRED_QUICK_EXIT_URL", "Where Quick exit goes (default a weather page)."),
        ("KINDRED_LOG_LEVEL", "debug, info, notice, warning, error or critical (default notice); never trace, which would log what people send."),
        ("KINDRED_TRUST_FORWARDED_FOR", "The number of reverse proxies in front of Kindred that append to X-Forwarded-For: 1 behind one nginx (default 0: the header is ignored)."),
        ("KINDRED_DB_POOL_SIZE", "PostgreSQL connections per event loop (default 4)."),
        ("KINDRED_CONTENT_DIR", "A folder whose content files add to or replace the built-in ones (same layout: instruments/…)."),
        ("KINDRED_ENCRYPTION_KEY", "Base64 256-bit keys, comma-separated, newest first, for what people write; default: a key file made in KINDRED_KEY_DIR."),
        ("KINDRED_KEY_DIR", "Folder for the encryption key file, outside the data folder (default: the data folder's path plus -keys, e.g. ./data-keys)."),
        ("KINDRED_SMTP_URL", "smtp://user:password@host:587 (STARTTLS required) or smtp+insecure://host:port (loopback only) to send email; unset: no email."),
        ("KINDRED_MAIL_FROM", "The sender of Kindred's email, e.g. Kindred <hello@kindred.example.org>; needed with KINDRED_SMTP_URL."),
        ("KINDRED_VAPID_PRIVATE_KEY", "Base64url P-256 private key for Web Push; default: a key file vapid.key made in the data folder. Several nodes must share one."),
        ("KINDRED_VAPID_SUBJECT", "mailto: or https: contact given to push services (default: mailto: the KINDRED_MAIL_FROM address, else KINDRED_PUBLIC_URL)."),
        ("KINDRED_METRICS_TOKEN", "A bearer token a Prometheus scraper sends to read /metrics from another machine (at least 32 characters; default: /metrics answers only direct requests from this machine)."),
        ("KINDRED_SCHEDULER_SECONDS", "How often reminders are looked for and sent, in seconds (default 30; 0 turns the scheduler off on this node)."),
        ("KINDRED_PUSH_ALLOW_LOOPBACK", "1 accepts push endpoints on plain http at loopback addresses — for tests only (default 0)."),
        ("KINDRED_REGISTRATIONS_PER_CLIENT", "New accounts one client address (or IPv6 /64) may make per 15 minutes (default 20)."),
        ("KINDRED_REGISTRATIONS_TOTAL", "New accounts everyone together may make per 15 minutes (default 1000)."),
        ("KINDRED_SIGNUP_CONFIRMATION", "email: a new account starts from a link sent to its address, and sign-up never says whether an email is taken; none: it starts at once (default: email when KINDRED_SMTP_URL is set, else none)."),
        ("KINDRED_PUSH_HOSTS", "The push services endpoints may be on, comma-separated host names (default: the browsers' own — Google, Mozilla, Apple, Microsoft)."),
    ]

    /// Read by the test and harness scripts, not by the server; never typos.
    public static let toolVariables: Set<String> = ["KINDRED_BIN", "KINDRED_E2E_PYTHON"]

    /// Reads `environment`; returns the configuration or every problem found.
    public static func load(from environment: [String: String]) -> Result<KindredConfiguration, ConfigurationProblems> {
        var config = KindredConfiguration()
        var problems: [String] = []
        func value(_ name: String) -> String? {
            guard let raw = environment[name]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
            return raw
        }
        func integer(_ name: String, in range: ClosedRange<Int>) -> Int? {
            guard let raw = value(name) else { return nil }
            guard let number = Int(raw), range.contains(number) else {
                problems.append("\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound), not \"\(raw)\".")
                return nil
            }
            return number
        }

        if let host = value("KINDRED_HOST") { config.host = host }
        if let port = integer("KINDRED_PORT", in: 1...65535) { config.port = port }
        if let dir = value("KINDRED_DATA_DIR") { config.dataDirectory = dir }
        if let dir = value("KINDRED_KEY_DIR") { config.keyDirectoryOverride = dir }
        config.storage = .sqlite(path: (config.dataDirectory as NSString).appendingPathComponent("kindred.sqlite"))
        if let url = value("DATABASE_URL") {
            if let parsed = URLComponents(string: url), ["postgres", "postgresql"].contains(parsed.scheme ?? ""), parsed.host?.isEmpty == false {
                config.storage = .postgres(url: url)
            } else {
                problems.append("DATABASE_URL must look like postgres://user:password@host:5432/database.")
            }
        }
        if let raw = value("KINDRED_PUBLIC_URL") {
            if let url = URL(string: raw), ["http", "https"].contains(url.scheme ?? ""), url.host?.isEmpty == false {
                config.publicURL = url
            } else {
                problems.append("KINDRED_PUBLIC_URL must be an http or https address, like https://kindred.example.org.")
            }
        }
        if let minutes = integer("KINDRED_SESSION_IDLE_MINUTES", in: 1...1440) { config.sessionIdleMinutes = minutes }
        if let hours = integer("KINDRED_SESSION_ABSOLUTE_HOURS", in: 1...720) { config.sessionAbsoluteHours = hours }
        if Double(config.sessionIdleMinutes) > Double(config.sessionAbsoluteHours) * 60 {
            problems.append("KINDRED_SESSION_IDLE_MINUTES cannot be longer than KINDRED_SESSION_ABSOLUTE_HOURS.")
        }
        if let raw = value("KINDRED_QUICK_EXIT_URL") {
            if let url = URL(string: raw), ["http", "https"].contains(url.scheme ?? ""), url.host?.isEmpty == false {
                config.quickExitURL = raw
            } else {
                problems.append("KINDRED_QUICK_EXIT_URL must be an http or https address.")
            }
        }
        if let level = value("KINDRED_LOG_LEVEL") {
            // No `trace`: at that level Vapor logs every request as it arrives — cookies,
            // tokens, answers and safety checks — and nothing private may reach a log.
            if level.lowercased() == "trace" {
                problems.append("KINDRED_LOG_LEVEL=trace would write what people send (answers, safety checks, cookies) to the log; the most detailed level is debug.")
            } else if ["debug", "info", "notice", "warning", "error", "critical"].contains(level.lowercased()) {
                config.logLevel = level.lowercased()
            } else {
                problems.append("KINDRED_LOG_LEVEL must be one of debug, info, notice, warning, error, critical.")
            }
        }
        if let raw = value("KINDRED_TRUST_FORWARDED_FOR") {
            switch raw.lowercased() {
            case "true", "yes": config.trustedProxyHops = 1
            case "false", "no": config.trustedProxyHops = 0
            case let number where Int(number).map { (0...5).contains($0) } == true: config.trustedProxyHops = Int(number)!
            default: problems.append("KINDRED_TRUST_FORWARDED_FOR must be the number of proxies in front of Kindred, from 0 to 5.")
            }
        }
        if let size = integer("KINDRED_DB_POOL_SIZE", in: 1...100) { config.databasePoolSize = size }
        if let keys = value("KINDRED_ENCRYPTION_KEY") {
            let parts = keys.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.allSatisfy({ Data(base64Encoded: $0)?.count == 32 }) {
                config.encryptionKeys = keys
            } else {
                problems.append("KINDRED_ENCRYPTION_KEY must be base64 256-bit keys, comma-separated (make one with `openssl rand -base64 32`).")
            }
        }
        if let dir = value("KINDRED_CONTENT_DIR") {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory), isDirectory.boolValue {
                config.contentDirectory = dir
            } else {
                problems.append("KINDRED_CONTENT_DIR must be an existing folder, not \"\(dir)\".")
            }
        }
        if let url = value("KINDRED_SMTP_URL") {
            switch SMTPSettings.parse(url) {
            case .success(let settings) where settings.security == .insecure && !["127.0.0.1", "::1", "localhost"].contains(settings.host):
                problems.append("KINDRED_SMTP_URL: smtp+insecure:// sends passwords and email in the clear, so it is only for a mail server on this machine (127.0.0.1). Use smtp:// with STARTTLS.")
            case .success(let settings): config.smtp = settings
            case .failure(let problem): problems.append("KINDRED_SMTP_URL: \(problem.message)")
            }
        }
        if let from = value("KINDRED_MAIL_FROM") {
            if let parsed = MailAddressParser.parse(from) {
                config.mailFromAddress = parsed.address
                config.mailFromName = parsed.name
            } else {
                problems.append("KINDRED_MAIL_FROM must be an address like hello@kindred.example.org or Kindred <hello@kindred.example.org>.")
            }
        }
        if config.smtp != nil, config.mailFromAddress == nil {
            problems.append("KINDRED_MAIL_FROM is needed with KINDRED_SMTP_URL: email must say who it is from.")
        }
        if let key = value("KINDRED_VAPID_PRIVATE_KEY") {
            if VAPIDKey(base64URLPrivateKey: key) != nil {
                config.vapidPrivateKey = key
            } else {
                problems.append("KINDRED_VAPID_PRIVATE_KEY must be a base64url P-256 private key (32 bytes), as `kindred` writes to vapid.key.")
            }
        }
        if let subject = value("KINDRED_VAPID_SUBJECT") {
            if subject.hasPrefix("mailto:") || subject.hasPrefix("https://") {
                config.vapidSubject = subject
            } else {
                problems.append("KINDRED_VAPID_SUBJECT must start with mailto: or https://.")
            }
        }
        if let seconds = integer("KINDRED_SCHEDULER_SECONDS", in: 0...3600) { config.schedulerSeconds = seconds }
        if let token = value("KINDRED_METRICS_TOKEN") {
            if token.count >= 32 { config.metricsToken = token } else { problems.append("KINDRED_METRICS_TOKEN must be at least 32 characters (make one with `openssl rand -hex 32`).") }
        }
        if let limit = integer("KINDRED_REGISTRATIONS_PER_CLIENT", in: 1...10_000_000) { config.registrationsPerClient = limit }
        if let limit = integer("KINDRED_REGISTRATIONS_TOTAL", in: 1...10_000_000) { config.registrationsTotal = limit }
        if let raw = value("KINDRED_SIGNUP_CONFIRMATION") {
            switch SignupConfirmation(rawValue: raw.lowercased()) {
            case .byEmail? where config.smtp == nil:
                problems.append("KINDRED_SIGNUP_CONFIRMATION=email needs KINDRED_SMTP_URL: the link is sent by email.")
            case let choice?: config.signupConfirmation = choice
            case nil: problems.append("KINDRED_SIGNUP_CONFIRMATION must be email or none.")
            }
        }
        if let raw = value("KINDRED_PUSH_ALLOW_LOOPBACK") {
            switch raw.lowercased() {
            case "1", "true", "yes": config.pushAllowLoopback = true
            case "0", "false", "no": config.pushAllowLoopback = false
            default: problems.append("KINDRED_PUSH_ALLOW_LOOPBACK must be 1 or 0.")
            }
        }
        if let hosts = value("KINDRED_PUSH_HOSTS") {
            let list = hosts.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty }
            if !list.isEmpty, list.allSatisfy({ $0.contains(".") && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" } }) {
                config.pushServiceHosts = list
            } else {
                problems.append("KINDRED_PUSH_HOSTS must be host names separated by commas, like fcm.googleapis.com,push.apple.com.")
            }
        }
        let known = Set(variables.map(\.name)).union(toolVariables)
        for name in environment.keys.sorted() where name.hasPrefix("KINDRED_") && !name.hasPrefix("KINDRED_TEST_") && !known.contains(name) {
            problems.append("\(name) is not a setting Kindred knows (a typo?).")
        }
        return problems.isEmpty ? .success(config) : .failure(ConfigurationProblems(problems: problems))
    }
}

public struct ConfigurationProblems: Error, Equatable, CustomStringConvertible {
    public let problems: [String]
    public var description: String {
        (["Kindred cannot start; fix the configuration:"] + problems.map { "  - \($0)" }).joined(separator: "\n")
    }
}

extension KindredConfiguration {
    /// Where data lives, for the start-up log line (never the database password).
    public var storageDescription: String {
        switch storage {
        case .sqlite(let path): "SQLite database at \(path)"
        case .sqliteInMemory: "in-memory SQLite database"
        case .postgres(let url):
            "PostgreSQL at \(URLComponents(string: url).map { "\($0.host ?? "?"):\($0.port.map(String.init) ?? "5432")\($0.path)" } ?? "?")"
        }
    }
}

extension KindredConfiguration {
    /// Built-in content first, then the operator's folder, whose files win by key.
    public var contentDirectories: [URL] {
        [ContentLibrary.builtInDirectory].compactMap { $0 } + (contentDirectory.map { [URL(fileURLWithPath: $0)] } ?? [])
    }

    /// Loads the content this configuration names, or every problem in it.
    public func loadContent() -> Result<ContentLibrary, ContentProblems> {
        ContentLibrary.load(directories: contentDirectories)
    }
}

extension KindredConfiguration {
    /// Who push services may contact: the configured subject, else the mail sender, else the site.
    var effectiveVAPIDSubject: String {
        if let vapidSubject { return vapidSubject }
        if let mailFromAddress { return "mailto:\(mailFromAddress)" }
        if let publicURL, publicURL.scheme == "https" { return publicURL.absoluteString }
        return "mailto:postmaster@\(publicURL?.host ?? "localhost")"
    }

    /// The Web Push signing key, from the environment or the data folder's key file.
    func loadVAPIDKey() throws -> VAPIDKey {
        if let vapidPrivateKey, let key = VAPIDKey(base64URLPrivateKey: vapidPrivateKey) { return key }
        return try VAPIDKeyFile.load(dataDirectory: dataDirectory)
    }
}

extension KindredConfiguration {
    /// The cipher for what people write, from the environment or the key folder's key file.
    public func loadCipher() throws -> TextCipher {
        try KeyStore.load(environmentValue: encryptionKeys, keyDirectory: keyDirectory, legacyDirectory: dataDirectory)
    }
}
