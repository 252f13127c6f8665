import Fluent
import SQLKit
import Vapor

/// `kindred keys rotate`: seals everything people wrote again under a new key.
/// With the key file (the default), a new key is made and put first; once every row is
/// re-sealed, the old keys are removed. With `KINDRED_ENCRYPTION_KEY`, put the new key
/// first in the variable, run this, then drop the old ones from it.
struct KeysCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "rotate")
        var action: String
    }

    var help: String { "Rotate the encryption key for what people write (kindred keys rotate)." }

    /// Every sealed column, with the purpose it was sealed for.
    static let sealedColumns: [(table: String, column: String, purpose: String)] = [
        ("daily_answers", "text", TodayService.answerPurpose),
        ("daily_replies", "text", TodayService.replyPurpose),
        ("appreciations", "text", AppreciationService.purpose),
        ("checkins", "note", CheckinService.purpose),
        ("saved_safety_checks", "sealed", SafetyService.purpose),
    ]

    func run(using context: CommandContext, signature: Signature) async throws {
        guard signature.action == "rotate" else {
            context.console.error("Usage: kindred keys rotate")
            throw Abort(.badRequest)
        }
        let app = context.application
        let configuration = app.kindred.configuration
        let keyFile = (configuration.keyDirectory as NSString).appendingPathComponent(KeyStore.fileName)
        let usingFile = configuration.encryptionKeys == nil
        let cipher: TextCipher
        if usingFile {
            cipher = try TextCipher(keys: try KeyStore.prependNewKey(at: keyFile))
            context.console.print("Made a new key \(cipher.currentKeyID) in \(keyFile).")
        } else {
            cipher = app.kindred.cipher
            context.console.print("Using the first key in KINDRED_ENCRYPTION_KEY (\(cipher.currentKeyID)) as the new key.")
        }
        let total = try await Self.reseal(on: app.db, with: cipher)
        context.console.print("Re-sealed \(total) value(s) under key \(cipher.currentKeyID).")
        if usingFile {
            try KeyStore.keepOnlyNewest(at: keyFile)
            context.console.print("Removed the old keys from \(keyFile). Restart every kindred node to pick up the new key.")
        } else {
            context.console.print("You can now remove the old keys from KINDRED_ENCRYPTION_KEY and restart every node.")
        }
    }

    /// Opens every value not sealed with the newest key and seals it again with it.
    static func reseal(on db: any Database, with cipher: TextCipher) async throws -> Int {
        guard let sql = db as? any SQLDatabase else { return 0 }
        struct Row: Decodable { let id: UUID; let value: String? }
        var total = 0
        for (table, column, purpose) in sealedColumns {
            let rows = try await sql.raw("SELECT id, \(ident: column) AS value FROM \(ident: table)").all(decoding: Row.self)
            for row in rows {
                guard let value = row.value, TextCipher.keyID(of: value) != cipher.currentKeyID else { continue }
                let resealed = try cipher.seal(try cipher.open(value, purpose: purpose), purpose: purpose)
                try await sql.raw("UPDATE \(ident: table) SET \(ident: column) = \(bind: resealed) WHERE id = \(bind: row.id)").run()
                total += 1
            }
        }
        return total
    }
}

extension KeyStore {
    /// After a rotation: only the newest key stays in the file.
    static func keepOnlyNewest(at path: String) throws {
        let keys = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("#") }.compactMap { Data(base64Encoded: $0) }
        guard let newest = keys.first else { return }
        try write([newest], to: path)
    }
}
