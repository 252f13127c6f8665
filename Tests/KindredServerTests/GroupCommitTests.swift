import Fluent
import NIOConcurrencyHelpers
import SQLKit
import XCTVapor
@testable import KindredServer

/// Answers written at the same moment share one transaction on SQLite; each request is
/// answered only after its transaction commits, and one bad write fails only its own request.
final class GroupCommitTests: XCTestCase {
    /// A scratch table, so the writer is tested apart from any feature's rules.
    private func probeTable(_ app: Application) async throws -> any SQLDatabase {
        let sql = try XCTUnwrap(app.db as? any SQLDatabase)
        try await sql.raw("CREATE TABLE group_commit_probe (id INTEGER PRIMARY KEY, note TEXT NOT NULL)").run()
        return sql
    }

    private static func insert(_ id: Int, _ note: String) -> @Sendable (any Database) async throws -> Int {
        { tx in
            try await (tx as! any SQLDatabase).raw("INSERT INTO group_commit_probe (id, note) VALUES (\(bind: id), \(bind: note))").run()
            return id
        }
    }

    private func notes(_ sql: any SQLDatabase) async throws -> [String] {
        try await sql.raw("SELECT note FROM group_commit_probe ORDER BY id").all().map { try $0.decode(column: "note", as: String.self) }
    }

    /// Holds the first batch open until released, so what arrives meanwhile queues as one batch.
    private final class Gate: Sendable {
        private let opened = NIOLockedValueBox<[CheckedContinuation<Void, Never>]?>([])
        func wait() async {
            await withCheckedContinuation { continuation in
                let waiting = opened.withLockedValue { list -> Bool in
                    guard list != nil else { return false }
                    list!.append(continuation)
                    return true
                }
                if !waiting { continuation.resume() }
            }
        }
        /// Whether the held job has reached the gate (and so holds its batch open).
        var isHolding: Bool { opened.withLockedValue { ($0?.count ?? 0) > 0 } }

        func open() {
            let waiting = opened.withLockedValue { list -> [CheckedContinuation<Void, Never>] in
                defer { list = nil }
                return list ?? []
            }
            for continuation in waiting { continuation.resume() }
        }
    }

    private func waitUntil(_ gate: Gate) async throws {
        for _ in 0..<500 {
            if gate.isHolding { return }
            try await Task.sleep(nanoseconds: 2_000_000)
        }
        XCTFail("the first job never reached its gate")
    }

    private func waitUntil(_ writer: GroupCommit, holds count: Int) async throws {
        for _ in 0..<500 {
            if await writer.waitingCount == count { return }
            try await Task.sleep(nanoseconds: 2_000_000)
        }
        XCTFail("the writer never held \(count) waiting jobs")
    }

    /// A writer whose first batch (one write, "first", id 1) is held open at a gate, so what is
    /// submitted meanwhile queues for the next batch.
    private struct Held {
        let sql: any SQLDatabase
        let writer: GroupCommit
        let gate: Gate
        let db: any Database
        let first: Task<Int, any Error>
    }

    /// `existing`: rows stored before the writer starts.
    private func holdFirstBatch(_ app: Application, existing: [(Int, String)] = []) async throws -> Held {
        let sql = try await probeTable(app)
        for (id, note) in existing { _ = try await Self.insert(id, note)(app.db) }
        let writer = GroupCommit(lockStatement: KindredServices.answerWritesLock)
        let gate = Gate(), db = app.db
        let insertFirst = Self.insert(1, "first")
        let first = Task { [writer, gate, db] () async throws -> Int in
            try await writer.submit(on: db) { tx in await gate.wait(); return try await insertFirst(tx) }
        }
        try await waitUntil(gate)
        return Held(sql: sql, writer: writer, gate: gate, db: db, first: first)
    }

    /// Submits `work` behind the held batch and waits until it is queued there, `count` in all.
    private func queue(_ held: Held, _ count: Int, _ work: @escaping @Sendable (any Database) async throws -> Int) async throws -> Task<Int, any Error> {
        let task = Task { [writer = held.writer, db = held.db] in try await writer.submit(on: db, work) }
        try await waitUntil(held.writer, holds: count)
        return task
    }

    func testWritesArrivingTogetherShareOneTransactionAndAllLand() async throws {
        try await withApp { app, _ in
            let held = try await holdFirstBatch(app)
            let sql = held.sql, writer = held.writer, gate = held.gate, db = held.db, first = held.first
            let rest = (2...5).map { id in Task { try await writer.submit(on: db, Self.insert(id, "then \(id)")) } }
            try await waitUntil(writer, holds: 4)
            gate.open()
            let firstID = try await first.value
            XCTAssertEqual(firstID, 1)
            for (index, task) in rest.enumerated() {
                let id = try await task.value
                XCTAssertEqual(id, index + 2)
            }
            let batches = await writer.batches, jobs = await writer.jobs
            XCTAssertEqual(jobs, 5)
            XCTAssertEqual(batches, 2, "the four that queued behind the first share one transaction")
            let stored = try await notes(sql)
            XCTAssertEqual(stored, ["first", "then 2", "then 3", "then 4", "then 5"])
        }
    }

    func testARefusalFailsOnlyItsOwnRequest() async throws {
        try await withApp { app, _ in
            let held = try await holdFirstBatch(app)
            let sql = held.sql, writer = held.writer, gate = held.gate, first = held.first
            let before = try await queue(held, 1, Self.insert(2, "before the refusal"))
            let refused = try await queue(held, 2) { _ in throw Problem(status: .conflict, code: "answers-revealed", detail: "No.") }
            let after = try await queue(held, 3, Self.insert(3, "after the refusal"))
            gate.open()
            _ = try await first.value
            _ = try await before.value
            _ = try await after.value
            do {
                _ = try await refused.value
                XCTFail("the refusal was not passed on")
            } catch let problem as Problem {
                XCTAssertEqual(problem.code, "answers-revealed")
            }
            let batches = await writer.batches
            XCTAssertEqual(batches, 2)
            let stored = try await notes(sql)
            XCTAssertEqual(stored, ["first", "before the refusal", "after the refusal"])
        }
    }

    func testADatabaseErrorRollsTheBatchBackAndEveryOtherWriteStillLands() async throws {
        try await withApp { app, _ in
            let held = try await holdFirstBatch(app, existing: [(9, "already there")])
            let sql = held.sql, gate = held.gate, first = held.first
            let before = try await queue(held, 1, Self.insert(2, "before the clash"))
            let clash = try await queue(held, 2, Self.insert(9, "a second row 9"))
            let after = try await queue(held, 3, Self.insert(3, "after the clash"))
            gate.open()
            _ = try await first.value
            let beforeID = try await before.value, afterID = try await after.value
            XCTAssertEqual([beforeID, afterID], [2, 3])
            do {
                _ = try await clash.value
                XCTFail("the clashing write was acknowledged")
            } catch is Problem {
                XCTFail("a database error is not a refusal")
            } catch {}
            let stored = try await notes(sql)
            XCTAssertEqual(stored, ["first", "before the clash", "after the clash", "already there"])
        }
    }

    /// Through the API: every member of six bonds answers at once; every answer lands once,
    /// every bond ends revealed with each member's own words, and on SQLite the writes went
    /// through the group commit (on PostgreSQL, through the database's own locking).
    func testAnswersFromManyBondsAtOnceAllLandAndReveal() async throws {
        try await withApp { app, _ in
            var pairs: [(APIPerson, APIPerson, String)] = []
            for _ in 0..<6 { pairs.append(try await app.pair()) }
            for (ana, _, bond) in pairs {
                let opened = try await app.send(.GET, "/api/v1/bonds/\(bond)/today", token: ana.token)
                XCTAssertEqual(opened.status, .ok)
            }
            let writes = pairs.enumerated().flatMap { index, pair in
                [(pair.0, pair.2, "Ana of bond \(index)"), (pair.1, pair.2, "Ben of bond \(index)")]
            }
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for (person, bond, text) in writes {
                    group.addTask {
                        try await app.send(.PUT, "/api/v1/bonds/\(bond)/today/answer", json: ["text": text], token: person.token).status
                    }
                }
                return try await group.reduce(into: [HTTPStatus]()) { $0.append($1) }
            }
            XCTAssertEqual(statuses, Array(repeating: .ok, count: 12))
            let rows = try await DailyAnswer.query(on: app.db).count()
            XCTAssertEqual(rows, 12)
            for (index, (ana, ben, bond)) in pairs.enumerated() {
                let seen = try await app.send(.GET, "/api/v1/bonds/\(bond)/today", token: ana.token).json
                let today = try XCTUnwrap(seen["today"] as? [String: Any])
                XCTAssertEqual(today["state"] as? String, "revealed")
                XCTAssertEqual((today["yourAnswer"] as? [String: Any])?["text"] as? String, "Ana of bond \(index)")
                XCTAssertEqual((today["theirAnswer"] as? [String: Any])?["text"] as? String, "Ben of bond \(index)")
                let seenByBen = try await app.send(.GET, "/api/v1/bonds/\(bond)/today", token: ben.token).json
                let other = try XCTUnwrap(seenByBen["today"] as? [String: Any])
                XCTAssertEqual((other["yourAnswer"] as? [String: Any])?["text"] as? String, "Ben of bond \(index)")
            }
            let jobs = await app.kindred.answerWrites.jobs
            XCTAssertEqual(jobs, TestDatabase.isPostgres ? 0 : 12)
        }
    }
}
