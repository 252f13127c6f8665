import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import XCTest

@testable import KindredServer

final class SMTPClientTests: XCTestCase {
    // MARK: Sessions against the scripted server

    func testFullInsecureSessionSendsExactCommandsAndEncodedMessage() async throws {
        let server = try await FakeSMTPServer.start()
        defer { server.stop() }
        let message = MailMessage(
            fromAddress: "hello@kindred.example", fromName: "Kindred", to: "zoe@example.com",
            subject: "Café ☕ reminder",
            text: "Hi Zoë,\n.\n.hidden line\r\n" + String(repeating: "a", count: 100) + "\nend = fin \n",
            extraHeaders: [
                MailHeader(name: "List-Unsubscribe", value: "<https://kindred.example/u/abc>, <mailto:unsub@kindred.example>"),
                MailHeader(name: "List-Unsubscribe-Post", value: "List-Unsubscribe=One-Click"),
            ],
            messageID: "<id-1@kindred.example>", date: Date(timeIntervalSince1970: 1_751_360_700)
        )
        try await client(server) { $0.heloName = "kindred.test" }.send(message)

        XCTAssertEqual(server.log.commands, [
            "EHLO kindred.test", "MAIL FROM:<hello@kindred.example>", "RCPT TO:<zoe@example.com>", "DATA", "QUIT",
        ])
        let payload = try XCTUnwrap(server.log.messages.first)
        XCTAssertTrue(payload.hasSuffix("\r\nend =3D fin=20\r\n.\r\n"), "CRLF.CRLF terminator after the last line")
        XCTAssertTrue(payload.contains("\r\nHi Zo=C3=AB,\r\n..\r\n..hidden line\r\n"), "dot-stuffed lines")
        XCTAssertEqual(unstuffed(payload), message.rendered())
        let (headers, body) = split(message.rendered())
        XCTAssertEqual(headers, [
            "Date: Tue, 01 Jul 2025 09:05:00 +0000",
            "From: \"Kindred\" <hello@kindred.example>",
            "To: zoe@example.com",
            "Subject: =?utf-8?B?Q2Fmw6kg4piVIHJlbWluZGVy?=",
            "Message-ID: <id-1@kindred.example>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable",
            "List-Unsubscribe: <https://kindred.example/u/abc>,", " <mailto:unsub@kindred.example>",  // folded at 78
            "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
        ])
        XCTAssertEqual(body, [
            "Hi Zo=C3=AB,", ".", ".hidden line", String(repeating: "a", count: 75) + "=", String(repeating: "a", count: 25),
            "end =3D fin=20",
        ])
    }

    func testSeveralMessagesOverOneConnectionWithOneRecipientRejected() async throws {
        let server = try await FakeSMTPServer.start(respond: { line in
            line == "RCPT TO:<nobody@example.com>" ? .send(["550 5.1.1 No such user\r\n"]) : nil
        })
        defer { server.stop() }
        let messages = ["one@example.com", "nobody@example.com", "three@example.com"].map {
            MailMessage(fromAddress: "hello@kindred.example", to: $0, subject: "Hi", text: "Hello")
        }
        let results = try await client(server).send(messages)

        XCTAssertEqual(results.map(\.smtpFailure), [nil, .rejected(stage: "RCPT TO", code: 550, text: "5.1.1 No such user"), nil])
        XCTAssertEqual(server.log.commands, [
            "EHLO localhost",
            "MAIL FROM:<hello@kindred.example>", "RCPT TO:<one@example.com>", "DATA",
            "MAIL FROM:<hello@kindred.example>", "RCPT TO:<nobody@example.com>", "RSET",
            "MAIL FROM:<hello@kindred.example>", "RCPT TO:<three@example.com>", "DATA",
            "QUIT",
        ])
        XCTAssertEqual(server.log.messages.count, 2)
    }

    func testServerClosingTheSessionFailsThisAndLaterMessagesWithoutThrowing() async throws {
        let server = try await FakeSMTPServer.start(respond: { line in
            line.hasPrefix("MAIL") ? .send(["421 4.3.2 Shutting down\r\n"]) : nil
        })
        defer { server.stop() }
        let results = try await client(server).send([.sample, .sample])
        let shutdown = SMTPError.rejected(stage: "MAIL FROM", code: 421, text: "4.3.2 Shutting down")
        XCTAssertEqual(results.map(\.smtpFailure), [shutdown, shutdown])
        XCTAssertEqual(server.log.commands, ["EHLO localhost", "MAIL FROM:<hello@kindred.example>"])
    }

    func testUnreachableServerIsConnectFailed() async throws {
        let server = try await FakeSMTPServer.start()
        try await server.channel.close()
        guard case .connectFailed = await sendError(client(server)) else { return XCTFail("expected connectFailed") }
    }

    func testStartTLSWithTrustedSelfSignedCertificateThenAuthPlain() async throws {
        // Both an IP (verified against the IP SAN, no SNI) and a name (SNI + DNS SAN).
        for host in ["127.0.0.1", "localhost"] {
            let server = try await FakeSMTPServer.start(extensions: ["STARTTLS", "AUTH PLAIN LOGIN"], tls: try serverTLS())
            defer { server.stop() }
            let tlsClient = client(server) {
                $0.host = host
                $0.security = .startTLS
                ($0.username, $0.password, $0.trustRootsPEM) = ("kindred", "s3cret", smtpTestCertificatePEM)
            }
            try await tlsClient.send(MailMessage(fromAddress: "a@kindred.example", to: "b@example.com", subject: "S", text: "T"))
            XCTAssertEqual(server.log.commands, [
                "EHLO localhost", "STARTTLS", "<TLS>", "EHLO localhost", "AUTH PLAIN AGtpbmRyZWQAczNjcmV0",
                "MAIL FROM:<a@kindred.example>", "RCPT TO:<b@example.com>", "DATA", "QUIT",
            ], host)
            XCTAssertEqual(Data(base64Encoded: "AGtpbmRyZWQAczNjcmV0"), Data("\0kindred\0s3cret".utf8))
        }
    }

    func testUntrustedCertificateFailsTheHandshakeBeforeAuth() async throws {
        let server = try await FakeSMTPServer.start(extensions: ["STARTTLS", "AUTH PLAIN"], tls: try serverTLS())
        defer { server.stop() }
        let error = await sendError(client(server) { $0.security = .startTLS; ($0.username, $0.password) = ("u", "p") })
        guard case .tlsFailed = error else { return XCTFail("expected tlsFailed, got \(String(describing: error))") }
        XCTAssertEqual(server.log.commands, ["EHLO localhost", "STARTTLS", "<TLS>"])
    }

    func testStartTLSRequiredButNotOfferedSendsNothingSensitive() async throws {
        let server = try await FakeSMTPServer.start(extensions: ["AUTH PLAIN LOGIN"])
        defer { server.stop() }
        let error = await sendError(client(server) { $0.security = .startTLS; ($0.username, $0.password) = ("u", "p") })
        XCTAssertEqual(error, .tlsUnavailable)
        XCTAssertEqual(server.log.commands, ["EHLO localhost"])
    }

    func testSilentServerTimesOutWithinTheConfiguredTimeout() async throws {
        let server = try await FakeSMTPServer.start(greeting: [])
        defer { server.stop() }
        let started = Date()
        let error = await sendError(client(server) { $0.timeout = 0.3 })
        XCTAssertEqual(error, .timedOut(stage: "greeting"))
        XCTAssertLessThan(Date().timeIntervalSince(started), 3)
    }

    func testRejectedAuthenticationIsReportedAndNoMailIsSent() async throws {
        let server = try await FakeSMTPServer.start(extensions: ["AUTH PLAIN"], respond: { line in
            line.hasPrefix("AUTH") ? .send(["535 5.7.8 Authentication credentials invalid\r\n"]) : nil
        })
        defer { server.stop() }
        let error = await sendError(client(server) { ($0.username, $0.password) = ("u", "wrong") })
        XCTAssertEqual(error, .authenticationFailed(code: 535, text: "5.7.8 Authentication credentials invalid"))
        XCTAssertFalse(server.log.commands.contains { $0.hasPrefix("MAIL") })
    }

    func testAuthLoginIsUsedWhenPlainIsNotOffered() async throws {
        let server = try await FakeSMTPServer.start(extensions: ["AUTH LOGIN"])
        defer { server.stop() }
        try await client(server) { ($0.username, $0.password) = ("kindred", "s3cret") }.send(.sample)
        XCTAssertEqual(Array(server.log.commands[1...3]), ["AUTH LOGIN", "a2luZHJlZA==", "czNjcmV0"])
    }

    func testRepliesSplitAcrossTCPWritesAreReassembled() async throws {
        let server = try await FakeSMTPServer.start(greeting: ["22", "0 fake.test ready\r\n"], respond: { line in
            line.hasPrefix("EHLO")
                ? .send(["250-fake.test hi\r\n250-PIPE", "LINING\r\n250-AUTH PL", "AIN\r\n250 SIZE 1000", "0\r\n"]) : nil
        })
        defer { server.stop() }
        try await client(server) { ($0.username, $0.password) = ("kindred", "s3cret") }.send(.sample)
        XCTAssertEqual(server.log.commands[1], "AUTH PLAIN AGtpbmRyZWQAczNjcmV0", "AUTH PLAIN came from the reassembled EHLO")
        XCTAssertEqual(server.log.messages.count, 1)
    }

    func testDataSmuggledAfterStartTLSReplyIsRefused() async throws {
        let server = try await FakeSMTPServer.start(extensions: ["STARTTLS", "AUTH PLAIN"], respond: { line in
            line == "STARTTLS" ? .send(["220 go ahead\r\n250-evil\r\n250 AUTH PLAIN\r\n"]) : nil
        })
        defer { server.stop() }
        let error = await sendError(client(server) {
            $0.security = .startTLS
            ($0.username, $0.password, $0.trustRootsPEM) = ("u", "p", smtpTestCertificatePEM)
        })
        // protocolError when the extra bytes arrive with the 220 (the usual case), tlsFailed if
        // they come in a later read and hit the TLS handler; without the check it times out.
        switch error {
        case .protocolError?, .tlsFailed?: break
        default: XCTFail("expected protocolError, got \(String(describing: error))")
        }
        XCTAssertEqual(server.log.commands, ["EHLO localhost", "STARTTLS"])
    }

    func testHeaderInjectionAttemptsProduceNoExtraHeaderAndBadRecipientIsRefused() async throws {
        let message = MailMessage(
            fromAddress: "a@kindred.example", fromName: "Eve\r\nBcc: x@evil.example", to: "b@example.com\r\nBcc: y@evil.example",
            subject: "Hi\r\nBcc: z@evil.example\nX-Evil: 1", text: "Body",
            extraHeaders: [MailHeader(name: "X-Note", value: "ok\r\nBcc: w@evil.example"), MailHeader(name: "Bad Name:", value: "v")]
        )
        let lines = message.rendered().components(separatedBy: "\r\n")
        XCTAssertFalse(lines.contains { $0.hasPrefix("Bcc") || $0.hasPrefix("X-Evil") || $0.hasPrefix("Bad") }, "\(lines)")
        XCTAssertTrue(lines.contains("Subject: Hi  Bcc: z@evil.example X-Evil: 1"))
        XCTAssertTrue(lines.contains("X-Note: ok  Bcc: w@evil.example"))

        let server = try await FakeSMTPServer.start()
        defer { server.stop() }
        let results = try await client(server).send([message, .sample])
        guard case .protocolError = results[0].smtpFailure else { return XCTFail("recipient with CRLF must be refused") }
        XCTAssertNil(results[1].smtpFailure)
        XCTAssertEqual(server.log.commands.filter { $0.hasPrefix("RCPT") }, ["RCPT TO:<zoe@example.com>"])
    }

    // MARK: Pieces

    func testReplyParserHandlesSplitAndCombinedRepliesAndRejectsGarbage() throws {
        var parser = SMTPReplyParser()
        var part = ByteBuffer(string: "250-a\r\n25")
        XCTAssertEqual(try parser.feed(&part), [])
        var rest = ByteBuffer(string: "0 b\r\n354 go\n221 bye\r\n")
        XCTAssertEqual(try parser.feed(&rest), [
            SMTPReply(code: 250, lines: ["a", "b"]), SMTPReply(code: 354, lines: ["go"]), SMTPReply(code: 221, lines: ["bye"]),
        ])
        XCTAssertTrue(parser.isIdle)
        var mismatch = ByteBuffer(string: "250-a\r\n251 b\r\n")
        XCTAssertThrowsError(try SMTPReplyParser().feedCopy(&mismatch))
        var garbage = ByteBuffer(string: "hello\r\n")
        XCTAssertThrowsError(try SMTPReplyParser().feedCopy(&garbage))
    }

    func testRenderingEncodesNamesFoldsLongSubjectsAndKeepsLinesShort() throws {
        let subject = String(repeating: "Ünïcödé ", count: 12)
        let message = MailMessage(fromAddress: "a@kindred.example", fromName: "Zoë", to: "b@example.com", subject: subject,
                                  text: String(repeating: "é", count: 60) + " \t")
        let (headers, body) = split(message.rendered())
        XCTAssertEqual(headers[1], "From: =?utf-8?B?Wm/Dqw==?=")
        XCTAssertEqual(headers[2], " <a@kindred.example>")
        let subjectLines = headers.drop { !$0.hasPrefix("Subject:") }.prefix { !$0.hasPrefix("Message-ID") }
        XCTAssertGreaterThan(subjectLines.count, 1)
        let words = subjectLines.map { $0.replacingOccurrences(of: "Subject: ", with: "").trimmingCharacters(in: .whitespaces) }
        XCTAssertTrue(words.allSatisfy { $0.count <= 75 && $0.hasPrefix("=?utf-8?B?") && $0.hasSuffix("?=") })
        let decoded = words.map { String(decoding: Data(base64Encoded: String($0.dropFirst(10).dropLast(2)))!, as: UTF8.self) }
        XCTAssertEqual(decoded.joined(), subject)
        XCTAssertTrue((headers + body).allSatisfy { $0.utf8.count <= 78 })
        XCTAssertTrue(body.last!.hasSuffix(" =09"), "trailing whitespace is encoded")
        let stacked = MailMessage(fromAddress: "a@kindred.example", to: "b@example.com",
                                  subject: "Z" + String(repeating: "\u{301}", count: 100), text: "")
        XCTAssertTrue(stacked.rendered().components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 78 })
    }

    func testSettingsParse() {
        let good = SMTPSettings.parse("smtp://mailer:p%40ss%3Aw0rd@smtp.example.com:2587")
        XCTAssertEqual(try good.get(), SMTPSettings(host: "smtp.example.com", port: 2587, username: "mailer", password: "p@ss:w0rd"))
        XCTAssertEqual(try SMTPSettings.parse("smtp://smtp.example.com").get(), SMTPSettings(host: "smtp.example.com"))
        XCTAssertEqual(try SMTPSettings.parse("smtp+insecure://127.0.0.1:2525").get(),
                       SMTPSettings(host: "127.0.0.1", port: 2525, security: .insecure))
        for bad in ["smtps://h:465", "http://h", "smtp://", "smtp://:587", "smtp://h:0", "smtp://h:99999", "smtp://h:abc",
                    "smtp://:secret@h", "not a url"] {
            guard case .failure(let problem) = SMTPSettings.parse(bad) else { XCTFail("\(bad) should fail"); continue }
            XCTAssertFalse(problem.message.isEmpty)
        }
        let description = (try? good.get())?.redactedDescription ?? ""
        XCTAssertEqual(description, "smtp.example.com:2587 (STARTTLS, with authentication)")
        XCTAssertFalse(description.contains("p@ss"))
    }

    // MARK: Helpers

    private func client(_ server: FakeSMTPServer, _ configure: (inout SMTPSettings) -> Void = { _ in }) -> SMTPClient {
        var settings = SMTPSettings(host: "127.0.0.1", port: server.port, security: .insecure, timeout: 5)
        configure(&settings)
        return SMTPClient(settings: settings, eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
    }

    private func sendError(_ client: SMTPClient) async -> SMTPError? {
        do {
            try await client.send(.sample)
            return nil
        } catch {
            return error as? SMTPError
        }
    }

    private func unstuffed(_ payload: String) -> String {
        String(decoding: payload.utf8.dropLast(3), as: UTF8.self).replacingOccurrences(of: "\r\n..", with: "\r\n.")
    }

    private func split(_ rendered: String) -> (headers: [String], body: [String]) {
        let parts = rendered.components(separatedBy: "\r\n\r\n")
        return (parts[0].components(separatedBy: "\r\n"), parts[1...].joined(separator: "\r\n\r\n").components(separatedBy: "\r\n").dropLast())
    }

    private func serverTLS() throws -> NIOSSLContext {
        try NIOSSLContext(configuration: .makeServerConfiguration(
            certificateChain: [.certificate(try NIOSSLCertificate(bytes: Array(smtpTestCertificatePEM.utf8), format: .pem))],
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(smtpTestKeyPEM.utf8), format: .pem))
        ))
    }
}

extension SMTPReplyParser {
    fileprivate func feedCopy(_ buffer: inout ByteBuffer) throws -> [SMTPReply] {
        var copy = self
        return try copy.feed(&buffer)
    }
}

extension MailMessage {
    fileprivate static let sample = MailMessage(fromAddress: "hello@kindred.example", to: "zoe@example.com", subject: "Hi", text: "Hello")
}

extension Result {
    fileprivate var smtpFailure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}

// MARK: - A scripted SMTP server on loopback

private enum FakeReply: Sendable {
    /// Written in separate TCP writes, 30 ms apart.
    case send([String])
    /// Answers 220 and starts TLS with the server's context.
    case startTLS
}

private final class ServerLog: @unchecked Sendable {
    private let lock = NSLock()
    private var storedCommands: [String] = []
    private var storedMessages: [String] = []
    var commands: [String] { lock.lock(); defer { lock.unlock() }; return storedCommands }
    var messages: [String] { lock.lock(); defer { lock.unlock() }; return storedMessages }
    func command(_ line: String) { lock.lock(); storedCommands.append(line); lock.unlock() }
    func message(_ payload: String) { lock.lock(); storedMessages.append(payload); lock.unlock() }
}

private struct FakeSMTPServer: Sendable {
    struct Script: Sendable {
        var greeting: [String]
        var extensions: [String]
        var tls: NIOSSLContext?
        var respond: @Sendable (String) -> FakeReply?
    }

    let channel: any Channel
    let log: ServerLog
    let port: Int

    static func start(
        greeting: [String] = ["220 fake.test ESMTP ready\r\n"], extensions: [String] = ["8BITMIME", "SIZE 10240000"],
        tls: NIOSSLContext? = nil, respond: @escaping @Sendable (String) -> FakeReply? = { _ in nil }
    ) async throws -> FakeSMTPServer {
        let log = ServerLog()
        let script = Script(greeting: greeting, extensions: extensions, tls: tls, respond: respond)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandler(FakeServerHandler(script: script, log: log))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return FakeSMTPServer(channel: channel, log: log, port: channel.localAddress?.port ?? 0)
    }

    func stop() { channel.close(promise: nil) }
}

private final class FakeServerHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    static let endOfData = "<end of data>"
    private let script: FakeSMTPServer.Script
    private let log: ServerLog
    private var buffer = ByteBuffer()
    private var inData = false
    private var loginStep = 0

    init(script: FakeSMTPServer.Script, log: ServerLog) { (self.script, self.log) = (script, log) }

    func channelActive(context: ChannelHandlerContext) { send(script.greeting, context: context) }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        buffer.writeBuffer(&incoming)
        while true {
            let bytes = Array(buffer.readableBytesView)
            if inData {
                guard let end = (0..<max(0, bytes.count - 4)).first(where: { bytes[$0..<$0 + 5].elementsEqual("\r\n.\r\n".utf8) })
                else { return }
                log.message(buffer.readString(length: end + 5)!)
                inData = false
                respond(to: Self.endOfData, context: context)
            } else {
                guard let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) else { return }
                let line = buffer.readString(length: newline + 1)!.trimmingCharacters(in: .newlines)
                log.command(line)
                respond(to: line, context: context)
            }
        }
    }

    private func respond(to line: String, context: ChannelHandlerContext) {
        switch script.respond(line) ?? defaultReply(line.uppercased()) {
        case .send(let chunks):
            inData = line.uppercased() == "DATA" && chunks.first?.hasPrefix("354") == true
            send(chunks, context: context)
            if line.uppercased() == "QUIT" { context.close(promise: nil) }
        case .startTLS:
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "220 2.0.0 Ready to start TLS\r\n")), promise: nil)
            try! context.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: script.tls!), position: .first)
            log.command("<TLS>")
        }
    }

    private func defaultReply(_ line: String) -> FakeReply {
        let reply: String
        switch (loginStep, line) {
        case (1, _): (loginStep, reply) = (2, "334 UGFzc3dvcmQ6")
        case (2, _): (loginStep, reply) = (0, "235 2.7.0 Authentication successful")
        case (_, let l) where l.hasPrefix("EHLO"):
            let lines = ["fake.test greets you"] + script.extensions
            return .send([lines.enumerated().map { "250\($0 == lines.count - 1 ? " " : "-")\($1)\r\n" }.joined()])
        case (_, "STARTTLS"): if script.tls != nil { return .startTLS } else { reply = "454 4.7.0 TLS not available" }
        case (_, "AUTH LOGIN"): (loginStep, reply) = (1, "334 VXNlcm5hbWU6")
        case (_, let l) where l.hasPrefix("AUTH PLAIN"): reply = "235 2.7.0 Authentication successful"
        case (_, let l) where l.hasPrefix("MAIL FROM:") || l.hasPrefix("RCPT TO:") || l == "RSET" || l == "NOOP":
            reply = "250 2.0.0 Ok"
        case (_, "DATA"): reply = "354 End data with <CR><LF>.<CR><LF>"
        case (_, Self.endOfData.uppercased()): reply = "250 2.0.0 Ok: queued"
        case (_, "QUIT"): reply = "221 2.0.0 Bye"
        default: reply = "502 5.5.2 Command not recognized"
        }
        return .send([reply + "\r\n"])
    }

    private func send(_ chunks: [String], context: ChannelHandlerContext) {
        for (index, chunk) in chunks.enumerated() {
            if index == 0 {
                context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: chunk)), promise: nil)
            } else {
                let channel = context.channel
                context.eventLoop.scheduleTask(in: .milliseconds(30 * Int64(index))) {
                    channel.writeAndFlush(ByteBuffer(string: chunk), promise: nil)
                }
            }
        }
    }
}

// Self-signed for CN=localhost, SAN DNS:localhost and IP:127.0.0.1, valid until 2126.
private let smtpTestCertificatePEM = """
    -----BEGIN CERTIFICATE-----
    MIIBnDCCAUGgAwIBAgIUW+R5WqR6iBC2VMdw8SRZhgniRycwCgYIKoZIzj0EAwIw
    FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEzMDA1MTA0MVoYDzIxMjYxMTA2
    MDUxMDQxWjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
    PQMBBwNCAAR5bQD762fxYFEG8+As/NrFEVkBqssBhjNe5YDc8hn4eRjod7+vQYEI
    nUvaHihXHLV8uv7Pa8StAQ8UWTl/3/Bzo28wbTAdBgNVHQ4EFgQUuKcxQubwEuwI
    ad/aKTDXixRVqGYwHwYDVR0jBBgwFoAUuKcxQubwEuwIad/aKTDXixRVqGYwDwYD
    VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARgglsb2NhbGhvc3SHBH8AAAEwCgYIKoZI
    zj0EAwIDSQAwRgIhAP357QxbuiGSHAZ9X71npiJKckSMiJ6V7Wka0/doUFsiAiEA
    xEskXc5JsLstSARY9Jqy/abfhMKwfOGGhKYBRD4Bcms=
    -----END CERTIFICATE-----
    """

private let smtpTestKeyPEM = """
    -----BEGIN PRIVATE KEY-----
    MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgkvsbo/ljqsyH4vsy
    F1xpGB703xsH5WYomeakzYUK182hRANCAAR5bQD762fxYFEG8+As/NrFEVkBqssB
    hjNe5YDc8hn4eRjod7+vQYEInUvaHihXHLV8uv7Pa8StAQ8UWTl/3/Bz
    -----END PRIVATE KEY-----
    """
