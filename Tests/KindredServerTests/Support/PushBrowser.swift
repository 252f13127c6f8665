import Crypto
import Foundation
import XCTVapor
@testable import KindredServer

/// A browser as Web Push sees it: its own P-256 key pair and auth secret, a subscription,
/// and the user agent's side of RFC 8291 to open what was pushed to it.
struct PushBrowser {
    let key = P256.KeyAgreement.PrivateKey()
    let auth = Data((0..<16).map { _ in UInt8.random(in: 0...255) })
    let endpoint: String

    init(endpoint: String = "https://push.example.net/send/\(UUID().uuidString)") {
        self.endpoint = endpoint
    }

    var subscription: [String: Any] {
        ["endpoint": endpoint, "keys": ["p256dh": Base64URL.encode(key.publicKey.x963Representation), "auth": Base64URL.encode(auth)]]
    }

    /// Subscribes through the API as `person`.
    @discardableResult
    func subscribe(_ app: Application, as person: APIPerson) async throws -> TestResponse {
        let response = try await app.send(.POST, "/api/v1/me/push-subscriptions", json: subscription, token: person.token)
        XCTAssertTrue([.created, .ok].contains(response.status), response.body)
        return response
    }

    /// The JSON a push carried, decrypted as this browser would.
    func open(_ request: PushRequest) throws -> [String: Any] {
        let plaintext = try Self.decrypt(request.body, userAgentKey: key, auth: auth)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: plaintext) as? [String: Any])
    }

    struct DecryptError: Error, CustomStringConvertible {
        let description: String
    }

    /// The user agent's side of RFC 8291 for a single-record aes128gcm body.
    static func decrypt(_ body: Data, userAgentKey: P256.KeyAgreement.PrivateKey, auth: Data) throws -> Data {
        let bytes = [UInt8](body)
        guard bytes.count >= 21 else { throw DecryptError(description: "short header") }
        let salt = Data(bytes[0..<16])
        let rs = bytes[16..<20].reduce(0) { $0 << 8 | Int($1) }
        let idlen = Int(bytes[20])
        guard idlen == 65, bytes.count >= 21 + idlen + 16 else { throw DecryptError(description: "bad keyid") }
        let serverPublic = Data(bytes[21..<(21 + idlen)])
        let record = Data(bytes[(21 + idlen)...])
        guard record.count <= rs else { throw DecryptError(description: "more than one record") }
        let serverKey = try P256.KeyAgreement.PublicKey(x963Representation: serverPublic)
        let shared = try userAgentKey.sharedSecretFromKeyAgreement(with: serverKey)
        let (key, nonce) = WebPushCrypto.deriveKeyAndNonce(
            sharedSecret: shared, auth: auth, salt: salt,
            userAgentPublic: userAgentKey.publicKey.x963Representation, applicationServerPublic: serverPublic
        )
        let box = try AES.GCM.SealedBox(nonce: nonce, ciphertext: record.dropLast(16), tag: record.suffix(16))
        var plaintext = try AES.GCM.open(box, using: key)
        while plaintext.last == 0 { plaintext.removeLast() }
        guard plaintext.last == 0x02 else { throw DecryptError(description: "no last-record delimiter") }
        plaintext.removeLast()
        return plaintext
    }
}

extension PushRequest {
    func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name.lowercased() }?.value }
}
