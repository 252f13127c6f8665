import Fluent
import KindredCore
import Vapor

/// `/api/v1/instruments…` and a bond's assessments, comparisons and dashboard.
struct MeasureAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(BearerAuthMiddleware())
        signedIn.on(.GET, .instruments, use: instruments)
        signedIn.on(.GET, .instrument, use: instrument)
        signedIn.on(.POST, .assessments, use: take)
        signedIn.on(.GET, .assessments, use: list)
        signedIn.on(.GET, .assessment, use: show)
        signedIn.on(.PATCH, .assessment, use: share)
        signedIn.on(.GET, .measure, use: measure).readingWithToken(.bond)
        signedIn.on(.GET, .dashboard, use: dashboard).readingWithToken(.bond)
    }

    func instruments(req: Request) async throws -> [InstrumentSummaryDTO] {
        _ = try req.requireUser()
        return req.kindred.content.instruments.map(InstrumentSummaryDTO.init)
    }

    func instrument(req: Request) async throws -> InstrumentDTO {
        _ = try req.requireUser()
        guard let instrument = req.kindred.content.instrument(req.parameters.get("key") ?? "") else {
            throw Problem.notFound("There is no questionnaire with that key.")
        }
        return InstrumentDTO(instrument)
    }

    func take(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let loaded = try await BondService(req).load(try req.bondID(), for: user)
        var body = try JSONBody(req, required: true)
        let instrumentKey = body.string("instrument")
        let answers = body.answers("answers")
        let modeText = body.optionalString("mode") ?? "self"
        let share = body.optionalBool("share") ?? false
        let mode = ResultSummary.Mode(rawValue: modeText)
        if mode == nil { body.add([FieldError("mode", "mode must be self or predict.")]) }
        try body.validate()
        let assessment = try await AssessmentService(req).take(
            in: loaded, by: user, instrumentKey: instrumentKey, answers: answers, mode: mode!, share: share
        )
        return try await AssessmentDTO(assessment, viewer: user, content: req.kindred.content).encodeResponse(status: .created, for: req)
    }

    func list(req: Request) async throws -> AssessmentListDTO {
        let user = try req.requireUser()
        let loaded = try await BondService(req).load(try req.bondID(), for: user)
        let instrument: String? = req.query["instrument"]
        let results = try await AssessmentService(req).visible(in: loaded, to: user, instrument: instrument)
        return AssessmentListDTO(
            yours: results.filter { $0.$user.id == user.id }.map { AssessmentDTO($0, viewer: user, content: req.kindred.content) },
            partnerShared: results.filter { $0.$user.id != user.id }.map { AssessmentDTO($0, viewer: user, content: req.kindred.content) }
        )
    }

    func show(req: Request) async throws -> AssessmentDTO {
        let user = try req.requireUser()
        let loaded = try await BondService(req).load(try req.bondID(), for: user)
        let assessment = try await AssessmentService(req).find(try req.assessmentID(), in: loaded, for: user)
        return AssessmentDTO(assessment, viewer: user, content: req.kindred.content)
    }

    func share(req: Request) async throws -> AssessmentDTO {
        let user = try req.requireUser()
        let loaded = try await BondService(req).load(try req.bondID(), for: user)
        var body = try JSONBody(req, required: true)
        let shared = body.optionalBool("shared")
        if shared == nil { body.add([FieldError("shared", "shared is required: true or false.")]) }
        try body.validate()
        let assessment = try await AssessmentService(req).setShared(try req.assessmentID(), in: loaded, by: user, shared: shared!)
        return AssessmentDTO(assessment, viewer: user, content: req.kindred.content)
    }

    func measure(req: Request) async throws -> MeasureDTO {
        let user = try req.requireUser()
        let loaded = try await BondService(req).load(try req.bondID(), for: user)
        guard let instrument = req.kindred.content.instrument(req.parameters.get("key") ?? ""), instrument.applies(to: loaded.bond.kind) else {
            throw Problem.notFound("There is no such questionnaire for this bond.")
        }
        // The cards are one per instrument that applies to the bond, so this one is among them.
        let cards = try await AssessmentService(req).cards(in: loaded, for: user)
        guard let card = cards.first(where: { $0.measure.instrument.key == instrument.key }) else { throw Abort(.internalServerError) }
        return card.at(req.kindred.now)
    }

    func dashboard(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let loaded = try await BondService(req).load(try req.bondID(), for: user)
        let now = req.kindred.now
        let measures = try await AssessmentService(req).cards(in: loaded, for: user).map { $0.at(now) }
        // The same cards at the same hours make the same bytes: those sent last are sent again.
        let hours = measures.map { DashboardCards.Hour(due: $0.due, next: $0.nextDueAt) }
        let slot = DashboardCards.slot(loaded, viewer: user)
        if let (key, built) = slot, let body = req.kindred.dashboards.sent(key, built, hours: hours) {
            return Response(status: .ok, headers: ["Content-Type": "application/json; charset=utf-8"], body: .init(buffer: body))
        }
        let response = try await DashboardDTO(
            bondId: loaded.bond.id!, status: loaded.snapshot.status, measures: measures,
            due: loaded.snapshot.status == .ended ? [] : measures.filter(\.due).map(\.instrument.key)
        ).encodeResponse(for: req)
        if let (key, built) = slot, let body = response.body.buffer { req.kindred.dashboards.keepSent(key, built, hours: hours, body: body) }
        return response
    }
}

extension Request {
    func assessmentID() throws -> UUID {
        guard let id = parameters.get("assessmentID").flatMap(UUID.init(uuidString:)) else { throw AssessmentService.notFound }
        return id
    }
}

extension JSONBody {
    /// `{"itemId": integer, …}`; each wrong value is named by its item.
    mutating func answers(_ field: String) -> [String: Int] {
        guard has(field) else {
            add([FieldError(field, "\(field) is required: an object of item id → chosen value.")])
            return [:]
        }
        guard case .object(let values)? = object[field] else {
            add([FieldError(field, "\(field) must be an object of item id → chosen value.")])
            return [:]
        }
        var answers: [String: Int] = [:]
        var problems: [FieldError] = []
        for (item, value) in values {
            if case .number(let number) = value, number == number.rounded(), abs(number) < 1_000_000 {
                answers[item] = Int(number)
            } else {
                problems.append(FieldError("\(field).\(item)", "Each answer must be a whole number from the item's scale."))
            }
        }
        add(problems)
        return answers
    }
}
