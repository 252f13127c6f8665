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
        /// What the viewer may do now.
        let actions: [StepAction]
    }

    /// What a member may do with a repair; all but `delete` are steps (`take`).
    enum StepAction: String, CaseIterable {
        case acknowledge, agree, resolve, suggestLetGo = "suggest-let-go", letGo = "let-go", withdraw, delete

        static let steps = allCases.filter { $0 != .delete }
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
        return try view(row, for: user, status: loaded.snapshot.status)
    }

    /// One step by the viewer: refused (409) when it is not theirs or not the next one, or when
    /// the repair changed just before it (nothing is lost without saying so).
    func take(_ request: StepAction, text: String?, on id: UUID, in loaded: BondService.Loaded, by user: User) async throws -> View {
        // After a bond ends its raiser may still withdraw what they raised (and then delete it).
        if !(request == .withdraw && loaded.snapshot.status == .ended) {
            try loaded.requireActive(waitingDetail: "Repair is for two.")
        }
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
        case .delete: throw Problem(status: .conflict, code: "not-this-step", detail: "Deleting isn't a step: delete the repair itself.")
        }
        let current = row.repairStep
        if case .refused(let why) = Repair.apply(action, by: role, at: current) {
            throw Problem(status: .conflict, code: "not-this-step", detail: why)
        }
        // Only a row still at the step it was read at changes: two taps take a step once, and a
        // write that lost a race is found by reading again.
        let query = RepairRow.query(on: db).filter(\.$id == id).filter(\.$step == current.rawValue).set(\.$updatedAt, to: now)
        let fresh: RepairRow
        switch request {
        case .acknowledge:
            let sealed = try seal(text, "reply", of: row)
            try await query.set(\.$sealedReply, to: sealed).set(\.$acknowledgedAt, to: now)
                .set(\.$step, to: Repair.Step.acknowledged.rawValue).update()
            fresh = try await confirm(id, in: loaded, for: user) { $0.repairStep == .acknowledged && $0.sealedReply == sealed }
        case .agree:
            let sealed = try seal(text, role == .raiser ? "raiser_will" : "other_will", of: row)
            if role == .raiser { try await query.set(\.$sealedRaiserWill, to: sealed).update() } else {
                try await query.set(\.$sealedOtherWill, to: sealed).update()
            }
            // Read again after writing: of two members agreeing at once, the later sees both.
            let written = try await confirm(id, in: loaded, for: user) { (role == .raiser ? $0.sealedRaiserWill : $0.sealedOtherWill) == sealed }
            if written.sealedRaiserWill != nil, written.sealedOtherWill != nil,
               case .step(let next) = Repair.apply(.agree(bothHaveWritten: true), by: role, at: written.repairStep) {
                try await RepairRow.query(on: db).filter(\.$id == id).filter(\.$step == current.rawValue)
                    .set(\.$step, to: next.rawValue).set(\.$updatedAt, to: now).update()
            }
            fresh = try await find(id, in: loaded, for: user)
        case .suggestLetGo:
            try await query.set(\.$letGoSuggested, to: true).update()
            fresh = try await confirm(id, in: loaded, for: user) { $0.letGoSuggested && $0.repairStep == current }
        case .resolve, .letGo, .withdraw, .delete:
            guard case .step(let next) = Repair.apply(action, by: role, at: current) else { throw Self.changed }
            try await query.set(\.$step, to: next.rawValue).update()
            fresh = try await confirm(id, in: loaded, for: user) { $0.repairStep == next }
        }
        return try view(fresh, for: user, status: loaded.snapshot.status)
    }

    static let changed = Problem(status: .conflict, code: "not-this-step",
                                 detail: "This changed a moment ago. Have a look at where it is now, then try again.")

    /// The row as stored now, if `stored` says the viewer's write is in it; 409 otherwise.
    private func confirm(_ id: UUID, in loaded: BondService.Loaded, for user: User, _ stored: (RepairRow) -> Bool) async throws -> RepairRow {
        let fresh = try await find(id, in: loaded, for: user)
        guard stored(fresh) else { throw Self.changed }
        return fresh
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
        return try rows.filter { visible($0, to: user, in: loaded) && (past || Repair.isShown($0.repairStep)) }
            .map { try view($0, for: user, status: loaded.snapshot.status) }
    }

    func get(_ id: UUID, in loaded: BondService.Loaded, for user: User) async throws -> View {
        try view(try await find(id, in: loaded, for: user), for: user, status: loaded.snapshot.status)
    }

    /// How many open repairs wait on a step of the viewer's — hearing it, saying what they will
    /// do, marking it resolved — for the weekly plan. Letting go is never counted: nobody is
    /// nudged to let go.
    func waitingOnYou(in loaded: BondService.Loaded, for user: User) async throws -> Int {
        guard loaded.snapshot.status == .active else { return 0 }
        let rows = try await RepairRow.query(on: db).filter(\.$bond.$id == loaded.bond.id!)
            .filter(\.$step ~~ [Repair.Step.raised, .acknowledged, .agreed].map(\.rawValue)).all()
        return rows.filter { row in
            let raiser = row.$raiser.id == user.id
            switch row.repairStep {
            case .raised: return !raiser
            case .acknowledged: return (raiser ? row.sealedRaiserWill : row.sealedOtherWill) == nil
            default: return true
            }
        }.count
    }

    /// The raiser sees what they raised always; the other member never a withdrawn one, and
    /// nothing once the bond has ended (as with what was shared of results).
    private func visible(_ row: RepairRow, to user: User, in loaded: BondService.Loaded) -> Bool {
        if row.$raiser.id == user.id { return true }
        return row.repairStep != .withdrawn && loaded.snapshot.status != .ended
    }

    private func find(_ id: UUID, in loaded: BondService.Loaded, for user: User) async throws -> RepairRow {
        guard let row = try await RepairRow.query(on: db).filter(\.$id == id).filter(\.$bond.$id == loaded.bond.id!).first(),
              visible(row, to: user, in: loaded) else {
            throw Problem.notFound("There is nothing here.")
        }
        return row
    }

    private func role(of user: User, in row: RepairRow) throws -> Repair.Role {
        row.$raiser.id == (try user.requireID()) ? .raiser : .other
    }

    /// Words are kept trimmed; only spaces are nothing.
    private func seal(_ text: String?, _ column: String, of row: RepairRow) throws -> String? {
        guard let text = Repair.cleaned(text) else { return nil }
        return try services.cipher.seal(text, at: row.place(column))
    }

    private func open(_ sealed: String?, _ column: String, of row: RepairRow) -> String? {
        // A value that does not open in its place (moved there in the database) is not shown.
        sealed.flatMap { try? services.cipher.open($0, at: row.place(column)) }
    }

    func view(_ row: RepairRow, for user: User, status: BondStatus) throws -> View {
        let role = try role(of: user, in: row)
        let step = row.repairStep
        var actions: [StepAction] = []
        let candidates: [(StepAction, Repair.Action)] = [
            (.acknowledge, .acknowledge), (.resolve, .resolve), (.letGo, .letGo), (.withdraw, .withdraw), (.delete, .delete),
        ]
        for (name, action) in candidates {
            if case .refused = Repair.apply(action, by: role, at: step) { continue }
            actions.append(name)
        }
        if step == .acknowledged { actions.insert(.agree, at: 0) }
        if !row.letGoSuggested, case .unchanged = Repair.apply(.suggestLettingGo, by: role, at: step) { actions.append(.suggestLetGo) }
        // An ended bond is read-only, except that what the raiser wrote is still theirs to
        // withdraw and delete; while the bond waits for its second member, nothing moves.
        if status == .ended { actions = actions.filter { $0 == .withdraw || $0 == .delete } }
        if status == .waiting { actions = [] }
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
