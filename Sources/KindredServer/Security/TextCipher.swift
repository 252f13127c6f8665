import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where a sealed value lives: its table and column (`purpose`), its row, the person it
/// belongs to, the bond and the day or week. All of it is the AES-GCM associated data, so a
/// ciphertext opens only in the place it was sealed for: copied to another row, person, bond
/// or day by someone with the database but not the key, it fails to open.
public struct SealedPlace: Sendable, Equatable {
    public var purpose: String
    public var row: UUID
    public var owner: UUID?
    public var bond: UUID?
    public var period: String?

    public init(purpose: String, row: UUID, owner: UUID?, bond: UUID? = nil, period: String? = nil) {
        self.purpose = purpose
        self.row = row
        self.owner = owner
        self.bond = bond
        self.period = period
    }

    var associatedData: Data {
        func text(_ id: UUID?) -> String { id?.uuidString.lowercased() ?? "-" }
        return Data("kindred/2|\(purpose)|row=\(text(row))|owner=\(text(owner))|bond=\(text(bond))|period=\(period ?? "-")".utf8)
    }
}

/// Encrypts what people write and mark before it reaches the database (AES-GCM, 256-bit
/// keys). Each ciphertext names the key that sealed it — `kc2:<key id>:<base64>` — so keys can
/// be rotated: new writes use the newest key, old rows stay readable until re-sealed.
public struct TextCipher: Sendable {
    public struct Key: Sendable {
        public let id: String
        let key: SymmetricKey

        public init(_ data: Data) throws {
            guard data.count == 32 else { throw CipherError.badKey("an encryption key must be 32 bytes (44 characters of base64)") }
            key = SymmetricKey(data: data)
            id = String(SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined().prefix(8))
        }

        public static func generate() -> Data {
            SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        }
    }

    public enum CipherError: Error, CustomStringConvertible {
        case badKey(String)
        case unknownKey(String)
        case malformed
        /// An earlier, unbound form (`kc1`): only the migration that binds it opens it.
        case unbound

        public var description: String {
            switch self {
            case .badKey(let reason): reason
            case .unknownKey(let id): "text was sealed with key \(id), which is not configured"
            case .malformed: "stored text is not in Kindred's encrypted form"
            case .unbound: "stored text is in the earlier form not bound to its row; run `kindred migrate`"
            }
        }
    }

    static let prefix = "kc2"
    /// The form before issue 11: bound to its purpose only.
    static let legacyPrefix = "kc1"
    /// The newest key first: it seals; all of them open.
    public let keys: [Key]
    public var currentKeyID: String { keys[0].id }

    public init(keys: [Key]) throws {
        guard !keys.isEmpty else { throw CipherError.badKey("no encryption key") }
        self.keys = keys
    }

    public func seal(_ text: String, at place: SealedPlace) throws -> String {
        try seal(Data(text.utf8), prefix: Self.prefix, associatedData: place.associatedData)
    }

    public func open(_ sealed: String, at place: SealedPlace) throws -> String {
        if sealed.hasPrefix(Self.legacyPrefix + ":") { throw CipherError.unbound }
        return try open(sealed, prefix: Self.prefix, associatedData: place.associatedData)
    }

    /// Opens the earlier form (bound to its purpose only), for the migration that binds it.
    func openLegacy(_ sealed: String, purpose: String) throws -> String {
        try open(sealed, prefix: Self.legacyPrefix, associatedData: Data(purpose.utf8))
    }

    /// Makes the earlier form, so tests can prove the migration binds it.
    func sealLegacy(_ text: String, purpose: String) throws -> String {
        try seal(Data(text.utf8), prefix: Self.legacyPrefix, associatedData: Data(purpose.utf8))
    }

    private func seal(_ plain: Data, prefix: String, associatedData: Data) throws -> String {
        let box = try AES.GCM.seal(plain, using: keys[0].key, authenticating: associatedData)
        guard let combined = box.combined else { throw CipherError.malformed }
        return "\(prefix):\(keys[0].id):\(combined.base64EncodedString())"
    }

    private func open(_ sealed: String, prefix: String, associatedData: Data) throws -> String {
        let parts = sealed.split(separator: ":", maxSplits: 2).map(String.init)
        guard parts.count == 3, parts[0] == prefix, let data = Data(base64Encoded: parts[2]) else { throw CipherError.malformed }
        guard let key = keys.first(where: { $0.id == parts[1] }) else { throw CipherError.unknownKey(parts[1]) }
        let box = try AES.GCM.SealedBox(combined: data)
        let plain = try AES.GCM.open(box, using: key.key, authenticating: associatedData)
        return String(decoding: plain, as: UTF8.self)
    }

    /// A tag proving the server made `message` (the anonymous CSRF value): HMAC-SHA256 under
    /// a key derived from the newest encryption key, so every node agrees without another
    /// secret to manage, and a tag for one purpose is worthless for any other.
    public func tag(_ message: String, purpose: String) -> String {
        Self.tag(message, purpose: purpose, key: keys[0])
    }

    /// Whether `tag` was made by any configured key (a rotation does not void tags already out).
    public func verify(tag: String, of message: String, purpose: String) -> Bool {
        keys.contains { key in
            let expected = Array(Self.tag(message, purpose: purpose, key: key).utf8), given = Array(tag.utf8)
            guard expected.count == given.count else { return false }
            return zip(expected, given).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
        }
    }

    private static func tag(_ message: String, purpose: String, key: Key) -> String {
        let derived = HKDF<SHA256>.deriveKey(inputKeyMaterial: key.key, info: Data("kindred-mac:\(purpose)".utf8), outputByteCount: 32)
        let code = HMAC<SHA256>.authenticationCode(for: Data(message.utf8), using: derived)
        return Data(code).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// The key id a stored value was sealed with, if it is one of ours.
    public static func keyID(of sealed: String) -> String? {
        let parts = sealed.split(separator: ":", maxSplits: 2)
        return parts.count == 3 && (parts[0] == prefix || parts[0] == legacyPrefix) ? String(parts[1]) : nil
    }
}

/// Where keys come from: `KINDRED_ENCRYPTION_KEY` (base64 keys, comma-separated, newest
/// first), else a key file in the key folder (`KINDRED_KEY_DIR`, by default beside the data
/// folder, not in it), made on first run with mode 0600.
public enum KeyStore {
    public static let fileName = "encryption.keys"

    public enum StoreError: Error, CustomStringConvertible {
        case twoDifferentKeyFiles(String, String)

        public var description: String {
            switch self {
            case .twoDifferentKeyFiles(let kept, let old):
                "There are two different key files, \(kept) and \(old). Kindred reads only the first; "
                    + "check which one opens your data, keep it in the key folder, and move the other away."
            }
        }
    }

    public static func load(environmentValue: String?, keyDirectory: String, legacyDirectory: String? = nil) throws -> TextCipher {
        if let value = environmentValue, !value.isEmpty {
            let keys = try value.split(separator: ",").map { part -> TextCipher.Key in
                guard let data = Data(base64Encoded: part.trimmingCharacters(in: .whitespaces)) else {
                    throw TextCipher.CipherError.badKey("KINDRED_ENCRYPTION_KEY must be base64 (e.g. from `openssl rand -base64 32`)")
                }
                return try TextCipher.Key(data)
            }
            return try TextCipher(keys: keys)
        }
        let path = (keyDirectory as NSString).appendingPathComponent(fileName)
        if let legacyDirectory { try moveLegacyFile(from: (legacyDirectory as NSString).appendingPathComponent(fileName), to: path) }
        if !FileManager.default.fileExists(atPath: path) {
            try FileManager.default.createDirectory(atPath: keyDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            // Two processes starting at once on one folder: only the first file lands;
            // the other finds it in place and reads that key.
            try write([TextCipher.Key.generate()], to: path, replacing: false)
        }
        return try TextCipher(keys: try read(path))
    }

    /// Earlier versions kept the key file in the data folder. It is copied to the key folder
    /// the first time this version starts (written there and flushed). The original is left
    /// where it was — the key folder may not survive a redeploy that only the data folder does —
    /// and start-up says so (`KindredConfiguration.keyLeftInDataWarning`) until the operator
    /// removes it. A different key already in the key folder stops the start.
    static func moveLegacyFile(from old: String, to new: String) throws {
        let files = FileManager.default
        guard old != new, files.fileExists(atPath: old) else { return }
        let oldText = try String(contentsOfFile: old, encoding: .utf8)
        if files.fileExists(atPath: new) {
            guard try String(contentsOfFile: new, encoding: .utf8) == oldText else { throw StoreError.twoDifferentKeyFiles(new, old) }
            return
        }
        try files.createDirectory(atPath: (new as NSString).deletingLastPathComponent, withIntermediateDirectories: true,
                                  attributes: [.posixPermissions: 0o700])
        try SecretFile.write(oldText, to: new, replacing: false)
    }

    /// One base64 key per line, newest first.
    static func read(_ path: String) throws -> [TextCipher.Key] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").compactMap { line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, !trimmed.hasPrefix("#") else { return nil }
            guard let data = Data(base64Encoded: trimmed) else { throw TextCipher.CipherError.badKey("\(path) holds a line that is not base64") }
            return try TextCipher.Key(data)
        }
    }

    /// Writes keys with mode 0600 from the start (never world-readable, even for an instant),
    /// flushed to disk before it is moved into place: losing this file loses what people wrote.
    static func write(_ keys: [Data], to path: String, replacing: Bool = true) throws {
        let text = "# Kindred encryption keys, newest first. Back this file up, apart from the database: without it, what people wrote cannot be read.\n"
            + keys.map { $0.base64EncodedString() }.joined(separator: "\n") + "\n"
        try SecretFile.write(text, to: path, replacing: replacing)
    }

    /// Puts a new key first (for `kindred keys rotate`), keeping the old ones to read with.
    static func prependNewKey(at path: String) throws -> [TextCipher.Key] {
        let existing = FileManager.default.fileExists(atPath: path)
            ? try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("#") }.compactMap { Data(base64Encoded: $0) }
            : []
        try write([TextCipher.Key.generate()] + existing, to: path)
        return try read(path)
    }
}
