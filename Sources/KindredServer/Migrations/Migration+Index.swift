import Fluent
import SQLKit

extension Database {
    /// Fluent's schema builder has no plain (non-unique) index, so indexes go through SQLKit.
    /// Named explicitly, so a later migration can drop exactly this one.
    func createIndex(_ name: String, on table: String, columns: [String]) async throws {
        guard let sql = self as? any SQLDatabase else { return }
        var builder = sql.create(index: name).on(table)
        for column in columns { builder = builder.column(column) }
        try await builder.run()
    }

    func dropIndex(_ name: String) async throws {
        guard let sql = self as? any SQLDatabase else { return }
        try await sql.drop(index: name).run()
    }
}
