import Fluent
import KindredCore
import Vapor

/// Repair and let go under `/api/v1/bonds/{id}/repairs`: a past hurt raised privately with the
/// other member, and its steps.
struct RepairsAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(BearerAuthMiddleware())
        signedIn.on(.GET, .repairs, use: list)
        signedIn.on(.POST, .repairs, use: raise)
        signedIn.on(.GET, .repair, use: get)
        signedIn.on(.DELETE, .repair, use: delete)
        signedIn.on(.POST, .repairSteps, use: step)
    }

    private let practise = PractiseAPIController()

    /// Open repairs; `?past=true` adds what was let go (and what you withdrew).
    func list(req: Request) async throws -> RepairsDTO {
        let (user, loaded) = try await practise.loaded(req)
        let pastText: String? = req.query["past"]
        guard pastText == nil || pastText == "true" || pastText == "false" else {
            throw Problem.invalid([FieldError("past", "Use past=true or past=false.")])
        }
        let past = pastText == "true"
        let views = try await RepairService(req).list(in: loaded, for: user, past: past)
        return RepairsDTO(repairs: views.map { RepairDTO($0, guide: req.kindred.content.repair) }, guide: RepairGuideDTO(req.kindred.content.repair))
    }

    /// `{happened?, felt?, wouldHelp?}`: at least one.
    func raise(req: Request) async throws -> Response {
        let (user, loaded) = try await practise.loaded(req)
        var body = try JSONBody(req, required: true)
        let happened = body.optionalString("happened", nullable: true)
        let felt = body.optionalString("felt", nullable: true)
        let wouldHelp = body.optionalString("wouldHelp", nullable: true)
        body.add(Repair.raiseProblems(happened: happened, felt: felt, wouldHelp: wouldHelp))
        try body.validate()
        let view = try await RepairService(req).raise(.init(happened: happened, felt: felt, wouldHelp: wouldHelp), in: loaded, by: user)
        return try await RepairDTO(view, guide: req.kindred.content.repair).encodeResponse(status: .created, for: req)
    }

    func get(req: Request) async throws -> RepairDTO {
        let (user, loaded) = try await practise.loaded(req)
        return RepairDTO(try await RepairService(req).get(try req.repairID(), in: loaded, for: user), guide: req.kindred.content.repair)
    }

    /// `{step: acknowledge|agree|resolve|suggest-let-go|let-go|withdraw, text?}`: `text` is the
    /// reply when acknowledging (optional) and what you will do when agreeing (required).
    func step(req: Request) async throws -> RepairDTO {
        let (user, loaded) = try await practise.loaded(req)
        let id = try req.repairID()
        // A repair that is not here is a 404 whatever the body says.
        _ = try await RepairService(req).get(id, in: loaded, for: user)
        var body = try JSONBody(req, required: true)
        let stepText = body.string("step")
        let step = RepairService.StepAction.steps.first { $0.rawValue == stepText }
        if step == nil, body.has("step") {
            body.add([FieldError("step", "Choose one of: " + RepairService.StepAction.steps.map(\.rawValue).joined(separator: ", ") + ".")])
        }
        let text = body.optionalString("text", nullable: true)
        body.add(Repair.stepTextProblems(agreeing: step == .agree, text: text))
        try body.validate()
        return RepairDTO(try await RepairService(req).take(step!, text: text, on: id, in: loaded, by: user), guide: req.kindred.content.repair)
    }

    func delete(req: Request) async throws -> HTTPStatus {
        let (user, loaded) = try await practise.loaded(req)
        try await RepairService(req).delete(try req.repairID(), in: loaded, by: user)
        return .noContent
    }
}

extension Request {
    func repairID() throws -> UUID {
        guard let id = parameters.get("repairID").flatMap(UUID.init(uuidString:)) else { throw Problem.notFound("There is nothing here.") }
        return id
    }
}

struct RepairGuideDTO: Content {
    static let safetyCheckPath = APIPath.safetyCheck.rawValue
    let intro: String
    let safety: String
    let safetyCheckPath: String
    let notExcusing: String
    let apology: String

    init(_ guide: RepairGuide?) {
        intro = guide?.intro ?? ""
        safety = guide?.safety ?? ""
        safetyCheckPath = Self.safetyCheckPath
        notExcusing = guide?.notExcusing ?? ""
        apology = guide?.apology ?? ""
    }
}

struct RepairsDTO: Content {
    let repairs: [RepairDTO]
    let guide: RepairGuideDTO
}

struct RepairDTO: Content {
    let id: UUID
    let raisedByYou: Bool
    let step: String
    let happened: String?
    let felt: String?
    let wouldHelp: String?
    let reply: String?
    let yourWill: String?
    let theirWill: String?
    let letGoSuggested: Bool
    let createdAt: Date
    let updatedAt: Date
    let actions: [String]
    /// Guidance for you at this step.
    let guidance: String?
    /// The private safety check: repairing is not for abuse, threats or control.
    let safetyCheckPath: String

    init(_ view: RepairService.View, guide: RepairGuide?) {
        id = view.id
        raisedByYou = view.raisedByYou
        step = view.step.rawValue
        happened = view.happened
        felt = view.felt
        wouldHelp = view.wouldHelp
        reply = view.reply
        yourWill = view.yourWill
        theirWill = view.theirWill
        letGoSuggested = view.letGoSuggested
        createdAt = view.createdAt
        updatedAt = view.updatedAt
        actions = view.actions.map(\.rawValue)
        let step = guide?.guidance(for: view.step)
        guidance = view.raisedByYou ? step?.forRaiser : step?.forOther
        safetyCheckPath = RepairGuideDTO.safetyCheckPath
    }
}
