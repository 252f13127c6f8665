import Crypto
import Foundation

/// Hashing of bearer secrets before they touch the database. SHA-256 is enough here
/// (unlike for passwords): the secrets are long and random, so there is nothing to guess.
enum Secrets {
    /// Lower-case hex. Every API request hashes its token, so this avoids `String(format:)`
    /// (a formatter per byte showed in the profile of every endpoint).
    static func sha256(_ text: String) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in SHA256.hash(data: Data(text.utf8)) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    /// Equal-time comparison, so a CSRF token cannot be found a character at a time.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}
