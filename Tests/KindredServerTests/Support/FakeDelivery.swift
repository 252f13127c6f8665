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
