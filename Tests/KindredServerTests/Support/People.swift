import Foundation
import XCTVapor
@testable import KindredServer

/// Someone using the API in a test.
struct APIPerson {
    let email: String
    let password: String
    let token: String
    let id: String
}

private let passwordForTests = "a long and lovely passphrase"

extension Application {
    /// Registers `name` and gets them a token.
    func person(_ name: String, timeZone: String = "Europe/London", professional practiceName: String? = nil) async throws -> APIPerson {
        let email = "\(name.lowercased().filter(\.isLetter))-\(UUID().uuidString.prefix(8).lowercased())@example.org"
        var body: [String: Any] = ["email": email, "password": passwordForTests, "displayName": name, "timeZone": timeZone]
        if let practiceName {
            body["role"] = "professional"
            body["practiceName"] = practiceName
        }
        let created = try await send(.POST, "/api/v1/accounts", json: body)
        let account = try await finishSignup(created, email: email)
        let token = try await send(.POST, "/api/v1/tokens", json: ["email": email, "password": passwordForTests])
        XCTAssertEqual(token.status, .created, token.body)
        return APIPerson(
            email: email, password: passwordForTests,
            token: token.json["token"] as? String ?? "", id: account.json["id"] as? String ?? ""
        )
    }

    /// After `POST /api/v1/accounts`: the account itself (201), at once or, when sign-up is
    /// confirmed by email (the default here), through the link in the email.
    func finishSignup(_ created: TestResponse, email: String) async throws -> TestResponse {
        guard created.status == .accepted else {
            XCTAssertEqual(created.status, .created, created.body)
            return created
        }
        let message = try await fakeMail.waitAndTake(to: email.lowercased())
        let path = try XCTUnwrap(FakeMail.signupLink(in: message), message.text)
        let confirmed = try await send(.POST, "/api/v1/signups/" + path.split(separator: "/").last!, json: [:])
        XCTAssertEqual(confirmed.status, .created, confirmed.body)
        return confirmed
    }

    /// Makes a bond as `owner` and returns its id.
    func bond(of owner: APIPerson, kind: String = "friendship", name: String? = nil) async throws -> String {
        var body: [String: Any] = ["kind": kind]
        if let name { body["name"] = name }
        let response = try await send(.POST, "/api/v1/bonds", json: body, token: owner.token)
        XCTAssertEqual(response.status, .created, response.body)
        return response.json["id"] as? String ?? ""
    }

    func invite(to bondID: String, by owner: APIPerson) async throws -> (code: String, id: String) {
        let response = try await send(.POST, "/api/v1/bonds/\(bondID)/invites", token: owner.token)
        XCTAssertEqual(response.status, .created, response.body)
        return (response.json["code"] as? String ?? "", response.json["id"] as? String ?? "")
    }

    /// Two people in an active bond.
    func pair(kind: String = "friendship") async throws -> (APIPerson, APIPerson, String) {
        let ana = try await person("Ana")
        let ben = try await person("Ben")
        let bondID = try await bond(of: ana, kind: kind)
        let (code, _) = try await invite(to: bondID, by: ana)
        let accepted = try await send(.POST, "/api/v1/invites/\(code)/accept", token: ben.token)
        XCTAssertEqual(accepted.status, .ok, accepted.body)
        return (ana, ben, bondID)
    }

    /// A professional account (through the same sign-up as anyone, with its role).
    func professional(_ name: String, practice: String = "Harbour Counselling") async throws -> APIPerson {
        try await person(name, professional: practice)
    }

    /// `professional` serves the bond: invited by `member`, accepted.
    func serve(_ bondID: String, by professional: APIPerson, invitedBy member: APIPerson) async throws {
        let invite = try await send(.POST, "/api/v1/bonds/\(bondID)/professional-invites", token: member.token)
        XCTAssertEqual(invite.status, .created, invite.body)
        let accepted = try await send(.POST, "/api/v1/professional-invites/\(invite.json["code"] as? String ?? "")/accept", token: professional.token)
        XCTAssertEqual(accepted.status, .ok, accepted.body)
    }

    /// `member` consents to `professional` with `scopes` (or withdraws, with `consent: false`).
    @discardableResult
    func consent(_ bondID: String, by member: APIPerson, to professional: APIPerson, scopes: [String], consent: Bool = true) async throws -> TestResponse {
        let response = try await send(.PUT, "/api/v1/bonds/\(bondID)/professional-consent",
                                      json: ["professionalId": professional.id, "scopes": scopes, "consent": consent], token: member.token)
        XCTAssertEqual(response.status, .ok, response.body)
        return response
    }
}
