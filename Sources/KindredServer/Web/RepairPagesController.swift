import KindredCore
import Vapor

/// Repair and let go in the browser: the bond's open repairs with gentle guidance and a form
/// to raise something, and each repair's page with the viewer's next steps. Every page carries
/// a quiet link to the private safety check: repairing is not for abuse, threats or control.
struct RepairPagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(.repairs, use: list)
        routes.post(.repairs, use: raise)
        routes.get(.repair, use: show)
        routes.post(.repairSteps, use: step)
        routes.post(.deleteRepair, use: delete)
    }

    private let practise = PractisePagesController()
    static let safetyURL = SiteURL.support.path

    struct Row: Encodable {
        let url: String
        let summary: String
        let step: String
        let who: String
    }

    struct Guide: Encodable {
        let intro: String
        let safety: String
        let notExcusing: String
        let apology: String
        let safetyURL: String
        let happenedHint: String
        let feltHint: String
        let wouldHelpHint: String
        let replyHint: String
        let agreeHint: String

        init(_ guide: RepairGuide?) {
            intro = guide?.intro ?? ""
            safety = guide?.safety ?? ""
            notExcusing = guide?.notExcusing ?? ""
            apology = guide?.apology ?? ""
            safetyURL = RepairPagesController.safetyURL
            happenedHint = guide?.prompts.happened ?? ""
            feltHint = guide?.prompts.felt ?? ""
            wouldHelpHint = guide?.prompts.wouldHelp ?? ""
            replyHint = guide?.prompts.reply ?? ""
            agreeHint = guide?.prompts.agree ?? ""
        }
    }

    struct ListPage: Encodable {
        let errors: [FieldError]
        let bondTitle: String
        let bondURL: String
        let active: Bool
        let partnerName: String
        let actionURL: String
        let showingPast: Bool
        let pastURL: String
        let openURL: String
        let repairs: [Row]
        let guide: Guide
        let happened: FormField
        let felt: FormField
        let wouldHelp: FormField
    }

    static func stepLabel(_ step: Repair.Step) -> String {
        switch step {
        case .raised: "Raised"
        case .acknowledged: "Heard"
        case .agreed: "Agreed"
        case .resolved: "Resolved"
        case .letGo: "Let go"
        case .withdrawn: "Withdrawn"
        }
    }

    func list(req: Request) async throws -> Response {
        try await renderList(req, context: try await practise.context(req), errors: [], form: [:])
    }

    private func renderList(_ req: Request, context: PractisePagesController.Context, errors: [FieldError], form: [String: String],
                            status: HTTPStatus = .ok) async throws -> Response {
        let past = (try? req.query.get(String.self, at: "past")) == "1"
        let views = try await RepairService(req).list(in: context.loaded, for: context.user, past: past)
        let partner = context.partnerName ?? "the other person"
        let base = SiteURL.repairs(context.bondID).path
        let rows = views.map { view in
            Row(url: SiteURL.repair(context.bondID, view.id).path,
                summary: String((view.happened ?? view.felt ?? view.wouldHelp ?? "").prefix(120)),
                step: Self.stepLabel(view.step), who: view.raisedByYou ? "You raised this" : "\(partner) raised this")
        }
        return try await req.page("repairs", title: "Repair and let go", section: "bonds", status: status, ListPage(
            errors: errors, bondTitle: context.bondTitle, bondURL: context.bondURL,
            active: context.loaded.snapshot.status == .active, partnerName: partner, actionURL: base,
            showingPast: past, pastURL: base + "?past=1", openURL: base, repairs: rows, guide: Guide(req.kindred.content.repair),
            happened: FormField(form["happened"] ?? "", errors: errors, field: "happened"),
            felt: FormField(form["felt"] ?? "", errors: errors, field: "felt"),
            wouldHelp: FormField(form["wouldHelp"] ?? "", errors: errors, field: "wouldHelp")
        ))
    }

    func raise(req: Request) async throws -> Response {
        let context = try await practise.context(req)
        var form: [String: String] = [:]
        for field in ["happened", "felt", "wouldHelp"] { form[field] = (try? req.content.get(String.self, at: field)) ?? "" }
        let problems = Repair.raiseProblems(happened: form["happened"], felt: form["felt"], wouldHelp: form["wouldHelp"])
        guard problems.isEmpty else {
            return try await renderList(req, context: context, errors: problems, form: form, status: .unprocessableEntity)
        }
        do {
            let view = try await RepairService(req).raise(
                .init(happened: form["happened"], felt: form["felt"], wouldHelp: form["wouldHelp"]), in: context.loaded, by: context.user)
            return req.redirect(to: .repair(context.bondID, view.id), flash: .repairRaised)
        } catch let problem as Problem where problem.status == .conflict {
            let errors = [FieldError("happened", problem.detail)]
            return try await renderList(req, context: context, errors: errors, form: form, status: .conflict)
        }
    }

    // MARK: - One repair

    struct Action: Encodable {
        let step: String
        let label: String
        let primary: Bool
    }

    struct ShowPage: Encodable {
        let errors: [FieldError]
        let repairsURL: String
        let stepsURL: String
        let deleteURL: String
        let raisedByYou: Bool
        let partnerName: String
        let raisedOn: String
        let step: String
        let happened: String?
        let felt: String?
        let wouldHelp: String?
        let reply: String?
        let yourWill: String?
        let theirWill: String?
        let letGoSuggested: Bool
        let guidance: String?
        let guidanceTitle: String?
        let mayAcknowledge: Bool
        let mayAgree: Bool
        let mayDelete: Bool
        let buttons: [Action]
        let text: FormField
        /// What they wrote for a step that could not be taken (so nothing typed is lost).
        let unsaved: String?
        let guide: Guide
    }

    func show(req: Request) async throws -> Response {
        let context = try await practise.context(req)
        let view = try await RepairService(req).get(try req.repairID(), in: context.loaded, for: context.user)
        return try await renderShow(req, context: context, view: view, errors: [], text: "")
    }

    private func renderShow(_ req: Request, context: PractisePagesController.Context, view: RepairService.View, errors: [FieldError],
                            text: String, unsaved: String? = nil, status: HTTPStatus = .ok) async throws -> Response {
        let guide = req.kindred.content.repair
        let stepGuide = guide?.guidance(for: view.step)
        let labels: [RepairService.StepAction: (String, Bool)] = [
            .resolve: ("We've resolved this", true), .letGo: ("Let it go", true),
            .suggestLetGo: ("Suggest letting it go", false), .withdraw: ("Withdraw it", false),
        ]
        let buttons = view.actions.compactMap { action in labels[action].map { Action(step: action.rawValue, label: $0.0, primary: $0.1) } }
        return try await req.page("repair", title: "Repair", section: "bonds", status: status, ShowPage(
            errors: errors, repairsURL: SiteURL.repairs(context.bondID).path, stepsURL: SiteURL.repairSteps(context.bondID, view.id).path, deleteURL: SiteURL.deleteRepair(context.bondID, view.id).path,
            raisedByYou: view.raisedByYou, partnerName: context.partnerName ?? "the other person",
            raisedOn: DateText.day(view.createdAt, in: context.user.timeZone), step: Self.stepLabel(view.step),
            happened: view.happened, felt: view.felt, wouldHelp: view.wouldHelp, reply: view.reply,
            yourWill: view.yourWill, theirWill: view.theirWill, letGoSuggested: view.letGoSuggested && view.raisedByYou && view.step == .resolved,
            guidance: view.raisedByYou ? stepGuide?.forRaiser : stepGuide?.forOther, guidanceTitle: stepGuide?.title,
            mayAcknowledge: view.actions.contains(.acknowledge), mayAgree: view.actions.contains(.agree),
            mayDelete: view.actions.contains(.delete), buttons: buttons,
            text: FormField(text, errors: errors, field: "text"), unsaved: unsaved, guide: Guide(guide)
        ))
    }

    func step(req: Request) async throws -> Response {
        let context = try await practise.context(req)
        let id = try req.repairID()
        let service = RepairService(req)
        let view = try await service.get(id, in: context.loaded, for: context.user)
        let raw = (try? req.content.get(String.self, at: "step")) ?? ""
        let text = ((try? req.content.get(String.self, at: "text")) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let page = SiteURL.repair(context.bondID, id).path
        guard let step = RepairService.StepAction.steps.first(where: { $0.rawValue == raw }) else { return req.redirect(toPath: page, flash: .repairNotThisStep) }
        let errors = Repair.stepTextProblems(agreeing: step == .agree, text: text)
        guard errors.isEmpty else { return try await renderShow(req, context: context, view: view, errors: errors, text: text, status: .unprocessableEntity) }
        do {
            _ = try await service.take(step, text: text, on: id, in: context.loaded, by: context.user)
        } catch let problem as Problem where problem.status == .conflict {
            // The page again as it is now, with why, and what they typed kept.
            let now = try await service.get(id, in: context.loaded, for: context.user)
            return try await renderShow(req, context: context, view: now, errors: [FieldError("unsaved", problem.detail)], text: "",
                                        unsaved: text.isEmpty ? nil : text, status: .conflict)
        }
        let flash: Flash = switch step {
        case .acknowledge: .repairAcknowledged
        case .agree: .repairAgreed
        case .resolve: .repairResolved
        case .suggestLetGo: .repairLetGoSuggested
        case .letGo: .repairLetGo
        case .withdraw: .repairWithdrawn
        case .delete: .repairDeleted
        }
        // Let go: back to the list, where it no longer is.
        return req.redirect(toPath: step == .letGo ? SiteURL.repairs(context.bondID).path : page, flash: flash)
    }

    func delete(req: Request) async throws -> Response {
        let context = try await practise.context(req)
        let id = try req.repairID()
        do {
            try await RepairService(req).delete(id, in: context.loaded, by: context.user)
            return req.redirect(to: .repairs(context.bondID), flash: .repairDeleted)
        } catch let problem as Problem where problem.status == .conflict {
            return req.redirect(to: .repair(context.bondID, id), flash: .repairNotThisStep)
        }
    }
}
