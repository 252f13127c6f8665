import Fluent
import Foundation
import Vapor

/// A serving node says it is alive every few seconds, so a tool that must not run beside a
/// server (`kindred keys rotate`) can tell, on SQLite and on a shared PostgreSQL alike.
final class ServerLease: Model, @unchecked Sendable {
    static let schema = "server_leases"

    @ID(key: .id) var id: UUID?
    @Field(key: "node") var node: String
    @Field(key: "seen_at") var seenAt: Date
    /// Set when the node stops cleanly; the row stays a while, so a rotation can still tell
    /// that a node ran while it worked.
    @OptionalField(key: "stopped_at") var stoppedAt: Date?

    init() {}

    init(id: UUID, node: String, now: Date) {
        self.id = id
        self.node = node
        self.seenAt = now
    }
}

enum ServerLeases {
    static let heartbeat: TimeInterval = 5
    /// A lease not renewed for this long belongs to a node that was killed (generous, so a
    /// database hiccup or a little clock skew between hosts does not make a live node look gone).
    static let lifetime: TimeInterval = 30

    static func live(on db: any Database, now: Date) async throws -> [ServerLease] {
        try await ServerLease.query(on: db).filter(\.$stoppedAt == nil).filter(\.$seenAt > now.addingTimeInterval(-lifetime)).all()
    }

    /// Whether any node was serving at some moment since `instant` (stopped since or not).
    static func anyRan(since instant: Date, on db: any Database) async throws -> Bool {
        try await ServerLease.query(on: db).filter(\.$seenAt >= instant).count() > 0
    }

    /// Renews this node's lease until cancelled, then gives it up.
    static func start(_ app: Application) -> Task<Void, Never> {
        let id = UUID()
        return Task.detached {
            while !Task.isCancelled {
                let now = Date()
                do {
                    if let lease = try await ServerLease.find(id, on: app.db) {
                        lease.seenAt = now
                        try await lease.update(on: app.db)
                    } else {
                        try await ServerLease(id: id, node: NoticeScheduler.node, now: now).create(on: app.db)
                    }
                    // Old leases of nodes long gone are tidied by whoever is alive.
                    try await ServerLease.query(on: app.db).filter(\.$seenAt < now.addingTimeInterval(-3600)).delete()
                } catch {
                    app.logger.warning("Could not renew this node's lease: \(String(reflecting: error))")
                }
                try? await Task.sleep(for: .seconds(heartbeat))
            }
            try? await ServerLease.query(on: app.db).filter(\.$id == id).set(\.$stoppedAt, to: Date()).set(\.$seenAt, to: Date()).update()
        }
    }
}
