import Fluent
import Foundation
import KindredCore
import Vapor

/// "Bea would love to hear your answer": once a day, to someone who has not answered yet.
/// It reaches them as a notice if they asked for partner-activity notices, and always on
/// their home.
struct NudgeService: RequestScoped {
    let db: any Database
    let services: KindredServices

    struct Status {
        let nudgedToday: Bool
        let mayNudge: Bool
    }

    /// Whether the viewer may nudge today (for showing the button), from the day as they see it.
    func status(in loaded: BondService.Loaded, for user: User, day view: TodayService.DayView) async throws -> Status {
        let nudged = try await Nudge.query(on: db).filter(\.$bond.$id == loaded.bond.id!)
            .filter(\.$from.$id == user.requireID()).filter(\.$day == view.day.description).first() != nil
        let refusal = DayControl.nudgeRefusal(you: view.you, them: view.them, nudgedToday: nudged, bondStatus: loaded.snapshot.status)
        return Status(nudgedToday: nudged, mayNudge: refusal == nil)
    }

    func nudge(in loaded: BondService.Loaded, by user: User) async throws {
        let today = TodayService(db: db, services: services)
        let day = try await today.today(in: loaded)
        let view = try await today.view(of: day, in: loaded, for: user)
        let userID = try user.requireID()
        guard let partner = loaded.members.first(where: { $0.user.id != userID })?.user else {
            throw Problem(status: .conflict, code: DayControl.Refusal.bondNotActive.code,
                          detail: DayControl.Refusal.bondNotActive.message(partner: "the other person"))
        }
        // The real action of the other member: a pass the viewer may not see yet still
        // lets the nudge through (refusing it would reveal the pass).
        let status = try await status(in: loaded, for: user, day: view)
        if let refusal = DayControl.nudgeRefusal(you: view.you, them: view.them, nudgedToday: status.nudgedToday, bondStatus: loaded.snapshot.status) {
            throw Problem(status: .conflict, code: refusal.code, detail: refusal.message(partner: partner.displayName))
        }
        do {
            try await Nudge(bondID: loaded.bond.id!, fromUserID: userID, toUserID: partner.requireID(), day: day.description, now: services.now).create(on: db)
        } catch let error as any DatabaseError where error.isConstraintFailure {
            // Two taps at once: the first nudge stands, the second is the "already" answer.
            let refusal = DayControl.Refusal.nudgeUsed
            throw Problem(status: .conflict, code: refusal.code, detail: refusal.message(partner: partner.displayName))
        }
        try await NoticeService(db: db, services: services).partnerActivity(.nudge, to: partner, from: user, bondID: loaded.bond.id!,
                                                                           occasion: "nudge|\(day.description)")
    }
}
