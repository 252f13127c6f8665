import Foundation
import NIOConcurrencyHelpers
import Vapor
@testable import KindredServer

/// A mail server that keeps every message, and can be told to refuse or to be down.
final class FakeMail: MailSending, Sendable {
    private let state = NIOLockedValueBox((sent: [MailMessage](), refuseTo: Set<String>(), down: false, breakAfter: Int?.none))

    var sent: [MailMessage] { state.withLockedValue { $0.sent } }
    /// The next session breaks (as a node dying would) after this many messages were taken.
    func breakNextSession(after count: Int) { state.withLockedValue { $0.breakAfter = count } }
    /// Removes and returns the messages to `address` (a helper's own sign-up email, so tests
    /// that count what was sent count only their own).
    func take(to address: String) -> [MailMessage] {
        state.withLockedValue { state in
            let taken = state.sent.filter { $0.to == address }
            state.sent.removeAll { $0.to == address }
            return taken
        }
    }

    /// Waits (up to two seconds) for a message to `address`, and takes it.
    func waitAndTake(to address: String) async throws -> MailMessage {
        for _ in 0..<100 {
            if let message = take(to: address).last { return message }
            try await Task.sleep(for: .milliseconds(20))
        }
        struct NoMail: Error, CustomStringConvertible { let description: String }
        throw NoMail(description: "no email arrived for \(address)")
    }

    /// The sign-up link's path in a message.
    static func signupLink(in message: MailMessage) -> String? {
        message.text.range(of: #"/register/confirm/[A-Za-z0-9_-]+"#, options: .regularExpression).map { String(message.text[$0]) }
    }

    func refuse(_ address: String) { state.withLockedValue { _ = $0.refuseTo.insert(address) } }
    func setDown(_ down: Bool) { state.withLockedValue { $0.down = down } }

    func send(_ messages: [MailMessage], accepted: @Sendable (Int) async -> Void) async throws -> [Result<Void, SMTPError>] {
        var results: [Result<Void, SMTPError>] = []
        let breakAfter = state.withLockedValue { state -> Int? in
            defer { state.breakAfter = nil }
            return state.breakAfter
        }
        for (index, message) in messages.enumerated() {
            if let breakAfter, index == breakAfter { throw SMTPError.closed(stage: "message body") }
            let result = try state.withLockedValue { state -> Result<Void, SMTPError> in
                if state.down { throw SMTPError.connectFailed("the test's mail server is down") }
                if state.refuseTo.contains(message.to) { return .failure(.rejected(stage: "RCPT TO", code: 550, text: "no such user")) }
                state.sent.append(message)
                return .success(())
            }
            results.append(result)
            if case .success = result { await accepted(index) }
        }
        return results
    }
}

/// A push service that keeps every request and answers with the status set per endpoint.
final class FakePush: PushSending, Sendable {
    private let state = NIOLockedValueBox((requests: [PushRequest](), statuses: [String: Int]()))

    var requests: [PushRequest] { state.withLockedValue { $0.requests } }
    func answer(_ status: Int, for endpoint: String) { state.withLockedValue { $0.statuses[endpoint] = status } }

    func post(_ request: PushRequest) async throws -> Int {
        state.withLockedValue { state in
            state.requests.append(request)
            return state.statuses[request.endpoint.absoluteString] ?? 201
        }
    }
}

extension Application {
    var fakeMail: FakeMail { kindred.delivery.mail as! FakeMail }
    var fakePush: FakePush { kindred.delivery.push as! FakePush }
}
