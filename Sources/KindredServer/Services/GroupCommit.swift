import Fluent
import NIOConcurrencyHelpers
import SQLKit

/// Group commit for SQLite: answers written at the same moment are applied one after another
/// in a single transaction, so they share one commit (one `fsync`) and never queue for
/// SQLite's one writer lock against each other. A request is answered only after the
/// transaction holding its write has committed, so an acknowledged answer is durable
/// (`synchronous=FULL`), exactly as with a transaction of its own.
///
/// A job may throw a `Problem` (a refusal: the question changed, the answers are revealed)
/// only before its first write: the others in its batch go on. Any other error rolls the
/// whole batch back, and then each job runs again in a transaction of its own, so one
/// failing write fails one request. PostgreSQL does not use this: its own concurrency
/// serves better there (`TodayService.write`).
actor GroupCommit {
    /// The most jobs one transaction holds; more wait for the next.
    let batchLimit: Int
    /// A write that matches no row but takes SQLite's writer lock at once, so every read
    /// inside the batch sees what no other connection can change until it commits.
    let lockStatement: SQLQueryString

    private struct Entry: Sendable {
        let database: any Database
        let work: @Sendable (any Database) async throws -> Void
        let finish: @Sendable (Result<Void, any Error>) -> Void
    }

    private var waiting: [Entry] = []
    private var draining = false
    /// How many transactions and jobs this writer has committed (for tests).
    private(set) var batches = 0
    private(set) var jobs = 0
    /// Jobs queued behind the batch now committing.
    var waitingCount: Int { waiting.count }

    init(batchLimit: Int = 128, lockStatement: SQLQueryString) {
        self.batchLimit = batchLimit
        self.lockStatement = lockStatement
    }

    /// Runs `work` in the next batch's transaction (on the database of the batch's first job)
    /// and returns its result once that transaction has committed.
    func submit<T: Sendable>(on database: any Database, _ work: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        let result = NIOLockedValueBox<T?>(nil)
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            waiting.append(Entry(database: database, work: { tx in
                let value = try await work(tx)
                result.withLockedValue { $0 = value }
            }, finish: { continuation.resume(with: $0) }))
            if !draining {
                draining = true
                Task { await self.drain() }
            }
        }
        guard let value = result.withLockedValue({ $0 }) else { preconditionFailure("a committed job left no result") }
        return value
    }

    /// Takes whatever has queued while the last batch committed, until nothing is left.
    private func drain() async {
        while !waiting.isEmpty {
            let batch = Array(waiting.prefix(batchLimit))
            waiting.removeFirst(batch.count)
            await commit(batch)
        }
        draining = false
    }

    private func commit(_ batch: [Entry]) async {
        let lock = lockStatement
        do {
            let outcomes = try await batch[0].database.transaction { tx -> [Result<Void, any Error>] in
                try await Self.lock(tx, with: lock)
                var outcomes: [Result<Void, any Error>] = []
                for entry in batch {
                    do {
                        try await entry.work(tx)
                        outcomes.append(.success(()))
                    } catch let refusal as Problem {
                        outcomes.append(.failure(refusal))
                    }
                }
                return outcomes
            }
            batches += 1
            jobs += batch.count
            for (entry, outcome) in zip(batch, outcomes) { entry.finish(outcome) }
        } catch {
            guard batch.count > 1 else { return batch[0].finish(.failure(error)) }
            for entry in batch { await commit([entry]) }
        }
    }

    private static func lock(_ tx: any Database, with statement: SQLQueryString) async throws {
        guard let sql = tx as? any SQLDatabase else { throw GroupCommitError.notSQL }
        try await sql.raw(statement).run()
    }

    /// Whether `database` is one this writer serves: SQLite, where writes are serial anyway.
    nonisolated static func serves(_ database: any Database) -> Bool {
        (database as? any SQLDatabase)?.dialect.name == "sqlite"
    }
}

enum GroupCommitError: Error {
    case notSQL
}
