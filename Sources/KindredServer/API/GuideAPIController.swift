import Fluent
import KindredCore
import Vapor

/// Needs and desires (`/api/v1/bonds/{id}/desires`, romantic bonds only) and the weekly plan
/// (`/api/v1/bonds/{id}/plan`).
struct GuideAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(BearerAuthMiddleware())
        signedIn.on(.GET, .desires, use: desires)
        signedIn.on(.PUT, .desires, use: mark)
        signedIn.on(.GET, .weeklyPlan, use: plan)
    }

    private let practise = PractiseAPIController()

    func desires(req: Request) async throws -> DesiresDTO {
        let (user, loaded) = try await practise.loaded(req)
        let service = DesireService(req)
        return DesiresDTO(try await service.view(in: loaded, for: user), guide: try service.guide(for: loaded))
    }

    /// `{confirmAdult?: true, marks?: {itemId: "yes"|"maybe"|"no"|null}}`: null clears a mark.
    func mark(req: Request) async throws -> DesiresDTO {
        let (user, loaded) = try await practise.loaded(req)
        let service = DesireService(req)
        let guide = try service.guide(for: loaded)
        var body = try JSONBody(req, required: true)
        let confirm = body.optionalBool("confirmAdult")
        if confirm == false { body.add([FieldError("confirmAdult", "Send true to confirm you are 18 or over, or leave it out.")]) }
        var marks: [String: Desires.Mark?] = [:]
        switch body.object["marks"] {
        case nil: break
        case .object(let values)?:
            if values.count > guide.order.count { body.add([FieldError("marks", "Send at most \(guide.order.count) marks.")]) }
            for (item, value) in values {
                switch value {
                case .null: marks[item] = .some(nil)
                case .string(let text) where Desires.Mark(rawValue: text) != nil: marks[item] = Desires.Mark(rawValue: text)
                default: body.add([FieldError("marks.\(item)", "Mark it yes, maybe or no (or null to clear it).")])
                }
            }
        default: body.add([FieldError("marks", "marks must be an object of item ids to yes, maybe, no or null.")])
        }
        try body.validate()
        if confirm == true { try await service.confirmAdult(user) }
        guard !marks.isEmpty else { return DesiresDTO(try await service.view(in: loaded, for: user), guide: guide) }
        return DesiresDTO(try await service.mark(marks, in: loaded, by: user), guide: guide)
    }

    func plan(req: Request) async throws -> WeeklyPlanDTO {
        let (user, loaded) = try await practise.loaded(req)
        guard loaded.snapshot.status == .active else {
            throw Problem(status: .conflict, code: loaded.snapshot.status == .ended ? "bond-ended" : "bond-waiting",
                          detail: "A plan for the week starts once you're both here.")
        }
        let plan = try await WeeklyPlanService(req).plan(in: loaded, for: user)
        return WeeklyPlanDTO(week: plan.week, practices: plan.practices.map(PracticeDTO.init))
    }
}

struct DesiresDTO: Content {
    struct Item: Content {
        let id: String
        let group: String
        let text: String
        let yours: String?
    }

    struct Match: Content {
        let id: String
        let group: String
        let text: String
        let talk: String
    }

    let ageConfirmed: Bool
    let intro: String
    /// Every item with your own mark (empty until you confirm your age).
    let items: [Item]
    /// The mutual matches: both of you are open to these. Nothing else of the other's marks.
    let matches: [Match]
    let mayMark: Bool

    init(_ view: DesireService.View, guide: DesireGuide) {
        ageConfirmed = view.ageConfirmed
        intro = guide.intro
        items = view.ageConfirmed
            ? guide.groups.flatMap { group in group.items.map { Item(id: $0.id, group: group.key, text: $0.text, yours: view.yours[$0.id]?.rawValue) } }
            : []
        matches = view.matches.compactMap { id in guide.item(id).map { Match(id: id, group: $0.group.key, text: $0.item.text, talk: $0.item.talk) } }
        mayMark = view.mayMark
    }
}

struct WeeklyPlanDTO: Content {
    let week: String
    let practices: [PracticeDTO]
}

struct PracticeDTO: Content {
    let kind: String
    let target: String?
    let title: String
    let detail: String
    let reason: String

    init(_ practice: WeeklyPlan.Practice) {
        kind = practice.kind.rawValue
        target = practice.target
        title = practice.title
        detail = practice.detail
        reason = practice.reason
    }
}
