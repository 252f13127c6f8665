import Fluent
import SQLKit

/// Fluent models read out of a hand-written statement, each table's columns under its own
/// prefix (`b_id`, `u_email`): one round trip can then bring back several tables, and each
/// model is filled exactly as a Fluent query would fill it.
enum PrefixedColumns {
    /// `alias.column AS prefix_column, …` for every column of `M` (reflection: build it once).
    static func select<M: Model>(_ type: M.Type, from alias: String, as prefix: String) -> [String] {
        M.keys.map { "\(alias).\($0.description) AS \(prefix)_\($0.description)" }
    }
}

extension SQLRow {
    /// The model whose columns this row holds under `prefix` (as `PrefixedColumns` names them),
    /// or under their own names when there is none.
    /// Field by field where the model knows its columns (`RowDecodable`), else as Fluent reads it.
    func model<M: Model>(_ type: M.Type, prefix: String? = nil) throws -> M {
        let prefix = prefix.map { $0 + "_" } ?? ""
        if let known = M.self as? any RowDecodable.Type {
            return try known.init(row: PrefixedOutput(row: self, prefix: prefix)) as! M
        }
        return try fluentModel(M.self, prefix: prefix)
    }

    /// Always Fluent's own reading (for models without `RowDecodable`, and to test those with it).
    func fluentModel<M: Model>(_ type: M.Type, prefix: String) throws -> M {
        let model = M()
        try model.output(from: PrefixedOutput(row: self, prefix: prefix))
        return model
    }
}

/// A row's columns under a prefix, as Fluent's properties read them.
struct PrefixedOutput: DatabaseOutput {
    let row: any SQLRow
    let prefix: String
    var description: String { "\(prefix)* of \(row)" }
    func schema(_ schema: String) -> any DatabaseOutput { self }
    func contains(_ key: FieldKey) -> Bool { row.contains(column: prefix + key.description) }
    func decodeNil(_ key: FieldKey) throws -> Bool { try row.decodeNil(column: prefix + key.description) }
    func decode<T: Decodable>(_ key: FieldKey, as type: T.Type) throws -> T { try row.decode(column: prefix + key.description, as: T.self) }
}

/// A row whose columns are named by position (`c0`, `c1`, …), read under the names its
/// models know (`q_day`): `names` maps each known name to its position. A name it does not
/// map is looked up as it is, and so fails as on any row without that column.
struct PositionalRow: SQLRow {
    let row: any SQLRow
    let names: [String: String]
    var allColumns: [String] { Array(names.keys) }
    func contains(column: String) -> Bool { row.contains(column: names[column] ?? column) }
    func decodeNil(column: String) throws -> Bool { try row.decodeNil(column: names[column] ?? column) }
    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D { try row.decode(column: names[column] ?? column, as: D.self) }
}
