import Fluent
import SQLKit
import XCTVapor
@testable import KindredServer
import KindredCore

/// Every sealed value is bound to its row, owner, bond and day; the earlier forms are migrated;
/// and `kindred keys rotate` never loses an edit or drops a key still in use (issue 11, 6–9).
final class SealingTests: XCTestCase {
    func testASafetyCheckMovedToAnotherPersonInTheDatabaseDoesNotOpen() async throws {
        try await withApp { app, _ in
            let ana = try await app.person("Ana")
            let ben = try await app.person("Ben")
            var answers = SafetyTests.allNo
            answers["afraid"] = true
            let anas = try await app.send(.POST, "/api/v1/safety-check", json: ["answers": answers, "save": true], token: ana.token)
            let bens = try await app.send(.POST, "/api/v1/safety-check", json: ["answers": SafetyTests.allNo, "save": true], token: ben.token)
            let anaID = try XCTUnwrap(UUID(uuidString: (anas.json["saved"] as? [String: Any])?["id"] as? String ?? ""))
            let benID = try XCTUnwrap(UUID(uuidString: (bens.json["saved"] as? [String: Any])?["id"] as? String ?? ""))
            let sql = try XCTUnwrap(app.db as? any SQLDatabase)

            // Someone with the database but not the key copies Ana's sealed check over Ben's...
            let anaRow = try await SavedSafetyCheck.find(anaID, on: app.db)
            try await sql.update("saved_safety_checks").set("sealed", to: SQLBind(anaRow!.sealed)).where("id", .equal, SQLBind(benID)).run()
            let copied = try await app.send(.GET, "/api/v1/me/safety-checks", token: ben.token)
            XCTAssertEqual(copied.status, .ok)
            XCTAssertEqual(copied.jsonArray.count, 0, "the copy does not open in Ben's row")
            XCTAssertFalse(copied.body.contains("afraid\":true"))

            // ...or hands Ana's whole row to Ben.
            let benUserID = try XCTUnwrap(UUID(uuidString: ben.id))
            try await sql.update("saved_safety_checks").set("user_id", to: SQLBind(benUserID)).where("id", .equal, SQLBind(anaID)).run()
            let moved = try await app.send(.GET, "/api/v1/me/safety-checks", token: ben.token)
            XCTAssertEqual(moved.jsonArray.count, 0, "sealed for Ana, it does not open as Ben's")
            let export = try await app.send(.GET, "/api/v1/me/export", token: ben.token)
            XCTAssertEqual(export.status, .ok)
            XCTAssertFalse(export.body.contains("afraid\":true"), "nor in his export")
        }
    }

    /// Opened results are kept in memory (issue 15), but only under everything the seal binds:
    /// one already read and kept, then handed to the other member in the database, still
    /// does not open as theirs, and one copied over another's row does not either.
    func testAResultReadOnceThenMovedInTheDatabaseStillDoesNotOpen() async throws {
        try await withApp { app, _ in
            let (ana, ben, bond) = try await app.pair()
            let taken = try await app.send(.POST, "/api/v1/bonds/\(bond)/assessments",
                                           json: ["instrument": "eis", "answers": ["eis1": 5, "eis2": 5, "eis3": 5, "eis4": 5, "eis5": 5]], token: ana.token)
            let resultID = try XCTUnwrap(taken.json["id"] as? String)
            let bens = try await app.send(.POST, "/api/v1/bonds/\(bond)/assessments",
                                          json: ["instrument": "eis", "answers": ["eis1": 1, "eis2": 1, "eis3": 1, "eis4": 1, "eis5": 1]], token: ben.token)
            let bensID = try XCTUnwrap(bens.json["id"] as? String)
            // Both read, so both are kept opened.
            for (person, id) in [(ana, resultID), (ben, bensID)] {
                let read = try await app.send(.GET, "/api/v1/bonds/\(bond)/assessments/\(id)", token: person.token)
                XCTAssertEqual(read.status, .ok, read.body)
            }
            let before = try await app.send(.GET, "/api/v1/bonds/\(bond)/dashboard", token: ben.token)
            XCTAssertTrue(before.body.contains("\"total\":5"), before.body)

            let sql = try XCTUnwrap(app.db as? any SQLDatabase)
            let benUserID = try XCTUnwrap(UUID(uuidString: ben.id))
            try await sql.update("assessments").set("user_id", to: SQLBind(benUserID)).where("id", .equal, SQLBind(UUID(uuidString: resultID)!)).run()
            let moved = try await app.send(.GET, "/api/v1/bonds/\(bond)/assessments/\(resultID)", token: ben.token)
            XCTAssertEqual(moved.status, .notFound, "sealed for Ana, it does not open as Ben's: \(moved.body)")
            let dashboard = try await app.send(.GET, "/api/v1/bonds/\(bond)/dashboard", token: ben.token)
            XCTAssertEqual(dashboard.status, .ok)
            XCTAssertFalse(dashboard.body.contains("\"total\":25"), "Ana's 25 is not Ben's latest: \(dashboard.body)")
            XCTAssertTrue(dashboard.body.contains("\"total\":5"), "his own result still reads: \(dashboard.body)")
        }
    }

    func testARotationStepsPastAValueThatOpensNowhere() async throws {
        try await withApp { app, _ in
            let ana = try await app.person("Ana")
            let ben = try await app.person("Ben")
            for person in [ana, ben] {
                _ = try await app.send(.POST, "/api/v1/safety-check", json: ["answers": SafetyTests.allNo, "save": true], token: person.token)
            }
            let rows = try await SavedSafetyCheck.query(on: app.db).all()
            let sql = try XCTUnwrap(app.db as? any SQLDatabase)
            try await sql.update("saved_safety_checks").set("sealed", to: SQLBind(rows[0].sealed)).where("id", .equal, SQLBind(rows[1].id!)).run()
            let new = try TextCipher(keys: [TextCipher.Key(TextCipher.Key.generate())] + app.kindred.cipher.keys)
            let outcome = try await KeysCommand.rotate(on: app.db, with: new)
            XCTAssertEqual(outcome, .init(resealed: 1, remaining: 0, unreadable: 1), "the good one moves on; the moved one holds no key back")
        }
    }

    func testAnAnswerCopiedToAnotherDayOrRowDoesNotOpen() async throws {
        try await withApp { app, clock in
            let (ana, ben, bond) = try await app.pair()
            _ = try await app.send(.PUT, "/api/v1/bonds/\(bond)/today/answer", json: ["text": "Ana's first day"], token: ana.token)
            let first = try await DailyAnswer.query(on: app.db).first()
            clock.advance(86_400)
            _ = try await app.send(.PUT, "/api/v1/bonds/\(bond)/today/answer", json: ["text": "Ben's second day"], token: ben.token)
            let second = try await DailyAnswer.query(on: app.db).filter(\.$day != first!.day).first()
            let cipher = app.kindred.cipher
            XCTAssertEqual(try cipher.open(first!.sealedText, at: first!.place), "Ana's first day")
            XCTAssertThrowsError(try cipher.open(first!.sealedText, at: second!.place), "another row, person and day")
            var sameRowOtherDay = first!.place
            sameRowOtherDay.period = second!.day
            XCTAssertThrowsError(try cipher.open(first!.sealedText, at: sameRowOtherDay), "the same row, moved to another day")
        }
    }

    /// A database from before issue 11: texts sealed for their purpose only, and answers,
    /// scores and ratings in plain JSON. The migration seals and binds every one of them.
    func testTheMigrationSealsAndBindsWhatWasThereBefore() async throws {
        try await withApp { app, _ in
            let (ana, ben, bond) = try await app.pair()
            _ = try await app.send(.PUT, "/api/v1/bonds/\(bond)/today/answer", json: ["text": "Ana answered long ago"], token: ana.token)
            _ = try await app.send(.PUT, "/api/v1/bonds/\(bond)/today/answer", json: ["text": "Ben answered long ago"], token: ben.token)
            _ = try await app.send(.PUT, "/api/v1/bonds/\(bond)/checkins/current", json: [
                "ratings": ["open-sharing": 2, "trust": 3, "positive-feelings": 4, "quality-time": 5, "communication": 1, "vulnerability": 2],
                "note": "A week of small kindnesses",
            ], token: ana.token)
            let taken = try await app.send(.POST, "/api/v1/bonds/\(bond)/assessments",
                                           json: ["instrument": "eis", "answers": ["eis1": 4, "eis2": 3, "eis3": 5, "eis4": 2, "eis5": 1]], token: ana.token)
            let resultID = try XCTUnwrap(taken.json["id"] as? String)

            // Put every value back the way it was stored before.
            let sql = try XCTUnwrap(app.db as? any SQLDatabase)
            let cipher = app.kindred.cipher
            for sealed in SealedColumn.all {
                var rows: [SealedColumn.Row] = []
                try await sealed.walk(on: sql) { rows.append($0) }
                for row in rows {
                    guard let value = row.value else { continue }
                    let plain = try cipher.open(value, at: sealed.place(of: row))
                    let before = sealed.before == .plain ? plain : try cipher.sealLegacy(plain, purpose: sealed.purpose)
                    let replaced = try await sealed.replace(row.id, old: value, new: before, on: sql)
                    XCTAssertTrue(replaced)
                }
            }
            let plainRatings = try await sql.raw("SELECT ratings FROM checkins").all().first?.decode(column: "ratings", as: String.self)
            XCTAssertTrue(plainRatings?.contains("\"trust\":3") ?? false, "the test really made the old plain form")

            try await SealAndBindEverything(cipher: cipher).prepare(on: app.db)

            for sealed in SealedColumn.all {
                try await sealed.walk(on: sql) { row in
                    guard let value = row.value else { return }
                    XCTAssertTrue(value.hasPrefix("kc2:"), "\(sealed.table).\(sealed.column) is sealed and bound")
                }
            }
            let totals = try await sql.raw("SELECT total FROM assessments").all().map { try $0.decode(column: "total", as: Double.self) }
            XCTAssertEqual(totals, [0], "no plain total is left")
            // Everything reads back as before, for the people it is for.
            let day = try await app.send(.GET, "/api/v1/bonds/\(bond)/today", token: ben.token)
            XCTAssertTrue(day.body.contains("Ana answered long ago"), day.body)
            let week = try await app.send(.GET, "/api/v1/bonds/\(bond)/checkins/current", token: ana.token)
            XCTAssertTrue(week.body.contains("A week of small kindnesses"), week.body)
            let result = try await app.send(.GET, "/api/v1/bonds/\(bond)/assessments/\(resultID)", token: ana.token)
            XCTAssertEqual((result.json["answers"] as? [String: Int])?["eis3"], 5, result.body)
            XCTAssertEqual((result.json["score"] as? [String: Any])?["total"] as? Double, 15, result.body)
        }
    }

    /// Start-up's look for values an earlier version wrote goes through an index holding only
    /// those (issue 15): on a year of history it reads nothing, instead of every row.
    func testStartUpFindsUnboundValuesThroughAnIndexOfOnlyThose() async throws {
        try await withApp { app, _ in
            let sql = try XCTUnwrap(app.db as? any SQLDatabase)
            for sealed in CreateUnboundSealedIndexes.columns {
                let query = "SELECT id FROM \(sealed.table) WHERE \(sealed.notBound) ORDER BY id LIMIT 500"
                if TestDatabase.isPostgres {
                    let rows = try await sql.raw("SELECT indexdef FROM pg_indexes WHERE indexname = \(bind: sealed.unboundIndex)").all()
                    let definition = try rows.first?.decode(column: "indexdef", as: String.self) ?? ""
                    XCTAssertTrue(definition.contains("WHERE") && definition.contains("kc2:%"), "\(sealed.unboundIndex): \(definition)")
                } else {
                    let plan = try await sql.raw("EXPLAIN QUERY PLAN \(unsafeRaw: query)").all()
                        .map { try $0.decode(column: "detail", as: String.self) }.joined(separator: "; ")
                    XCTAssertTrue(plan.contains(sealed.unboundIndex), "\(query) → \(plan)")
                }
            }
        }
    }

    /// A node that lost its key file (and so made a new one) must not start on a database sealed
    /// under the old key: nothing would open, and new writes would use a key nobody backed up.
    func testAServerWithoutTheDatabasesKeyRefusesToStart() async throws {
        try await withApp { app, _ in
            let ana = try await app.person("Ana")
            _ = try await app.send(.POST, "/api/v1/safety-check", json: ["answers": SafetyTests.allNo, "save": true], token: ana.token)
            let configuration = app.kindred.configuration
            let right = try await SealedColumn.missingKey(on: app.db, cipher: app.kindred.cipher, configuration: configuration)
            XCTAssertNil(right)
            let stranger = try TextCipher(keys: [TextCipher.Key(TextCipher.Key.generate())])
            let wrong = try await SealedColumn.missingKey(on: app.db, cipher: stranger, configuration: configuration)
            XCTAssertTrue(wrong?.contains("Kindred will not start") ?? false, wrong ?? "nil")
            XCTAssertTrue(wrong?.contains(app.kindred.cipher.currentKeyID) ?? false, "names the key it needs")
            // An older key kept beside the new one (mid-rotation) is enough.
            let both = try TextCipher(keys: stranger.keys + app.kindred.cipher.keys)
            let withBoth = try await SealedColumn.missingKey(on: app.db, cipher: both, configuration: configuration)
            XCTAssertNil(withBoth)
        }
    }

    func testRotatingIsRefusedWhileAServerHoldsTheDatabase() async throws {
        try await withApp { app, _ in
            let lease = ServerLeases.start(app)
            for _ in 0..<100 where try await ServerLease.query(on: app.db).count() == 0 { try await Task.sleep(for: .milliseconds(20)) }
            do {
                try await KeysCommand.refuseBesideAServer(app.db)
                XCTFail("rotation must not run beside a server")
            } catch let refusal as KeysCommand.Refusal {
                XCTAssertTrue(refusal.description.contains("Stop every server"), refusal.description)
            }
            let rotationBegan = Date()
            lease.cancel()
            await lease.value
            let live = try await ServerLeases.live(on: app.db, now: Date())
            XCTAssertEqual(live.count, 0, "a server that stops gives its lease up")
            try await KeysCommand.refuseBesideAServer(app.db)
            // ...but a rotation that began while it ran still knows it ran, and keeps the older keys.
            let ran = try await ServerLeases.anyRan(since: rotationBegan, on: app.db)
            XCTAssertTrue(ran)
            let later = try await ServerLeases.anyRan(since: Date().addingTimeInterval(60), on: app.db)
            XCTAssertFalse(later)
        }
    }

    /// Rotation while people keep editing (through a node that already knows the new key): the
    /// compare-and-set never overwrites an edit with the re-sealed old text, and afterwards
    /// every value is under the new key and opens.
    func testRotationUnderAWriteLoadLosesNoEdit() async throws {
        let newKey = TextCipher.Key.generate(), oldKey = TextCipher.Key.generate()
        let keys = [newKey, oldKey].map { $0.base64EncodedString() }.joined(separator: ",")
        try await withApp({ $0.encryptionKeys = keys }) { app, _ in
            var bonds: [(APIPerson, String)] = []
            for _ in 0..<6 {
                let (ana, _, bond) = try await app.pair()
                _ = try await app.send(.PUT, "/api/v1/bonds/\(bond)/today/answer", json: ["text": "draft 0"], token: ana.token)
                bonds.append((ana, bond))
            }
            // Everything starts under the old key, as before a rotation.
            let new = app.kindred.cipher
            let old = try TextCipher(keys: [new.keys[1], new.keys[0]])
            _ = try await KeysCommand.rotate(on: app.db, with: old)
            let writes = 15
            let outcome = try await withThrowingTaskGroup(of: KeysCommand.Outcome?.self) { group in
                for (person, bond) in bonds {
                    group.addTask {
                        for n in 1...writes {
                            let saved = try await app.send(.PUT, "/api/v1/bonds/\(bond)/today/answer", json: ["text": "draft \(n)"], token: person.token)
                            XCTAssertEqual(saved.status, .ok)
                        }
                        return nil
                    }
                }
                group.addTask { try await KeysCommand.rotate(on: app.db, with: new, passes: 3) }
                var result: KeysCommand.Outcome?
                for try await value in group { if let value { result = value } }
                return result
            }
            // Every answer holds its writer's last edit and opens with the keys now configured.
            for (person, bond) in bonds {
                let today = try await app.send(.GET, "/api/v1/bonds/\(bond)/today", token: person.token)
                XCTAssertTrue(today.body.contains("draft \(writes)"), today.body)
            }
            XCTAssertEqual(try XCTUnwrap(outcome).remaining, 0, "nothing is left under the old key")

            // The step that makes it safe, on its own: a re-seal of a value read before an edit
            // landed changes nothing.
            let (person, bond) = bonds[0]
            let column = try XCTUnwrap(SealedColumn.all.first { $0.table == "daily_answers" })
            let sqlDB = try XCTUnwrap(app.db as? any SQLDatabase)
            let before = try await DailyAnswer.query(on: app.db).filter(\.$user.$id == UUID(uuidString: person.id)!).first()
            _ = try await app.send(.PUT, "/api/v1/bonds/\(bond)/today/answer", json: ["text": "the very last edit"], token: person.token)
            let stale = try new.seal("draft \(writes)", at: before!.place)
            let replaced = try await column.replace(before!.id!, old: before!.sealedText, new: stale, on: sqlDB)
            XCTAssertFalse(replaced, "the row changed since it was read")
            let kept = try await app.send(.GET, "/api/v1/bonds/\(bond)/today", token: person.token)
            XCTAssertTrue(kept.body.contains("the very last edit"), kept.body)
            let sql = try XCTUnwrap(app.db as? any SQLDatabase)
            let onlyNew = try TextCipher(keys: [new.keys[0]])
            for sealed in SealedColumn.all {
                try await sealed.walk(on: sql) { row in
                    guard let value = row.value else { return }
                    XCTAssertNoThrow(try onlyNew.open(value, at: sealed.place(of: row)), "\(sealed.table) opens with the new key alone")
                }
            }
        }
    }
}
