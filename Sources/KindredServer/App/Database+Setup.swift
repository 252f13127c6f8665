import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import SQLKit
import Vapor

extension Application {
    /// SQLite by default (one file, WAL, `synchronous=FULL`, foreign keys);
    /// PostgreSQL when `DATABASE_URL` is set. Both get the same migrations.
    /// Queries are logged only at trace, a level Kindred never runs at (`KINDRED_LOG_LEVEL`
    /// refuses it): their values hold emails, answers and the fact that someone saved a safety
    /// check. Tests count a request's round trips from those trace lines (`QueryCounter`).
    func useKindredDatabase(_ configuration: KindredConfiguration) throws {
        switch configuration.storage {
        case .sqlite(let path):
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
            databases.use(.sqlite(.file(path), sqlLogLevel: .trace), as: .sqlite)
        case .sqliteInMemory:
            databases.use(.sqlite(.memory, sqlLogLevel: .trace), as: .sqlite)
        case .postgres(let url):
            var postgres = try SQLPostgresConfiguration(url: url)
            postgres.searchPath = nil
            databases.use(
                .postgres(configuration: postgres, maxConnectionsPerEventLoop: configuration.databasePoolSize, sqlLogLevel: .trace),
                as: .psql
            )
        }
        migrations.addKindredMigrations(cipher: kindred.cipher)
    }

    /// SQLite's durability and integrity settings. Journal mode is stored in the file;
    /// `synchronous` and `foreign_keys` belong to each connection, and Fluent keeps one
    /// connection per event loop, so each loop's connection is set here.
    public func applySQLitePragmas() async throws {
        guard case .sqlite = kindred.configuration.storage else { return }
        for eventLoop in eventLoopGroup.makeIterator() {
            guard let sql = databases.database(.sqlite, logger: logger, on: eventLoop) as? any SQLDatabase else { continue }
            if case .sqlite(path: _) = kindred.configuration.storage {
                try await sql.raw("PRAGMA journal_mode=WAL").run()
            }
            try await sql.raw("PRAGMA synchronous=FULL").run()
            try await sql.raw("PRAGMA foreign_keys=ON").run()
            // Two connections share one writer lock: wait with backoff rather than spin.
            try await sql.raw("PRAGMA busy_timeout=5000").run()
        }
    }
}
