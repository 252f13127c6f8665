import Fluent
import Foundation
import KindredCore
import Vapor

/// Waking hours, the long-distance mark, and the hours both members are awake
/// (KindredCore's `WakingHours` and `Overlap` decide).
struct TimeTogetherService: RequestScoped {
    let db: any Database
    let services: KindredServices

    func saveWakingHours(wake: String, sleep: String, for user: User) async throws -> WakingHours {
        switch WakingHours.parse(wake: wake, sleep: sleep) {
        case .failure(let problems): throw Problem.invalid(problems.errors)
        case .success(let hours):
            user.wakeAt = hours.wake.description
            user.sleepAt = hours.sleep.description
            user.updatedAt = services.now
            try await user.update(on: db)
            return hours
        }
    }

    func setLongDistance(_ on: Bool, bond id: BondID, for user: User) async throws -> BondService.Loaded {
        let loaded = try await BondService(db: db, services: services).loadForChange(id, for: user)
        loaded.bond.longDistance = on
        try await loaded.bond.update(on: db)
        return loaded
    }

    struct Picture {
        let days: Int
        let members: [(user: User, isYou: Bool, localTime: String)]
        let stretches: [DateInterval]
        let totalMinutes: Int
        let longDistance: Bool
        /// Both clocks read differently (or the bond is marked long-distance): worth showing.
        let apart: Bool
    }

    func picture(of loaded: BondService.Loaded, for user: User, days: Int = 7) -> Picture {
        let now = services.now
        let users = loaded.members.map(\.user)
        let stretches = users.count == 2 ? Overlap.bothAwake(users.map(\.dayMember), from: now, days: days) : []
        return Picture(
            days: days,
            members: users.map { ($0, $0.id == user.id, DateText.clock(now, in: TimeZone(identifier: $0.timeZone) ?? .gmt)) },
            stretches: stretches,
            totalMinutes: Int(stretches.reduce(0) { $0 + $1.duration } / 60),
            longDistance: loaded.bond.longDistance ?? false,
            apart: loaded.apart
        )
    }
}
