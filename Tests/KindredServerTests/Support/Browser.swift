import Foundation
import XCTVapor
@testable import KindredServer

/// A browser for web tests: keeps cookies and finds each page's CSRF token.
final class Browser {
    let app: Application
    private(set) var cookies: [String: String] = [:]
    private(set) var lastPage = ""

    init(_ app: Application) { self.app = app }

    /// Plants a cookie, as another site or subdomain might.
    func plant(_ name: String, _ value: String) { cookies[name] = value }

    var csrf: String? {
        guard let range = lastPage.range(of: #"name="csrf" value="([^"]+)""#, options: .regularExpression) else { return nil }
        let match = String(lastPage[range])
        return match.components(separatedBy: "value=\"").last.map { String($0.dropLast()) }
    }

    @discardableResult
    func get(_ path: String, headers: HTTPHeaders = [:]) async throws -> TestResponse {
        try await request(.GET, path, body: nil, headers: headers)
    }

    /// Posts a form with this browser's current CSRF token unless one is given (or `nil`).
    @discardableResult
    func post(_ path: String, _ form: [String: String] = [:], csrf: String?? = .none, headers: HTTPHeaders = [:]) async throws -> TestResponse {
        var fields = form
        switch csrf {
        case .none: if let token = self.csrf { fields["csrf"] = token }
        case .some(let explicit?): fields["csrf"] = explicit
        case .some(nil): break
        }
        let body = fields.map { key, value in
            "\(Self.encode(key))=\(Self.encode(value))"
        }.joined(separator: "&")
        return try await request(.POST, path, body: body, headers: headers)
    }

    /// Posts fields in order, repeats allowed (`scopes[]` ticked twice), with this browser's CSRF token.
    @discardableResult
    func post(_ path: String, pairs: [(String, String)]) async throws -> TestResponse {
        let fields = pairs + (csrf.map { [("csrf", $0)] } ?? [])
        let body = fields.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        return try await request(.POST, path, body: body, headers: [:])
    }

    private func request(_ method: HTTPMethod, _ path: String, body: String?, headers: HTTPHeaders) async throws -> TestResponse {
        var headers = headers
        if !cookies.isEmpty {
            headers.replaceOrAdd(name: .cookie, value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
        }
        var buffer = ByteBuffer()
        if let body {
            buffer.writeString(body)
            headers.replaceOrAdd(name: .contentType, value: "application/x-www-form-urlencoded")
        }
        let response = try await app.testable().performTest(
            request: TestingHTTPRequest(method: method, url: URI(string: path), headers: headers, body: buffer)
        )
        for header in response.headers[.setCookie] {
            let pair = header.split(separator: ";", maxSplits: 1)[0].split(separator: "=", maxSplits: 1)
            let name = String(pair[0])
            let value = pair.count > 1 ? String(pair[1]) : ""
            if value.isEmpty || header.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = value }
        }
        let result = TestResponse(status: response.status, headers: response.headers, body: response.body.string)
        if result.contentType.hasPrefix("text/html") { lastPage = result.body }
        return result
    }

    private static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    // MARK: - Journeys

    /// Registers through the sign-up form; the browser is then signed in.
    @discardableResult
    func register(_ name: String, email: String? = nil, password: String = "a long and lovely passphrase", timeZone: String = "Europe/London") async throws -> String {
        let email = email ?? "\(name.lowercased())-\(UUID().uuidString.prefix(8).lowercased())@example.org"
        try await get("/register")
        let response = try await post("/register", ["displayName": name, "email": email, "password": password, "timeZone": timeZone])
        try await finishSignup(response, email: email)
        return email
    }

    /// After `POST /register`: signed in at once, or (sign-up confirmed by email, the default
    /// here) through the link in the email and its "Create my account" button.
    @discardableResult
    func finishSignup(_ response: TestResponse, email: String) async throws -> TestResponse {
        guard response.status == .ok, response.body.contains("Check your email") else {
            XCTAssertEqual(response.status, .seeOther, response.body)
            return response
        }
        let message = try await app.fakeMail.waitAndTake(to: email.lowercased())
        let path = try XCTUnwrap(FakeMail.signupLink(in: message), message.text)
        try await get(path)
        let created = try await post(path, [:])
        XCTAssertEqual(created.status, .seeOther, created.body)
        return created
    }

    func signIn(_ email: String, password: String = "a long and lovely passphrase") async throws -> TestResponse {
        try await get("/sign-in")
        return try await post("/sign-in", ["email": email, "password": password])
    }
}
