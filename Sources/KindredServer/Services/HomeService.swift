import Fluent
import Foundation
import KindredCore
import Vapor

/// A bond's home as one member sees it, in the order it is shown: today's question, what is
/// new from the other member since this member last looked, this week, and at most one
/// gentle measuring suggestion. The same picture feeds the page and the API.
struct HomeService: RequestScoped {
    let db: any Database
    let services: KindredServices

    struct Picture {
        let today: TodayService.DayView?
        let consistency: Consistency?
        let nudge: NudgeService.Status?
        /// Newest first, folded into a few lines.
        let news: [WhatsNew.Event]
        let since: Date
        let checkin: CheckinService.WeekView?
        let weekAppreciations: [AppreciationService.Note]
        let suggestion: (instrument: Instrument, suggestion: MeasureRhythm.Suggestion)?
        let conversationUnderway: Bool
        /// The week's three practices, in the suggestion's place when no measure is due.
        let weeklyPlan: [WeeklyPlan.Practice]?
    }

    /// The picture; with `markSeen`, "what's new" starts afresh from now for next time.
    func picture(of loaded: BondService.Loaded, for user: User, markSeen: Bool) async throws -> Picture {
        let member = loaded.members.first { $0.user.id == user.id }?.member
        let since = member?.homeSeenAt ?? member?.joinedAt ?? services.now
        guard loaded.snapshot.status == .active else {
            return Picture(today: nil, consistency: nil, nudge: nil, news: [], since: since, checkin: nil, weekAppreciations: [],
                           suggestion: nil, conversationUnderway: false, weeklyPlan: nil)
        }
        let todayService = TodayService(db: db, services: services)
        let day = try await todayService.today(in: loaded)
        let today = try await todayService.view(of: day, in: loaded, for: user)
        let checkins = CheckinService(db: db, services: services)
        let conversation = try await ConversationService(db: db, services: services).current(in: loaded)
        let suggestion = try await suggestion(in: loaded, for: user)
        let weeklyPlan = suggestion == nil ? try await WeeklyPlanService(db: db, services: services).plan(in: loaded, for: user, today: day).practices : nil
        let picture = Picture(
            today: today,
            consistency: try await todayService.consistency(in: loaded, today: day),
            nudge: try await NudgeService(db: db, services: services).status(in: loaded, for: user, day: today),
            news: try await news(in: loaded, for: user, since: since, conversation: conversation),
            since: since,
            checkin: try await checkins.view(of: checkins.week(for: user), in: loaded, for: user),
            weekAppreciations: try await AppreciationService(db: db, services: services)
                .list(in: loaded, for: user, since: services.now.addingTimeInterval(-7 * 86_400), limit: 5),
            suggestion: suggestion,
            conversationUnderway: conversation != nil,
            weeklyPlan: weeklyPlan
        )
        // Only a look that showed something new moves "since" on: with nothing new, nothing
        // happened after it, so moving it would change nothing — and would cost a disk flush
        // on every visit.
        if markSeen, let member, !picture.news.isEmpty {
            member.homeSeenAt = services.now
            try await member.update(on: db)
        }
        return picture
    }

    // MARK: - What's new

    /// What the other member did since `since` that the viewer may know of: that they
    /// answered (never what), replied, reacted, appreciated, shared a result, checked in,
    /// nudged; a pass only once the viewer has acted on that day too.
    func news(in loaded: BondService.Loaded, for user: User, since: Date, conversation: Conversation? = nil) async throws -> [WhatsNew.Event] {
        guard loaded.snapshot.status == .active,
              let partnerID = loaded.members.first(where: { $0.user.id != user.id })?.user.id else { return [] }
        let bondID = loaded.bond.id!
        var events: [WhatsNew.Event] = []
        for answer in try await DailyAnswer.query(on: db).filter(\.$bond.$id == bondID).filter(\.$user.$id == partnerID)
            .filter(\.$createdAt > since).all() {
            events.append(.init(kind: .answered, at: answer.createdAt, day: LocalDay(string: answer.day)))
        }
        let passes = try await DailyPass.query(on: db).filter(\.$bond.$id == bondID).filter(\.$user.$id == partnerID)
            .filter(\.$createdAt > since).all()
        if !passes.isEmpty {
            let days = passes.map(\.day)
            let mineAnswered = try await DailyAnswer.query(on: db).filter(\.$bond.$id == bondID).filter(\.$user.$id == user.id!).filter(\.$day ~~ days).all().map(\.day)
            let minePassed = try await DailyPass.query(on: db).filter(\.$bond.$id == bondID).filter(\.$user.$id == user.id!).filter(\.$day ~~ days).all().map(\.day)
            let acted = Set(mineAnswered + minePassed)
            for pass in passes where acted.contains(pass.day) {
                events.append(.init(kind: .passed, at: pass.createdAt, day: LocalDay(string: pass.day)))
            }
        }
        for reply in try await DailyReply.query(on: db).filter(\.$bond.$id == bondID).filter(\.$user.$id == partnerID)
            .filter(\.$createdAt > since).all() {
            events.append(.init(kind: .replied, at: reply.createdAt, day: LocalDay(string: reply.day)))
        }
        for reaction in try await ReactionRow.query(on: db).filter(\.$bond.$id == bondID).filter(\.$user.$id == partnerID)
            .filter(\.$updatedAt > since).all() {
            let target = Reaction.Target(rawValue: reaction.targetKind)
            events.append(.init(kind: .reacted, at: reaction.updatedAt, day: target == .day ? LocalDay(string: reaction.targetKey) : nil,
                                detail: reaction.reaction(services.cipher)?.emoji, target: target))
        }
        for note in try await Appreciation.query(on: db).filter(\.$bond.$id == bondID).filter(\.$from.$id == partnerID)
            .filter(\.$createdAt > since).all() {
            events.append(.init(kind: .appreciated, at: note.createdAt))
        }
        for result in try await Assessment.query(on: db).filter(\.$bond.$id == bondID).filter(\.$user.$id == partnerID)
            .filter(\.$shared == true).filter(\.$mode == ResultSummary.Mode.`self`.rawValue).filter(\.$sharedAt > since)
            .field(\.$id).field(\.$instrumentKey).field(\.$sharedAt).all() {
            events.append(.init(kind: .shared, at: result.sharedAt ?? since,
                                detail: services.content.instrument(result.instrumentKey)?.title ?? result.instrumentKey))
        }
        for checkin in try await Checkin.query(on: db).filter(\.$bond.$id == bondID).filter(\.$user.$id == partnerID)
            .filter(\.$createdAt > since).all() {
            events.append(.init(kind: .checkedIn, at: checkin.createdAt))
        }
        for nudge in try await Nudge.query(on: db).filter(\.$bond.$id == bondID).filter(\.$to.$id == user.id!)
            .filter(\.$createdAt > since).all() {
            events.append(.init(kind: .nudged, at: nudge.createdAt, day: LocalDay(string: nudge.day)))
        }
        events += try await ritualNews(bondID: bondID, partnerID: partnerID, viewerID: user.requireID(), since: since)
        events += try await planNews(bondID: bondID, partnerID: partnerID, viewerID: user.requireID(), since: since)
        events += try await repairNews(bondID: bondID, partnerID: partnerID, since: since)
        if let conversation, conversation.updatedAt > since {
            events.append(.init(kind: .conversation, at: conversation.updatedAt))
        }
        return WhatsNew.summarise(events)
    }

    /// Rituals the other member proposed, agreed to (yours) or marked done since `since`,
    /// each by its title (a title is shared between the two; never a description).
    private func ritualNews(bondID: UUID, partnerID: UUID, viewerID: UUID, since: Date) async throws -> [WhatsNew.Event] {
        // Only rituals with something new are read, and only their titles are opened: the home
        // is opened often, and most visits have no ritual news at all.
        let marks = try await RitualMark.query(on: db).filter(\.$bond.$id == bondID).filter(\.$user.$id == partnerID)
            .filter(\.$updatedAt > since).all()
            .filter { (try? services.cipher.open($0.sealedMark, at: $0.place)) == OccurrenceMark.done.rawValue }
        let rituals = try await Ritual.query(on: db).filter(\.$bond.$id == bondID).group(.or) { group in
            group.filter(\.$createdAt > since).filter(\.$respondedAt > since)
            if !marks.isEmpty { group.filter(\.$id ~~ marks.map { $0.$ritual.id }) }
        }.all()
        let titles = Dictionary(uniqueKeysWithValues: rituals.compactMap { ritual in
            (try? services.cipher.open(ritual.sealedTitle, at: ritual.place(Ritual.titlePurpose))).map { (ritual.id!, $0) }
        })
        let title = { (ritual: Ritual?) in ritual.flatMap { titles[$0.id!] } }
        var events: [WhatsNew.Event] = []
        for ritual in rituals {
            if ritual.$proposer.id == partnerID, ritual.status == .proposed, ritual.createdAt > since {
                events.append(.init(kind: .ritualProposed, at: ritual.createdAt, detail: title(ritual)))
            }
            if ritual.$proposer.id == viewerID, ritual.status == .active, let at = ritual.respondedAt, at > since {
                events.append(.init(kind: .ritualAgreed, at: at, detail: title(ritual)))
            }
        }
        for mark in marks {
            events.append(.init(kind: .ritualKept, at: mark.updatedAt, detail: title(rituals.first { $0.id == mark.$ritual.id })))
        }
        return events
    }

    /// Plans the other proposed (or proposed another time for), answered, or wrote about since
    /// `since` — by title; what they liked is news only once it is shown to you.
    private func planNews(bondID: UUID, partnerID: UUID, viewerID: UUID, since: Date) async throws -> [WhatsNew.Event] {
        let plans = try await Plan.query(on: db).filter(\.$bond.$id == bondID).filter(\.$updatedAt > since).all()
        let service = PlanService(db: db, services: services)
        var events: [WhatsNew.Event] = []
        for plan in plans {
            let title = service.title(of: plan)
            if plan.state == .proposed, plan.proposedBy == partnerID {
                events.append(.init(kind: .planProposed, at: plan.updatedAt, detail: title))
            } else if plan.state != .proposed, plan.proposedBy == viewerID, let at = plan.respondedAt, at > since {
                events.append(.init(kind: plan.state == .accepted ? .planAccepted : .planDeclined, at: at, detail: title))
            }
        }
        let notes = try await PlanNote.query(on: db).filter(\.$bond.$id == bondID).filter(\.$user.$id == partnerID).filter(\.$updatedAt > since).all()
        if !notes.isEmpty {
            let mine = Set(try await PlanNote.query(on: db).filter(\.$plan.$id ~~ notes.map { $0.$plan.id }).filter(\.$user.$id == viewerID).all().map { $0.$plan.id })
            let titles = try await Plan.query(on: db).filter(\.$id ~~ notes.map { $0.$plan.id }).all()
            for note in notes where note.shared || mine.contains(note.$plan.id) {
                events.append(.init(kind: .planLiked, at: note.updatedAt, detail: titles.first { $0.id == note.$plan.id }.flatMap(service.title(of:))))
            }
        }
        return events
    }

    /// Something the other raised, or heard of what the viewer raised, since `since` — never
    /// its words, and nothing of a repair let go or withdrawn.
    private func repairNews(bondID: UUID, partnerID: UUID, since: Date) async throws -> [WhatsNew.Event] {
        let shown = Repair.Step.allCases.filter(Repair.isShown).map(\.rawValue)
        let rows = try await RepairRow.query(on: db).filter(\.$bond.$id == bondID).filter(\.$updatedAt > since)
            .filter(\.$step ~~ shown).all()
        return rows.compactMap { row in
            if row.$raiser.id == partnerID, row.repairStep == .raised, row.createdAt > since {
                return .init(kind: .repairRaised, at: row.createdAt)
            }
            if row.$raiser.id != partnerID, let heard = row.acknowledgedAt, heard > since {
                return .init(kind: .repairHeard, at: heard)
            }
            return nil
        }
    }

    /// The one sentence a bond's card in the list leads with, if anything is new.
    func headline(in loaded: BondService.Loaded, for user: User) async throws -> (sentence: String, count: Int)? {
        let member = loaded.members.first { $0.user.id == user.id }?.member
        let since = member?.homeSeenAt ?? member?.joinedAt ?? services.now
        let news = try await news(in: loaded, for: user, since: since).filter { $0.kind != .conversation }
        guard let first = news.first else { return nil }
        let partner = loaded.members.first { $0.user.id != user.id }?.user.displayName ?? "The other person"
        let today = loaded.snapshot.status == .active ? try await BondDayService(db: db, services: services).today(in: loaded) : nil
        return (sentence(for: first, partner: partner, user: user, today: today), news.count)
    }

    /// `today` is the bond's day (an event's day is one of the bond's); without one, the
    /// person's own date.
    func sentence(for event: WhatsNew.Event, partner: String, user: User, today: LocalDay?) -> String {
        WhatsNew.sentence(for: event, partner: partner, today: today ?? LocalDay(services.now, inZone: user.timeZone),
                          dayLabel: { DateText.day($0.noonDate, in: "UTC") })
    }

    // MARK: - The one suggestion

    /// The gentle rhythm of questionnaires (one at a time, introduced week by week).
    func suggestion(in loaded: BondService.Loaded, for user: User) async throws -> (instrument: Instrument, suggestion: MeasureRhythm.Suggestion)? {
        let instruments = services.content.instruments.filter { $0.bondKinds.contains(loaded.bond.kind) }
        let taken = try await Assessment.query(on: db).filter(\.$bond.$id == loaded.bond.id!).filter(\.$user.$id == user.id!)
            .filter(\.$mode == ResultSummary.Mode.`self`.rawValue)
            .field(\.$id).field(\.$instrumentKey).field(\.$takenAt).all()
        var latest: [String: Date] = [:]
        for result in taken { latest[result.instrumentKey] = max(latest[result.instrumentKey] ?? .distantPast, result.takenAt) }
        let standings = instruments.map {
            MeasureRhythm.Standing(key: $0.key, introducedInWeek: $0.introducedInWeek, lastTaken: latest[$0.key], cadenceDays: $0.cadenceDays)
        }
        // The bond's life starts when the second person joined.
        let start = loaded.members.map(\.member.joinedAt).max() ?? loaded.bond.createdAt
        guard let suggestion = MeasureRhythm.suggestion(standings, bondActiveSince: start, now: services.now),
              let instrument = instruments.first(where: { $0.key == suggestion.key }) else { return nil }
        return (instrument, suggestion)
    }
}
