import Fluent
import KindredCore
import Vapor

/// The weekly "state of us": a pulse on the six signs and a note, revealed to the other
/// member once both have checked in for the same week (the daily question's rule).
struct CheckinService: RequestScoped {
    let db: any Database
    let services: KindredServices


    static let purpose = "checkins.note"
    static let ratingsPurpose = "checkins.ratings"

    struct WeekView {
        let week: String
        let state: Reveal.State
        let yourRatings: [String: Int]?
        let yourNote: String?
        let theirRatings: [String: Int]?
        let theirNote: String?
        let mayWrite: Bool
    }

    func week(for user: User) -> String { LocalDay(services.now, inZone: user.timeZone).isoWeek }

    func view(of week: String, in loaded: BondService.Loaded, for user: User) async throws -> WeekView {
        let rows = try await Checkin.query(on: db).filter(\.$bond.$id == loaded.bond.id!).filter(\.$week == week).all()
        return try view(week: week, rows: rows, loaded: loaded, user: user)
    }

    private func view(week: String, rows: [Checkin], loaded: BondService.Loaded, user: User) throws -> WeekView {
        let mine = rows.first { $0.$user.id == user.id }
        let theirs = rows.first { $0.$user.id != user.id }
        let state = Reveal.state(youAnswered: mine != nil, theyAnswered: theirs != nil)
        let showTheirs = state == .revealed && loaded.snapshot.status != .ended
        return WeekView(
            week: week, state: state, yourRatings: try mine?.ratings(services.cipher),
            yourNote: try mine?.note(services.cipher),
            theirRatings: showTheirs ? try theirs?.ratings(services.cipher) : nil,
            theirNote: showTheirs ? try theirs?.note(services.cipher) : nil,
            mayWrite: loaded.snapshot.status == .active && Reveal.mayWrite(youAnswered: mine != nil, theyAnswered: theirs != nil)
        )
    }

    func submit(ratings: [String: Int], note rawNote: String?, in loaded: BondService.Loaded, by user: User) async throws -> WeekView {
        try loaded.requireActive(waitingDetail: "The weekly check-in begins once the other person has joined.")
        var problems: [FieldError] = []
        for sign in Sign.allCases {
            guard let value = ratings[sign.rawValue] else {
                problems.append(FieldError("ratings.\(sign.rawValue)", "Please answer this one."))
                continue
            }
            if !(1...5).contains(value) { problems.append(FieldError("ratings.\(sign.rawValue)", "Choose from 1 to 5.")) }
        }
        for key in ratings.keys.sorted() where Sign(rawValue: key) == nil {
            problems.append(FieldError("ratings.\(key)", "This is not one of the six signs."))
        }
        var note: String?
        if let rawNote {
            switch TextRules.clean(rawNote, field: "note", allowed: TextRules.noteLength) {
            case .success(let cleaned): note = cleaned.isEmpty ? nil : cleaned
            case .failure(let problem): problems.append(problem)
            }
        }
        guard problems.isEmpty else { throw Problem.invalid(problems) }
        let week = week(for: user)
        let cipher = services.cipher
        let finalNote = note
        let bondID = loaded.bond.id!, userID = try user.requireID(), now = services.now
        try await db.transaction { tx in
            // Whoever comes second waits, then sees the first check-in.
            try await tx.lockRow(of: .bonds, id: bondID)
            let rows = try await Checkin.query(on: tx).filter(\.$bond.$id == bondID).filter(\.$week == week).all()
            let mine = rows.first { $0.$user.id == userID }
            guard Reveal.mayWrite(youAnswered: mine != nil, theyAnswered: rows.contains { $0.$user.id != userID }) else {
                throw Problem(status: .conflict, code: "checkin-revealed",
                              detail: "You've both checked in this week, so your check-ins are shared and can't be changed.")
            }
            if let mine {
                try mine.write(ratings: ratings, note: finalNote, cipher: cipher)
                mine.updatedAt = now
                try await mine.update(on: tx)
            } else {
                try await Checkin(bondID: bondID, week: week, userID: userID, ratings: ratings, note: finalNote, cipher: cipher, now: now).create(on: tx)
            }
        }
        return try await view(of: week, in: loaded, for: user)
    }

    /// Past weeks, newest first: always your own pulse; theirs only for weeks you both checked in.
    func history(in loaded: BondService.Loaded, for user: User, limit: Int = 26) async throws -> [WeekView] {
        let rows = try await Checkin.query(on: db).filter(\.$bond.$id == loaded.bond.id!).sort(\.$week, .descending).limit(limit * 2).all()
        // Each week once, newest first. (NSOrderedSet did not drop duplicates on Linux.)
        var seen = Set<String>()
        let weeks = Array(rows.map(\.week).filter { seen.insert($0).inserted }.prefix(limit))
        return try weeks.map { week in try view(week: week, rows: rows.filter { $0.week == week }, loaded: loaded, user: user) }
    }

    /// Your average pulse per week, oldest first, for the trend chart (0–100 like the six signs).
    static func trendPoints(_ weeks: [WeekView]) -> [(week: String, value: Double)] {
        weeks.reversed().compactMap { week in
            guard let ratings = week.yourRatings, !ratings.isEmpty else { return nil }
            let mean = Double(ratings.values.reduce(0, +)) / Double(ratings.count)
            return (week.week, (mean - 1) / 4 * 100)
        }
    }
}
