import Crypto
import Foundation
import XCTest

@testable import KindredServer

final class WebPushCryptoTests: XCTestCase {
    // MARK: - RFC 8291 Appendix A

    /// The example's values, with the RFC's line breaks removed.
    private enum RFC8291 {
        static let plaintext = "When I grow up, I want to be a watermelon"
        static let asPrivate = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw"
        static let asPublic = "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8"
        static let uaPrivate = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94"
        static let uaPublic = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"
        static let salt = "DGv6ra1nlYgDCS1FRnbzlw"
        static let auth = "BTBZMqHH6r4Tts7J_aSIgg"
        static let body =
            "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN"
    }

    func testEncryptReproducesRFC8291AppendixA() throws {
        let serverKey = try P256.KeyAgreement.PrivateKey(rawRepresentation: XCTUnwrap(Base64URL.decode(RFC8291.asPrivate)))
        XCTAssertEqual(Base64URL.encode(serverKey.publicKey.x963Representation), RFC8291.asPublic)
        let keys = try XCTUnwrap(WebPushCrypto.ClientKeys(p256dh: RFC8291.uaPublic, auth: RFC8291.auth))

        let body = try WebPushCrypto.encrypt(
            Data(RFC8291.plaintext.utf8), to: keys, recordSize: 4096,
            serverKey: serverKey, salt: XCTUnwrap(Base64URL.decode(RFC8291.salt))
        )

        XCTAssertEqual(Base64URL.encode(body), RFC8291.body)
        XCTAssertEqual(body, Base64URL.decode(RFC8291.body))
    }

    func testTestDecryptOpensRFC8291AppendixA() throws {
        let uaKey = try P256.KeyAgreement.PrivateKey(rawRepresentation: XCTUnwrap(Base64URL.decode(RFC8291.uaPrivate)))
        XCTAssertEqual(Base64URL.encode(uaKey.publicKey.x963Representation), RFC8291.uaPublic)
        let plaintext = try decrypt(XCTUnwrap(Base64URL.decode(RFC8291.body)),
                                    userAgentKey: uaKey, auth: XCTUnwrap(Base64URL.decode(RFC8291.auth)))
        XCTAssertEqual(String(decoding: plaintext, as: UTF8.self), RFC8291.plaintext)
    }

    // MARK: - Round trips

    func testRoundTripsEmptySmallAndLargePayloads() throws {
        let browser = Browser()
        for size in [0, 1, 3000] {
            let payload = Data((0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
            let body = try WebPushCrypto.encrypt(payload, to: browser.keys)

            XCTAssertEqual(body.count, WebPushCrypto.headerSize + size + WebPushCrypto.recordOverhead, "size \(size)")
            XCTAssertEqual(Array(body[16..<20]), [0, 0, 0x10, 0], "rs = 4096, big-endian")
            XCTAssertEqual(body[20], 65, "idlen")
            XCTAssertEqual(body[21], 0x04, "keyid is an uncompressed point")
            XCTAssertEqual(try decrypt(body, userAgentKey: browser.privateKey, auth: browser.keys.auth), payload, "size \(size)")
        }
    }

    func testEachMessageHasFreshSaltAndServerKey() throws {
        let browser = Browser()
        let first = try WebPushCrypto.encrypt(Data("same".utf8), to: browser.keys)
        let second = try WebPushCrypto.encrypt(Data("same".utf8), to: browser.keys)
        XCTAssertNotEqual(first.prefix(16), second.prefix(16), "salt")
        XCTAssertNotEqual(first[21..<86], second[21..<86], "server public key")
        XCTAssertNotEqual(first.suffix(21), second.suffix(21), "ciphertext")
    }

    func testPaddingIsAddedAndStripped() throws {
        let browser = Browser()
        let body = try WebPushCrypto.encrypt(Data("hi".utf8), to: browser.keys, padding: 100)
        XCTAssertEqual(body.count, WebPushCrypto.headerSize + 2 + 100 + WebPushCrypto.recordOverhead)
        XCTAssertEqual(try decrypt(body, userAgentKey: browser.privateKey, auth: browser.keys.auth), Data("hi".utf8))
    }

    func testPayloadTooLargeForOneRecordThrows() throws {
        let browser = Browser()
        // rs counts the 16-byte tag and the delimiter: 4096 - 17 = 4079 bytes fit.
        XCTAssertNoThrow(try WebPushCrypto.encrypt(Data(count: 4079), to: browser.keys))
        XCTAssertThrowsError(try WebPushCrypto.encrypt(Data(count: 4080), to: browser.keys)) { error in
            XCTAssertEqual(error as? WebPushCrypto.EncryptionError, .payloadTooLarge(size: 4080, maximum: 4079))
        }
        XCTAssertThrowsError(try WebPushCrypto.encrypt(Data(count: 100), to: browser.keys, recordSize: 116))
        XCTAssertNoThrow(try WebPushCrypto.encrypt(Data(count: 100), to: browser.keys, recordSize: 117))
        XCTAssertThrowsError(try WebPushCrypto.encrypt(Data(count: 4000), to: browser.keys, padding: 80))
        XCTAssertThrowsError(try WebPushCrypto.encrypt(Data(), to: browser.keys, recordSize: 17))
        XCTAssertThrowsError(try WebPushCrypto.encrypt(Data(), to: browser.keys, salt: Data(count: 15)))
        XCTAssertEqual(WebPushCrypto.maximumPushPayload, 3993)
        let largest = try WebPushCrypto.encrypt(Data(count: WebPushCrypto.maximumPushPayload), to: browser.keys)
        XCTAssertEqual(largest.count, 4096)
    }

    // MARK: - Client keys

    func testClientKeysParseABrowsersSubscription() throws {
        let keys = try XCTUnwrap(WebPushCrypto.ClientKeys(p256dh: RFC8291.uaPublic, auth: RFC8291.auth))
        XCTAssertEqual(keys.p256dh.count, 65)
        XCTAssertEqual(keys.auth.count, 16)
        // Padded base64url is accepted too.
        XCTAssertEqual(WebPushCrypto.ClientKeys(p256dh: RFC8291.uaPublic + "=", auth: RFC8291.auth + "=="), keys)
    }

    func testClientKeysRejectMalformedInput() throws {
        let point = try XCTUnwrap(Base64URL.decode(RFC8291.uaPublic))
        let auth = try XCTUnwrap(Base64URL.decode(RFC8291.auth))

        // Lengths.
        XCTAssertNil(WebPushCrypto.ClientKeys(p256dh: Base64URL.encode(point.prefix(64)), auth: RFC8291.auth))
        XCTAssertNil(WebPushCrypto.ClientKeys(p256dh: Base64URL.encode(point + [0]), auth: RFC8291.auth))
        XCTAssertNil(WebPushCrypto.ClientKeys(p256dh: RFC8291.uaPublic, auth: Base64URL.encode(auth.prefix(15))))
        XCTAssertNil(WebPushCrypto.ClientKeys(p256dh: RFC8291.uaPublic, auth: Base64URL.encode(auth + [0])))
        XCTAssertNil(WebPushCrypto.ClientKeys(p256dh: "", auth: ""))
        // A compressed point (33 bytes) is not what browsers send.
        let compressed = try P256.KeyAgreement.PublicKey(x963Representation: point).compressedRepresentation
        XCTAssertNil(WebPushCrypto.ClientKeys(p256dh: Base64URL.encode(compressed), auth: RFC8291.auth))
        // Off the curve: change one byte of Y.
        var offCurve = point
        offCurve[64] ^= 0x01
        XCTAssertNil(WebPushCrypto.ClientKeys(p256dh: Base64URL.encode(offCurve), auth: RFC8291.auth))
        // Right length, wrong prefix.
        var wrongPrefix = point
        wrongPrefix[0] = 0x05
        XCTAssertNil(WebPushCrypto.ClientKeys(p256dh: Base64URL.encode(wrongPrefix), auth: RFC8291.auth))
        // All zeros is not a point.
        XCTAssertNil(WebPushCrypto.ClientKeys(p256dh: Base64URL.encode(Data([4]) + Data(count: 64)), auth: RFC8291.auth))
        // Not base64url: standard-alphabet characters, spaces, stray symbols.
        let standard = point.base64EncodedString()
        XCTAssertTrue(standard.contains("+") || standard.contains("/"))
        XCTAssertNil(WebPushCrypto.ClientKeys(p256dh: standard, auth: RFC8291.auth))
        XCTAssertNil(WebPushCrypto.ClientKeys(p256dh: RFC8291.uaPublic, auth: "BTBZMqHH6r4T ts7J_aSIgg"))
        XCTAssertNil(WebPushCrypto.ClientKeys(p256dh: RFC8291.uaPublic, auth: "BTBZMqHH6r4Tts7J_aSIg!"))
        XCTAssertNil(WebPushCrypto.ClientKeys(p256dh: RFC8291.uaPublic + "A", auth: RFC8291.auth))
    }

    func testBase64URL() {
        XCTAssertEqual(Base64URL.encode(Data([0xFB, 0xFF, 0xBF])), "-_-_")
        XCTAssertEqual(Base64URL.encode(Data([0x01])), "AQ")
        XCTAssertEqual(Base64URL.encode(Data([0x01, 0x02])), "AQI")
        XCTAssertEqual(Base64URL.encode(Data()), "")
        XCTAssertEqual(Base64URL.decode("-_-_"), Data([0xFB, 0xFF, 0xBF]))
        XCTAssertEqual(Base64URL.decode("AQ"), Data([0x01]))
        XCTAssertEqual(Base64URL.decode("AQ=="), Data([0x01]))
        XCTAssertEqual(Base64URL.decode("AQI="), Data([0x01, 0x02]))
        XCTAssertEqual(Base64URL.decode(""), Data())
        XCTAssertNil(Base64URL.decode("A"))
        XCTAssertNil(Base64URL.decode("AQ="))
        XCTAssertNil(Base64URL.decode("AQ==="))
        XCTAssertNil(Base64URL.decode("+/+/"))
        XCTAssertNil(Base64URL.decode("A=Q="))
        XCTAssertNil(Base64URL.decode("AQ\n"))
        for count in 0..<40 {
            let data = Data((0..<count).map { UInt8(truncatingIfNeeded: $0 &* 97 &+ 13) })
            XCTAssertEqual(Base64URL.decode(Base64URL.encode(data)), data)
        }
    }

    // MARK: - VAPID

    func testVAPIDTokenHeaderClaimsAndSignature() throws {
        let key = VAPIDKey.generate()
        let expires = Date(timeIntervalSince1970: 1_700_000_000.75)
        let jwt = key.token(audience: "https://push.example.net", subject: "mailto:ops@kindred.example", expires: expires)

        let parts = jwt.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(parts.count, 3)
        XCTAssertFalse(jwt.contains("="))
        let header = try XCTUnwrap(Base64URL.decode(parts[0]))
        XCTAssertEqual(String(decoding: header, as: UTF8.self), #"{"typ":"JWT","alg":"ES256"}"#)
        let claimsData = try XCTUnwrap(Base64URL.decode(parts[1]))
        XCTAssertEqual(
            String(decoding: claimsData, as: UTF8.self),
            #"{"aud":"https://push.example.net","exp":1700000000,"sub":"mailto:ops@kindred.example"}"#
        )
        let claims = try XCTUnwrap(JSONSerialization.jsonObject(with: claimsData) as? [String: Any])
        XCTAssertEqual(claims["aud"] as? String, "https://push.example.net")
        XCTAssertEqual(claims["exp"] as? Int, 1_700_000_000)
        XCTAssertEqual(claims["sub"] as? String, "mailto:ops@kindred.example")

        let raw = try XCTUnwrap(Base64URL.decode(parts[2]))
        XCTAssertEqual(raw.count, 64)
        let signature = try P256.Signing.ECDSASignature(rawRepresentation: raw)
        let publicKey = try P256.Signing.PublicKey(x963Representation: XCTUnwrap(Base64URL.decode(key.publicKeyBase64URL)))
        XCTAssertTrue(publicKey.isValidSignature(signature, for: Data("\(parts[0]).\(parts[1])".utf8)))
        XCTAssertFalse(publicKey.isValidSignature(signature, for: Data("\(parts[0]).\(parts[1])x".utf8)))
        XCTAssertFalse(VAPIDKey.generate().privateKey.publicKey.isValidSignature(signature, for: Data("\(parts[0]).\(parts[1])".utf8)))
    }

    func testVAPIDClaimsEscapeJSON() throws {
        let jwt = VAPIDKey.generate().token(audience: "https://a.example", subject: "mailto:\"q\"@x.example", expires: Date(timeIntervalSince1970: 5))
        let claims = try XCTUnwrap(Base64URL.decode(String(jwt.split(separator: ".")[1])))
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: claims) as? [String: Any])
        XCTAssertEqual(object["sub"] as? String, "mailto:\"q\"@x.example")
        XCTAssertEqual(object["exp"] as? Int, 5)
    }

    func testVAPIDAuthorizationHeader() throws {
        let key = VAPIDKey.generate()
        let now = Date(timeIntervalSince1970: 1_750_000_000)

        let header = try XCTUnwrap(key.authorization(
            endpoint: XCTUnwrap(URL(string: "https://push.example.net:8443/x")), subject: "mailto:ops@kindred.example", now: now
        ))
        let (jwt, k) = try splitAuthorization(header)
        XCTAssertEqual(k, key.publicKeyBase64URL)
        XCTAssertEqual(try XCTUnwrap(Base64URL.decode(k)).count, 65)
        let claims = try decodeClaims(jwt)
        XCTAssertEqual(claims["aud"] as? String, "https://push.example.net:8443")
        XCTAssertEqual(claims["exp"] as? Int, 1_750_000_000 + 12 * 3600)
        XCTAssertEqual(claims["sub"] as? String, "mailto:ops@kindred.example")
        try assertSignatureValid(jwt, publicKey: k)

        let local = try XCTUnwrap(key.authorization(
            endpoint: XCTUnwrap(URL(string: "http://127.0.0.1:9000/p/1")), subject: "https://kindred.example", now: now, lifetime: 60
        ))
        let localClaims = try decodeClaims(splitAuthorization(local).jwt)
        XCTAssertEqual(localClaims["aud"] as? String, "http://127.0.0.1:9000")
        XCTAssertEqual(localClaims["exp"] as? Int, 1_750_000_060)
    }

    func testVAPIDLifetimeIsCappedAtADay() throws {
        let key = VAPIDKey.generate()
        let now = Date(timeIntervalSince1970: 1_750_000_000)
        let header = try XCTUnwrap(key.authorization(
            endpoint: XCTUnwrap(URL(string: "https://fcm.googleapis.com/fcm/send/abc")), subject: "mailto:a@b.example",
            now: now, lifetime: 7 * 24 * 3600
        ))
        let claims = try decodeClaims(splitAuthorization(header).jwt)
        XCTAssertEqual(claims["exp"] as? Int, 1_750_000_000 + 24 * 3600)
        XCTAssertEqual(claims["aud"] as? String, "https://fcm.googleapis.com")
    }

    func testVAPIDAudienceIsTheOrigin() throws {
        func origin(_ text: String) throws -> String? { try VAPIDKey.origin(of: XCTUnwrap(URL(string: text))) }
        XCTAssertEqual(try origin("https://push.example.net:8443/x"), "https://push.example.net:8443")
        XCTAssertEqual(try origin("http://127.0.0.1:9000/p/1"), "http://127.0.0.1:9000")
        XCTAssertEqual(try origin("https://Push.Example.NET:443/a?b=c#d"), "https://push.example.net")
        XCTAssertEqual(try origin("http://push.example.net:80/"), "http://push.example.net")
        XCTAssertEqual(try origin("http://push.example.net:443/"), "http://push.example.net:443")
        XCTAssertEqual(try origin("https://user:pw@push.example.net/x"), "https://push.example.net")
        XCTAssertEqual(try origin("http://[::1]:9000/p"), "http://[::1]:9000")
        XCTAssertNil(try origin("/push/relative"))
        XCTAssertNil(try origin("mailto:ops@kindred.example"))
        XCTAssertNil(try origin("file:///tmp/x"))
        XCTAssertNil(VAPIDKey.generate().authorization(
            endpoint: try XCTUnwrap(URL(string: "/push/x")), subject: "mailto:a@b.example", now: Date()
        ))
    }

    func testVAPIDPrivateKeyRoundTripsThroughBase64URL() throws {
        let key = VAPIDKey.generate()
        let text = key.base64URLPrivateKey
        XCTAssertEqual(text.count, 43)
        let restored = try XCTUnwrap(VAPIDKey(base64URLPrivateKey: text))
        XCTAssertEqual(restored.privateKey.rawRepresentation, key.privateKey.rawRepresentation)
        XCTAssertEqual(restored.publicKeyBase64URL, key.publicKeyBase64URL)
        XCTAssertEqual(try XCTUnwrap(Base64URL.decode(key.publicKeyBase64URL)).first, 0x04)
        XCTAssertNotNil(VAPIDKey(base64URLPrivateKey: text + "=\n"))

        // A known scalar gives its known public key (the RFC 8291 example's server key).
        let known = try XCTUnwrap(VAPIDKey(base64URLPrivateKey: RFC8291.asPrivate))
        XCTAssertEqual(known.publicKeyBase64URL, RFC8291.asPublic)
        XCTAssertEqual(known.base64URLPrivateKey, RFC8291.asPrivate)

        XCTAssertNil(VAPIDKey(base64URLPrivateKey: ""))
        XCTAssertNil(VAPIDKey(base64URLPrivateKey: "not a key"))
        XCTAssertNil(VAPIDKey(base64URLPrivateKey: Base64URL.encode(Data(count: 31) + [1] + [1])))
        XCTAssertNil(VAPIDKey(base64URLPrivateKey: Base64URL.encode(Data(count: 32))), "zero scalar")
        XCTAssertNil(VAPIDKey(base64URLPrivateKey: Base64URL.encode(Data(repeating: 0xFF, count: 32))), "scalar ≥ n")
    }

    // MARK: - Helpers

    /// A browser's side of a subscription.
    private struct Browser {
        let privateKey = P256.KeyAgreement.PrivateKey()
        let auth = WebPushCrypto.randomSalt()
        var keys: WebPushCrypto.ClientKeys {
            WebPushCrypto.ClientKeys(p256dh: privateKey.publicKey.x963Representation, auth: auth)!
        }
    }

    private func decrypt(_ body: Data, userAgentKey: P256.KeyAgreement.PrivateKey, auth: Data) throws -> Data {
        try PushBrowser.decrypt(body, userAgentKey: userAgentKey, auth: auth)
    }

    private func splitAuthorization(_ header: String) throws -> (jwt: String, k: String) {
        XCTAssertTrue(header.hasPrefix("vapid t="), header)
        let rest = header.dropFirst("vapid ".count)
        let fields = rest.components(separatedBy: ", ")
        XCTAssertEqual(fields.count, 2, header)
        XCTAssertTrue(fields[0].hasPrefix("t="))
        XCTAssertTrue(fields[1].hasPrefix("k="))
        return (String(fields[0].dropFirst(2)), String(fields[1].dropFirst(2)))
    }

    private func decodeClaims(_ jwt: String) throws -> [String: Any] {
        let parts = jwt.split(separator: ".").map(String.init)
        XCTAssertEqual(parts.count, 3)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: XCTUnwrap(Base64URL.decode(parts[1]))) as? [String: Any])
    }

    private func assertSignatureValid(_ jwt: String, publicKey: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let parts = jwt.split(separator: ".").map(String.init)
        let key = try P256.Signing.PublicKey(x963Representation: XCTUnwrap(Base64URL.decode(publicKey)))
        let signature = try P256.Signing.ECDSASignature(rawRepresentation: XCTUnwrap(Base64URL.decode(parts[2])))
        XCTAssertTrue(key.isValidSignature(signature, for: Data("\(parts[0]).\(parts[1])".utf8)), file: file, line: line)
    }
}
