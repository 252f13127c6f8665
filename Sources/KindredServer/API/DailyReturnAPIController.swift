import Fluent
import KindredCore
import Vapor

/// The couple's say over the day's question (pass, swap, themes), reactions, nudges and the
/// bond's home, under `/api/v1/bonds/{id}/…`.
struct DailyReturnAPIController: RouteCollection {
    let practise = PractiseAPIController()

    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(BearerAuthMiddleware())
        signedIn.on(.GET, .home, use: home)
        signedIn.on(.POST, .todaySkip, use: skip)
        signedIn.on(.POST, .todaySwap, use: swap)
        signedIn.on(.PUT, .dayReactions, use: reactToDay)
        signedIn.on(.DELETE, .dayReactions, use: unreactToDay)
        signedIn.on(.PUT, .appreciationReactions, use: reactToAppreciation)
        signedIn.on(.DELETE, .appreciationReactions, use: unreactToAppreciation)
        signedIn.on(.POST, .nudge, use: nudge)
        signedIn.on(.GET, .themes, use: themes)
        signedIn.on(.PUT, .themes, use: saveThemes)
    }

    // MARK: - Home

    func home(req: Request) async throws -> HomeDTO {
        let (user, loaded) = try await practise.loaded(req)
        let picture = try await HomeService(req).picture(of: loaded, for: user, markSeen: true)
        let pending = loaded.snapshot.status == .waiting ? try await InviteService(req).pending(in: loaded.snapshot.id) : nil
        let partner = loaded.members.first { $0.user.id != user.id }?.user.displayName ?? "The other person"
        let home = HomeService(req)
        let reactions = try await ReactionService(req).summaries(
            .appreciation, keys: picture.weekAppreciations.map { $0.id.uuidString.lowercased() }, in: loaded, for: user)
        return HomeDTO(
            bond: BondDTO(loaded, viewer: user, pendingInvite: pending),
            today: picture.today == nil ? nil : try await practise.dayDTOs([picture.today!], loaded: loaded, user: user, req: req)[0],
            consistency: picture.consistency.map(ConsistencyDTO.init),
            mayNudge: picture.nudge?.mayNudge ?? false, nudgedToday: picture.nudge?.nudgedToday ?? false,
            since: picture.since,
            news: picture.news.map {
                NewsItemDTO(kind: $0.kind, text: home.sentence(for: $0, partner: partner, user: user, today: picture.today?.day), day: $0.day?.description, count: $0.count)
            },
            week: picture.checkin.map { checkin in
                HomeDTO.Week(checkin: checkin.state, checkinText: BondPagesController.checkinText(checkin.state, partner: partner),
                             appreciations: picture.weekAppreciations.map { AppreciationDTO($0, reactions: reactions[$0.id.uuidString.lowercased()]) })
            },
            suggestion: picture.suggestion.map {
                SuggestionDTO(instrument: $0.instrument.key, title: $0.instrument.title, reason: $0.suggestion.reason,
                              text: MeasureRhythm.sentence(for: $0.suggestion, title: $0.instrument.title, itemCount: $0.instrument.items.count))
            },
            conversationUnderway: picture.conversationUnderway,
            plan: picture.weeklyPlan?.map(PracticeDTO.init)
        )
    }

    // MARK: - Pass and swap

    func skip(req: Request) async throws -> TodayDTO {
        let (user, loaded) = try await practise.loaded(req)
        let view = try await TodayService(req).pass(in: loaded, by: user)
        return try await practise.todayDTO(view, loaded: loaded, user: user, req: req)
    }

    func swap(req: Request) async throws -> TodayDTO {
        let (user, loaded) = try await practise.loaded(req)
        let view = try await TodayService(req).swap(in: loaded, by: user)
        return try await practise.todayDTO(view, loaded: loaded, user: user, req: req)
    }

    // MARK: - Reactions

    private func reaction(_ req: Request) throws -> Reaction {
        var body = try JSONBody(req, required: true)
        let raw = body.string("reaction")
        try body.validate()
        return try ReactionService.parse(raw)
    }

    func reactToDay(req: Request) async throws -> ReactionsDTO {
        let (user, loaded) = try await practise.loaded(req)
        let day = try await practise.existingDay(req, loaded)
        return ReactionsDTO(try await ReactionService(req).react(try reaction(req), toDay: day, in: loaded, by: user))
    }

    func unreactToDay(req: Request) async throws -> ReactionsDTO {
        let (user, loaded) = try await practise.loaded(req)
        let day = try await practise.existingDay(req, loaded)
        return ReactionsDTO(try await ReactionService(req).react(nil, toDay: day, in: loaded, by: user))
    }

    private func appreciationID(_ req: Request) throws -> UUID {
        guard let id = req.parameters.get("appreciationID").flatMap(UUID.init(uuidString:)) else {
            throw Problem.notFound("There is no such appreciation in this bond.")
        }
        return id
    }

    func reactToAppreciation(req: Request) async throws -> ReactionsDTO {
        let (user, loaded) = try await practise.loaded(req)
        let id = try appreciationID(req)
        return ReactionsDTO(try await ReactionService(req).react(try reaction(req), toAppreciation: id, in: loaded, by: user))
    }

    func unreactToAppreciation(req: Request) async throws -> ReactionsDTO {
        let (user, loaded) = try await practise.loaded(req)
        return ReactionsDTO(try await ReactionService(req).react(nil, toAppreciation: try appreciationID(req), in: loaded, by: user))
    }

    // MARK: - Nudge

    func nudge(req: Request) async throws -> Response {
        let (user, loaded) = try await practise.loaded(req)
        try await NudgeService(req).nudge(in: loaded, by: user)
        return try await NudgeDTO(day: try await TodayService(req).today(in: loaded).description, nudged: true).encodeResponse(status: .created, for: req)
    }

    // MARK: - Themes

    func themes(req: Request) async throws -> ThemesDTO {
        let (_, loaded) = try await practise.loaded(req)
        return ThemesDTO(themes: loaded.bond.themes, library: req.kindred.content.decks, kind: loaded.bond.kind)
    }

    func saveThemes(req: Request) async throws -> ThemesDTO {
        let user = try req.requireUser()
        // Membership first: someone outside the bond learns nothing, not even about the body.
        _ = try await BondService(req).load(try req.bondID(), for: user)
        var body = try JSONBody(req, required: true)
        let decks = body.optionalStringArray("decks")
        let depth = body.optionalInteger("depth")
        try body.validate()
        let bond = try await BondService(req).saveThemes(decks: decks, depth: depth, in: try req.bondID(), by: user)
        return ThemesDTO(themes: bond.themes, library: req.kindred.content.decks, kind: bond.kind)
    }
}

extension JSONBody {
    /// An optional (nullable) list of strings: absent or null means nil.
    mutating func optionalStringArray(_ field: String) -> [String]? {
        switch object[field] {
        case nil, .null?: return nil
        case .array(let values)?:
            let strings = values.compactMap { value -> String? in if case .string(let s) = value { return s } else { return nil } }
            if strings.count != values.count { add([FieldError(field, "\(field) must be a list of strings.")]) }
            return strings
        default:
            add([FieldError(field, "\(field) must be a list of strings, or null.")])
            return nil
        }
    }

    /// An optional (nullable) whole number.
    mutating func optionalInteger(_ field: String) -> Int? {
        switch object[field] {
        case nil, .null?: return nil
        case .number(let value)? where value == value.rounded() && abs(value) < 1_000_000: return Int(value)
        default:
            add([FieldError(field, "\(field) must be a whole number, or null.")])
            return nil
        }
    }
}
