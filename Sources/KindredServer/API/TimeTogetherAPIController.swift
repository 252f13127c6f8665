import Fluent
import KindredCore
import Vapor

/// Time across a distance: `PUT /api/v1/me/waking-hours`, `PATCH /api/v1/bonds/{id}`
/// (long-distance) and `GET /api/v1/bonds/{id}/overlap` (the hours both are awake).
struct TimeTogetherAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(BearerAuthMiddleware())
        signedIn.on(.PUT, .wakingHours, use: saveWakingHours)
        signedIn.on(.PATCH, .bond, use: changeBond)
        signedIn.on(.GET, .overlap, use: overlap)
    }

    func saveWakingHours(req: Request) async throws -> WakingHoursDTO {
        let user = try req.requireUser()
        var body = try JSONBody(req, required: true)
        let wake = body.string("wake"), sleep = body.string("sleep")
        try body.validate()
        return WakingHoursDTO(try await TimeTogetherService(req).saveWakingHours(wake: wake, sleep: sleep, for: user))
    }

    func changeBond(req: Request) async throws -> BondDTO {
        let user = try req.requireUser()
        // Someone outside the bond learns nothing, not even what the body should be.
        _ = try await BondService(req).load(try req.bondID(), for: user)
        var body = try JSONBody(req, required: true)
        let longDistance = body.optionalBool("longDistance")
        if longDistance == nil, !body.has("longDistance") { body.add([FieldError("longDistance", "longDistance is required.")]) }
        try body.validate()
        let loaded = try await TimeTogetherService(req).setLongDistance(longDistance ?? false, bond: try req.bondID(), for: user)
        return BondDTO(loaded, viewer: user, pendingInvite: nil)
    }

    func overlap(req: Request) async throws -> OverlapDTO {
        let user = try req.requireUser()
        let loaded = try await BondService(req).load(try req.bondID(), for: user)
        let days = try Self.days(req)
        let picture = TimeTogetherService(req).picture(of: loaded, for: user, days: days)
        return OverlapDTO(picture)
    }

    static func days(_ req: Request) throws -> Int {
        guard let text: String = req.query["days"] else { return 7 }
        guard let days = Int(text), (1...14).contains(days) else {
            throw Problem.invalid([FieldError("days", "Ask for 1 to 14 days.")])
        }
        return days
    }
}

struct OverlapDTO: Content {
    struct Member: Content {
        let displayName: String
        let isYou: Bool
        let timeZone: String
        /// Their clock now, "HH:MM".
        let localTime: String
        let wake: String
        let sleep: String
    }

    struct Stretch: Content {
        let start: Date
        let end: Date
        let minutes: Int
    }

    let days: Int
    let members: [Member]
    let stretches: [Stretch]
    let totalMinutes: Int
    let longDistance: Bool

    init(_ picture: TimeTogetherService.Picture) {
        days = picture.days
        members = picture.members.map {
            Member(displayName: $0.user.displayName, isYou: $0.isYou, timeZone: $0.user.timeZone, localTime: $0.localTime,
                   wake: $0.user.wakingHours.wake.description, sleep: $0.user.wakingHours.sleep.description)
        }
        stretches = picture.stretches.map { Stretch(start: $0.start, end: $0.end, minutes: Int($0.duration / 60)) }
        totalMinutes = picture.totalMinutes
        longDistance = picture.longDistance
    }
}
