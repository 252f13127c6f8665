import Fluent
import Foundation
import KindredCore
import Vapor

/// A person's reminders and the devices they accepted notifications on. Only ever their own:
/// nobody else can read or change them.
struct ReminderService: RequestScoped {
    let db: any Database
    let services: KindredServices

    static let maximumDevices = 20

    var mailAvailable: Bool { services.delivery.mail != nil }

    func preferences(of user: User) async throws -> ReminderPreferences {
        try await ReminderSetting.query(on: db).filter(\.$user.$id == user.requireID()).first()?.preferences ?? .none
    }

    /// Saves the person's choice and works out when the next daily reminder is due.
    func save(_ preferences: ReminderPreferences, for user: User, retried: Bool = false) async throws -> ReminderPreferences {
        // Email on a server without email is not a mistake in what was sent but in where: 409.
        if preferences.email, !mailAvailable, let problem = ReminderPreferences.problems(preferences, mailAvailable: false).first(where: { $0.field == "email" }) {
            throw Problem(status: .conflict, detail: problem.message, fieldErrors: [problem], code: "email-unavailable")
        }
        let problems = ReminderPreferences.problems(preferences, mailAvailable: mailAvailable)
        guard problems.isEmpty else { throw Problem.invalid(problems) }
        let userID = try user.requireID()
        let row = try await ReminderSetting.query(on: db).filter(\.$user.$id == userID).first() ?? ReminderSetting(userID: userID, now: services.now)
        row.dailyAt = preferences.dailyAt?.description
        row.email = preferences.email
        row.push = preferences.push
        row.partnerActivity = preferences.partnerActivity
        row.includeNames = preferences.includeNames
        row.nextDailyAt = nextDaily(preferences.dailyAt, zone: user.timeZone)
        row.updatedAt = services.now
        do {
            try await row.save(on: db)
        } catch let error as any DatabaseError where error.isConstraintFailure && !retried {
            // Saved from two devices at once: the other save made the row; apply this one to it.
            return try await save(preferences, for: user, retried: true)
        }
        return row.preferences
    }

    /// After a change of time zone the daily reminder follows the person to their new clock.
    func timeZoneChanged(for user: User) async throws {
        guard let row = try await ReminderSetting.query(on: db).filter(\.$user.$id == user.requireID()).first() else { return }
        row.nextDailyAt = nextDaily(row.preferences.dailyAt, zone: user.timeZone)
        try await row.update(on: db)
    }

    /// Turns email off, from a one-click unsubscribe link (no sign-in). Answers whether the
    /// token was one we sent.
    func unsubscribe(token: String) async throws -> Bool {
        guard token.count <= 128,
              let notice = try await Notice.query(on: db).filter(\.$unsubscribeHash == Secrets.sha256(token)).first()
        else { return false }
        // Email only: a chosen time and notifications stay as they were (with no way left to
        // reach the person, nothing is sent until they choose one again).
        if let row = try await ReminderSetting.query(on: db).filter(\.$user.$id == notice.$user.id).first(), row.email {
            row.email = false
            row.updatedAt = services.now
            try await row.update(on: db)
        }
        return true
    }

    /// Whether this is the token of an email we sent (looked up by its hash; nothing changes).
    func isUnsubscribeToken(_ token: String) async throws -> Bool {
        guard token.count <= 128 else { return false }
        return try await Notice.query(on: db).filter(\.$unsubscribeHash == Secrets.sha256(token)).first() != nil
    }

    private func nextDaily(_ time: LocalTime?, zone: String) -> Date? {
        time.map { ReminderSchedule.next(after: services.now, at: $0, in: TimeZone(identifier: zone) ?? TimeZone(identifier: "UTC")!) }
    }

    // MARK: - Devices for Web Push

    func devices(of user: User) async throws -> [PushSubscription] {
        try await PushSubscription.query(on: db).filter(\.$user.$id == user.requireID()).sort(\.$createdAt, .descending).all()
    }

    /// Stores a browser's subscription. The same endpoint again updates its keys (a browser
    /// re-subscribing); an endpoint belongs to one person only.
    func subscribe(endpoint rawEndpoint: String, p256dh: String, auth: String, for user: User, device: String,
                   retried: Bool = false) async throws -> (PushSubscription, created: Bool) {
        var problems: [FieldError] = []
        let endpoint = rawEndpoint.trimmingCharacters(in: .whitespaces)
        if let problem = PushEndpointRules.problem(endpoint, allowLoopback: services.configuration.pushAllowLoopback,
                                                   hosts: services.configuration.pushServiceHosts) {
            problems.append(FieldError("endpoint", problem))
        }
        if WebPushCrypto.ClientKeys(p256dh: p256dh, auth: auth) == nil {
            if WebPushCrypto.ClientKeys(p256dh: p256dh, auth: String(repeating: "A", count: 22)) == nil {
                problems.append(FieldError("keys.p256dh", "This is not the browser's P-256 public key (65 bytes, base64url)."))
            } else {
                problems.append(FieldError("keys.auth", "This is not the browser's 16-byte auth secret (base64url)."))
            }
        }
        guard problems.isEmpty else { throw Problem.invalid(problems) }
        let userID = try user.requireID()
        if let existing = try await PushSubscription.query(on: db).filter(\.$endpoint == endpoint).first() {
            // Only the browser that holds a subscription can present it, so whoever signs in
            // there and turns notifications on takes it over: nobody's notices keep showing on
            // a device someone else now uses, and nothing says whose it was (the same answer
            // as a new device).
            let takenOver = existing.$user.id != userID
            existing.$user.id = userID
            existing.p256dh = p256dh
            existing.auth = auth
            existing.device = device
            if takenOver {
                existing.createdAt = services.now
                existing.lastSentAt = nil
            }
            try await existing.update(on: db)
            return (existing, takenOver)
        }
        let count = try await PushSubscription.query(on: db).filter(\.$user.$id == userID).count()
        guard count < Self.maximumDevices else {
            throw Problem(status: .conflict, code: "too-many-devices",
                          detail: "You have \(Self.maximumDevices) devices set up for notifications. Remove one first.")
        }
        let subscription = PushSubscription(userID: userID, endpoint: endpoint, p256dh: p256dh, auth: auth, device: device, now: services.now)
        do {
            try await subscription.create(on: db)
        } catch let error as any DatabaseError where error.isConstraintFailure && !retried {
            // The same browser subscribing twice at once: the other request made the row.
            return try await subscribe(endpoint: endpoint, p256dh: p256dh, auth: auth, for: user, device: device, retried: true)
        }
        return (subscription, true)
    }

    /// Removes one of the person's devices; anyone else's is simply not found.
    func unsubscribeDevice(_ id: UUID, of user: User) async throws {
        guard let subscription = try await PushSubscription.query(on: db).filter(\.$id == id).filter(\.$user.$id == user.requireID()).first()
        else { throw Problem.notFound("There is no such device among yours.") }
        try await subscription.delete(on: db)
    }

}

/// Which push endpoints Kindred will post to: https on one of the browsers' push services
/// (or the operator's list). Host names are matched, never IP addresses, so no spelling of an
/// address (10.0.0.1, 127.1, [::ffff:127.0.0.1]) and no name of someone's choosing gets through.
/// Plain http on loopback only when the operator allowed it for tests.
enum PushEndpointRules {
    static func problem(_ endpoint: String, allowLoopback: Bool, hosts: [String]) -> String? {
        guard endpoint.unicodeScalars.count <= 1000, let url = URL(string: endpoint), let raw = url.host, !raw.isEmpty,
              url.user == nil, url.password == nil
        else { return "This is not a push endpoint address." }
        let host = raw.lowercased()
        if allowLoopback, ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host), url.scheme == "http" || url.scheme == "https" { return nil }
        guard url.scheme == "https" else { return "Push endpoints must use https." }
        guard isAllowed(host, hosts: hosts) else { return "This is not a push service Kindred knows." }
        return nil
    }

    /// The host is one of `hosts`, or a name under one of them (`*.push.apple.com`).
    static func isAllowed(_ host: String, hosts: [String]) -> Bool {
        let name = host.hasSuffix(".") ? String(host.dropLast()) : host
        return hosts.contains { name == $0 || name.hasSuffix("." + $0) }
    }
}
