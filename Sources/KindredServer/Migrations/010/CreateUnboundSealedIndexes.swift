import Fluent
import SQLKit

/// Start-up binds what an earlier version wrote (`SealedColumn.bindEarlierForms`), which
/// looked through every row of every sealed column: seconds on a year of history before
/// `/readyz` (issue 15). A partial index per column holds only the rows not yet in today's
/// form, so that pass now reads nothing once everything is bound. The columns are fixed here;
/// a column sealed later adds its index in its own migration.
struct CreateUnboundSealedIndexes: AsyncMigration {
    static let columns = SealedColumn.sealedInIssue11 + SealedColumn.sealedInIssue12 + SealedColumn.sealedInIssue13

    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        for sealed in Self.columns {
            try await sql.raw("""
                CREATE INDEX \(ident: sealed.unboundIndex) ON \(ident: sealed.table) (id) WHERE \(unsafeRaw: sealed.notBound)
                """).run()
        }
    }

    func revert(on database: any Database) async throws {
        for sealed in Self.columns { try await database.dropIndex(sealed.unboundIndex) }
    }
}

extension SealedColumn {
    var unboundIndex: String { "unbound_\(table)_\(column)" }

    /// Written out, not bound: both databases use a partial index only for a query whose
    /// condition is the index's own, literally.
    var notBound: String { "\"\(column)\" NOT LIKE '\(TextCipher.prefix):%'" }
}
