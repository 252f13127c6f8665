import Fluent
import Foundation
import KindredCore
import Vapor

/// Needs and desires (romantic bonds only). Each member's marks are theirs alone; what the two
/// of them see together is `Desires.matches` and nothing else of the other's marks.
struct DesireService: RequestScoped {
    let db: any Database
    let services: KindredServices

    struct View {
        let ageConfirmed: Bool
        /// The viewer's own marks, by item id.
        let yours: [String: Desires.Mark]
        /// The items that are mutual matches now, in the content's order.
        let matches: [String]
        /// Whether marks can change (the bond is active and the viewer confirmed their age).
        let mayMark: Bool
    }

    static let notHere = Problem.notFound("Needs and desires are for romantic bonds.")

    /// Romantic bonds only: anything else is a 404, as if the section did not exist.
    func guide(for loaded: BondService.Loaded) throws -> DesireGuide {
        guard loaded.bond.kind == .romantic, let guide = services.content.desires else { throw Self.notHere }
        return guide
    }

    func view(in loaded: BondService.Loaded, for user: User) async throws -> View {
        let guide = try guide(for: loaded)
        let confirmed = user.adultConfirmedAt != nil
        guard confirmed else { return View(ageConfirmed: false, yours: [:], matches: [], mayMark: false) }
        let rows = try await DesireMark.query(on: db).filter(\.$bond.$id == loaded.bond.id!).all()
        // A mark that does not open in its place (moved there in the database) counts as unmarked.
        func mark(_ row: DesireMark) -> Desires.Mark? {
            (try? services.cipher.open(row.sealedMark, at: row.place)).flatMap(Desires.Mark.init(rawValue:))
        }
        var yours: [String: Desires.Mark] = [:], theirs: [String: Desires.Mark] = [:]
        for row in rows where row.$user.id == user.id { yours[row.itemID] = mark(row) }
        // The other's marks are opened only where the viewer is open too: the work done never
        // depends on what they marked elsewhere.
        for row in rows where row.$user.id != user.id && yours[row.itemID].map({ $0 != .no }) == true {
            theirs[row.itemID] = mark(row)
        }
        // An ended bond has no matches (its marks went when it ended; this is belt and braces).
        let active = loaded.snapshot.status == .active
        let matches = active ? Desires.matches(order: guide.order, yours: yours, theirs: theirs) : []
        return View(ageConfirmed: true, yours: yours, matches: matches, mayMark: active)
    }

    /// Confirms the viewer is 18 or over (once, for every bond).
    func confirmAdult(_ user: User) async throws {
        guard user.adultConfirmedAt == nil else { return }
        user.adultConfirmedAt = services.now
        try await user.update(on: db)
    }

    /// Sets (or, with nil, clears) the viewer's marks on the items given.
    func mark(_ marks: [String: Desires.Mark?], in loaded: BondService.Loaded, by user: User) async throws -> View {
        let guide = try guide(for: loaded)
        guard user.adultConfirmedAt != nil else {
            throw Problem(status: .conflict, code: "confirm-age", detail: "Confirm you are 18 or over to open needs and desires.")
        }
        try loaded.requireActive(waitingDetail: "Needs and desires are for two: invite the other person first.")
        let unknown = marks.keys.filter { guide.item($0) == nil }.sorted()
        guard unknown.isEmpty else {
            throw Problem.invalid([FieldError("marks", "These aren't items of needs and desires: \(unknown.prefix(5).joined(separator: ", ")).")])
        }
        let bondID = loaded.bond.id!, userID = try user.requireID(), now = services.now, cipher = services.cipher, db = self.db
        func existing(_ item: String) -> QueryBuilder<DesireMark> {
            DesireMark.query(on: db).filter(\.$bond.$id == bondID).filter(\.$user.$id == userID).filter(\.$itemID == item)
        }
        // The member's marks read once: the page sends every item on each save, and only what
        // changed is written.
        let stored = Dictionary(try await DesireMark.query(on: db).filter(\.$bond.$id == bondID).filter(\.$user.$id == userID).all()
            .map { ($0.itemID, $0) }, uniquingKeysWith: { first, _ in first })
        for (item, mark) in marks.sorted(by: { $0.key < $1.key }) {
            let row = stored[item]
            let current = row.flatMap { try? cipher.open($0.sealedMark, at: $0.place) }.flatMap(Desires.Mark.init(rawValue:))
            guard current != mark else { continue }
            guard let mark else {
                try await existing(item).delete()
                continue
            }
            func change(_ row: DesireMark) async throws {
                row.sealedMark = try cipher.seal(mark.rawValue, at: row.place)
                row.updatedAt = now
                try await row.update(on: db)
            }
            if let row {
                try await change(row)
            } else {
                let row = DesireMark()
                row.id = UUID()
                row.$bond.id = bondID
                row.$user.id = userID
                row.itemID = item
                row.updatedAt = now
                row.sealedMark = try cipher.seal(mark.rawValue, at: row.place)
                do {
                    try await row.create(on: db)
                } catch let error as any DatabaseError where error.isConstraintFailure {
                    // Two saves at once: the loser changes the winner's row.
                    if let row = try await existing(item).first() { try await change(row) }
                }
            }
        }
        return try await view(in: loaded, for: user)
    }
}
