import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import XCTest
@testable import KindredServer

/// `kindred backup` and `kindred restore` as an operator runs them (issue 15): a backup made
/// while `kindred serve` takes a steady stream of writes holds every write acknowledged before
/// it started, passes its integrity check, restores only into an empty data folder, and serves
/// again with the same key.
final class BackupProcessTests: XCTestCase, ProcessHarness {
    /// New accounts, as fast as the server takes them, until `stop` is set; each acknowledged
    /// one with the moment its 201 arrived.
    actor Load {
        private(set) var acknowledged: [(email: String, at: Date)] = []
        private(set) var stopped = false
        func record(_ email: String) { acknowledged.append((email, Date())) }
        func stop() { stopped = true }
    }

    func testABackupUnderWritesHoldsEveryAcknowledgedWriteAndRestoresIntoAnEmptyFolder() async throws {
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: executable), "build the executable first (swift build): \(executable)")
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("kindred-backup-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let port = Int.random(in: 20_000...59_000)
        var environment = environment(root: root, port: port)
        environment["KINDRED_REGISTRATIONS_PER_CLIENT"] = "100000"
        environment["KINDRED_REGISTRATIONS_TOTAL"] = "100000"
        let base = "http://127.0.0.1:\(port)"
        let server = try await serve(environment: environment, port: port)
        defer { if server.isRunning { server.terminate() } }

        let load = Load(), harness = Harness()
        let writers = (0..<4).map { writer in
            Task {
                var n = 0
                while await !load.stopped {
                    n += 1
                    let email = "w\(writer)-\(n)@example.org"
                    let (status, _) = try await harness.send("POST", base + "/api/v1/accounts",
                                                     json: ["email": email, "password": "a long and lovely passphrase", "displayName": "W"])
                    if status == 201 { await load.record(email) }
                }
            }
        }
        // At least 2 s of writes, and until a few are acknowledged: each is a bcrypt hash, so on a
        // busy machine 2 s alone can hold too few for the check below to mean anything.
        let warm = Date().addingTimeInterval(2), deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let acknowledged = await load.acknowledged.count
            if Date() >= warm, acknowledged >= 4 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let started = Date()
        let backupFile = root + "/kindred-backup.sqlite"
        let backup = try run(["backup", backupFile], environment: environment)
        try await Task.sleep(for: .milliseconds(500))
        await load.stop()
        for writer in writers { try await writer.value }
        server.terminate()
        server.waitUntilExit()

        XCTAssertEqual(backup.status, 0, backup.output)
        XCTAssertTrue(backup.output.contains("Integrity check: ok."), backup.output)
        XCTAssertTrue(backup.output.contains("The encryption key is not in the backup."), backup.output)
        let before = await load.acknowledged.filter { $0.at < started }.map(\.email)
        XCTAssertGreaterThan(before.count, 3, "writes were under way before the backup started")
        let again = try run(["backup", backupFile], environment: environment)
        XCTAssertNotEqual(again.status, 0, "a backup never overwrites")

        // Into the old (non-empty) folder: refused, and the data there untouched.
        let refused = try run(["restore", backupFile], environment: environment)
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.output.contains("Restore only into an empty data folder"), refused.output)

        // Into an empty one, with the same key (kept beside the old folder, never in a backup).
        var restoredEnvironment = environment
        restoredEnvironment["KINDRED_DATA_DIR"] = root + "/restored"
        restoredEnvironment["KINDRED_KEY_DIR"] = root + "/data-keys"
        let restored = try run(["restore", backupFile], environment: restoredEnvironment)
        XCTAssertEqual(restored.status, 0, restored.output)
        let server2 = try await serve(environment: restoredEnvironment, port: port)
        defer { if server2.isRunning { server2.terminate() } }
        var missing: [String] = []
        for email in before {
            let (status, _) = try await harness.send("POST", base + "/api/v1/tokens", json: ["email": email, "password": "a long and lovely passphrase"])
            if status != 201 { missing.append(email) }
        }
        XCTAssertEqual(missing, [], "every account acknowledged before the backup started is in it")
    }

    func testOnPostgreSQLBothCommandsExplainPgDumpAndPgRestore() throws {
        var environment = environment(root: FileManager.default.temporaryDirectory.path + "/kindred-pg-\(UUID())", port: 1)
        environment["DATABASE_URL"] = "postgres://kindred:secret@127.0.0.1:1/kindred"
        environment["KINDRED_ENCRYPTION_KEY"] = String(repeating: "A", count: 43) + "="
        for action in ["backup", "restore"] {
            let result = try run([action, "/tmp/unused-\(UUID())"], environment: environment)
            XCTAssertEqual(result.status, 2, result.output)
            XCTAssertTrue(result.output.contains("pg_dump") && result.output.contains("pg_restore"), result.output)
        }
    }
}
