import Fluent
import Foundation
import SQLKit

/// Issue 11: every sealed value is bound to its row, owner, bond and day (`kc2`), and what
/// was still plain — questionnaire answers and scores, check-in ratings, reactions, bond
/// names — is sealed. Values sealed the earlier way are opened for their purpose and sealed
/// again to their place; plain ones are sealed; the old plain totals are cleared (the score
/// holds the total). The same pass runs again at every `serve` start and before a key
/// rotation (`SealedColumn.bindEarlierForms`), for anything a node of an earlier version wrote
/// after this migration ran.
struct SealAndBindEverything: AsyncMigration {
    let cipher: TextCipher

    func prepare(on database: any Database) async throws {
        try await SealedColumn.bindEarlierForms(on: database, with: cipher, columns: SealedColumn.sealedInIssue11)
    }

    /// Sealed values stay sealed: reverting would put what people wrote back in plain text.
    func revert(on database: any Database) async throws {}
}

extension SealedColumn {
    /// Seals and binds every value still in a form from before issue 11; returns how many.
    /// Idempotent: a value already bound (`kc2:`) is left alone.
    @discardableResult
    static func bindEarlierForms(on database: any Database, with cipher: TextCipher, columns: [SealedColumn] = all) async throws -> Int {
        guard let sql = database as? any SQLDatabase else { return 0 }
        var count = 0
        for sealed in columns {
            try await sealed.walk(on: sql, skipping: TextCipher.prefix + ":") { row in
                guard let value = row.value else { return }
                let plain: String
                if value.hasPrefix(TextCipher.legacyPrefix + ":") {
                    plain = try cipher.openLegacy(value, purpose: sealed.purpose)
                } else if sealed.before == .plain {
                    plain = value
                } else {
                    return  // neither sealed nor ever plain here: not ours to touch
                }
                if try await sealed.replace(row.id, old: value, new: try cipher.seal(plain, at: sealed.place(of: row)), on: sql) { count += 1 }
            }
        }
        if columns.contains(where: { $0.table == "assessments" }) {
            try await sql.update("assessments").set("total", to: SQLLiteral.numeric("0")).where("total", .notEqual, SQLLiteral.numeric("0")).run()
        }
        return count
    }
}
