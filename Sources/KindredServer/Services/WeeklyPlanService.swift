import Fluent
import Foundation
import KindredCore
import Vapor

/// Gathers what the weekly plan may rest on — the viewer's own latest results, what the other
/// member shared, and what the two did lately — and lets `WeeklyPlan` choose. Nothing the other
/// did not share is read.
struct WeeklyPlanService: RequestScoped {
    let db: any Database
    let services: KindredServices

    struct Plan {
        let week: String
        let practices: [WeeklyPlan.Practice]
    }

    /// The signs the Emotional Intimacy Scale's item themes speak to.
    static let eisThemes: [String: Sign] = [
        "trust": .trust, "self-disclosure": .openSharing, "positive feelings": .positiveFeelings,
        "mutual support": .vulnerability, "feeling understood": .communication,
    ]

    /// `today`: the bond's day, when the caller has it already (the home does).
    func plan(in loaded: BondService.Loaded, for user: User, today: LocalDay? = nil) async throws -> Plan {
        let week = LocalDay(services.now, inZone: user.timeZone).isoWeek
        let inputs = WeeklyPlan.Inputs(
            week: week, kind: loaded.bond.kind, apart: loaded.apart,
            evidence: try await evidence(in: loaded, for: user),
            neglectedCloseness: try await neglectedCloseness(in: loaded, for: user),
            lately: try await lately(in: loaded, for: user, today: today)
        )
        let content = services.content
        let library = WeeklyPlan.Library(decks: content.decks, ritualIdeas: content.ritualIdeas, planIdeas: content.planIdeas,
                                         appreciationStarters: content.appreciationStarters)
        return Plan(week: week, practices: WeeklyPlan.practices(inputs, from: library))
    }

    /// The viewer's latest self-result of an instrument, and the other's latest shared one.
    private func latest(_ key: String, in loaded: BondService.Loaded, for user: User) async throws -> (mine: Assessment?, theirs: Assessment?) {
        let db = self.db, bondID = loaded.bond.id!, userID = try user.requireID()
        func query() -> QueryBuilder<Assessment> {
            Assessment.query(on: db).filter(\.$bond.$id == bondID).filter(\.$instrumentKey == key)
                .filter(\.$mode == ResultSummary.Mode.`self`.rawValue).sort(\.$takenAt, .descending)
        }
        let mine = try await query().filter(\.$user.$id == userID).first()
        // What the other shared only, and only while the bond lasts.
        let theirs = loaded.snapshot.status == .active ? try await query().filter(\.$user.$id != userID).filter(\.$shared == true).first() : nil
        return (try [mine].compactMap { $0 }.opened(services.cipher).first, try [theirs].compactMap { $0 }.opened(services.cipher).first)
    }

    private func evidence(in loaded: BondService.Loaded, for user: User) async throws -> [WeeklyPlan.Evidence] {
        var evidence: [WeeklyPlan.Evidence] = []
        let partner = loaded.members.first { $0.user.id != user.id }?.user.displayName ?? "the other person"
        let signs = try await latest("six-signs", in: loaded, for: user)
        func percents(_ result: Assessment?) -> [(Sign, Double)] { (result?.score?.signFractions ?? []).map { ($0.sign, $0.fraction) } }
        if let mine = signs.mine {
            evidence += percents(mine).map { .init(sign: $0.0, strength: $0.1, source: .sixSigns(takenAt: mine.takenAt)) }
        }
        if let theirs = signs.theirs {
            evidence += percents(theirs).map { .init(sign: $0.0, strength: $0.1, source: .theirSixSigns(name: partner, takenAt: theirs.takenAt)) }
        }
        if let eis = try await latest("eis", in: loaded, for: user).mine, let instrument = services.content.instrument("eis") {
            let scored = eis.score?.items ?? [:]
            if let lowest = instrument.items.compactMap({ item in scored[item.id].map { (item, $0) } }).min(by: { $0.1 < $1.1 }),
               let theme = lowest.0.theme, let sign = Self.eisThemes[theme] {
                evidence.append(.init(sign: sign, strength: Double(lowest.1 - 1) / 4, source: .eisItem(theme: theme, takenAt: eis.takenAt)))
            }
        }
        if let checkin = try await Checkin.query(on: db).filter(\.$bond.$id == loaded.bond.id!).filter(\.$user.$id == user.id!)
            .sort(\.$week, .descending).first(), let ratings = try? checkin.ratings(services.cipher) {
            for (key, rating) in ratings {
                guard let sign = Sign(rawValue: key) else { continue }
                evidence.append(.init(sign: sign, strength: Double(rating - 1) / 4, source: .checkin(rating: rating, weekOf: checkin.createdAt)))
            }
        }
        return evidence
    }

    private func neglectedCloseness(in loaded: BondService.Loaded, for user: User) async throws -> String? {
        guard loaded.bond.kind == .romantic, let balance = try await latest("intimacy-balance", in: loaded, for: user).mine,
              let score = balance.score else { return nil }
        return BalanceInsight.findings(in: score).first?.neglected
    }

    private func lately(in loaded: BondService.Loaded, for user: User, today known: LocalDay?) async throws -> WeeklyPlan.Lately {
        let bondID = loaded.bond.id!, now = services.now
        let today = if let known { known } else { try await TodayService(db: db, services: services).today(in: loaded) }
        let days = (0..<7).map { today.adding(days: -$0).description }
        let answers = try await DailyAnswer.query(on: db).filter(\.$bond.$id == bondID).filter(\.$day ~~ days)
            .field(\.$id).field(\.$day).field(\.$user.$id).all()
        let together = Dictionary(grouping: answers, by: \.day).values.filter { Set($0.map { $0.$user.id }).count == 2 }.count
        let appreciations = try await Appreciation.query(on: db).filter(\.$bond.$id == bondID).filter(\.$from.$id == user.id!)
            .filter(\.$createdAt > now.addingTimeInterval(-14 * 86_400)).count()
        let conversation = try await Conversation.query(on: db).filter(\.$bond.$id == bondID)
            .filter(\.$startedAt > now.addingTimeInterval(-30 * 86_400)).count()
        let plans = try await KindredServer.Plan.query(on: db).filter(\.$bond.$id == bondID).filter(\.$startsAt > now)
            .filter(\.$state != .declined).count()
        let rituals = try await Ritual.query(on: db).filter(\.$bond.$id == bondID).filter(\.$status == .active).count()
        let repairs = try await RepairService(db: db, services: services).waitingOnYou(in: loaded, for: user)
        return WeeklyPlan.Lately(daysAnsweredTogether: together, appreciationsSent: appreciations, conversationInLast30Days: conversation > 0,
                                 plansToCome: plans, activeRituals: rituals, repairsWaitingOnYou: repairs)
    }
}
