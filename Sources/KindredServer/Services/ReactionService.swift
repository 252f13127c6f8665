import Fluent
import Foundation
import KindredCore
import Vapor

/// Reactions on revealed days and on appreciations: one per person per thing, from a fixed
/// set, changeable and removable, seen by both members.
struct ReactionService: RequestScoped {
    let db: any Database
    let services: KindredServices

    /// The reactions on one thing, as one member sees them.
    struct Summary: Equatable {
        var yours: Reaction?
        var theirs: Reaction?
    }

    static func parse(_ raw: String?) throws -> Reaction {
        guard let raw, let reaction = Reaction(rawValue: raw) else {
            throw Problem.invalid([FieldError("reaction", "Choose one of: \(Reaction.allCases.map(\.rawValue).joined(separator: ", ")).")])
        }
        return reaction
    }

    // MARK: - Days

    func react(_ reaction: Reaction?, toDay day: LocalDay, in loaded: BondService.Loaded, by user: User) async throws -> Summary {
        let state = try await TodayService(db: db, services: services).state(of: day, in: loaded, for: user)
        if let refusal = Reaction.refusal(for: .day, dayState: state, bondStatus: loaded.snapshot.status) {
            throw Problem(status: .conflict, code: refusal.code, detail: refusal.message)
        }
        return try await set(reaction, target: .day, key: day.description, in: loaded, by: user)
    }

    // MARK: - Appreciations

    func react(_ reaction: Reaction?, toAppreciation id: UUID, in loaded: BondService.Loaded, by user: User) async throws -> Summary {
        guard let note = try await Appreciation.query(on: db).filter(\.$id == id).filter(\.$bond.$id == loaded.bond.id!).first()
        else { throw Problem.notFound("There is no such appreciation in this bond.") }
        if let refusal = Reaction.refusal(for: .appreciation, youWroteIt: note.$from.id == user.id, bondStatus: loaded.snapshot.status) {
            throw Problem(status: .conflict, code: refusal.code, detail: refusal.message)
        }
        return try await set(reaction, target: .appreciation, key: id.uuidString.lowercased(), in: loaded, by: user)
    }

    // MARK: - Reading

    /// Reactions on many things of one kind at once: key → summary for `user`.
    func summaries(_ target: Reaction.Target, keys: [String], in loaded: BondService.Loaded, for user: User) async throws -> [String: Summary] {
        guard !keys.isEmpty else { return [:] }
        let rows = try await ReactionRow.query(on: db)
            .filter(\.$bond.$id == loaded.bond.id!).filter(\.$targetKind == target.rawValue).filter(\.$targetKey ~~ keys).all()
        return Self.summaries(of: rows, in: loaded, for: user, cipher: services.cipher)
    }

    /// Rows already read, summed up per thing for `user`: once a bond has ended, only their own.
    static func summaries(of rows: [ReactionRow], in loaded: BondService.Loaded, for user: User, cipher: TextCipher) -> [String: Summary] {
        let ended = loaded.snapshot.status == .ended
        var result: [String: Summary] = [:]
        for row in rows {
            guard let reaction = row.reaction(cipher) else { continue }
            if row.$user.id == user.id {
                result[row.targetKey, default: Summary()].yours = reaction
            } else if !ended {
                result[row.targetKey, default: Summary()].theirs = reaction
            }
        }
        return result
    }

    // MARK: - Writing

    /// Sets (or, with nil, removes) the member's reaction. The unique index makes two taps
    /// at once one row; the loser of that race updates the winner's row.
    private func set(_ reaction: Reaction?, target: Reaction.Target, key: String, in loaded: BondService.Loaded, by user: User) async throws -> Summary {
        let bondID = loaded.bond.id!, userID = try user.requireID(), now = services.now
        // A fresh query each time: Fluent's builders keep what was added to them (a limit).
        let db = self.db
        func existing() -> QueryBuilder<ReactionRow> {
            ReactionRow.query(on: db).filter(\.$bond.$id == bondID).filter(\.$targetKind == target.rawValue)
                .filter(\.$targetKey == key).filter(\.$user.$id == userID)
        }
        if let reaction {
            let cipher = services.cipher
            func change(_ row: ReactionRow) async throws {
                try row.set(reaction, cipher: cipher)
                row.updatedAt = now
                try await row.update(on: db)
            }
            if let row = try await existing().first() {
                try await change(row)
            } else {
                do {
                    try await ReactionRow(bondID: bondID, userID: userID, targetKind: target.rawValue, targetKey: key,
                                          reaction: reaction, cipher: cipher, now: now).create(on: db)
                } catch let error as any DatabaseError where error.isConstraintFailure {
                    if let row = try await existing().first() { try await change(row) }
                }
            }
        } else {
            try await existing().delete()
        }
        return try await summaries(target, keys: [key], in: loaded, for: user)[key] ?? Summary()
    }
}
