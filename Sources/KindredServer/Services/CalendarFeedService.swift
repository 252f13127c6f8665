import Fluent
import Foundation
import KindredCore
import Vapor

/// Private calendar feeds: each member may make a few per bond; the feed holds the bond's
/// shared rituals (titles only), skipped times left out, and, if asked, the person's own
/// daily-question reminder time. KindredCore's `CalendarFeed` writes the text.
struct CalendarFeedService: RequestScoped {
    let db: any Database
    let services: KindredServices

    static let perMember = 5
    static let alarmChoices = [0, 5, 10, 15, 30, 60, 120, 1440]
    /// How long each ritual lasts in a calendar: long enough to see, short enough not to block a day.
    static let ritualMinutes = 30

    struct Made {
        let feed: CalendarFeedLink
        let url: String
    }

    func make(in loaded: BondService.Loaded, for user: User, alarmMinutes: Int?, includeDaily: Bool, baseURL: String) async throws -> Made {
        try loaded.requireActive(waitingDetail: "A calendar feed holds the rituals you share: invite the other person first.")
        let userID = try user.requireID(), bondID = loaded.bond.id!
        let count = try await CalendarFeedLink.query(on: db).filter(\.$user.$id == userID).filter(\.$bond.$id == bondID).count()
        guard count < Self.perMember else {
            throw Problem(status: .conflict, code: "too-many-feeds",
                          detail: "You have \(Self.perMember) calendar feeds for this bond already. Remove one you no longer use first.")
        }
        let secret = SecureToken.secret()
        let feed = CalendarFeedLink()
        feed.id = UUID()
        feed.$user.id = userID
        feed.$bond.id = bondID
        feed.tokenHash = Secrets.sha256(secret)
        feed.alarmMinutes = alarmMinutes
        feed.includeDaily = includeDaily
        feed.createdAt = services.now
        try await feed.create(on: db)
        return Made(feed: feed, url: baseURL + SiteURL.calendarFeed(secret: secret).path)
    }

    func list(in loaded: BondService.Loaded, for user: User) async throws -> [CalendarFeedLink] {
        try await CalendarFeedLink.query(on: db).filter(\.$user.$id == user.requireID()).filter(\.$bond.$id == loaded.bond.id!)
            .sort(\.$createdAt).all()
    }

    func revoke(_ id: UUID, in loaded: BondService.Loaded, for user: User) async throws {
        guard let feed = try await CalendarFeedLink.query(on: db).filter(\.$id == id).filter(\.$user.$id == user.requireID())
            .filter(\.$bond.$id == loaded.bond.id!).first() else {
            throw Problem.notFound("You have no calendar feed with that id here.")
        }
        try await feed.delete(on: db)
    }

    /// The feed's text for a secret, or nil (404) for one that is unknown, revoked or ended.
    func document(secret: String) async throws -> String? {
        guard secret.count <= 128,
              let feed = try await CalendarFeedLink.query(on: db).filter(\.$tokenHash == Secrets.sha256(secret)).first(),
              let bond = try await Bond.find(feed.$bond.id, on: db), bond.endedAt == nil,
              let user = try await User.find(feed.$user.id, on: db),
              try await BondMember.query(on: db).filter(\.$bond.$id == bond.id!).filter(\.$user.$id == user.requireID()).first() != nil
        else { return nil }
        let now = services.now
        // Calendars fetch often; noting every fetch would be a write each time.
        if (feed.lastFetchedAt.map { now.timeIntervalSince($0) > 3600 }) ?? true {
            try await CalendarFeedLink.query(on: db).filter(\.$id == feed.id!).set(\.$lastFetchedAt, to: now).update()
        }
        var events: [CalendarFeed.Event] = []
        let rituals = try await Ritual.query(on: db).filter(\.$bond.$id == bond.id!).filter(\.$status == .active).sort(\.$createdAt).all()
        let marks = try await RitualMark.query(on: db).filter(\.$ritual.$id ~~ rituals.compactMap(\.id)).all()
        let service = RitualService(db: db, services: services)
        let cipher = services.cipher
        for ritual in rituals {
            guard let title = try? cipher.open(ritual.sealedTitle, at: ritual.place(Ritual.titlePurpose)),
                  let schedule = try? service.schedule(of: ritual) else { continue }
            var byDay: [String: [OccurrenceMark]] = [:]
            for row in marks where row.$ritual.id == ritual.id {
                if let text = try? cipher.open(row.sealedMark, at: row.place), let mark = OccurrenceMark(rawValue: text) { byDay[row.day, default: []].append(mark) }
            }
            let skipped = byDay.compactMap { day, marks in
                RitualRules.outcome(ritual.participation, marks: marks) == .skipped ? LocalDay(string: day) : nil
            }
            for (index, recurrence) in schedule.calendarRecurrences.enumerated() {
                events.append(CalendarFeed.Event(uid: "\(ritual.id!.uuidString.lowercased())-\(index)@kindred", title: title, recurrence: recurrence,
                                                 durationMinutes: Self.ritualMinutes, skipped: skipped, alarmMinutesBefore: feed.alarmMinutes))
            }
        }
        // Accepted plans from the last month on, each once, on the feed owner's clock.
        let zone = TimeZone(identifier: user.timeZone) ?? TimeZone(identifier: "UTC")!
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let plans = try await Plan.query(on: db).filter(\.$bond.$id == bond.id!).filter(\.$state == .accepted)
            .filter(\.$startsAt > now.addingTimeInterval(-31 * 86_400)).sort(\.$startsAt).all()
        let planService = PlanService(db: db, services: services)
        for plan in plans {
            guard let title = planService.title(of: plan) else { continue }
            let parts = calendar.dateComponents([.hour, .minute], from: plan.startsAt)
            let time = LocalTime(hour: parts.hour ?? 0, minute: parts.minute ?? 0)!
            events.append(CalendarFeed.Event(uid: "plan-\(plan.id!.uuidString.lowercased())@kindred", title: title,
                                             recurrence: Recurrence(rule: .once, start: LocalDay(plan.startsAt, in: zone), time: time, zone: user.timeZone),
                                             durationMinutes: plan.minutes, alarmMinutesBefore: feed.alarmMinutes))
        }
        if feed.includeDaily, let at = try await ReminderService(db: db, services: services).preferences(of: user).dailyAt {
            let today = LocalDay(now, inZone: user.timeZone)
            events.append(CalendarFeed.Event(uid: "daily-\(feed.id!.uuidString.lowercased())@kindred", title: "Today's question",
                                             recurrence: Recurrence(rule: .daily(every: 1), start: today, time: at, zone: user.timeZone),
                                             durationMinutes: 10, alarmMinutesBefore: feed.alarmMinutes))
        }
        return CalendarFeed.document(name: "Our rituals", events: events, now: now)
    }
}
