import Crypto
import Foundation

/// Hashing of bearer secrets before they touch the database. SHA-256 is enough here
/// (unlike for passwords): the secrets are long and random, so there is nothing to guess.
enum Secrets {
    static func sha256(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
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
