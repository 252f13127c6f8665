import Foundation

/// Key files (the encryption keys, the Web Push key): written with mode 0600 from the start,
/// never world-readable even for an instant, flushed to disk before they are moved into place.
enum SecretFile {
    struct WriteError: Error, CustomStringConvertible {
        let description: String
    }

    /// With `replacing`, an existing file is swapped for the new one in one step; without it,
    /// an existing file wins (two processes starting at once on one folder agree on one key).
    static func write(_ text: String, to path: String, replacing: Bool) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let temporary = path + ".\(UUID().uuidString).new"
        guard FileManager.default.createFile(atPath: temporary, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw WriteError(description: "cannot write \(path)")
        }
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temporary))
        try handle.write(contentsOf: Data(text.utf8))
        try handle.synchronize()
        try handle.close()
        if replacing {
            // rename(2) replaces the old file in one step: there is never a moment without a key.
            guard rename(temporary, path) == 0 else { throw WriteError(description: "cannot replace \(path)") }
        } else if link(temporary, path) != 0, errno != EEXIST {
            // link(2) fails when the file already exists — exactly the race we want to lose.
            throw WriteError(description: "cannot write \(path)")
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
    }
}

/// The Web Push (VAPID) key, kept like the encryption keys: made on first run in the data
/// folder, or given to every node through `KINDRED_VAPID_PRIVATE_KEY`.
enum VAPIDKeyFile {
    static let fileName = "vapid.key"

    static func load(dataDirectory: String) throws -> VAPIDKey {
        let path = (dataDirectory as NSString).appendingPathComponent(fileName)
        if !FileManager.default.fileExists(atPath: path) {
            let text = "# Kindred's Web Push (VAPID) key. Browsers subscribed with its public half: keep it with the encryption keys.\n"
                + VAPIDKey.generate().base64URLPrivateKey + "\n"
            try SecretFile.write(text, to: path, replacing: false)
        }
        let line = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
            .map { $0.trimmingCharacters(in: .whitespaces) }.first { !$0.isEmpty && !$0.hasPrefix("#") }
        guard let line, let key = VAPIDKey(base64URLPrivateKey: line) else {
            throw SecretFile.WriteError(description: "\(path) does not hold a Web Push key")
        }
        return key
    }
}
