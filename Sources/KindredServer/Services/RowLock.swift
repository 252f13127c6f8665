import Fluent
import SQLKit
import Vapor

extension Database {
    /// Takes the write lock before a transaction reads what it will change.
    ///
    /// SQLite begins Fluent's transactions deferred: a transaction that reads and then writes
    /// fails with "database is locked" if another connection wrote in between, and the busy
    /// timeout cannot help. Writing first takes the lock up front (waiting under the busy
    /// timeout instead). On PostgreSQL the same no-op update locks the row, so two
    /// transactions on it run one after the other and the second reads what the first wrote.
    func lockRow(of table: RowLockTable, id: UUID) async throws {
        guard let sql = self as? any SQLDatabase else { throw Abort(.internalServerError) }
        try await sql.raw("UPDATE \(unsafeRaw: table.rawValue) SET \(unsafeRaw: table.column) = \(unsafeRaw: table.column) WHERE id = \(bind: id)").run()
    }
}

/// The rows transactions lock, each with a column that is never a key (updating a key to
/// itself could still fire foreign-key work).
enum RowLockTable: String {
    case bonds, users
    case passwordResets = "password_resets"
    case pendingSignups = "pending_signups"

    var column: String {
        switch self {
        case .bonds: "kind"
        case .users: "updated_at"
        case .passwordResets, .pendingSignups: "expires_at"
        }
    }
}
