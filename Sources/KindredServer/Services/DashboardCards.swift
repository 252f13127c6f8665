import Foundation
import KindredCore
import NIOConcurrencyHelpers
import NIOCore

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
        // A card never taken is due from now: to the whole second, as it is sent, so that for
        // the rest of that second the same bytes can be sent again (`DashboardCards.sent`).
        let next = Due.nextDue(lastTaken: lastTaken, cadenceDays: cadenceDays, now: now)
        return measure.due(Due.isDue(lastTaken: lastTaken, cadenceDays: cadenceDays, now: now),
                           next: lastTaken == nil ? next.map { Date(timeIntervalSince1970: $0.timeIntervalSince1970.rounded(.down)) } : next)
    }
}

/// Dashboards built on this node (issue 15), one per bond and member, each kept under the
/// bond's measure version, status and kind as they were read before it was built. The version
/// is raised by the database in the same transaction as any change to the bond's results
/// (migration 011), and every request reads it afresh with the bond, so a change made through
/// any node is seen at once: a card is used again only while nothing it was built from changed.
/// What a card says depends on who views it, so one member's is never another's. The response
/// as sent is kept beside the cards for as long as what is due stays the same too.
final class DashboardCards: Sendable {
    struct Key: Hashable { let bond: UUID; let viewer: UUID }
    struct Built: Equatable { let version: Int; let status: BondStatus; let kind: BondKind }
    /// What the hour decides on a card (`MeasureCard.at`).
    struct Hour: Equatable { let due: Bool; let next: Date? }
    private struct Entry {
        let built: Built
        let cards: [MeasureCard]
        var sent: (hours: [Hour], body: ByteBuffer)?
    }
    private let entries = NIOLockedValueBox<[Key: Entry]>([:])
    let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    /// Where a viewer's dashboard of this bond is kept, as read now; nil for a bond row read
    /// without its version, which nothing could be checked against.
    static func slot(_ loaded: BondService.Loaded, viewer: User) -> (Key, Built)? {
        guard let version = loaded.bond.measureVersion, let bond = loaded.bond.id, let viewer = viewer.id else { return nil }
        return (Key(bond: bond, viewer: viewer), Built(version: version, status: loaded.snapshot.status, kind: loaded.bond.kind))
    }

    func lookup(_ key: Key, _ built: Built) -> [MeasureCard]? {
        entries.withLockedValue { $0[key] }.flatMap { $0.built == built ? $0.cards : nil }
    }

    func keep(_ key: Key, _ built: Built, _ cards: [MeasureCard]) {
        entries.withLockedValue { entries in
            // Bounded memory, simply: a full table starts again (each entry is a few kilobytes).
            if entries.count >= capacity, entries[key] == nil { entries.removeAll(keepingCapacity: true) }
            entries[key] = Entry(built: built, cards: cards)
        }
    }

    /// The response sent for these cards at these hours, if it was kept.
    func sent(_ key: Key, _ built: Built, hours: [Hour]) -> ByteBuffer? {
        entries.withLockedValue { entries in
            guard let entry = entries[key], entry.built == built, let sent = entry.sent, sent.hours == hours else { return nil }
            return sent.body
        }
    }

    /// Keeps a response beside the cards it was made from, unless they were replaced meanwhile.
    func keepSent(_ key: Key, _ built: Built, hours: [Hour], body: ByteBuffer) {
        entries.withLockedValue { entries in
            guard entries[key]?.built == built else { return }
            entries[key]?.sent = (hours, body)
        }
    }
}
