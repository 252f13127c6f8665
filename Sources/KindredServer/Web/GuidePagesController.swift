import KindredCore
import Vapor

/// Needs and desires (romantic bonds only, after confirming 18 or over) and this week's plan,
/// in the browser.
struct GuidePagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(.desires, use: desires)
        routes.post(.desires, use: saveDesires)
        routes.post(.confirmAdult, use: confirmAdult)
        routes.get(.weeklyPlan, use: plan)
    }

    private let practise = PractisePagesController()

    struct Choice: Encodable {
        let id: String
        let value: String
        let label: String
        let checked: Bool
    }

    struct ItemRow: Encodable {
        let id: String
        let field: String
        let text: String
        let choices: [Choice]
    }

    struct GroupRow: Encodable {
        let key: String
        let title: String
        let description: String
        let items: [ItemRow]
    }

    struct MatchRow: Encodable {
        let text: String
        let talk: String
    }

    struct DesiresPage: Encodable {
        let errors: [FieldError]
        let bondTitle: String
        let bondURL: String
        let partnerName: String
        let intro: String
        let ageConfirmed: Bool
        let confirmURL: String
        let actionURL: String
        let mayMark: Bool
        let matches: [MatchRow]
        let groups: [GroupRow]
    }

    static let markLabels: [(String, String)] = [("yes", "Yes"), ("maybe", "Maybe"), ("no", "No"), ("", "Skip")]

    func desires(req: Request) async throws -> Response {
        let context = try await practise.context(req)
        return try await renderDesires(req, context: context, errors: [])
    }

    private func renderDesires(_ req: Request, context: PractisePagesController.Context, errors: [FieldError],
                               status: HTTPStatus = .ok) async throws -> Response {
        let service = DesireService(req)
        let guide = try service.guide(for: context.loaded)
        let view = try await service.view(in: context.loaded, for: context.user)
        let base = SiteURL.desires(context.bondID).path
        let groups = view.ageConfirmed ? guide.groups.map { group in
            GroupRow(key: group.key, title: group.title, description: group.description, items: group.items.map { item in
                let current = view.yours[item.id]?.rawValue ?? ""
                return ItemRow(id: item.id, field: "mark-" + item.id, text: item.text,
                               choices: Self.markLabels.map {
                                   Choice(id: "mark-\(item.id)-\($0.0.isEmpty ? "clear" : $0.0)", value: $0.0, label: $0.1, checked: $0.0 == current)
                               })
            })
        } : []
        let matches = view.matches.compactMap { guide.item($0) }.map { MatchRow(text: $0.item.text, talk: $0.item.talk) }
        return try await req.page("desires", title: "Needs and desires", section: "bonds", status: status, DesiresPage(
            errors: errors, bondTitle: context.bondTitle, bondURL: context.bondURL, partnerName: context.partnerName ?? "the other person",
            intro: guide.intro, ageConfirmed: view.ageConfirmed, confirmURL: SiteURL.confirmAdult(context.bondID).path, actionURL: base,
            mayMark: view.mayMark, matches: matches, groups: groups
        ))
    }

    func confirmAdult(req: Request) async throws -> Response {
        let context = try await practise.context(req)
        let service = DesireService(req)
        _ = try service.guide(for: context.loaded)
        guard (try? req.content.get(String.self, at: "adult")) == "1" else {
            return try await renderDesires(req, context: context, errors: [FieldError("adult", "Tick the box to confirm you are 18 or over.")],
                                           status: .unprocessableEntity)
        }
        try await service.confirmAdult(context.user)
        return req.redirect(to: .desires(context.bondID))
    }

    func saveDesires(req: Request) async throws -> Response {
        let context = try await practise.context(req)
        let service = DesireService(req)
        let guide = try service.guide(for: context.loaded)
        var marks: [String: Desires.Mark?] = [:]
        var unknown: [String] = []
        for id in guide.order {
            // Only what the form sent changes: a missing field leaves its mark as it was.
            guard let value = try? req.content.get(String.self, at: "mark-" + id) else { continue }
            if value.isEmpty { marks[id] = .some(nil) } else if let mark = Desires.Mark(rawValue: value) { marks[id] = mark } else { unknown.append(id) }
        }
        guard unknown.isEmpty else {
            let errors = unknown.prefix(3).map { FieldError("mark-\($0)-yes", "Choose yes, maybe, no or skip.") }
            return try await renderDesires(req, context: context, errors: Array(errors), status: .unprocessableEntity)
        }
        do {
            _ = try await service.mark(marks, in: context.loaded, by: context.user)
            return req.redirect(toPath: SiteURL.desires(context.bondID).path + "#matches", flash: .desiresSaved)
        } catch let problem as Problem where problem.status == .conflict {
            // Not confirmed (or the bond has ended): the page again says why.
            return try await renderDesires(req, context: context, errors: [FieldError(problem.code == "confirm-age" ? "adult" : "matches-title", problem.detail)],
                                           status: .conflict)
        }
    }

    // MARK: - This week's plan

    struct PracticeRow: Encodable {
        let title: String
        let detail: String
        let reason: String
        let url: String
        let label: String
    }

    struct PlanPage: Encodable {
        let bondTitle: String
        let bondURL: String
        let active: Bool
        let practices: [PracticeRow]
    }

    static func rows(_ practices: [WeeklyPlan.Practice], bondID: BondID) -> [PracticeRow] {
        practices.map { practice in
            let (url, label): (String, String) = switch practice.kind {
            case .deck: (SiteURL.themes(bondID).path, "Choose the questions")
            case .ritual: (SiteURL.rituals(bondID).path + "?idea=\(practice.target ?? "")#propose", "Suggest this ritual")
            case .together: (SiteURL.plans(bondID).path + "?idea=\(practice.target ?? "")#propose", "Plan it")
            case .appreciation: (SiteURL.appreciations(bondID).path, "Write an appreciation")
            case .conversation: (SiteURL.conversation(bondID).path, "Open the conversation")
            case .repair: (SiteURL.repairs(bondID).path, "Open repair")
            case .measure: (SiteURL.takeMeasure(bondID, practice.target ?? "six-signs", predict: false).path, "Take it")
            }
            return PracticeRow(title: practice.title, detail: practice.detail, reason: Self.sentence(practice.reason), url: url, label: label)
        }
    }

    /// "because trust was…" reads as a sentence on its own: "Because trust was…".
    static func sentence(_ reason: String) -> String {
        reason.prefix(1).uppercased() + reason.dropFirst() + "."
    }

    func plan(req: Request) async throws -> Response {
        let context = try await practise.context(req)
        let active = context.loaded.snapshot.status == .active
        let practices = active ? try await WeeklyPlanService(req).plan(in: context.loaded, for: context.user).practices : []
        return try await req.page("weekly-plan", title: "This week's plan", section: "bonds", PlanPage(
            bondTitle: context.bondTitle, bondURL: context.bondURL, active: active,
            practices: Self.rows(practices, bondID: context.bondID)
        ))
    }
}
