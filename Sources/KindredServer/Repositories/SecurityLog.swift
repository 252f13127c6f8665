import Fluent
import KindredCore
import Vapor

/// A person's own security log: sign-ins, failed sign-ins, password changes, exports,
/// sessions ended. Only ever shown to that person — never to the other member of a bond.
struct SecurityLog: RequestScoped {
    let db: any Database
    let services: KindredServices


    func record(_ kind: SecurityEvent.Kind, for user: User, device: String) async throws {
        try await SecurityEvent(userID: user.requireID(), kind: kind, device: device, at: services.now).create(on: db)
    }

    func events(for user: User, limit: Int = 100) async throws -> [SecurityEvent] {
        try await SecurityEvent.query(on: db).filter(\.$user.$id == user.requireID()).sort(\.$at, .descending).limit(limit).all()
    }
}

extension Request {
    /// "Firefox on Android": enough for a person to recognise their own device, no more.
    var device: String { DeviceSummary.describe(userAgent: headers.first(name: .userAgent)) }
}
