import Fluent
import Foundation
import SQLKit
import XCTVapor
@testable import KindredServer

final class EncryptionTests: XCTestCase {
    static let sentence = "The owl flies at midnight over the old mill"
    /// How questionnaire answers, scores and check-in ratings looked when they were plain JSON.
    static let plainMarks = ["\"eis1\"", "\"open-sharing\"", "\"subscales\"", "\"band\"", "Moonlit Orchard"]

    /// Writes the known sentence into every kind of sealed text, from a person whose display
    /// name is stored in plain text (the control that proves the scan can find things).
    func writeEverywhere(_ app: Application) async throws {
        let (ana, ben, bond) = try await app.pair()
        _ = try await app.send(.PATCH, "/api/v1/me", json: ["displayName": "Zebediah Quenton"], token: ana.token)
        _ = try await app.send(.PUT, "/api/v1/bonds/\(bond)/today/answer", json: ["text": Self.sentence], token: ana.token)
        let revealed = try await app.send(.PUT, "/api/v1/bonds/\(bond)/today/answer", json: ["text": "Ben answers"], token: ben.token)
        let day = (revealed.json["today"] as? [String: Any])?["day"] as? String ?? ""
        _ = try await app.send(.POST, "/api/v1/bonds/\(bond)/days/\(day)/replies", json: ["text": Self.sentence], token: ana.token)
        _ = try await app.send(.POST, "/api/v1/bonds/\(bond)/appreciations", json: ["text": Self.sentence], token: ana.token)
        _ = try await app.send(.PUT, "/api/v1/bonds/\(bond)/checkins/current", json: [
            "ratings": ["open-sharing": 3, "trust": 3, "positive-feelings": 3, "quality-time": 3, "communication": 3, "vulnerability": 3],
            "note": Self.sentence,
        ], token: ana.token)
        let check = try await app.send(.POST, "/api/v1/safety-check", json: ["answers": SafetyTests.allNo, "country": Self.sentence, "save": true], token: ana.token)
        XCTAssertEqual(check.status, .ok)
        let result = try await app.send(.POST, "/api/v1/bonds/\(bond)/assessments",
                                        json: ["instrument": "eis", "answers": ["eis1": 4, "eis2": 3, "eis3": 5, "eis4": 2, "eis5": 1]], token: ana.token)
        XCTAssertEqual(result.status, .created)
        let named = try await app.send(.POST, "/api/v1/bonds", json: ["kind": "friendship", "name": "Moonlit Orchard"], token: ana.token)
        XCTAssertEqual(named.json["name"] as? String, "Moonlit Orchard", "sealed, yet its name reads back")
        let stillReadable = try await app.send(.GET, "/api/v1/bonds/\(bond)/today", token: ben.token)
        XCTAssertTrue(stillReadable.body.contains(Self.sentence), "sealed, yet readable to the people it is for")
    }

    func testTheSQLiteFileNeverHoldsWhatPeopleWrote() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kindred-enc-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/kindred.sqlite"
        try await withApp({ $0.storage = .sqlite(path: path) }) { app, _ in
            try await writeEverywhere(app)
        }
        var bytes = Data()
        for suffix in ["", "-wal", "-shm"] {
            if let data = FileManager.default.contents(atPath: path + suffix) { bytes.append(data) }
        }
        XCTAssertGreaterThan(bytes.count, 10_000)
        XCTAssertNotNil(bytes.range(of: Data("Zebediah Quenton".utf8)), "the scan finds plain text when it is there")
        XCTAssertNil(bytes.range(of: Data(Self.sentence.utf8)), "the sentence is in the database file in plain text")
        XCTAssertNil(bytes.range(of: Data("owl flies".utf8)))
        for mark in Self.plainMarks {
            XCTAssertNil(bytes.range(of: Data(mark.utf8)), "\(mark) is in the database file in plain text")
        }
    }

    func testAPostgreSQLDumpNeverHoldsWhatPeopleWrote() async throws {
        guard let url = TestDatabase.postgresURL else {
            throw XCTSkip("runs in the PostgreSQL pass of scripts/test, where KINDRED_TEST_DATABASE_URL is set")
        }
        try await withApp { app, _ in
            try await writeEverywhere(app)
        }
        let candidates = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql"))?.sorted().reversed()
            .map { "/usr/lib/postgresql/\($0)/bin/pg_dump" } ?? []
        let pgDump = try XCTUnwrap((candidates + ["/usr/bin/pg_dump"]).first { FileManager.default.isExecutableFile(atPath: $0) }, "pg_dump not found")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: pgDump)
        process.arguments = ["--data-only", "--no-owner", url]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let dump = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        let text = String(decoding: dump, as: UTF8.self)
        XCTAssertTrue(text.contains("Zebediah Quenton"), "the dump holds the data")
        XCTAssertFalse(text.contains(Self.sentence), "the sentence is in the dump in plain text")
        for mark in Self.plainMarks { XCTAssertFalse(text.contains(mark), "\(mark) is in the dump in plain text") }
    }

    func testRotatingTheKeyResealsEverythingAndKeepsItReadable() async throws {
        try await withApp { app, _ in
            try await writeEverywhere(app)
            let old = app.kindred.cipher
            let new = try TextCipher(keys: [TextCipher.Key(TextCipher.Key.generate())] + old.keys)
            let outcome = try await KeysCommand.rotate(on: app.db, with: new)
            XCTAssertEqual(outcome, .init(resealed: 10, remaining: 0),
                           "two answers, a reply, an appreciation, a check-in's note and ratings, the saved check, a result's answers and score, a bond's name")
            let onlyNew = try TextCipher(keys: [new.keys[0]])
            let sql = try XCTUnwrap(app.db as? any SQLDatabase)
            for sealed in SealedColumn.all {
                try await sealed.walk(on: sql) { row in
                    guard let value = row.value else { return }
                    XCTAssertEqual(TextCipher.keyID(of: value), new.currentKeyID, sealed.table)
                    XCTAssertNoThrow(try onlyNew.open(value, at: sealed.place(of: row)), "\(sealed.table) opens with the new key alone")
                }
            }
            let again = try await KeysCommand.rotate(on: app.db, with: new)
            XCTAssertEqual(again, .init(resealed: 0, remaining: 0), "a second run has nothing to do")
        }
    }

    func testSealedTextOpensOnlyInThePlaceItWasSealedFor() throws {
        let cipher = try TextCipher(keys: [TextCipher.Key(TextCipher.Key.generate())])
        let place = SealedPlace(purpose: "daily_answers.text", row: UUID(), owner: UUID(), bond: UUID(), period: "2026-11-30")
        let sealed = try cipher.seal("hello", at: place)
        XCTAssertTrue(sealed.hasPrefix("kc2:\(cipher.currentKeyID):"))
        XCTAssertNotEqual(try cipher.seal("hello", at: place), sealed, "a fresh nonce every time")
        XCTAssertEqual(try cipher.open(sealed, at: place), "hello")
        var elsewhere = [place, place, place, place, place]
        elsewhere[0].purpose = "appreciations.text"
        elsewhere[1].row = UUID()
        elsewhere[2].owner = UUID()
        elsewhere[3].bond = UUID()
        elsewhere[4].period = "2026-12-01"
        for other in elsewhere {
            XCTAssertThrowsError(try cipher.open(sealed, at: other), "moved to \(other), it will not open")
        }
        var tampered = Array(sealed)
        tampered[tampered.count - 3] = tampered[tampered.count - 3] == "A" ? "B" : "A"
        XCTAssertThrowsError(try cipher.open(String(tampered), at: place))
        let other = try TextCipher(keys: [TextCipher.Key(TextCipher.Key.generate())])
        XCTAssertThrowsError(try other.open(sealed, at: place))
        XCTAssertThrowsError(try TextCipher.Key(Data(repeating: 1, count: 16)), "keys are 256-bit")
        // The earlier form, bound to its purpose only, no longer opens anywhere but in the migration.
        let legacy = try cipher.sealLegacy("hello", purpose: "daily_answers.text")
        XCTAssertThrowsError(try cipher.open(legacy, at: place)) { error in
            XCTAssertEqual(String(describing: error), String(describing: TextCipher.CipherError.unbound))
        }
        XCTAssertEqual(try cipher.openLegacy(legacy, purpose: "daily_answers.text"), "hello")
    }

    func testTheKeyFileIsMadeOnceWithMode0600() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kindred-keys-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try KeyStore.load(environmentValue: nil, keyDirectory: directory)
        let second = try KeyStore.load(environmentValue: nil, keyDirectory: directory)
        XCTAssertEqual(first.currentKeyID, second.currentKeyID, "the same key on every start")
        let attributes = try FileManager.default.attributesOfItem(atPath: directory + "/" + KeyStore.fileName)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        let fromEnvironment = try KeyStore.load(environmentValue: TextCipher.Key.generate().base64EncodedString(), keyDirectory: directory)
        XCTAssertNotEqual(fromEnvironment.currentKeyID, first.currentKeyID, "the environment wins over the file")
        // Rotation with the file: a new key first, the old one kept to read with, then dropped.
        let path = directory + "/" + KeyStore.fileName
        let rotated = try KeyStore.prependNewKey(at: path)
        XCTAssertEqual(rotated.count, 2)
        XCTAssertEqual(rotated[1].id, first.currentKeyID)
        try KeyStore.keepOnlyNewest(at: path)
        let after = try KeyStore.load(environmentValue: nil, keyDirectory: directory)
        XCTAssertEqual(after.keys.map(\.id), [rotated[0].id])
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber
        XCTAssertEqual(mode?.intValue, 0o600, "still private after being replaced")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".new") }
        XCTAssertEqual(leftovers, [], "no temporary key files are left behind")
    }

    func testTheKeyLivesOutsideTheDataFolderAndAnOldOneMovesThere() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("kindred-keydir-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        var configuration = KindredConfiguration()
        configuration.dataDirectory = root + "/data/"
        XCTAssertEqual(configuration.keyDirectory, root + "/data-keys", "beside the data folder by default")
        XCTAssertNil(configuration.keyInsideDataWarning)

        // A key file where earlier versions kept it is copied out of the data folder, unchanged,
        // and the copy left behind is warned about until the operator removes it.
        try FileManager.default.createDirectory(atPath: root + "/data", withIntermediateDirectories: true)
        let old = TextCipher.Key.generate()
        try KeyStore.write([old], to: root + "/data/" + KeyStore.fileName, replacing: false)
        let loaded = try configuration.loadCipher()
        XCTAssertEqual(loaded.currentKeyID, try TextCipher.Key(old).id, "the same key, so old rows still open")
        XCTAssertTrue(FileManager.default.fileExists(atPath: root + "/data/" + KeyStore.fileName), "never deleted: the key folder may not survive a redeploy")
        XCTAssertTrue(FileManager.default.fileExists(atPath: root + "/data-keys/" + KeyStore.fileName))
        XCTAssertNotNil(configuration.keyLeftInDataWarning)
        XCTAssertEqual(try configuration.loadCipher().currentKeyID, loaded.currentKeyID, "the same key on the next start")
        try FileManager.default.removeItem(atPath: root + "/data/" + KeyStore.fileName)
        XCTAssertNil(configuration.keyLeftInDataWarning, "no warning once the copy is gone")
        let mode = try FileManager.default.attributesOfItem(atPath: root + "/data-keys/" + KeyStore.fileName)[.posixPermissions] as? NSNumber
        XCTAssertEqual(mode?.intValue, 0o600)

        // A different key file left in the data folder stops the start with a clear message.
        try KeyStore.write([TextCipher.Key.generate()], to: root + "/data/" + KeyStore.fileName, replacing: false)
        XCTAssertThrowsError(try configuration.loadCipher()) { error in
            XCTAssertTrue(String(describing: error).contains("two different key files"), String(describing: error))
        }

        // A key folder chosen inside the data folder is warned about at start.
        let inside = try KindredConfiguration.load(from: ["KINDRED_DATA_DIR": root + "/data", "KINDRED_KEY_DIR": root + "/data/keys"]).get()
        XCTAssertNotNil(inside.keyInsideDataWarning)
        let outside = try KindredConfiguration.load(from: ["KINDRED_DATA_DIR": root + "/data", "KINDRED_KEY_DIR": root + "/secrets"]).get()
        XCTAssertNil(outside.keyInsideDataWarning)
    }
}
