import Fluent
import SQLKit
import Vapor

/// `kindred keys rotate`: seals everything people wrote again under a new key.
/// With the key file (the default), a new key is made and put first; once no row uses an
/// older key, the older keys are removed. With `KINDRED_ENCRYPTION_KEY`, put the new key
/// first in the variable, run this, then drop the old ones from it.
///
/// It refuses to run while any `kindred serve` holds the database (their leases are fresh):
/// a running node keeps sealing with the key it started with, so rows written meanwhile would
/// need a key the rotation is about to drop. Each value is replaced by compare-and-set, so an
/// edit that lands meanwhile (a node that started late) is never overwritten; the tables are
/// scanned again until none uses an older key, and a key still in use is never dropped.
struct KeysCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "rotate")
        var action: String
    }

    var help: String { "Rotate the encryption key for what people write (kindred keys rotate). Stop every server first." }

    struct Refusal: Error, CustomStringConvertible {
        let description: String
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard signature.action == "rotate" else {
            context.console.error("Usage: kindred keys rotate")
            throw Abort(.badRequest)
        }
        let app = context.application
        let startedAt = Date()
        try await Self.refuseBesideAServer(app.db)
        // Anything a node of an earlier version left in an older form is bound first.
        try await SealedColumn.bindEarlierForms(on: app.db, with: app.kindred.cipher)
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
        let outcome = try await Self.rotate(on: app.db, with: cipher)
        context.console.print("Re-sealed \(outcome.resealed) value(s) under key \(cipher.currentKeyID).")
        if outcome.unreadable > 0 {
            context.console.warning("\(outcome.unreadable) value(s) open with no key in their place (moved or altered in the database); left as they are.")
        }
        guard outcome.remaining == 0 else {
            context.console.warning("\(outcome.remaining) value(s) still use an older key, so the older keys are kept. Stop every server and run this again.")
            return
        }
        if usingFile {
            // A server that ran at any moment since the rotation began (even one that stopped
            // again) may have written with an older key after the last scan: keep those keys.
            if try await ServerLeases.anyRan(since: startedAt, on: app.db) {
                context.console.warning("A server ran during the rotation, so the older keys are kept. Stop every server and run this again.")
                return
            }
            try KeyStore.keepOnlyNewest(at: keyFile)
            context.console.print("Removed the older keys from \(keyFile). Start the servers again.")
        } else {
            context.console.print("You can now remove the old keys from KINDRED_ENCRYPTION_KEY and restart every node.")
        }
    }

    static func refuseBesideAServer(_ db: any Database) async throws {
        let live = try await ServerLeases.live(on: db, now: Date())
        guard live.isEmpty else {
            let nodes = live.map(\.node).sorted().joined(separator: ", ")
            throw Refusal(description: "A Kindred server is using this database (\(nodes)). Stop every server, then run `kindred keys rotate` again.")
        }
    }

    struct Outcome: Equatable {
        var resealed: Int
        /// Values still under an older key after the last scan.
        var remaining: Int
        /// Values that open in no place with any key (moved or altered in the database): the
        /// app never shows them, so they are left as they are and do not hold a key back.
        var unreadable: Int = 0
    }

    /// Re-seals every value not under the newest key, scanning again until a scan has nothing
    /// to do (at most `passes` scans); then counts what is still under an older key.
    static func rotate(on db: any Database, with cipher: TextCipher, passes: Int = 5) async throws -> Outcome {
        var resealed = 0
        for _ in 0..<passes {
            let pass = try await reseal(on: db, with: cipher)
            resealed += pass.resealed
            // A scan with nothing to do and nothing changed under it is the count itself.
            if pass.resealed == 0 && pass.remaining == 0 { return Outcome(resealed: resealed, remaining: 0, unreadable: pass.unreadable) }
        }
        let (remaining, unreadable) = try await underOlderKeys(on: db, cipher: cipher)
        return Outcome(resealed: resealed, remaining: remaining, unreadable: unreadable)
    }

    /// Values under an older key that still open (they need that key), and those that open nowhere.
    static func underOlderKeys(on db: any Database, cipher: TextCipher) async throws -> (remaining: Int, unreadable: Int) {
        guard let sql = db as? any SQLDatabase else { return (0, 0) }
        var remaining = 0, unreadable = 0
        for sealed in SealedColumn.all {
            try await sealed.walk(on: sql, skipping: current(cipher)) { row in
                guard let value = row.value else { return }
                if (try? cipher.open(value, at: sealed.place(of: row))) == nil { unreadable += 1 } else { remaining += 1 }
            }
        }
        return (remaining, unreadable)
    }

    /// How a value sealed under the newest key begins (those are skipped by the database).
    static func current(_ cipher: TextCipher) -> String { "\(TextCipher.prefix):\(cipher.currentKeyID):" }

    /// One scan: each value under an older key is opened and sealed again under the newest,
    /// replaced only if the row still holds what was read. `remaining` counts those that
    /// changed under us (they are seen again on the next scan), `unreadable` those that open nowhere.
    static func reseal(on db: any Database, with cipher: TextCipher) async throws -> Outcome {
        guard let sql = db as? any SQLDatabase else { return Outcome(resealed: 0, remaining: 0) }
        var outcome = Outcome(resealed: 0, remaining: 0)
        let progress = ProgressLine()
        defer { progress.finish() }
        for (index, sealed) in SealedColumn.all.enumerated() {
            progress.show("Re-sealing", done: Int64(index), total: Int64(SealedColumn.all.count))
            try await sealed.walk(on: sql, skipping: current(cipher)) { row in
                guard let value = row.value else { return }
                let place = sealed.place(of: row)
                // One that opens nowhere is counted, never a reason to stop.
                guard let plain = try? cipher.open(value, at: place) else {
                    outcome.unreadable += 1
                    return
                }
                let resealed = try cipher.seal(plain, at: place)
                if try await sealed.replace(row.id, old: value, new: resealed, on: sql) {
                    outcome.resealed += 1
                } else {
                    outcome.remaining += 1
                }
            }
        }
        return outcome
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
