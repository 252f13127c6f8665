import Fluent
import Foundation
import KindredCore

/// The bond's day: one current day for both members wherever they live (KindredCore's
/// `BondDay` and `BondClock` decide; this loads, updates and stores the clock). A member
/// moving, or summer time starting or ending, moves the turnover; the day under way runs on
/// to the first new turnover at least 12 hours after it began, so no day is skipped or shown
/// twice.
struct BondDayService: RequestScoped {
    let db: any Database
    let services: KindredServices

    /// The bond's clock now, stored again only when it changed.
    func clock(in loaded: BondService.Loaded) async throws -> BondClock {
        let stored = Self.decode(loaded.bond.dayClock)
        let clock = Self.clock(stored: stored, members: loaded.members.map(\.user), at: services.now)
        if clock != stored, let text = Self.encode(clock), let id = loaded.bond.id {
            try await Bond.query(on: db).filter(\.$id == id).set(\.$dayClock, to: text).update()
            loaded.bond.dayClock = text
        }
        return clock
    }

    /// The bond's day under way now: the same for both members at any instant.
    func today(in loaded: BondService.Loaded) async throws -> LocalDay {
        try await clock(in: loaded).day(at: services.now)
    }

    /// The bond's day at `instant` for a bond and its members, without storing anything (for
    /// reminders planned ahead).
    static func day(of bond: Bond, members: [User], at instant: Date) -> LocalDay {
        clock(stored: decode(bond.dayClock), members: members, at: instant).day(at: instant)
    }

    static func clock(stored: BondClock?, members: [User], at instant: Date) -> BondClock {
        let people = members.map(\.dayMember)
        return stored.map { $0.updated(for: people, at: instant) } ?? BondClock.starting(for: people, at: instant)
    }

    static func decode(_ text: String?) -> BondClock? {
        text.flatMap { try? JSONDecoder().decode(BondClock.self, from: Data($0.utf8)) }
    }

    static func encode(_ clock: BondClock) -> String? {
        (try? JSONEncoder().encode(clock)).flatMap { String(data: $0, encoding: .utf8) }
    }
}
