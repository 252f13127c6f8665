import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix

/// How notices leave Kindred: email through SMTP (when configured) and Web Push over HTTP.
/// Tests swap in fakes that keep what was sent.
struct Delivery: Sendable {
    var mail: (any MailSending)?
    var push: any PushSending
    var vapid: VAPIDKey

    static func live(_ configuration: KindredConfiguration) throws -> Delivery {
        Delivery(
            mail: configuration.smtp.map { SMTPClient(settings: $0, eventLoopGroup: MultiThreadedEventLoopGroup.singleton) },
            push: HTTPPushSender(),
            vapid: try configuration.loadVAPIDKey()
        )
    }
}

protocol MailSending: Sendable {
    /// Sends each message, reporting each outcome in order; throws when no message could
    /// be tried at all (the server is down, TLS or sign-in failed). `accepted` is told each
    /// message's index as soon as the server has taken it.
    func send(_ messages: [MailMessage], accepted: @Sendable (Int) async -> Void) async throws -> [Result<Void, SMTPError>]
}

extension MailSending {
    func send(_ messages: [MailMessage]) async throws -> [Result<Void, SMTPError>] {
        try await send(messages, accepted: { _ in })
    }
}

extension SMTPClient: MailSending {}

/// One encrypted push, ready to post to the browser vendor's push service.
struct PushRequest: Sendable {
    let endpoint: URL
    let headers: [(name: String, value: String)]
    let body: Data
}

protocol PushSending: Sendable {
    /// Posts the push and returns the push service's status code.
    func post(_ request: PushRequest) async throws -> Int
}

/// Posts pushes with AsyncHTTPClient: no redirects followed (a push service never needs
/// one), a short timeout, nothing read from the answer but its status.
struct HTTPPushSender: PushSending {
    /// One client for the life of the process (it is never shut down, so never torn down
    /// under a push in flight); redirects refused, since a push endpoint has no reason to send one.
    private static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(15))
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    func post(_ request: PushRequest) async throws -> Int {
        var outgoing = HTTPClientRequest(url: request.endpoint.absoluteString)
        outgoing.method = .POST
        for header in request.headers { outgoing.headers.add(name: header.name, value: header.value) }
        outgoing.body = .bytes(ByteBuffer(bytes: request.body))
        let response = try await Self.client.execute(outgoing, timeout: .seconds(15))
        return Int(response.status.code)
    }
}
