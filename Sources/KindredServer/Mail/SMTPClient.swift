import Foundation
import NIOCore
import NIOPosix
import NIOSSL

enum SMTPError: Error, Equatable {
    case connectFailed(String)
    case timedOut(stage: String)
    /// `.startTLS` was required but the server did not offer it; nothing sensitive was sent.
    case tlsUnavailable
    case tlsFailed(String)
    case authenticationFailed(code: Int, text: String)
    case rejected(stage: String, code: Int, text: String)
    case closed(stage: String)
    case protocolError(String)
}

/// Submits mail over SMTP: one session per call. `send(_ messages:)` delivers many messages
/// over one connection, resetting the transaction after a per-message rejection.
final class SMTPClient: Sendable {
    let settings: SMTPSettings
    private let eventLoopGroup: any EventLoopGroup
    /// Built once, because loading the system trust store is not free; nil for `.insecure`.
    private let tlsContext: Result<NIOSSLContext, SMTPError>?

    init(settings: SMTPSettings, eventLoopGroup: any EventLoopGroup) {
        self.settings = settings
        self.eventLoopGroup = eventLoopGroup
        guard settings.security == .startTLS else {
            self.tlsContext = nil
            return
        }
        self.tlsContext = Result {
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.minimumTLSVersion = .tlsv12
            if let pem = settings.trustRootsPEM {
                configuration.additionalTrustRoots = [.certificates(try NIOSSLCertificate.fromPEMBytes(Array(pem.utf8)))]
            }
            return try NIOSSLContext(configuration: configuration)
        }.mapError { SMTPError.tlsFailed("cannot set up TLS (check trustRootsPEM): \($0)") }
    }

    func send(_ message: MailMessage) async throws {
        try await send([message])[0].get()
    }

    /// Outcomes in the order given. Throws only when no message could be attempted (connect,
    /// greeting, EHLO, TLS or AUTH failed); if the session breaks later, the affected message
    /// and all after it fail with that error. `accepted` hears each message's index the moment
    /// the server takes it, so a caller can record it before the next one is sent.
    func send(_ messages: [MailMessage], accepted: @Sendable (Int) async -> Void = { _ in }) async throws -> [Result<Void, SMTPError>] {
        guard !messages.isEmpty else { return [] }
        guard settings.heloName.utf8.allSatisfy({ (33...126).contains($0) }), !settings.heloName.isEmpty else {
            throw SMTPError.protocolError("heloName '\(settings.heloName)' is not a valid host name")
        }
        let tls = try tlsContext?.get()
        let connection = try await SMTPConnection.connect(settings: settings, group: eventLoopGroup)
        return try await withTaskCancellationHandler {
            do {
                try await openSession(connection, tls: tls)
            } catch {
                connection.close()
                throw error
            }
            var results: [Result<Void, SMTPError>] = []
            var broken: SMTPError?
            for (index, message) in messages.enumerated() {
                if let broken {
                    results.append(.failure(broken))
                } else if let problem = Self.addressProblem(message) {
                    results.append(.failure(problem))
                } else {
                    do {
                        try await deliver(message, over: connection)
                        results.append(.success(()))
                        await accepted(index)
                    } catch {
                        let error = SMTPConnection.smtpError(error)
                        results.append(.failure(error))
                        // 421 means the server is closing; anything but a plain rejection
                        // leaves the conversation out of step, so it cannot be reused.
                        guard case .rejected(_, let code, _) = error, code != 421 else {
                            broken = error
                            continue
                        }
                        do { try await connection.expect(2, "RSET", stage: "RSET") } catch {
                            broken = SMTPConnection.smtpError(error)
                        }
                    }
                }
            }
            if broken == nil { _ = try? await connection.command("QUIT", stage: "QUIT") }
            connection.close()
            return results
        } onCancel: {
            connection.close()
        }
    }

    private func openSession(_ connection: SMTPConnection, tls: NIOSSLContext?) async throws {
        try await connection.expect(2, nil, stage: "greeting")
        var extensions = try await connection.ehlo(settings.heloName)
        if let tls {
            // Without STARTTLS the credentials and mail would cross the network in clear.
            guard extensions["STARTTLS"] != nil else { throw SMTPError.tlsUnavailable }
            try await connection.expect(2, "STARTTLS", stage: "STARTTLS")
            try await connection.startTLS(tls, host: settings.host)
            // RFC 3207: everything learned before TLS must be forgotten, so ask again.
            extensions = try await connection.ehlo(settings.heloName)
        }
        if let username = settings.username {
            try await authenticate(connection, extensions: extensions, username: username, password: settings.password ?? "")
        }
    }

    private func authenticate(
        _ connection: SMTPConnection, extensions: [String: [String]], username: String, password: String
    ) async throws {
        guard let mechanisms = extensions["AUTH"] else {
            throw SMTPError.protocolError("credentials are configured but the server does not offer AUTH")
        }
        func step(_ line: String, expecting code: Int) async throws {
            let reply = try await connection.command(line, stage: "AUTH")
            guard reply.code == code else { throw SMTPError.authenticationFailed(code: reply.code, text: reply.text) }
        }
        func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }
        if mechanisms.contains("PLAIN") {
            let token = Data([0] + Array(username.utf8) + [0] + Array(password.utf8)).base64EncodedString()
            try await step("AUTH PLAIN \(token)", expecting: 235)
        } else {
            try await step("AUTH LOGIN", expecting: 334)
            try await step(base64(username), expecting: 334)
            try await step(base64(password), expecting: 235)
        }
    }

    private func deliver(_ message: MailMessage, over connection: SMTPConnection) async throws {
        try await connection.expect(2, "MAIL FROM:<\(message.fromAddress)>", stage: "MAIL FROM")
        try await connection.expect(2, "RCPT TO:<\(message.to)>", stage: "RCPT TO")
        try await connection.expect(3, "DATA", stage: "DATA")
        let reply = try await connection.exchange(Self.dataPayload(message.rendered()), stage: "message body")
        _ = try SMTPConnection.check(reply, 2, stage: "message body")
    }

    /// Addresses go inside `<...>` on a command line, so these characters would let a value
    /// end the command early or smuggle in another one.
    static func addressProblem(_ message: MailMessage) -> SMTPError? {
        for (role, address) in [("sender", message.fromAddress), ("recipient", message.to)] {
            let bad = address.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F || $0 == "<" || $0 == ">" }
            if bad || (role == "recipient" && address.isEmpty) {
                return .protocolError("refusing \(role) address \(address.debugDescription): empty or contains CR, LF, '<' or '>'")
            }
        }
        return nil
    }

    /// DATA payload: CRLF line endings, a "." doubled at the start of every line so the server
    /// cannot mistake it for the end, then the terminating CRLF.CRLF.
    static func dataPayload(_ rendered: String) -> ByteBuffer {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(rendered.utf8.count + 64)
        var previous = UInt8(ascii: "\n")
        for byte in rendered.utf8 {
            if previous == UInt8(ascii: "\n"), byte == UInt8(ascii: ".") { bytes.append(byte) }
            if byte == UInt8(ascii: "\n"), previous != UInt8(ascii: "\r") { bytes.append(UInt8(ascii: "\r")) }
            bytes.append(byte)
            previous = byte
        }
        if !bytes.isEmpty, previous != UInt8(ascii: "\n") { bytes += Array("\r\n".utf8) }
        bytes += Array(".\r\n".utf8)
        return ByteBuffer(bytes: bytes)
    }
}

/// An open SMTP channel and the one-command-at-a-time conversation over it.
struct SMTPConnection: Sendable {
    let channel: any Channel

    static func connect(settings: SMTPSettings, group: any EventLoopGroup) async throws -> SMTPConnection {
        let timeout = TimeAmount.nanoseconds(Int64(max(0.001, min(settings.timeout, 86_400)) * 1e9))
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(SMTPConnectionHandler(timeout: timeout))
                }
            }
        do {
            return SMTPConnection(channel: try await bootstrap.connect(host: settings.host, port: settings.port).get())
        } catch ChannelError.connectTimeout {
            throw SMTPError.timedOut(stage: "connect")
        } catch {
            throw SMTPError.connectFailed("\(settings.host):\(settings.port): \(error)")
        }
    }

    /// Sends `line` (nothing, for the greeting) and waits for the reply, within the timeout.
    func command(_ line: String?, stage: String) async throws -> SMTPReply {
        try await exchange(line.map { ByteBuffer(string: $0 + "\r\n") }, stage: stage)
    }

    func exchange(_ bytes: ByteBuffer?, stage: String) async throws -> SMTPReply {
        let promise = channel.eventLoop.makePromise(of: SMTPReply.self)
        // If the channel is already gone the handler never sees the request.
        channel.writeAndFlush(SMTPRequest.command(bytes, stage: stage, promise)).whenFailure { _ in
            promise.fail(SMTPError.closed(stage: stage))
        }
        do { return try await promise.futureResult.get() } catch { throw Self.smtpError(error) }
    }

    /// RFC 5321 asks clients to judge replies by their first digit (so 251 to RCPT is fine).
    @discardableResult
    func expect(_ replyClass: Int, _ line: String?, stage: String) async throws -> SMTPReply {
        try Self.check(await command(line, stage: stage), replyClass, stage: stage)
    }

    static func check(_ reply: SMTPReply, _ replyClass: Int, stage: String) throws -> SMTPReply {
        guard reply.code / 100 == replyClass else {
            throw SMTPError.rejected(stage: stage, code: reply.code, text: reply.text)
        }
        return reply
    }

    /// EHLO's extensions, keyword upper-cased, e.g. ["AUTH": ["PLAIN", "LOGIN"], "STARTTLS": []].
    func ehlo(_ name: String) async throws -> [String: [String]] {
        let reply = try await expect(2, "EHLO \(name)", stage: "EHLO")
        var extensions: [String: [String]] = [:]
        for line in reply.lines.dropFirst() {
            var words = line.split(separator: " ").map { $0.uppercased() }
            guard !words.isEmpty else { continue }
            var keyword = words.removeFirst()
            // Some old servers still advertise "AUTH=LOGIN PLAIN".
            if keyword.hasPrefix("AUTH=") {
                words.insert(String(keyword.dropFirst(5)), at: 0)
                keyword = "AUTH"
            }
            extensions[keyword, default: []] += words
        }
        return extensions
    }

    func startTLS(_ context: NIOSSLContext, host: String) async throws {
        let promise = channel.eventLoop.makePromise(of: Void.self)
        // SNI must not carry an IP address; NIOSSL then checks the IP against the certificate.
        let isIP = (try? SocketAddress(ipAddress: host, port: 0)) != nil
        channel.writeAndFlush(SMTPRequest.startTLS(context, serverHostname: isIP ? nil : host, promise)).whenFailure { _ in
            promise.fail(SMTPError.closed(stage: "TLS handshake"))
        }
        do { try await promise.futureResult.get() } catch { throw Self.smtpError(error) }
    }

    func close() {
        channel.close(promise: nil)
    }

    static func smtpError(_ error: any Error) -> SMTPError {
        error as? SMTPError ?? .protocolError(String(describing: error))
    }
}
