import Crypto
import Foundation

/// Base64 with the URL-safe alphabet (RFC 4648 §5), as Web Push uses everywhere: keys,
/// auth secrets, JWT parts. Encoding never pads; decoding accepts text with or without `=`.
enum Base64URL {
    static func encode(_ data: Data) -> String {
        var text = data.base64EncodedString()
        text = text.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        while text.hasSuffix("=") { text.removeLast() }
        return text
    }

    /// nil for anything that is not base64url: characters outside `A–Z a–z 0–9 - _`, padding
    /// anywhere but the end, or a length no encoder could produce. Whitespace is not accepted.
    static func decode(_ text: String) -> Data? {
        var body = Substring(text)
        var padding = 0
        while body.hasSuffix("=") {
            body.removeLast()
            padding += 1
        }
        guard padding <= 2 else { return nil }
        guard body.utf8.allSatisfy({ byte in
            (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
                || byte == 0x2D || byte == 0x5F
        }) else { return nil }
        // One leftover character can never come from whole bytes.
        guard body.utf8.count % 4 != 1 else { return nil }
        if padding > 0, (body.utf8.count + padding) % 4 != 0 { return nil }
        var standard = body.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        let remainder = standard.utf8.count % 4
        if remainder > 0 { standard += String(repeating: "=", count: 4 - remainder) }
        return Data(base64Encoded: standard)
    }
}

/// Message encryption for Web Push (RFC 8291): the payload is sealed for one browser
/// subscription with the `aes128gcm` content coding (RFC 8188), so the push service that
/// carries it cannot read it.
enum WebPushCrypto {
    /// What a browser's `PushSubscription` holds for encrypting to it (`keys.p256dh` and `keys.auth`).
    struct ClientKeys: Sendable, Equatable {
        /// The user agent's ECDH public key: an uncompressed P-256 point (0x04 || X || Y, 65 bytes).
        let p256dh: Data
        /// The 16-byte authentication secret.
        let auth: Data

        /// From the base64url strings a browser's `PushSubscription.toJSON()` gives; nil when
        /// malformed (not base64url, wrong length, not a point on P-256, auth not 16 bytes).
        init?(p256dh: String, auth: String) {
            guard let point = Base64URL.decode(p256dh), let secret = Base64URL.decode(auth) else { return nil }
            self.init(p256dh: point, auth: secret)
        }

        /// From raw bytes; nil under the same rules as the base64url form.
        init?(p256dh: Data, auth: Data) {
            guard auth.count == 16, WebPushCrypto.publicKey(p256dh) != nil else { return nil }
            self.p256dh = Data(p256dh)
            self.auth = Data(auth)
        }
    }

    enum EncryptionError: Error, Equatable, CustomStringConvertible {
        /// The payload (plus delimiter and padding) does not fit one record; `maximum` is the
        /// largest payload that would, with that padding.
        case payloadTooLarge(size: Int, maximum: Int)
        case invalidRecordSize(Int)
        case invalidSalt
        case invalidPadding(Int)
        case invalidClientKey

        var description: String {
            switch self {
            case .payloadTooLarge(let size, let maximum):
                "a push payload of \(size) bytes is too large (at most \(maximum) bytes fit one record)"
            case .invalidRecordSize(let size): "record size \(size) is outside 18...\(UInt32.max)"
            case .invalidSalt: "the salt must be 16 bytes"
            case .invalidPadding(let count): "padding of \(count) bytes is negative"
            case .invalidClientKey: "the subscription's p256dh key is not a P-256 point"
            }
        }
    }

    /// Bytes that the 0x02 delimiter and the GCM tag add to each record.
    static let recordOverhead = 17
    /// Bytes of the aes128gcm header with a 65-byte key id: salt 16, rs 4, idlen 1, keyid 65.
    static let headerSize = 86
    /// The largest payload that keeps the whole body within 4096 bytes, which is all RFC 8291 §4
    /// requires push services to accept (4096 − 86 − 17 = 3993).
    static let maximumPushPayload = 4096 - headerSize - recordOverhead

    /// The aes128gcm body for `payload`: the header (salt 16, rs 4 big-endian, idlen 1,
    /// keyid = the server's public key, 65), then one record — AES-128-GCM of the payload,
    /// the 0x02 last-record delimiter and `padding` zero bytes.
    ///
    /// Throws if the payload cannot fit one record of `recordSize` (the record size counts the
    /// 16-byte tag, so at most `recordSize - 17 - padding` payload bytes). `serverKey` and `salt`
    /// must be fresh for every message; they are parameters only so tests can pin them.
    static func encrypt(
        _ payload: Data,
        to keys: ClientKeys,
        recordSize: Int = 4096,
        serverKey: P256.KeyAgreement.PrivateKey = .init(),
        salt: Data = WebPushCrypto.randomSalt(),
        padding: Int = 0
    ) throws -> Data {
        guard recordSize > recordOverhead, recordSize <= Int(UInt32.max) else {
            throw EncryptionError.invalidRecordSize(recordSize)
        }
        guard salt.count == 16 else { throw EncryptionError.invalidSalt }
        guard padding >= 0 else { throw EncryptionError.invalidPadding(padding) }
        let maximum = recordSize - recordOverhead - padding
        guard payload.count <= maximum else {
            throw EncryptionError.payloadTooLarge(size: payload.count, maximum: max(0, maximum))
        }
        guard let clientKey = publicKey(keys.p256dh) else { throw EncryptionError.invalidClientKey }

        let serverPublic = serverKey.publicKey.x963Representation
        let shared = try serverKey.sharedSecretFromKeyAgreement(with: clientKey)
        let (contentKey, nonce) = deriveKeyAndNonce(
            sharedSecret: shared, auth: keys.auth, salt: salt,
            userAgentPublic: keys.p256dh, applicationServerPublic: serverPublic
        )

        var plaintext = Data(capacity: payload.count + 1 + padding)
        plaintext.append(payload)
        plaintext.append(0x02)
        if padding > 0 { plaintext.append(Data(count: padding)) }
        let sealed = try AES.GCM.seal(plaintext, using: contentKey, nonce: nonce)

        var body = Data(capacity: headerSize + plaintext.count + 16)
        body.append(salt)
        body.append(bigEndian: UInt32(recordSize))
        body.append(UInt8(serverPublic.count))
        body.append(serverPublic)
        body.append(sealed.ciphertext)
        body.append(sealed.tag)
        return body
    }

    /// 16 random bytes from the system's secure generator.
    static func randomSalt() -> Data {
        SymmetricKey(size: .bits128).withUnsafeBytes { Data($0) }
    }

    /// RFC 8291 §3.3–3.4 and RFC 8188 §2.2–2.3: the content-encryption key and nonce for the
    /// first (here, only) record. Shared by both directions, so tests can decrypt with it.
    static func deriveKeyAndNonce(
        sharedSecret: SharedSecret,
        auth: Data,
        salt: Data,
        userAgentPublic: Data,
        applicationServerPublic: Data
    ) -> (key: SymmetricKey, nonce: AES.GCM.Nonce) {
        var keyInfo = Data("WebPush: info".utf8)
        keyInfo.append(0x00)
        keyInfo.append(userAgentPublic)
        keyInfo.append(applicationServerPublic)
        // IKM = HKDF(auth_secret, ecdh_secret, key_info, 32)
        let ikm = sharedSecret.hkdfDerivedSymmetricKey(
            using: SHA256.self, salt: auth, sharedInfo: keyInfo, outputByteCount: 32
        )
        // PRK = HKDF-Extract(salt, IKM); CEK and NONCE are expanded from it.
        let prk = HKDF<SHA256>.extract(inputKeyMaterial: ikm, salt: salt)
        let cek = HKDF<SHA256>.expand(
            pseudoRandomKey: prk, info: Data("Content-Encoding: aes128gcm\u{0}".utf8), outputByteCount: 16
        )
        let nonceKey = HKDF<SHA256>.expand(
            pseudoRandomKey: prk, info: Data("Content-Encoding: nonce\u{0}".utf8), outputByteCount: 12
        )
        // The record sequence number is 0, so the nonce is used as derived (XOR with 0).
        let nonce = nonceKey.withUnsafeBytes { try! AES.GCM.Nonce(data: Data($0)) }
        return (cek, nonce)
    }

    /// A P-256 public key from its 65-byte uncompressed encoding; nil unless it is exactly that
    /// and the point lies on the curve.
    static func publicKey(_ uncompressed: Data) -> P256.KeyAgreement.PublicKey? {
        guard uncompressed.count == 65, uncompressed.first == 0x04 else { return nil }
        return try? P256.KeyAgreement.PublicKey(x963Representation: uncompressed)
    }
}

extension Data {
    fileprivate mutating func append(bigEndian value: UInt32) {
        Swift.withUnsafeBytes(of: value.bigEndian) { append(contentsOf: $0) }
    }
}
