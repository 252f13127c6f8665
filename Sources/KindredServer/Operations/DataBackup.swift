import Foundation
import SQLiteNIO

/// `kindred backup FILE` and `kindred restore FILE`, for the SQLite file (issue 15). A backup is
/// a consistent copy made while the server runs (`VACUUM INTO` reads one snapshot: every write
/// acknowledged before it started is in it), checked with `PRAGMA integrity_check` and counted.
/// A restore copies one into an empty data folder and checks it again. The encryption key is
/// never in a backup: it is backed up separately, and without it nothing sealed opens.
public enum DataBackup {
    public static func run(arguments: [String], configuration: KindredConfiguration) async -> Int32 {
        guard let action = arguments.first, ["backup", "restore"].contains(action), arguments.count == 2 else {
            print("Usage: kindred backup FILE | kindred restore FILE")
            return 2
        }
        guard case .sqlite(let path) = configuration.storage else {
            print(postgresAdvice)
            return 2
        }
        do {
            if action == "backup" {
                try await backup(from: path, to: arguments[1], configuration: configuration)
            } else {
                try await restore(from: arguments[1], to: path, configuration: configuration)
            }
            return 0
        } catch let failure as Failure {
            FileHandle.standardError.write(Data("kindred \(action): \(failure.message)\n".utf8))
            return 1
        } catch {
            FileHandle.standardError.write(Data("kindred \(action): \(String(reflecting: error))\n".utf8))
            return 1
        }
    }

    struct Failure: Error {
        let message: String
    }

    static let postgresAdvice = """
        This Kindred keeps its data in PostgreSQL (DATABASE_URL), so use PostgreSQL's own tools:
          backup:  pg_dump --format=custom --file=kindred.dump "$DATABASE_URL"
          restore: pg_restore --no-owner --dbname="$DATABASE_URL" kindred.dump   (into an empty database)
        pg_dump reads one consistent snapshot while Kindred runs. Back up the encryption key
        (KINDRED_ENCRYPTION_KEY) separately: without it, nothing people wrote can be read.
        """

    static func backup(from source: String, to target: String, configuration: KindredConfiguration) async throws {
        let progress = ProgressLine()
        guard FileManager.default.fileExists(atPath: source) else { throw Failure(message: "there is no database at \(source).") }
        guard !FileManager.default.fileExists(atPath: target) else { throw Failure(message: "\(target) already exists; choose a new file (a backup never overwrites).") }
        progress.show("Copying a consistent snapshot of \(source)…")
        let connection = try await SQLiteConnection.open(storage: .file(path: source))
        do {
            // The server may be writing: wait for its lock rather than fail.
            _ = try await connection.query("PRAGMA busy_timeout=30000")
            _ = try await connection.query("VACUUM INTO ?", [.text(target)])
            try await connection.close()
        } catch {
            try? await connection.close()
            throw Failure(message: "the copy failed: \(error)")
        }
        progress.show("Checking the copy…")
        let counts: [(String, Int64)]
        do {
            counts = try await check(target)
        } catch {
            try? FileManager.default.removeItem(atPath: target)
            throw error
        }
        progress.finish()
        let size = (try? FileManager.default.attributesOfItem(atPath: target)[.size] as? Int64) ?? 0
        print("Backed up to \(target) (\(ByteCountFormatter.string(fromByteCount: size, countStyle: .file))). Integrity check: ok.")
        print("Rows: " + counts.map { "\($0.0) \($0.1)" }.joined(separator: ", "))
        print("The encryption key is not in the backup. Keep a copy of \(configuration.keyDirectory) (or KINDRED_ENCRYPTION_KEY) somewhere else: without it the backup cannot be read.")
    }

    static func restore(from source: String, to target: String, configuration: KindredConfiguration) async throws {
        let progress = ProgressLine()
        let manager = FileManager.default
        guard manager.fileExists(atPath: source) else { throw Failure(message: "there is no backup at \(source).") }
        for existing in [target, target + "-wal", target + "-shm"] where manager.fileExists(atPath: existing) {
            throw Failure(message: "\(existing) exists. Restore only into an empty data folder (stop Kindred and move the old folder away first).")
        }
        progress.show("Checking the backup…")
        _ = try await check(source)
        let folder = (target as NSString).deletingLastPathComponent
        try manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let partial = target + ".restoring"
        try? manager.removeItem(atPath: partial)
        try copy(source, to: partial, progress: progress)
        try manager.moveItem(atPath: partial, toPath: target)
        progress.show("Checking the restored database…")
        let counts = try await check(target)
        progress.finish()
        print("Restored \(source) into \(target). Integrity check: ok.")
        print("Rows: " + counts.map { "\($0.0) \($0.1)" }.joined(separator: ", "))
        print("Start it with `kindred serve`, with the encryption key the backup was made with (\(configuration.keyDirectory), or KINDRED_ENCRYPTION_KEY): serve refuses to start with any other.")
    }

    /// `PRAGMA integrity_check` must say ok; then each table's rows, for the operator to compare.
    static func check(_ path: String) async throws -> [(String, Int64)] {
        let connection = try await SQLiteConnection.open(storage: .file(path: path))
        do {
            let verdict = try await connection.query("PRAGMA integrity_check").first?.column("integrity_check")?.string
            guard verdict == "ok" else { throw Failure(message: "\(path) fails its integrity check: \(verdict ?? "no answer").") }
            let tables = try await connection.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
                .compactMap { $0.column("name")?.string }
            guard tables.contains("users") else { throw Failure(message: "\(path) is not a Kindred database.") }
            var counts: [(String, Int64)] = []
            for table in tables where table != "_fluent_migrations" {
                // Table names come from the file's own catalogue, quoted as identifiers.
                let count = try await connection.query("SELECT count(*) AS n FROM \"\(table.replacingOccurrences(of: "\"", with: "\"\""))\"").first?.column("n")?.integer ?? 0
                counts.append((table, Int64(count)))
            }
            try await connection.close()
            return counts
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// Copies in 1 MiB pieces, with progress, and makes the copy durable before it is renamed in.
    static func copy(_ source: String, to target: String, progress: ProgressLine) throws {
        guard let input = FileHandle(forReadingAtPath: source) else { throw Failure(message: "cannot read \(source).") }
        defer { try? input.close() }
        guard FileManager.default.createFile(atPath: target, contents: nil, attributes: [.posixPermissions: 0o600]),
              let output = FileHandle(forWritingAtPath: target) else { throw Failure(message: "cannot write \(target).") }
        defer { try? output.close() }
        let total = (try? FileManager.default.attributesOfItem(atPath: source)[.size] as? Int64) ?? 0
        var done: Int64 = 0
        while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty {
            try output.write(contentsOf: chunk)
            done += Int64(chunk.count)
            progress.show("Copying", done: done, total: total)
        }
        try output.synchronize()
    }
}
