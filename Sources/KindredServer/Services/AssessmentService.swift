import Fluent
import KindredCore
import SQLKit
import Vapor

/// Taking questionnaires, and reading results back — always through the visibility rule,
/// so a partner's unshared result or any prediction never leaves the server for them.
struct AssessmentService: RequestScoped {
    let db: any Database
    let services: KindredServices


    /// Results read per instrument are capped, so pages stay fast however long a bond lasts.
    static let historyLimit = 60

    static let notFound = Problem.notFound("There is no such result in this bond — or it is not yours to see.")

    func instrument(_ key: String, for kind: BondKind) throws -> Instrument {
        guard let instrument = services.content.instrument(key), instrument.applies(to: kind) else {
            throw Problem.invalid([FieldError("instrument", "Choose one of the questionnaires offered for this bond.")])
        }
        return instrument
    }

    // MARK: - Taking

    func take(
        in loaded: BondService.Loaded, by user: User, instrumentKey: String,
        answers: [String: Int], mode: ResultSummary.Mode, share: Bool
    ) async throws -> Assessment {
        guard loaded.verdict == .member else {
            throw Problem(status: .conflict, detail: "This bond has ended, so nothing new can be added to it.", code: "bond-ended")
        }
        let instrument = try instrument(instrumentKey, for: loaded.bond.kind)
        var problems: [FieldError] = []
        if mode == .predict {
            if !instrument.predictable {
                problems.append(FieldError("mode", "This questionnaire can't be used to predict the other person's answers."))
            }
            if loaded.snapshot.partner(of: user.userID) == nil {
                problems.append(FieldError("mode", "You can predict the other person's answers once they have joined."))
            }
            if share { problems.append(FieldError("share", "Predictions stay private; only how well you know each other is shown.")) }
        }
        problems += Scorer.validate(answers, for: instrument, kind: loaded.bond.kind)
        guard problems.isEmpty else { throw Problem.invalid(problems) }
        let score = try Scorer.score(answers, for: instrument, kind: loaded.bond.kind)
        let now = services.now
        let assessment = try Assessment(
            bondID: loaded.bond.id!, userID: user.id!, instrument: instrument, mode: mode, shared: share,
            takenAt: now, answers: answers, score: score, cipher: services.cipher
        )
        try await db.transaction { tx in
            // The bond's row lock orders a guess and a result made at the same instant, so
            // each sees the other and the pin is never missed.
            try await tx.lockRow(of: .bonds, id: loaded.bond.id!)
            try await pin(assessment, now: now, on: tx)
            try await assessment.create(on: tx)
            if mode == .self { try await pinWaitingPredictions(on: assessment, now: now, on: tx) }
        }
        return assessment
    }

    /// A new prediction is judged against the other member's latest self-result within the
    /// window, if there is one (`PerceptionGap.pin`); otherwise it waits for their next one.
    private func pin(_ prediction: Assessment, now: Date, on tx: any Database) async throws {
        guard prediction.resultMode == .predict else { return }
        let theirs = try await Assessment.query(on: tx)
            .filter(\.$bond.$id == prediction.$bond.id).filter(\.$user.$id != prediction.$user.id)
            .filter(\.$instrumentKey == prediction.instrumentKey).filter(\.$mode == ResultSummary.Mode.`self`.rawValue)
            .filter(\.$takenAt >= now.addingTimeInterval(-Comparison.window))
            .sort(\.$takenAt, .descending).limit(1).all()
        if let index = PerceptionGap.pinIndex(predictionAt: now, takenAt: theirs.map(\.takenAt)) {
            prediction.comparedWith = theirs[index].id
        }
    }

    /// The other member's predictions still waiting for a result of this person's (made in
    /// the last 14 days, none before them) are judged against this one, the first after them.
    private func pinWaitingPredictions(on result: Assessment, now: Date, on tx: any Database) async throws {
        try await Assessment.query(on: tx)
            .filter(\.$bond.$id == result.$bond.id).filter(\.$user.$id != result.$user.id)
            .filter(\.$instrumentKey == result.instrumentKey).filter(\.$mode == ResultSummary.Mode.predict.rawValue)
            .filter(\.$comparedWith == nil).filter(\.$takenAt >= now.addingTimeInterval(-Comparison.window))
            .set(\.$comparedWith, to: result.id)
            .update()
    }

    // MARK: - Reading

    /// Results in a bond that `viewer` may see, newest first: all of their own, and the
    /// other member's shared self-results while the bond lasts. Filtered in the query,
    /// so nothing private is even loaded for the wrong person.
    func visible(in loaded: BondService.Loaded, to viewer: User, instrument: String? = nil, limit: Int = historyLimit) async throws -> [Assessment] {
        let viewerID = try viewer.requireID()
        let bondEnded = loaded.snapshot.status == .ended
        let query = Assessment.query(on: db).filter(\.$bond.$id == loaded.bond.id!)
        if let instrument { query.filter(\.$instrumentKey == instrument) }
        query.group(.or) { either in
            either.filter(\.$user.$id == viewerID)
            if !bondEnded {
                either.group(.and) { theirs in
                    theirs.filter(\.$user.$id != viewerID).filter(\.$mode == ResultSummary.Mode.`self`.rawValue).filter(\.$shared == true)
                }
            }
        }
        return try await query.sort(\.$takenAt, .descending).limit(limit).all().opened(services.cipher)
    }

    /// Every result of one instrument in the bond, both members' and both modes — for
    /// working out comparisons and understanding figures on the server. Never sent as is.
    func allResults(in loaded: BondService.Loaded, instrument: String, limit: Int = historyLimit) async throws -> [Assessment] {
        try await Assessment.query(on: db)
            .filter(\.$bond.$id == loaded.bond.id!).filter(\.$instrumentKey == instrument)
            .sort(\.$takenAt, .descending).limit(limit * 2).all().opened(services.cipher)
    }

    /// The rule, applied: yours always; theirs only shared, about themselves, in a bond
    /// that has not ended.
    func isVisible(_ assessment: Assessment, to viewer: User, in loaded: BondService.Loaded) -> Bool {
        guard let summary = assessment.summary else { return false }
        if summary.owner == viewer.userID { return true }
        return loaded.snapshot.status != .ended && ResultVisibility.isVisible(summary, to: viewer.userID)
    }

    func find(_ id: UUID, in loaded: BondService.Loaded, for viewer: User) async throws -> Assessment {
        guard let assessment = try await Assessment.query(on: db)
            .filter(\.$id == id).filter(\.$bond.$id == loaded.bond.id!).first(),
              (try? assessment.open(services.cipher)) != nil,
              isVisible(assessment, to: viewer, in: loaded)
        else { throw Self.notFound }
        return assessment
    }

    /// Shares or un-shares one of your own results about yourself.
    func setShared(_ id: UUID, in loaded: BondService.Loaded, by user: User, shared: Bool) async throws -> Assessment {
        let assessment = try await find(id, in: loaded, for: user)
        guard assessment.$user.id == user.id else { throw Self.notFound }
        guard assessment.resultMode == .self else {
            throw Problem.invalid([FieldError("shared", "Predictions stay private; only how well you know each other is shown.")])
        }
        guard loaded.verdict == .member else {
            throw Problem(status: .conflict, detail: "This bond has ended, so nothing in it can change.", code: "bond-ended")
        }
        if assessment.shared != shared {
            assessment.shared = shared
            assessment.sharedAt = shared ? services.now : nil
            try await assessment.update(on: db)
        }
        return assessment
    }

    // MARK: - Overviews

    /// Rows read for a dashboard card: enough for both members' latest results, the one
    /// before (for the trend), recent predictions and a comparison within 14 days.
    static let overviewLimit = 12
    /// Guesses read per instrument, whatever came after them: each member's latest few.
    static let predictionsRead = 6

    func overview(of instrument: Instrument, in loaded: BondService.Loaded, for viewer: User, limit: Int = overviewLimit) async throws -> MeasureOverview {
        try await overviews(of: [instrument], in: loaded, for: viewer, limit: limit)[0]
    }

    /// The dashboard's cards, one per instrument that fits the bond: as kept on this node while
    /// the bond's results, status and kind are as they were when it was built (`DashboardCards`),
    /// or built afresh from `overviews` and kept.
    func cards(in loaded: BondService.Loaded, for viewer: User) async throws -> [MeasureCard] {
        let slot = DashboardCards.slot(loaded, viewer: viewer)
        if let (key, built) = slot, let kept = services.dashboards.lookup(key, built) {
            services.metrics.dashboard(kept: true)
            return kept
        }
        services.metrics.dashboard(kept: false)
        let cards = try await overviews(in: loaded, for: viewer).map(MeasureCard.init)
        if let (key, built) = slot { services.dashboards.keep(key, built, cards) }
        return cards
    }

    /// One overview per instrument that fits the bond, read together: a bounded slice per
    /// instrument, so the dashboard costs the same after a year as after a week.
    func overviews(in loaded: BondService.Loaded, for viewer: User) async throws -> [MeasureOverview] {
        try await overviews(of: services.content.instruments.filter { $0.applies(to: loaded.bond.kind) }, in: loaded, for: viewer)
    }

    /// For each instrument, its latest `limit × 2` results, and each member's latest guesses
    /// even when many results came after them (so one member's many guesses never push out the
    /// other's), in one statement; then, only when needed, the results those guesses are
    /// pinned to, in one more.
    private func overviews(of instruments: [Instrument], in loaded: BondService.Loaded, for viewer: User,
                           limit: Int = overviewLimit) async throws -> [MeasureOverview] {
        guard !instruments.isEmpty else { return [] }
        guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
        let bondID = loaded.bond.id!
        let rows = try await sql.raw("""
            SELECT a.* FROM assessments a JOIN (
                SELECT id,
                    ROW_NUMBER() OVER (PARTITION BY instrument_key ORDER BY taken_at DESC) AS recent,
                    ROW_NUMBER() OVER (PARTITION BY instrument_key, user_id, mode ORDER BY taken_at DESC) AS own
                FROM assessments WHERE bond_id = \(bind: bondID) AND instrument_key IN (\(binds: instruments.map(\.key)))
            ) w ON w.id = a.id
            WHERE w.recent <= \(bind: limit * 2) OR (a.mode = \(bind: ResultSummary.Mode.predict.rawValue) AND w.own <= \(bind: Self.predictionsRead))
            """).all().map { try $0.model(Assessment.self) }.opened(services.cipher)
        let byInstrument = Dictionary(grouping: rows, by: \.instrumentKey)
        // The pinned results of the guesses read, even if newer results pushed them out of
        // the rows read.
        let have = Set(rows.compactMap(\.id))
        let missing = Set(rows.compactMap(\.comparedWith)).subtracting(have)
        let extra = missing.isEmpty ? [] : try await Assessment.query(on: db)
            .filter(\.$bond.$id == bondID).filter(\.$id ~~ Array(missing)).all().opened(services.cipher)
        let pinned = Dictionary((rows + extra).map { ($0.id!, $0) }, uniquingKeysWith: { a, _ in a })
        return instruments.map { instrument in
            MeasureOverview(instrument: instrument, all: byInstrument[instrument.key] ?? [], pinned: pinned,
                            viewer: viewer.userID, bond: loaded.snapshot, now: services.now)
        }
    }
}
