import Fluent
import Foundation
import KindredCore
import Vapor

/// A bond's rituals (KindredCore's `RitualRules` and `RitualSchedule` decide; this loads,
/// seals, stores and lists). Either member proposes; the other accepts before it counts.
struct RitualService: RequestScoped {
    let db: any Database
    let services: KindredServices

    /// Rituals a bond may hold at once (proposed or shared), so a list stays a list.
    static let perBond = 50
    /// Occurrences shown: the last few (and their marks), then the next few.
    static let recentCount = 8, upcomingCount = 4

    struct Draft {
        var title: String
        var description: String?
        var participation: RitualParticipation
        var recurrence: Recurrence
        var ideaID: String?
    }

    struct Occurrence {
        let day: LocalDay
        let at: Date
        let yours: OccurrenceMark?
        let theirs: OccurrenceMark?
        let outcome: OccurrenceOutcome
        let mayMark: Bool
    }

    struct View {
        let id: UUID
        let title: String
        let description: String?
        let participation: RitualParticipation
        let status: RitualStatus
        let proposedByYou: Bool
        let schedule: RitualSchedule
        let paused: Bool
        let ideaID: String?
        let createdAt: Date
        let today: LocalDay
        let recent: [Occurrence]
        let upcoming: [Occurrence]
        let consistency: (kept: Int, of: Int)?
        let mayRespond: Bool
        var summary: String { schedule.latest?.summary ?? "" }
    }

    // MARK: - Checking what people send

    static func checkedText(title: String, description: String?) -> Result<(String, String?), FieldErrors> {
        var problems: [FieldError] = []
        var cleanTitle = "", cleanDescription: String?
        switch TextRules.clean(title, field: "title", allowed: RitualRules.titleLength) {
        case .success(let text): cleanTitle = text
        case .failure(let problem): problems.append(problem)
        }
        if let description, !description.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            switch TextRules.clean(description, field: "description", allowed: RitualRules.descriptionLength) {
            case .success(let text): cleanDescription = text
            case .failure(let problem): problems.append(problem)
            }
        }
        return problems.isEmpty ? .success((cleanTitle, cleanDescription)) : .failure(FieldErrors(problems))
    }

    // MARK: - Proposing and answering

    func propose(_ draft: Draft, in loaded: BondService.Loaded, by user: User) async throws -> View {
        try loaded.requireActive(waitingDetail: "Rituals are for two: invite the other person first.")
        let bondID = loaded.bond.id!
        let count = try await Ritual.query(on: db).filter(\.$bond.$id == bondID).filter(\.$status != .declined).count()
        guard count < Self.perBond else {
            throw Problem(status: .conflict, code: "too-many-rituals",
                          detail: "This bond has \(Self.perBond) rituals already. Remove one you no longer keep before adding another.")
        }
        if let idea = draft.ideaID, !services.content.ritualIdeas.contains(where: { $0.id == idea }) {
            throw Problem.invalid([FieldError("ideaId", "That isn't one of the ideas.")])
        }
        let now = services.now
        let ritual = Ritual()
        ritual.id = UUID()
        ritual.$bond.id = bondID
        ritual.$proposer.id = try user.requireID()
        ritual.participation = draft.participation
        ritual.status = .proposed
        ritual.ideaID = draft.ideaID
        ritual.createdAt = now
        ritual.updatedAt = now
        try seal(ritual, title: draft.title, description: draft.description, schedule: RitualSchedule(draft.recurrence))
        try await ritual.create(on: db)
        return try await view(ritual, in: loaded, for: user)
    }

    /// The other member accepts (it counts from now) or declines.
    func respond(_ id: UUID, accept: Bool, in loaded: BondService.Loaded, by user: User) async throws -> View {
        try loaded.requireActive(waitingDetail: "Rituals are for two.")
        let ritual = try await find(id, in: loaded)
        guard RitualRules.mayRespond(status: ritual.status, proposedByViewer: ritual.$proposer.id == user.id) else {
            let detail = ritual.status != .proposed ? "This ritual has been answered already."
                : "You proposed this one: it's for the other person to accept."
            throw Problem(status: .conflict, code: "not-yours-to-answer", detail: detail)
        }
        // Only a proposal still open changes: two taps at once answer it once.
        try await Ritual.query(on: db).filter(\.$id == id).filter(\.$status == .proposed)
            .set(\.$status, to: accept ? .active : .declined).set(\.$updatedAt, to: services.now).set(\.$respondedAt, to: services.now).update()
        return try await view(try await find(id, in: loaded), in: loaded, for: user)
    }

    /// A change from `from` on (never before today): title, description and who takes part
    /// change for all of it; the schedule only from that date.
    func edit(_ id: UUID, _ draft: Draft, from: LocalDay?, in loaded: BondService.Loaded, by user: User) async throws -> View {
        try loaded.requireActive(waitingDetail: "Rituals are for two.")
        let ritual = try await find(id, in: loaded)
        var schedule = try schedule(of: ritual)
        let today = Self.today(of: schedule, now: services.now)
        let start = max(from ?? draft.recurrence.start, today)
        var recurrence = draft.recurrence
        if recurrence.start < start, recurrence.rule == .once { recurrence.start = start }
        schedule.change(from: start, to: recurrence)
        ritual.participation = draft.participation
        ritual.updatedAt = services.now
        try seal(ritual, title: draft.title, description: draft.description, schedule: schedule)
        try await ritual.update(on: db)
        return try await view(ritual, in: loaded, for: user)
    }

    func setPaused(_ id: UUID, _ paused: Bool, in loaded: BondService.Loaded, by user: User) async throws -> View {
        try loaded.requireActive(waitingDetail: "Rituals are for two.")
        let ritual = try await find(id, in: loaded)
        var schedule = try schedule(of: ritual)
        let today = Self.today(of: schedule, now: services.now)
        // A pause starts tomorrow: today's time, and any mark on it, stay (it can be skipped).
        if paused { schedule.pause(from: today.adding(days: 1)) } else { schedule.resume(from: today) }
        ritual.sealedSchedule = try services.cipher.seal(try Self.encode(schedule), at: ritual.place(Ritual.schedulePurpose))
        ritual.updatedAt = services.now
        try await ritual.update(on: db)
        return try await view(ritual, in: loaded, for: user)
    }

    /// Either member may remove a ritual (its marks go with it).
    func delete(_ id: UUID, in loaded: BondService.Loaded) async throws {
        guard loaded.snapshot.status != .ended else {
            throw Problem(status: .conflict, code: "bond-ended", detail: "This bond has ended, so nothing in it can change.")
        }
        try await find(id, in: loaded).delete(on: db)
    }

    // MARK: - Marking occurrences

    /// Marks (or, with nil, clears) the viewer's own mark on the occurrence on `day`.
    func mark(_ id: UUID, day: LocalDay, _ mark: OccurrenceMark?, in loaded: BondService.Loaded, by user: User) async throws -> Occurrence {
        try loaded.requireActive(waitingDetail: "Rituals are for two.")
        let ritual = try await find(id, in: loaded)
        let schedule = try schedule(of: ritual)
        let today = Self.today(of: schedule, now: services.now)
        if let problem = RitualRules.markProblem(status: ritual.status, schedule: schedule, day: day, today: today) {
            throw Problem(status: .conflict, code: "not-markable", detail: problem)
        }
        let userID = try user.requireID(), bondID = loaded.bond.id!, now = services.now, cipher = services.cipher
        try await db.transaction { tx in
            let existing = try await RitualMark.query(on: tx).filter(\.$ritual.$id == id).filter(\.$day == day.description)
                .filter(\.$user.$id == userID).first()
            guard let mark else {
                try await existing?.delete(on: tx)
                return
            }
            if let existing {
                existing.sealedMark = try cipher.seal(mark.rawValue, at: existing.place)
                existing.updatedAt = now
                try await existing.update(on: tx)
            } else {
                let row = RitualMark()
                row.id = UUID()
                row.$ritual.id = id
                row.$bond.id = bondID
                row.$user.id = userID
                row.day = day.description
                row.updatedAt = now
                row.sealedMark = try cipher.seal(mark.rawValue, at: row.place)
                try await row.create(on: tx)
            }
        }
        let view = try await view(ritual, in: loaded, for: user)
        if let found = (view.recent + view.upcoming).first(where: { $0.day == day }) { return found }
        let marks = try await self.marks(of: [id], for: user)[id] ?? [:]
        return occurrence(day, ritual: ritual, schedule: schedule, marks: marks[day] ?? [:], user: user, today: today)
    }

    // MARK: - Reading

    func list(in loaded: BondService.Loaded, for user: User) async throws -> [View] {
        let rituals = try await Ritual.query(on: db).filter(\.$bond.$id == loaded.bond.id!).sort(\.$createdAt).all()
        let marks = try await marks(of: rituals.compactMap(\.id), for: user)
        return try rituals.map { try view($0, marks: marks[$0.id!] ?? [:], in: loaded, for: user) }
    }

    func get(_ id: UUID, in loaded: BondService.Loaded, for user: User) async throws -> View {
        try await view(try await find(id, in: loaded), in: loaded, for: user)
    }

    private func find(_ id: UUID, in loaded: BondService.Loaded) async throws -> Ritual {
        guard let ritual = try await Ritual.query(on: db).filter(\.$id == id).filter(\.$bond.$id == loaded.bond.id!).first() else {
            throw Problem.notFound("There is no ritual here.")
        }
        return ritual
    }

    private func view(_ ritual: Ritual, in loaded: BondService.Loaded, for user: User) async throws -> View {
        let marks = try await marks(of: [ritual.id!], for: user)
        return try view(ritual, marks: marks[ritual.id!] ?? [:], in: loaded, for: user)
    }

    /// Each ritual's marks by day and by member (`true`: the viewer's).
    private func marks(of ids: [UUID], for user: User) async throws -> [UUID: [LocalDay: [Bool: OccurrenceMark]]] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await RitualMark.query(on: db).filter(\.$ritual.$id ~~ ids).all()
        var result: [UUID: [LocalDay: [Bool: OccurrenceMark]]] = [:]
        for row in rows {
            // A mark that does not open in its place (moved there in the database) is no mark.
            guard let day = LocalDay(string: row.day), let text = try? services.cipher.open(row.sealedMark, at: row.place),
                  let mark = OccurrenceMark(rawValue: text) else { continue }
            result[row.$ritual.id, default: [:]][day, default: [:]][row.$user.id == user.id] = mark
        }
        return result
    }

    private func view(_ ritual: Ritual, marks: [LocalDay: [Bool: OccurrenceMark]], in loaded: BondService.Loaded, for user: User) throws -> View {
        let schedule = try schedule(of: ritual)
        let cipher = services.cipher
        let today = Self.today(of: schedule, now: services.now)
        let recentDays = schedule.occurrences(from: today.adding(days: -400), through: today).suffix(Self.recentCount)
        let upcomingDays = schedule.occurrences(from: today.adding(days: 1), through: today.adding(days: 800)).prefix(Self.upcomingCount)
        let recent = recentDays.map { occurrence($0, ritual: ritual, schedule: schedule, marks: marks[$0] ?? [:], user: user, today: today) }
        let outcomes = Dictionary(uniqueKeysWithValues: marks.map { day, byMember in
            (day, RitualRules.outcome(ritual.participation, marks: Array(byMember.values)))
        })
        return View(
            id: ritual.id!,
            title: try cipher.open(ritual.sealedTitle, at: ritual.place(Ritual.titlePurpose)),
            description: try ritual.sealedDescription.map { try cipher.open($0, at: ritual.place(Ritual.descriptionPurpose)) },
            participation: ritual.participation, status: ritual.status, proposedByYou: ritual.$proposer.id == user.id,
            schedule: schedule, paused: schedule.isPaused, ideaID: ritual.ideaID, createdAt: ritual.createdAt, today: today,
            recent: recent,
            upcoming: upcomingDays.map { occurrence($0, ritual: ritual, schedule: schedule, marks: [:], user: user, today: today) },
            consistency: ritual.status == .active ? RitualRules.consistency(schedule: schedule, outcomes: outcomes, today: today) : nil,
            mayRespond: loaded.snapshot.status == .active && RitualRules.mayRespond(status: ritual.status, proposedByViewer: ritual.$proposer.id == user.id)
        )
    }

    private func occurrence(_ day: LocalDay, ritual: Ritual, schedule: RitualSchedule, marks: [Bool: OccurrenceMark], user: User, today: LocalDay) -> Occurrence {
        let recurrence = schedule.recurrence(on: day) ?? schedule.latest
        return Occurrence(
            day: day, at: recurrence?.instant(on: day) ?? LocalDay.noonOf(day),
            yours: marks[true], theirs: marks[false],
            outcome: RitualRules.outcome(ritual.participation, marks: Array(marks.values)),
            mayMark: RitualRules.markProblem(status: ritual.status, schedule: schedule, day: day, today: today) == nil
        )
    }

    /// The rituals a person proposed, opened (for their export).
    func proposed(by userID: UUID) async throws -> [(ritual: Ritual, title: String, description: String?, summary: String)] {
        let cipher = services.cipher
        return try await Ritual.query(on: db).filter(\.$proposer.$id == userID).sort(\.$createdAt).all().map { ritual in
            (ritual, try cipher.open(ritual.sealedTitle, at: ritual.place(Ritual.titlePurpose)),
             try ritual.sealedDescription.map { try cipher.open($0, at: ritual.place(Ritual.descriptionPurpose)) },
             try schedule(of: ritual).latest?.summary ?? "")
        }
    }

    // MARK: - Sealing

    private func seal(_ ritual: Ritual, title: String, description: String?, schedule: RitualSchedule) throws {
        let cipher = services.cipher
        ritual.sealedTitle = try cipher.seal(title, at: ritual.place(Ritual.titlePurpose))
        ritual.sealedDescription = try description.map { try cipher.seal($0, at: ritual.place(Ritual.descriptionPurpose)) }
        ritual.sealedSchedule = try cipher.seal(try Self.encode(schedule), at: ritual.place(Ritual.schedulePurpose))
    }

    func schedule(of ritual: Ritual) throws -> RitualSchedule {
        let json = try services.cipher.open(ritual.sealedSchedule, at: ritual.place(Ritual.schedulePurpose))
        return try JSONDecoder().decode(RitualSchedule.self, from: Data(json.utf8))
    }

    static func encode(_ schedule: RitualSchedule) throws -> String {
        String(decoding: try JSONEncoder().encode(schedule), as: UTF8.self)
    }

    /// Today where the ritual is anchored: its occurrences are dates in its own zone.
    static func today(of schedule: RitualSchedule, now: Date) -> LocalDay {
        LocalDay(now, inZone: schedule.latest?.zone ?? "UTC")
    }
}
