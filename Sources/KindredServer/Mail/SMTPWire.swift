import Foundation
import NIOCore
import NIOSSL
import NIOTLS

// The wire side of the SMTP client: replies as the server sends them, and the channel
// handler that pairs each command with its reply.

struct SMTPReply: Sendable, Equatable {
    let code: Int
    let lines: [String]
    var text: String { lines.joined(separator: " ") }
}

/// Turns bytes into replies. A reply may arrive over many reads, or several in one read;
/// continuation lines ("250-...") are gathered until the final "250 ...".
struct SMTPReplyParser {
    private var buffer = ByteBuffer()
    private var lines: [String] = []
    private var code: Int?
    private static let maxLineLength = 4096
    private static let maxLines = 256

    /// True when no partial line or reply is pending: after STARTTLS's 220 anything buffered
    /// was sent in clear before TLS and must not be trusted (CVE-2011-0411 style injection).
    var isIdle: Bool { buffer.readableBytes == 0 && lines.isEmpty }

    mutating func feed(_ input: inout ByteBuffer) throws -> [SMTPReply] {
        buffer.writeBuffer(&input)
        var replies: [SMTPReply] = []
        while let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) {
            var line = buffer.readBytes(length: newline - buffer.readerIndex) ?? []
            buffer.moveReaderIndex(forwardBy: 1)
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            if let reply = try consume(line) { replies.append(reply) }
        }
        guard buffer.readableBytes <= Self.maxLineLength else {
            throw SMTPError.protocolError("server reply line longer than \(Self.maxLineLength) bytes")
        }
        buffer.discardReadBytes()
        return replies
    }

    private mutating func consume(_ line: [UInt8]) throws -> SMTPReply? {
        let digits = line.prefix(3).map { Int($0) - 48 }
        guard digits.count == 3, digits.allSatisfy({ (0...9).contains($0) }), (2...5).contains(digits[0]),
            line.count == 3 || line[3] == UInt8(ascii: " ") || line[3] == UInt8(ascii: "-")
        else {
            throw SMTPError.protocolError("malformed reply line \(String(decoding: line.prefix(80), as: UTF8.self).debugDescription)")
        }
        let code = digits[0] * 100 + digits[1] * 10 + digits[2]
        if let expected = self.code, expected != code {
            throw SMTPError.protocolError("multi-line reply switched from code \(expected) to \(code)")
        }
        lines.append(String(decoding: line.dropFirst(4), as: UTF8.self))
        guard lines.count <= Self.maxLines else { throw SMTPError.protocolError("reply has too many lines") }
        if line.count > 3, line[3] == UInt8(ascii: "-") {
            self.code = code
            return nil
        }
        defer { (self.code, lines) = (nil, []) }
        return SMTPReply(code: code, lines: lines)
    }
}

/// What the client asks of the channel handler; each carries the promise it is answered on.
enum SMTPRequest: Sendable {
    case command(ByteBuffer?, stage: String, EventLoopPromise<SMTPReply>)
    case startTLS(NIOSSLContext, serverHostname: String?, EventLoopPromise<Void>)
}

/// Lives on the channel's event loop and owns all connection state: the parser, replies not yet
/// asked for, the one outstanding request and its timeout, and the first failure (which every
/// later request gets too, so the client reports the cause rather than a consequence).
final class SMTPConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = SMTPRequest
    typealias OutboundOut = ByteBuffer

    private enum Waiter {
        case reply(EventLoopPromise<SMTPReply>)
        case tls(EventLoopPromise<Void>)
    }

    private let timeout: TimeAmount
    private var parser = SMTPReplyParser()
    private var replies: [SMTPReply] = []
    private var waiter: Waiter?
    private var timer: Scheduled<Void>?
    private var failure: SMTPError?
    private var stage = "greeting"
    private var context: ChannelHandlerContext?

    init(timeout: TimeAmount) { self.timeout = timeout }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // The request is answered through its own promise, not the write's.
        promise?.succeed(())
        let request = unwrapOutboundIn(data)
        guard waiter == nil else {
            let error = SMTPError.protocolError("a request was made while another was outstanding")
            switch request {
            case .command(_, _, let promise): promise.fail(error)
            case .startTLS(_, _, let promise): promise.fail(error)
            }
            return
        }
        switch request {
        case .command(let bytes, let stage, let promise):
            self.stage = stage
            waiter = .reply(promise)
            if failure == nil, let bytes { context.writeAndFlush(wrapOutboundOut(bytes), promise: nil) }
        case .startTLS(let tlsContext, let serverHostname, let promise):
            stage = "TLS handshake"
            waiter = .tls(promise)
            guard failure == nil else { break }
            guard parser.isIdle, replies.isEmpty else {
                fail(.protocolError("server sent more data after agreeing to STARTTLS; refusing to continue"))
                return
            }
            do {
                let tlsHandler = try NIOSSLClientHandler(context: tlsContext, serverHostname: serverHostname)
                try context.pipeline.syncOperations.addHandler(tlsHandler, position: .first)
            } catch {
                fail(.tlsFailed(String(describing: error)))
                return
            }
        }
        answerIfPossible()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        do {
            replies += try parser.feed(&buffer)
        } catch {
            fail(SMTPConnection.smtpError(error))
            return
        }
        answerIfPossible()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted = event as? TLSUserEvent, case .tls(let promise) = waiter {
            finishWaiting()
            promise.succeed(())
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let error = error as? SMTPError {
            fail(error)
        } else if error is NIOSSLError || error is NIOSSLExtraError || error is BoringSSLError {
            fail(.tlsFailed(String(describing: error)))
        } else {
            fail(.closed(stage: stage))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(.closed(stage: stage))
        context.fireChannelInactive()
    }

    private func answerIfPossible() {
        switch waiter {
        case .reply(let promise) where !replies.isEmpty:
            finishWaiting()
            promise.succeed(replies.removeFirst())
        case .some where failure != nil:
            fail(failure!)
        case .some where timer == nil:
            guard let eventLoop = context?.eventLoop else { return fail(.closed(stage: stage)) }
            let handler = NIOLoopBound(self, eventLoop: eventLoop)
            let stage = self.stage
            timer = eventLoop.scheduleTask(in: timeout) {
                handler.value.timer = nil
                handler.value.fail(.timedOut(stage: stage))
            }
        default:
            break
        }
    }

    private func finishWaiting() {
        waiter = nil
        timer?.cancel()
        timer = nil
    }

    /// Records the first failure, answers the outstanding request with it and closes the
    /// channel: after a timeout or garbled reply the conversation cannot be trusted.
    private func fail(_ error: SMTPError) {
        if failure == nil { failure = error }
        let waiter = self.waiter
        finishWaiting()
        switch waiter {
        case .reply(let promise): promise.fail(failure!)
        case .tls(let promise): promise.fail(failure!)
        case nil: break
        }
        context?.close(promise: nil)
    }
}
