import Fluent
import Foundation
import KindredCore
import SQLKit
import Vapor

/// The notices outbox: what is queued (partner activity, daily reminders) and the atomic
/// claim every node's scheduler uses, so each notice goes out once however many nodes run.
struct NoticeService: RequestScoped {
    let db: any Database
    let services: KindredServices

    /// How long a claim holds before another node may take the notice over (the node that
    /// claimed it died mid-batch).
    static let claimLifetime: TimeInterval = 120
    static let maximumAttempts = 5

    // MARK: - Queuing

    /// Queues a notice about the other member's activity, if `recipient` asked for such
    /// notices and has a way to be reached. `occasion` makes it once per day or per note.
    func partnerActivity(_ kind: NoticeText.Kind, to recipient: User, from sender: User, bondID: UUID, occasion: String) async throws {
        if try await queuePartnerActivity(kind, to: recipient.requireID(), bondID: bondID, occasion: occasion) {
            services.scheduler.wake()
        }
    }

    /// `partnerActivity` without waking the scheduler, for use inside a transaction: the
    /// caller wakes it once the notice has committed. Returns whether anything was queued.
    func queuePartnerActivity(_ kind: NoticeText.Kind, to recipientID: UUID, bondID: UUID, occasion: String) async throws -> Bool {
        guard let settings = try await ReminderSetting.query(on: db).filter(\.$user.$id == recipientID).first(),
              settings.partnerActivity else { return false }
        return try await enqueue(kind, for: recipientID, bondID: bondID, settings: settings,
                                 occasion: "\(bondID.uuidString.lowercased())|\(occasion)", dueAt: services.now)
    }

    /// Inserts one notice per channel the person chose. Two nodes queuing the same occasion
    /// insert it once: the dedupe key is unique. Returns whether anything was queued.
    @discardableResult
    func enqueue(_ kind: NoticeText.Kind, for userID: UUID, bondID: UUID?, settings: ReminderSetting, occasion: String, dueAt: Date) async throws -> Bool {
        var channels: [Notice.Channel] = []
        if settings.email, services.delivery.mail != nil { channels.append(.email) }
        if settings.push { channels.append(.push) }
        guard let sql = db as? any SQLDatabase, !channels.isEmpty else { return false }
        let now = services.now
        for channel in channels {
            let key = "\(kind.rawValue)|\(userID.uuidString.lowercased())|\(occasion)|\(channel.rawValue)"
            try await sql.raw("""
                INSERT INTO notices (id, user_id, bond_id, kind, channel, dedupe_key, due_at, attempts, created_at)
                VALUES (\(bind: UUID()), \(bind: userID), \(bind: bondID), \(bind: kind.rawValue), \(bind: channel.rawValue),
                        \(bind: key), \(bind: dueAt), 0, \(bind: now))
                ON CONFLICT (dedupe_key) DO NOTHING
                """).run()
        }
        return true
    }

    // MARK: - Daily reminders

    /// Queues every daily reminder now due and moves each person's next one on. Safe on many
    /// nodes at once: for each person, moving the time on (compare-and-set) and queuing the
    /// reminder happen in one transaction, so exactly one node does it, and a failure between
    /// the two loses nothing (the time stays put and the next round tries again). The notice's
    /// unique key is a second guard.
    func planDailyReminders(limit: Int = 500) async throws -> Int {
        let now = services.now
        let due = try await ReminderSetting.query(on: db)
            .filter(\.$nextDailyAt <= now)
            .join(User.self, on: \ReminderSetting.$user.$id == \User.$id)
            .sort(\.$nextDailyAt).limit(limit).all()
        var planned = 0
        let services = self.services
        for setting in due {
            guard let firedAt = setting.nextDailyAt, let settingID = setting.id else { continue }
            let user = try setting.joined(User.self)
            let zone = TimeZone(identifier: user.timeZone) ?? TimeZone(identifier: "UTC")!
            let next = setting.preferences.dailyAt.map { ReminderSchedule.next(after: now, at: $0, in: zone) }
            let queued = try await db.transaction { tx -> Bool in
                guard let sql = tx as? any SQLDatabase else { return false }
                // Compare-and-set, first in the transaction (it takes the row's lock): only the
                // node whose update found the old time goes on.
                let moved = try await sql.raw("""
                    UPDATE reminder_settings SET next_daily_at = \(bind: next)
                    WHERE id = \(bind: settingID) AND next_daily_at = \(bind: firedAt) RETURNING id
                    """).all()
                guard !moved.isEmpty else { return false }
                // A reminder more than a few hours late (every node was down) is no longer useful.
                guard now.timeIntervalSince(firedAt) < 6 * 3600 else { return false }
                let inside = NoticeService(db: tx, services: services)
                // A reminder only when a question is waiting: nobody is told to do what they did.
                guard try await inside.hasQuestionWaiting(for: user, at: firedAt) else { return false }
                return try await inside.enqueue(.dailyReminder, for: user.requireID(), bondID: nil, settings: setting,
                                                occasion: LocalDay(firedAt, in: zone).description, dueAt: firedAt)
            }
            if queued { planned += 1 }
        }
        return planned
    }

    /// Whether the person has an active bond whose question of `instant`'s day they have
    /// neither answered nor passed.
    func hasQuestionWaiting(for user: User, at instant: Date) async throws -> Bool {
        let userID = try user.requireID()
        let memberships = try await BondMember.query(on: db).filter(\.$user.$id == userID).all().map { $0.$bond.id }
        guard !memberships.isEmpty else { return false }
        let bonds = try await Bond.query(on: db).filter(\.$id ~~ memberships).filter(\.$endedAt == nil).all()
        let members = try await BondMember.query(on: db).filter(\.$bond.$id ~~ bonds.compactMap(\.id))
            .join(User.self, on: \BondMember.$user.$id == \User.$id).sort(\.$slot).all()
        // Each active bond's own day at that instant: the same for both of its members.
        let active = bonds.compactMap { bond -> (id: UUID, day: String)? in
            let people = try? members.filter { $0.$bond.id == bond.id }.map { try $0.joined(User.self) }
            guard let people, people.count == BondSnapshot.capacity, let id = bond.id else { return nil }
            return (id, BondDayService.day(of: bond, members: people, at: instant).description)
        }
        guard !active.isEmpty else { return false }
        let ids = active.map(\.id), days = Array(Set(active.map(\.day)))
        let answered = try await DailyAnswer.query(on: db).filter(\.$bond.$id ~~ ids).filter(\.$user.$id == userID).filter(\.$day ~~ days).all()
        let passed = try await DailyPass.query(on: db).filter(\.$bond.$id ~~ ids).filter(\.$user.$id == userID).filter(\.$day ~~ days).all()
        let done = Set(answered.map { "\($0.$bond.id)|\($0.day)" } + passed.map { "\($0.$bond.id)|\($0.day)" })
        return active.contains { !done.contains("\($0.id)|\($0.day)") }
    }

    // MARK: - Claiming and finishing

    /// Claims up to `limit` due notices for this node in one statement; another node's claim
    /// is skipped (PostgreSQL's SKIP LOCKED; SQLite has one writer), an expired claim taken over.
    func claim(by node: String, limit: Int = 100) async throws -> [Notice] {
        guard let sql = db as? any SQLDatabase else { return [] }
        let now = services.now
        let token = "\(node)|\(UUID().uuidString)"
        let skipLocked = sql.dialect.name == "postgresql" ? SQLRaw(" FOR UPDATE SKIP LOCKED") : SQLRaw("")
        try await sql.raw("""
            UPDATE notices SET claimed_by = \(bind: token), claimed_until = \(bind: now.addingTimeInterval(Self.claimLifetime)),
                   attempts = attempts + 1
            WHERE id IN (
                SELECT id FROM notices
                WHERE sent_at IS NULL AND failed_at IS NULL AND due_at <= \(bind: now)
                  AND (claimed_until IS NULL OR claimed_until < \(bind: now))
                ORDER BY due_at LIMIT \(unsafeRaw: String(limit))\(skipLocked)
            )
            """).run()
        return try await Notice.query(on: db).filter(\.$claimedBy == token).sort(\.$dueAt).all()
    }

    /// Extends this node's claim on `notices` and answers which are still its own and unsent:
    /// one another node took over (this node was too slow) is not sent again from here.
    func renewClaims(_ notices: [Notice]) async throws -> Set<UUID> {
        guard let token = notices.first?.claimedBy, let sql = db as? any SQLDatabase else { return [] }
        let ids = notices.compactMap(\.id)
        try await sql.raw("""
            UPDATE notices SET claimed_until = \(bind: services.now.addingTimeInterval(Self.claimLifetime))
            WHERE claimed_by = \(bind: token) AND sent_at IS NULL AND id IN (\(binds: ids))
            """).run()
        let held = try await Notice.query(on: db).filter(\.$id ~~ ids).filter(\.$claimedBy == token).filter(\.$sentAt == nil).all()
        return Set(held.compactMap(\.id))
    }

    func markSent(_ notice: Notice, unsubscribeHash: String? = nil, note: String? = nil) async throws {
        notice.sentAt = services.now
        notice.claimedUntil = nil
        notice.unsubscribeHash = unsubscribeHash
        notice.lastError = note
        try await notice.update(on: db)
    }

    /// Keeps this node's claim on notices it is still sending (a slow mail server or push service).
    func extendClaims(_ ids: [UUID], token: String?) async throws {
        guard let token, !ids.isEmpty, let sql = db as? any SQLDatabase else { return }
        try await sql.raw("""
            UPDATE notices SET claimed_until = \(bind: services.now.addingTimeInterval(Self.claimLifetime))
            WHERE claimed_by = \(bind: token) AND sent_at IS NULL AND id IN (\(binds: ids))
            """).run()
    }

    /// A failed try: back off and try again later (1, 4, 16 … minutes), or give up — only if the
    /// notice is still this node's and unsent (another node may have taken it over, or sent it).
    /// Recording a send, by contrast, is unconditional: a node that took the notice over sees it
    /// sent when it renews its claim, and leaves it.
    func markFailed(_ notice: Notice, error: String) async throws {
        guard let sql = db as? any SQLDatabase, let id = notice.id, let token = notice.claimedBy else { return }
        let giveUp = notice.attempts >= Self.maximumAttempts
        let retryAt = services.now.addingTimeInterval(60 * pow(4, Double(max(0, notice.attempts - 1))))
        try await sql.raw("""
            UPDATE notices SET last_error = \(bind: String(error.prefix(500))), claimed_until = NULL, claimed_by = NULL,
                   failed_at = \(bind: giveUp ? services.now : nil), due_at = \(bind: giveUp ? notice.dueAt : retryAt)
            WHERE id = \(bind: id) AND claimed_by = \(bind: token) AND sent_at IS NULL
            """).run()
    }

    /// Sent notices are kept a while (their unsubscribe links must keep working), then dropped.
    func prune(olderThan days: Int = 60) async throws {
        let cutoff = services.now.addingTimeInterval(-Double(days) * 86_400)
        try await Notice.query(on: db).filter(\.$createdAt < cutoff)
            .group(.or) { $0.filter(\.$sentAt != nil).filter(\.$failedAt != nil) }.delete()
    }
}
