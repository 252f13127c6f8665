import Fluent
import SQLKit

/// A bond's measure version (issue 15): a number the database itself raises whenever a result
/// in the bond is taken, shared, unshared, pinned to a guess or deleted (by a trigger, so no
/// path that writes results can forget it, on any node). A dashboard built from the bond's
/// results is kept under that number (`DashboardCards`) and used again only while it is the same.
struct UpdateBondsAddMeasureVersion: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("bonds").field("measure_version", .int, .required, .sql(.default(0))).update()
        guard let sql = database as? any SQLDatabase else { return }
        if sql.dialect.name == "postgresql" {
            try await sql.raw("""
                CREATE FUNCTION raise_measure_version() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    UPDATE bonds SET measure_version = measure_version + 1
                    WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.bond_id ELSE NEW.bond_id END;
                    RETURN NULL;
                END $$
                """).run()
            try await sql.raw("""
                CREATE TRIGGER raise_measure_version AFTER INSERT OR UPDATE OR DELETE ON assessments
                FOR EACH ROW EXECUTE FUNCTION raise_measure_version()
                """).run()
        } else {
            for (event, row) in Self.sqliteEvents {
                try await sql.raw("""
                    CREATE TRIGGER \(unsafeRaw: "raise_measure_version_after_" + event.lowercased()) AFTER \(unsafeRaw: event) ON assessments
                    BEGIN UPDATE bonds SET measure_version = measure_version + 1 WHERE id = \(unsafeRaw: row).bond_id; END
                    """).run()
            }
        }
    }

    func revert(on database: any Database) async throws {
        if let sql = database as? any SQLDatabase {
            if sql.dialect.name == "postgresql" {
                try await sql.raw("DROP TRIGGER raise_measure_version ON assessments").run()
                try await sql.raw("DROP FUNCTION raise_measure_version()").run()
            } else {
                for (event, _) in Self.sqliteEvents {
                    try await sql.raw("DROP TRIGGER \(unsafeRaw: "raise_measure_version_after_" + event.lowercased())").run()
                }
            }
        }
        try await database.schema("bonds").deleteField("measure_version").update()
    }

    /// SQLite has one trigger per event; a deleted row is `OLD`, the others `NEW`.
    private static let sqliteEvents = [("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")]
}
