/// Random secrets: session ids, API tokens, CSRF tokens and invite codes.
public enum SecureToken {
    /// Crockford's base32 alphabet: no I, L, O or U, so a code read aloud or retyped survives.
    static let base32Alphabet = Array("0123456789abcdefghjkmnpqrstvwxyz")

    /// Characters of base32 drawn for an invite code: 20 × 5 bits = 100 bits of entropy.
    public static let inviteCodeLength = 20

    /// A random string of `length` base32 characters (5 bits each).
    public static func base32<G: RandomNumberGenerator>(length: Int, using generator: inout G) -> String {
        var result = ""
        result.reserveCapacity(length)
        for _ in 0..<length {
            result.append(base32Alphabet[Int(generator.next(upperBound: UInt8(32)))])
        }
        return result
    }

    public static func base32(length: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return base32(length: length, using: &generator)
    }

    /// A fresh invite code.
    public static func inviteCode() -> String { base32(length: inviteCodeLength) }

    /// A bearer secret (session cookie, API token): 52 × 5 = 260 bits.
    public static func secret(prefix: String = "") -> String { prefix + base32(length: 52) }

    /// Whether text could be an invite code, so junk never reaches the database.
    public static func isWellFormedInviteCode(_ text: String) -> Bool {
        text.count == inviteCodeLength && text.allSatisfy { base32Alphabet.contains($0) }
    }

    /// Codes are shown in lower case; people may retype them in upper case or with
    /// the letters Crockford's alphabet leaves out by design.
    public static func normaliseInviteCode(_ text: String) -> String {
        String(text.lowercased().compactMap { character -> Character? in
            switch character {
            case "o": "0"
            case "i", "l": "1"
            case "-", " ": nil
            default: character
            }
        })
    }
}
