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

    init() {}

    init(id: UUID, node: String, now: Date) {
        self.id = id
        self.node = node
        self.seenAt = now
    }
}

enum ServerLeases {
    static let heartbeat: TimeInterval = 5
    /// A lease not renewed for this long belongs to a node that stopped (or was killed).
    static let lifetime: TimeInterval = 20

    static func live(on db: any Database, now: Date) async throws -> [ServerLease] {
        try await ServerLease.query(on: db).filter(\.$seenAt > now.addingTimeInterval(-lifetime)).all()
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
            try? await ServerLease.query(on: app.db).filter(\.$id == id).delete()
        }
    }
}
