import Fluent
import Foundation
import KindredCore
import Vapor

/// Planned time together (KindredCore's `PlanRules` decide; this loads, seals and stores).
struct PlanService: RequestScoped {
    let db: any Database
    let services: KindredServices

    /// Plans a bond may hold still to come, so a list stays a list.
    static let upcomingPerBond = 50

    struct Draft {
        var title: String
        var startsAt: Date
        var minutes: Int
        var mode: PlanMode
        var ideaID: String?
    }

    struct View {
        let id: UUID
        let title: String
        let startsAt: Date
        let minutes: Int
        let mode: PlanMode
        let state: PlanState
        let ideaID: String?
        let createdByYou: Bool
        let proposedByYou: Bool
        let mayRespond: Bool
        let mayWriteLiked: Bool
        /// Whether it falls wholly inside the hours both are awake (nil: the bond has one member).
        let insideBothAwake: Bool?
        let yourLiked: (text: String, shared: Bool)?
        let theirLiked: String?
        /// They wrote theirs and it is not shown yet (never what it says).
        let theyWroteLiked: Bool
    }

    // MARK: - Proposing and answering

    func propose(_ draft: Draft, in loaded: BondService.Loaded, by user: User) async throws -> View {
        try loaded.requireActive(waitingDetail: "Plans are for two: invite the other person first.")
        let bondID = loaded.bond.id!, now = services.now
        if let problem = PlanRules.startProblem(draft.startsAt, now: now) { throw Problem.invalid([FieldError("startsAt", problem)]) }
        if let idea = draft.ideaID, !services.content.planIdeas.contains(where: { $0.id == idea }) {
            throw Problem.invalid([FieldError("ideaId", "That isn't one of the ideas.")])
        }
        let upcoming = try await Plan.query(on: db).filter(\.$bond.$id == bondID).filter(\.$startsAt > now)
            .filter(\.$state != .declined).count()
        guard upcoming < Self.upcomingPerBond else {
            throw Problem(status: .conflict, code: "too-many-plans",
                          detail: "You have \(Self.upcomingPerBond) plans to come already. Let some happen first.")
        }
        let plan = Plan()
        plan.id = UUID()
        plan.$bond.id = bondID
        plan.$creator.id = try user.requireID()
        plan.proposedBy = try user.requireID()
        plan.sealedTitle = try services.cipher.seal(draft.title, at: plan.titlePlace)
        plan.ideaID = draft.ideaID
        plan.startsAt = draft.startsAt
        plan.minutes = draft.minutes
        plan.mode = draft.mode
        plan.state = .proposed
        plan.createdAt = now
        plan.updatedAt = now
        try await plan.create(on: db)
        return try await view(plan, in: loaded, for: user)
    }

    enum Response {
        case accept, decline
        case propose(startsAt: Date, minutes: Int?)
    }

    /// The member whose turn it is accepts, declines, or proposes another time (passing the turn).
    func respond(_ id: UUID, _ response: Response, in loaded: BondService.Loaded, by user: User) async throws -> View {
        try loaded.requireActive(waitingDetail: "Plans are for two.")
        let plan = try await find(id, in: loaded)
        let userID = try user.requireID(), now = services.now
        guard PlanRules.mayRespond(state: plan.state, lastProposedByViewer: plan.proposedBy == userID) else {
            let detail = plan.state != .proposed ? "This plan has been answered already."
                : "It's the other person's turn: they'll answer your proposal."
            throw Problem(status: .conflict, code: "not-your-turn", detail: detail)
        }
        // Only a proposal still waiting, and still the other's, changes: two taps answer it once.
        let query = Plan.query(on: db).filter(\.$id == id).filter(\.$state == .proposed).filter(\.$proposedBy == plan.proposedBy)
            .set(\.$updatedAt, to: now).set(\.$respondedAt, to: now)
        switch response {
        case .accept: try await query.set(\.$state, to: .accepted).update()
        case .decline: try await query.set(\.$state, to: .declined).update()
        case .propose(let startsAt, let minutes):
            if let problem = PlanRules.startProblem(startsAt, now: now) { throw Problem.invalid([FieldError("startsAt", problem)]) }
            try await query.set(\.$startsAt, to: startsAt).set(\.$minutes, to: minutes ?? plan.minutes).set(\.$proposedBy, to: userID).update()
        }
        return try await view(try await find(id, in: loaded), in: loaded, for: user)
    }

    /// Either member calls it off (it and what was written about it go).
    func delete(_ id: UUID, in loaded: BondService.Loaded) async throws {
        guard loaded.snapshot.status != .ended else {
            throw Problem(status: .conflict, code: "bond-ended", detail: "This bond has ended, so nothing in it can change.")
        }
        try await find(id, in: loaded).delete(on: db)
    }

    // MARK: - What we liked

    func writeLiked(_ id: UUID, text raw: String, share: Bool, in loaded: BondService.Loaded, by user: User) async throws -> View {
        try loaded.requireActive(waitingDetail: "Plans are for two.")
        let plan = try await find(id, in: loaded)
        guard PlanRules.mayWriteLiked(state: plan.state, startsAt: plan.startsAt, now: services.now) else {
            throw Problem(status: .conflict, code: "not-yet",
                          detail: "You can say what you liked once the time you agreed on has come.")
        }
        let text: String
        switch TextRules.clean(raw, field: "text", allowed: PlanRules.likedLength) {
        case .success(let cleaned): text = cleaned
        case .failure(let problem): throw Problem.invalid([problem])
        }
        let userID = try user.requireID(), now = services.now, cipher = services.cipher, bondID = loaded.bond.id!
        try await db.transaction { tx in
            if let note = try await PlanNote.query(on: tx).filter(\.$plan.$id == id).filter(\.$user.$id == userID).first() {
                note.sealedText = try cipher.seal(text, at: note.place)
                // Shared stays shared: what the other may already have read is not taken back.
                note.shared = note.shared || share
                note.updatedAt = now
                try await note.update(on: tx)
            } else {
                let note = PlanNote()
                note.id = UUID()
                note.$plan.id = id
                note.$bond.id = bondID
                note.$user.id = userID
                note.shared = share
                note.updatedAt = now
                note.sealedText = try cipher.seal(text, at: note.place)
                try await note.create(on: tx)
            }
        }
        return try await view(plan, in: loaded, for: user)
    }

    // MARK: - Reading

    /// Plans to come (soonest first), then the last 20 past ones.
    func list(in loaded: BondService.Loaded, for user: User) async throws -> (upcoming: [View], past: [View]) {
        let now = services.now, bondID = loaded.bond.id!
        let later = try await Plan.query(on: db).filter(\.$bond.$id == bondID).filter(\.$startsAt > now).sort(\.$startsAt).all()
        let earlier = try await Plan.query(on: db).filter(\.$bond.$id == bondID).filter(\.$startsAt <= now)
            .sort(\.$startsAt, .descending).limit(20).all()
        let notes = try await PlanNote.query(on: db).filter(\.$plan.$id ~~ (later + earlier).compactMap(\.id)).all()
        let stretches = bothAwake(loaded, around: later + earlier)
        return (try later.map { try view($0, notes: notes, stretches: stretches, in: loaded, for: user) },
                try earlier.map { try view($0, notes: notes, stretches: stretches, in: loaded, for: user) })
    }

    func get(_ id: UUID, in loaded: BondService.Loaded, for user: User) async throws -> View {
        try await view(try await find(id, in: loaded), in: loaded, for: user)
    }

    /// Starts to suggest for `minutes` together: inside the hours both are awake this week.
    func suggestedStarts(in loaded: BondService.Loaded, minutes: Int) -> [Date] {
        let users = loaded.members.map(\.user)
        guard users.count == 2 else { return [] }
        let week = Overlap.bothAwake(users.map(\.dayMember), from: services.now, days: 7)
        return PlanRules.suggestedStarts(in: week, minutes: minutes, after: services.now.addingTimeInterval(3600))
    }

    func title(of plan: Plan) -> String? { try? services.cipher.open(plan.sealedTitle, at: plan.titlePlace) }

    /// The hours both are awake over the days these plans span (nil while the bond has one member).
    private func bothAwake(_ loaded: BondService.Loaded, around plans: [Plan]) -> [DateInterval]? {
        let users = loaded.members.map(\.user)
        guard users.count == 2 else { return nil }
        guard let first = plans.map(\.startsAt).min(),
              let last = plans.map({ $0.startsAt.addingTimeInterval(Double($0.minutes) * 60) }).max() else { return [] }
        let from = first.addingTimeInterval(-86_400)
        let days = Int(last.timeIntervalSince(from) / 86_400) + 2
        return Overlap.bothAwake(users.map(\.dayMember), from: from, days: days)
    }

    private func find(_ id: UUID, in loaded: BondService.Loaded) async throws -> Plan {
        guard let plan = try await Plan.query(on: db).filter(\.$id == id).filter(\.$bond.$id == loaded.bond.id!).first() else {
            throw Problem.notFound("There is no plan here.")
        }
        return plan
    }

    private func view(_ plan: Plan, in loaded: BondService.Loaded, for user: User) async throws -> View {
        let notes = try await PlanNote.query(on: db).filter(\.$plan.$id == plan.id!).all()
        return try view(plan, notes: notes, stretches: bothAwake(loaded, around: [plan]), in: loaded, for: user)
    }

    private func view(_ plan: Plan, notes: [PlanNote], stretches: [DateInterval]?, in loaded: BondService.Loaded, for user: User) throws -> View {
        let cipher = services.cipher, userID = user.id
        let mine = notes.first { $0.$plan.id == plan.id && $0.$user.id == userID }
        let theirs = notes.first { $0.$plan.id == plan.id && $0.$user.id != userID }
        let visible = PlanRules.theirLikedVisible(theirs: theirs != nil, theyShared: theirs?.shared ?? false, youWrote: mine != nil)
        return View(
            id: plan.id!, title: try cipher.open(plan.sealedTitle, at: plan.titlePlace), startsAt: plan.startsAt, minutes: plan.minutes,
            mode: plan.mode, state: plan.state, ideaID: plan.ideaID,
            createdByYou: plan.$creator.id == userID, proposedByYou: plan.proposedBy == userID,
            mayRespond: loaded.snapshot.status == .active && PlanRules.mayRespond(state: plan.state, lastProposedByViewer: plan.proposedBy == userID),
            mayWriteLiked: loaded.snapshot.status == .active && PlanRules.mayWriteLiked(state: plan.state, startsAt: plan.startsAt, now: services.now),
            insideBothAwake: stretches.map { Overlap.fits(start: plan.startsAt, duration: Double(plan.minutes) * 60, in: $0) },
            yourLiked: try mine.map { (try cipher.open($0.sealedText, at: $0.place), $0.shared) },
            // A note that does not open in its place (moved there in the database) is not shown.
            theirLiked: visible ? theirs.flatMap { try? cipher.open($0.sealedText, at: $0.place) } : nil,
            theyWroteLiked: theirs != nil
        )
    }
}
