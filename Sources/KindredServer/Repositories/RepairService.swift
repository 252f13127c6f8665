import Fluent
import Foundation
import KindredCore
import Vapor

/// Repair and let go (KindredCore's `Repair` decides each step; this loads, seals and stores).
/// What was raised is the bond's two members' only: a withdrawn repair is the raiser's alone.
struct RepairService: RequestScoped {
    let db: any Database
    let services: KindredServices

    /// Repairs a bond may have open at once, so a list stays a list.
    static let openPerBond = 20

    struct Raised {
        var happened: String?
        var felt: String?
        var wouldHelp: String?
    }

    struct View {
        let id: UUID
        let raisedByYou: Bool
        let step: Repair.Step
        let happened: String?
        let felt: String?
        let wouldHelp: String?
        let reply: String?
        let yourWill: String?
        let theirWill: String?
        let letGoSuggested: Bool
        let createdAt: Date
        let updatedAt: Date
        /// The steps the viewer may take now (`acknowledge`, `agree`, `resolve`, `suggest-let-go`,
        /// `let-go`, `withdraw`, `delete`).
        let actions: [String]
    }

    enum StepRequest: String, CaseIterable {
        case acknowledge, agree, resolve, suggestLetGo = "suggest-let-go", letGo = "let-go", withdraw
    }

    // MARK: - Raising and the steps

    func raise(_ raised: Raised, in loaded: BondService.Loaded, by user: User) async throws -> View {
        try loaded.requireActive(waitingDetail: "Repair is for two: invite the other person first.")
        let bondID = loaded.bond.id!, now = services.now
        let open = try await RepairRow.query(on: db).filter(\.$bond.$id == bondID)
            .filter(\.$step ~~ Repair.Step.allCases.filter(Repair.isShown).map(\.rawValue)).count()
        guard open < Self.openPerBond else {
            throw Problem(status: .conflict, code: "too-many-repairs",
                          detail: "There are \(Self.openPerBond) things open between you already. Take them one at a time.")
        }
        let row = RepairRow()
        row.id = UUID()
        row.$bond.id = bondID
        row.$raiser.id = try user.requireID()
        row.step = Repair.Step.raised.rawValue
        row.letGoSuggested = false
        row.createdAt = now
        row.updatedAt = now
        row.sealedHappened = try seal(raised.happened, "happened", of: row)
        row.sealedFelt = try seal(raised.felt, "felt", of: row)
        row.sealedWouldHelp = try seal(raised.wouldHelp, "would_help", of: row)
        try await row.create(on: db)
        return try view(row, for: user, active: true)
    }

    /// One step by the viewer: refused (409) when it is not theirs or not the next one.
    func take(_ request: StepRequest, text: String?, on id: UUID, in loaded: BondService.Loaded, by user: User) async throws -> View {
        try loaded.requireActive(waitingDetail: "Repair is for two.")
        let row = try await find(id, in: loaded, for: user)
        let role = try role(of: user, in: row)
        let now = services.now
        let action: Repair.Action
        switch request {
        case .acknowledge: action = .acknowledge
        case .agree: action = .agree(bothHaveWritten: false)
        case .resolve: action = .resolve
        case .suggestLetGo: action = .suggestLettingGo
        case .letGo: action = .letGo
        case .withdraw: action = .withdraw
        }
        let current = row.repairStep
        if case .refused(let why) = Repair.apply(action, by: role, at: current) {
            throw Problem(status: .conflict, code: "not-this-step", detail: why)
        }
        // Only a row still at the step it was read at changes: two taps take a step once.
        let query = RepairRow.query(on: db).filter(\.$id == id).filter(\.$step == current.rawValue).set(\.$updatedAt, to: now)
        switch request {
        case .acknowledge:
            try await query.set(\.$sealedReply, to: try seal(text, "reply", of: row)).set(\.$acknowledgedAt, to: now)
                .set(\.$step, to: Repair.Step.acknowledged.rawValue).update()
        case .agree:
            let column = role == .raiser ? "raiser_will" : "other_will"
            let sealed = try seal(text, column, of: row)
            if role == .raiser { try await query.set(\.$sealedRaiserWill, to: sealed).update() } else {
                try await query.set(\.$sealedOtherWill, to: sealed).update()
            }
            // Read again after writing: of two members agreeing at once, the later sees both.
            let fresh = try await find(id, in: loaded, for: user)
            if fresh.sealedRaiserWill != nil, fresh.sealedOtherWill != nil,
               case .step(let next) = Repair.apply(.agree(bothHaveWritten: true), by: role, at: fresh.repairStep) {
                try await RepairRow.query(on: db).filter(\.$id == id).filter(\.$step == current.rawValue)
                    .set(\.$step, to: next.rawValue).update()
            }
        case .suggestLetGo:
            try await query.set(\.$letGoSuggested, to: true).update()
        case .resolve, .letGo, .withdraw:
            guard case .step(let next) = Repair.apply(action, by: role, at: current) else { break }
            try await query.set(\.$step, to: next.rawValue).update()
        }
        return try view(try await find(id, in: loaded, for: user), for: user, active: true)
    }

    /// Deleting for good: the raiser's, once let go or withdrawn.
    func delete(_ id: UUID, in loaded: BondService.Loaded, by user: User) async throws {
        let row = try await find(id, in: loaded, for: user)
        if case .refused(let why) = Repair.apply(.delete, by: try role(of: user, in: row), at: row.repairStep) {
            throw Problem(status: .conflict, code: "not-this-step", detail: why)
        }
        try await row.delete(on: db)
    }

    // MARK: - Reading

    /// Open repairs, newest first; with `past`, also what was let go (and, for the raiser alone,
    /// what they withdrew).
    func list(in loaded: BondService.Loaded, for user: User, past: Bool) async throws -> [View] {
        let rows = try await RepairRow.query(on: db).filter(\.$bond.$id == loaded.bond.id!).sort(\.$createdAt, .descending).all()
        return try rows.filter { visible($0, to: user) && (past || Repair.isShown($0.repairStep)) }.map { try view($0, for: user, active: loaded.snapshot.status == .active) }
    }

    func get(_ id: UUID, in loaded: BondService.Loaded, for user: User) async throws -> View {
        try view(try await find(id, in: loaded, for: user), for: user, active: loaded.snapshot.status == .active)
    }

    /// How many repairs are open that the viewer is part of (for the weekly plan).
    func openCount(in bondID: UUID) async throws -> Int {
        try await RepairRow.query(on: db).filter(\.$bond.$id == bondID)
            .filter(\.$step ~~ Repair.Step.allCases.filter(Repair.isShown).map(\.rawValue)).count()
    }

    private func visible(_ row: RepairRow, to user: User) -> Bool {
        row.repairStep != .withdrawn || row.$raiser.id == user.id
    }

    private func find(_ id: UUID, in loaded: BondService.Loaded, for user: User) async throws -> RepairRow {
        guard let row = try await RepairRow.query(on: db).filter(\.$id == id).filter(\.$bond.$id == loaded.bond.id!).first(),
              visible(row, to: user) else {
            throw Problem.notFound("There is nothing here.")
        }
        return row
    }

    private func role(of user: User, in row: RepairRow) throws -> Repair.Role {
        row.$raiser.id == (try user.requireID()) ? .raiser : .other
    }

    private func seal(_ text: String?, _ column: String, of row: RepairRow) throws -> String? {
        guard let text, !text.isEmpty else { return nil }
        return try services.cipher.seal(text, at: row.place(column))
    }

    private func open(_ sealed: String?, _ column: String, of row: RepairRow) -> String? {
        // A value that does not open in its place (moved there in the database) is not shown.
        sealed.flatMap { try? services.cipher.open($0, at: row.place(column)) }
    }

    func view(_ row: RepairRow, for user: User, active: Bool) throws -> View {
        let role = try role(of: user, in: row)
        let step = row.repairStep
        var actions: [String] = []
        let candidates: [(String, Repair.Action)] = [
            ("acknowledge", .acknowledge), ("resolve", .resolve), ("let-go", .letGo), ("withdraw", .withdraw), ("delete", .delete),
        ]
        for (name, action) in candidates {
            if case .refused = Repair.apply(action, by: role, at: step) { continue }
            actions.append(name)
        }
        if step == .acknowledged { actions.insert("agree", at: 0) }
        if !row.letGoSuggested, case .unchanged = Repair.apply(.suggestLettingGo, by: role, at: step) { actions.append("suggest-let-go") }
        // An ended bond is read-only; what the raiser wrote is still theirs to delete.
        if !active { actions = actions.filter { $0 == "delete" } }
        let raiserWill = open(row.sealedRaiserWill, "raiser_will", of: row)
        let otherWill = open(row.sealedOtherWill, "other_will", of: row)
        return View(
            id: row.id!, raisedByYou: role == .raiser, step: step,
            happened: open(row.sealedHappened, "happened", of: row), felt: open(row.sealedFelt, "felt", of: row),
            wouldHelp: open(row.sealedWouldHelp, "would_help", of: row), reply: open(row.sealedReply, "reply", of: row),
            yourWill: role == .raiser ? raiserWill : otherWill, theirWill: role == .raiser ? otherWill : raiserWill,
            letGoSuggested: row.letGoSuggested, createdAt: row.createdAt, updatedAt: row.updatedAt, actions: actions
        )
    }
}
