import Fluent
import KindredCore
import SQLKit
import Vapor

/// A person's own security log: sign-ins, failed sign-ins, password changes, exports,
/// sessions ended. Only ever shown to that person — never to the other member of a bond.
struct SecurityLog: RequestScoped {
    let db: any Database
    let services: KindredServices


    /// Failed sign-ins within this long of the last one join its entry.
    static let burstWindow: TimeInterval = 15 * 60
    /// At most this many failure entries are listed, so they never push the rest out.
    static let failureRows = 20

    func record(_ kind: SecurityEvent.Kind, for user: User, device: String) async throws {
        let userID = try user.requireID(), now = services.now
        guard kind == .signInFailed else {
            try await SecurityEvent(userID: userID, kind: kind, device: device, at: now).create(on: db)
            return
        }
        // A burst is one entry with a count: someone guessing cannot flood the log. The
        // account's row is locked first, so guesses at the same instant, on any node, all
        // land in the one entry.
        let window = now.addingTimeInterval(-Self.burstWindow)
        try await db.transaction { tx in
            try await tx.lockRow(of: .users, id: userID)
            guard let sql = tx as? any SQLDatabase else { return }
            let folded = try await sql.raw("""
                UPDATE security_events SET count = count + 1, at = \(bind: now)
                WHERE id = (SELECT id FROM security_events WHERE user_id = \(bind: userID) AND kind = \(bind: kind.rawValue)
                            AND at > \(bind: window) ORDER BY at DESC LIMIT 1)
                RETURNING id
                """).all()
            if folded.isEmpty {
                try await SecurityEvent(userID: userID, kind: kind, device: device, at: now).create(on: tx)
            }
        }
    }

    /// Newest first. Failed sign-ins are listed apart, at most `failureRows` of them, so
    /// however many there were, every sign-in and change stays on the page.
    func events(for user: User, limit: Int = 100) async throws -> [SecurityEvent] {
        let userID = try user.requireID()
        let failed = SecurityEvent.Kind.signInFailed.rawValue
        let others = try await SecurityEvent.query(on: db).filter(\.$user.$id == userID).filter(\.$kind != failed)
            .sort(\.$at, .descending).limit(limit).all()
        let failures = try await SecurityEvent.query(on: db).filter(\.$user.$id == userID).filter(\.$kind == failed)
            .sort(\.$at, .descending).limit(min(limit, Self.failureRows)).all()
        return (others + failures).sorted { $0.at > $1.at }
    }

    /// The whole log, oldest first, for the person's export.
    func all(for user: User) async throws -> [SecurityEvent] {
        try await SecurityEvent.query(on: db).filter(\.$user.$id == user.requireID()).sort(\.$at).all()
    }
}

extension Request {
    /// "Firefox on Android": enough for a person to recognise their own device, no more.
    var device: String { DeviceSummary.describe(userAgent: headers.first(name: .userAgent)) }
}
