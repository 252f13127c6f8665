import Foundation
import KindredCore
import NIOConcurrencyHelpers

/// One questionnaire's card on a bond's dashboard as built from the bond's results: all of it
/// but what depends on the hour (whether it is due, and from when), which `at(_:)` fills in.
struct MeasureCard: Sendable {
    let measure: MeasureDTO
    let lastTaken: Date?
    let cadenceDays: Int?

    init(_ overview: MeasureOverview) {
        measure = MeasureDTO(overview)
        lastTaken = overview.mine.first?.takenAt
        cadenceDays = overview.instrument.cadenceDays
    }

    func at(_ now: Date) -> MeasureDTO {
        measure.due(Due.isDue(lastTaken: lastTaken, cadenceDays: cadenceDays, now: now),
                    next: Due.nextDue(lastTaken: lastTaken, cadenceDays: cadenceDays, now: now))
    }
}

/// Dashboards built on this node (issue 15), one per bond and member, each kept under the
/// bond's measure version, status and kind as they were read before it was built. The version
/// is raised by the database in the same transaction as any change to the bond's results
/// (migration 011), and every request reads it afresh with the bond, so a change made through
/// any node is seen at once: a card is used again only while nothing it was built from changed.
/// What a card says depends on who views it, so one member's is never another's.
final class DashboardCards: Sendable {
    struct Key: Hashable { let bond: UUID; let viewer: UUID }
    struct Built: Equatable { let version: Int; let status: BondStatus; let kind: BondKind }
    private let entries = NIOLockedValueBox<[Key: (built: Built, cards: [MeasureCard])]>([:])
    private let counts = NIOLockedValueBox((kept: 0, built: 0))
    let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    func lookup(_ key: Key, _ built: Built) -> [MeasureCard]? {
        let found = entries.withLockedValue { $0[key] }.flatMap { $0.built == built ? $0.cards : nil }
        counts.withLockedValue { found == nil ? ($0.built += 1) : ($0.kept += 1) }
        return found
    }

    func keep(_ key: Key, _ built: Built, _ cards: [MeasureCard]) {
        entries.withLockedValue { entries in
            // Bounded memory, simply: a full table starts again (each entry is a few kilobytes).
            if entries.count >= capacity, entries[key] == nil { entries.removeAll(keepingCapacity: true) }
            entries[key] = (built, cards)
        }
    }

    /// Dashboards served from a kept card and built afresh since start (for tests and `/metrics`).
    var served: (kept: Int, built: Int) { counts.withLockedValue { $0 } }
}
