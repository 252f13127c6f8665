import Fluent
import Foundation
import SQLKit

/// Issue 11: every sealed value is bound to its row, owner, bond and day (`kc2`), and what
/// was still plain — questionnaire answers and scores, check-in ratings — is sealed. Values
/// sealed the earlier way are opened for their purpose and sealed again to their place;
/// plain ones are sealed; the old plain totals are cleared (the score holds the total).
struct SealAndBindEverything: AsyncMigration {
    let cipher: TextCipher

    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        for sealed in SealedColumn.all {
            try await sealed.walk(on: sql) { row in
                guard let value = row.value, !value.hasPrefix(TextCipher.prefix + ":") else { return }
                let plain: String
                switch sealed.before {
                case .legacySealed: plain = try cipher.openLegacy(value, purpose: sealed.purpose)
                case .plain: plain = value
                }
                _ = try await sealed.replace(row.id, old: value, new: try cipher.seal(plain, at: sealed.place(of: row)), on: sql)
            }
        }
        try await sql.update("assessments").set("total", to: SQLLiteral.numeric("0")).run()
    }

    /// Sealed values stay sealed: reverting would put what people wrote back in plain text.
    func revert(on database: any Database) async throws {}
}
