import Fluent
import KindredCore
import Vapor

/// The daily question, the day's replies and history, appreciations, the weekly check-in
/// and the deep conversation, under `/api/v1/bonds/{id}/…`.
struct PractiseAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(BearerAuthMiddleware())
        signedIn.on(.GET, .today, use: today).readingWithToken(.today)
        signedIn.on(.PUT, .todayAnswer, use: answer).readingWithToken(.today)
        signedIn.on(.GET, .days, use: days)
        signedIn.on(.GET, .day, use: day)
        signedIn.on(.POST, .dayReplies, use: reply)
        signedIn.on(.GET, .dayReplies, use: replies)
        signedIn.on(.GET, .appreciations, use: appreciations)
        signedIn.on(.POST, .appreciations, use: appreciate)
        signedIn.on(.GET, .checkins, use: checkins)
        signedIn.on(.GET, .currentCheckin, use: currentCheckin)
        signedIn.on(.PUT, .currentCheckin, use: checkIn)
        signedIn.on(.GET, .conversation, use: conversation)
        signedIn.on(.POST, .conversation, use: startConversation)
        signedIn.on(.POST, .conversationAdvance, use: advanceConversation)
        signedIn.on(.POST, .conversationFinish, use: finishConversation)
    }

    func loaded(_ req: Request) async throws -> (User, BondService.Loaded) {
        let user = try req.requireUser()
        return (user, try await BondService(req).load(try req.bondID(), for: user))
    }

    // MARK: - Today

    func today(req: Request) async throws -> TodayDTO {
        try await dayResponse(req, for: try req.requireUser(), in: try req.bondID())
    }

    /// The bond's day as `GET today` gives it (or `day`, where an answer landed), read fresh.
    /// Most reads find the day's question already chosen: then the bond, its members and the
    /// day come from one round trip (`TodayRead`). The first visit of a day takes the full
    /// path, which chooses the question.
    func dayResponse(_ req: Request, for user: User, in bondID: BondID, day: LocalDay? = nil) async throws -> TodayDTO {
        try await dayResponse(req, from: try await TodayRead.read(req, bondID, for: user), for: user, day: day)
    }

    /// `dayResponse` from rows already read.
    func dayResponse(_ req: Request, from read: TodayRead.Rows, for user: User, day: LocalDay? = nil) async throws -> TodayDTO {
        let loaded = read.loaded
        let service = TodayService(req)
        let clock = try await BondDayService(req).clock(in: loaded)
        let day = day ?? clock.day(at: req.kindred.now)
        guard let view = try service.view(of: day, from: read, for: user) else {
            return try await todayDTO(try await service.view(of: day, in: loaded, for: user), loaded: loaded, user: user, req: req)
        }
        let key = day.description
        let reactions = view.state == .revealed
            ? ReactionService.summaries(of: read.reactions.filter { $0.targetKey == key }, in: loaded, for: user, cipher: req.kindred.cipher)[key]
            : nil
        return TodayDTO(today: DayDTO(view, reactions: reactions), canAnswer: view.mayWrite,
                        consistency: ConsistencyDTO(read.consistency(today: day)), nextQuestionAt: clock.nextTurnover(after: req.kindred.now))
    }

    func todayDTO(_ view: TodayService.DayView, loaded: BondService.Loaded, user: User, req: Request) async throws -> TodayDTO {
        TodayDTO(today: try await dayDTOs([view], loaded: loaded, user: user, req: req)[0], canAnswer: view.mayWrite,
                 consistency: ConsistencyDTO(try await TodayService(req).consistency(in: loaded, today: view.day)),
                 nextQuestionAt: try await BondDayService(req).clock(in: loaded).nextTurnover(after: req.kindred.now))
    }

    /// Days with the reactions on those that are revealed, in one query.
    func dayDTOs(_ views: [TodayService.DayView], loaded: BondService.Loaded, user: User, req: Request) async throws -> [DayDTO] {
        let revealed = views.filter { $0.state == .revealed }.map(\.day.description)
        let reactions = try await ReactionService(req).summaries(.day, keys: revealed, in: loaded, for: user)
        return views.map { DayDTO($0, reactions: reactions[$0.day.description]) }
    }

    /// Reads the bond and the days around now once, before writing (see `dayResponse`); the
    /// response is those rows with what the write saved folded in, rather than a second read.
    func answer(req: Request) async throws -> TodayDTO {
        let user = try req.requireUser(), bondID = try req.bondID()
        let read = try await TodayRead.read(req, bondID, for: user)
        var body = try JSONBody(req, required: true)
        let text = body.string("text")
        let promptID = body.optionalString("promptId")
        let dayText = body.optionalString("day")
        let openedDay = dayText.flatMap(LocalDay.init(string:))
        if dayText != nil, openedDay == nil { body.add([FieldError("day", "Give the day as YYYY-MM-DD, as the question came with it.")]) }
        try body.validate()
        let written = try await TodayService(req).write(text, to: promptID, openedDay: openedDay, in: read.loaded, read: read, by: user)
        if let after = read.after(written, by: try user.requireID()) {
            return try await dayResponse(req, from: after, for: user, day: written.day)
        }
        return try await dayResponse(req, for: user, in: bondID, day: written.day)
    }

    func days(req: Request) async throws -> [DayDTO] {
        let (user, loaded) = try await loaded(req)
        let beforeText: String? = req.query["before"]
        let before = beforeText.flatMap(LocalDay.init(string:))
        if beforeText != nil, before == nil {
            throw Problem(status: .badRequest, detail: "before must be a date like 2026-11-27.")
        }
        let limitText: String? = req.query["limit"]
        let limit = limitText.flatMap(Int.init) ?? 30
        if limitText != nil, Int(limitText!) == nil || !(1...100).contains(limit) {
            throw Problem(status: .badRequest, detail: "limit must be a whole number from 1 to 100.")
        }
        return try await dayDTOs(try await TodayService(req).history(in: loaded, for: user, before: before, limit: limit),
                                 loaded: loaded, user: user, req: req)
    }

    func day(req: Request) async throws -> DayDTO {
        let (user, loaded) = try await loaded(req)
        let day = try await existingDay(req, loaded)
        return try await dayDTOs([try await TodayService(req).view(of: day, in: loaded, for: user)], loaded: loaded, user: user, req: req)[0]
    }

    func reply(req: Request) async throws -> Response {
        let (user, loaded) = try await loaded(req)
        let day = try await existingDay(req, loaded)
        var body = try JSONBody(req, required: true)
        let text = body.string("text")
        try body.validate()
        let view = try await TodayService(req).reply(text, on: day, in: loaded, by: user)
        return try await dayDTOs([view], loaded: loaded, user: user, req: req)[0].encodeResponse(status: .created, for: req)
    }

    /// The day's replies, oldest first, a page at a time: the same ones the day shows (none
    /// before the reveal). A day holds at most 100 from each member.
    func replies(req: Request) async throws -> Response {
        let (user, loaded) = try await loaded(req)
        let day = try await existingDay(req, loaded)
        let paging = try Paging(req)
        let view = try await TodayService(req).view(of: day, in: loaded, for: user)
        let page = view.replies.dropFirst(paging.offset).prefix(paging.limit + 1)
        return try await paging.respond(page.map { DayDTO.Reply(text: $0.text, yours: $0.yours, at: $0.at) }, for: req)
    }

    /// A day that has a question in this bond; any other day is simply not found.
    func existingDay(_ req: Request, _ loaded: BondService.Loaded) async throws -> LocalDay {
        guard let day = req.parameters.get("day").flatMap(LocalDay.init(string:)),
              try await DailyQuestion.query(on: req.db).filter(\.$bond.$id == loaded.bond.id!).filter(\.$day == day.description).first() != nil
        else { throw Problem.notFound("There is no question for that day in this bond.") }
        return day
    }

    // MARK: - Appreciations

    func appreciations(req: Request) async throws -> AppreciationsDTO {
        let (user, loaded) = try await loaded(req)
        let service = AppreciationService(req)
        let notes = try await service.list(in: loaded, for: user)
        let reactions = try await ReactionService(req).summaries(.appreciation, keys: notes.map { $0.id.uuidString.lowercased() }, in: loaded, for: user)
        let dto = { (note: AppreciationService.Note) in AppreciationDTO(note, reactions: reactions[note.id.uuidString.lowercased()]) }
        return AppreciationsDTO(
            received: notes.filter { !$0.fromYou }.map(dto),
            sent: notes.filter(\.fromYou).map(dto),
            starter: service.starter(for: try await TodayService(req).today(in: loaded))
        )
    }

    func appreciate(req: Request) async throws -> Response {
        let (user, loaded) = try await loaded(req)
        var body = try JSONBody(req, required: true)
        let text = body.string("text")
        try body.validate()
        let note = try await AppreciationService(req).send(text, in: loaded, by: user)
        return try await AppreciationDTO(note).encodeResponse(status: .created, for: req)
    }

    // MARK: - Check-in

    func currentCheckin(req: Request) async throws -> CheckinDTO {
        let (user, loaded) = try await loaded(req)
        let service = CheckinService(req)
        return CheckinDTO(try await service.view(of: service.week(for: user), in: loaded, for: user))
    }

    func checkIn(req: Request) async throws -> CheckinDTO {
        let (user, loaded) = try await loaded(req)
        var body = try JSONBody(req, required: true)
        let ratings = body.answers("ratings").reduce(into: [String: Int]()) { $0[$1.key] = $1.value }
        let note = body.optionalString("note", nullable: true)
        try body.validate()
        return CheckinDTO(try await CheckinService(req).submit(ratings: ratings, note: note, in: loaded, by: user))
    }

    func checkins(req: Request) async throws -> [CheckinDTO] {
        let (user, loaded) = try await loaded(req)
        return try await CheckinService(req).history(in: loaded, for: user).map(CheckinDTO.init)
    }

    // MARK: - Conversation

    func conversation(req: Request) async throws -> ConversationDTO {
        let (user, loaded) = try await loaded(req)
        return try await dto(try await ConversationService(req).current(in: loaded), loaded: loaded, user: user, req: req)
    }

    func startConversation(req: Request) async throws -> Response {
        let (user, loaded) = try await loaded(req)
        let (conversation, created) = try await ConversationService(req).start(in: loaded, by: user)
        return try await dto(conversation, loaded: loaded, user: user, req: req).encodeResponse(status: created ? .created : .ok, for: req)
    }

    func advanceConversation(req: Request) async throws -> ConversationDTO {
        let (user, loaded) = try await loaded(req)
        var body = try JSONBody(req, required: true)
        let position = body.integer("position")
        try body.validate()
        let conversation = try await ConversationService(req).advance(from: position, in: loaded)
        return try await dto(conversation, loaded: loaded, user: user, req: req)
    }

    func finishConversation(req: Request) async throws -> ConversationDTO {
        let (user, loaded) = try await loaded(req)
        _ = try await ConversationService(req).finish(in: loaded)
        return try await dto(nil, loaded: loaded, user: user, req: req)
    }

    func dto(_ conversation: Conversation?, loaded: BondService.Loaded, user: User, req: Request) async throws -> ConversationDTO {
        let service = ConversationService(req)
        let questions = service.guide?.questions ?? []
        let position = conversation?.position ?? 0
        let current = position < questions.count ? questions[position] : nil
        return ConversationDTO(
            id: conversation?.id, underway: conversation != nil, position: position, total: questions.count,
            set: conversation == nil ? nil : current.map { $0.set + 1 },
            setTitle: conversation == nil ? nil : current.flatMap { service.guide?.sets[$0.set].title },
            question: conversation == nil ? nil : current?.question,
            yourTurn: conversation.map { service.answerer(of: $0, in: loaded)?.id == user.id } ?? false,
            closing: conversation != nil && current == nil,
            closingMinutes: service.guide?.closing(for: loaded.snapshot.kind).minutes ?? 4,
            completedConversations: try await service.completedCount(in: loaded)
        )
    }
}

extension JSONBody {
    /// A required whole number.
    mutating func integer(_ field: String) -> Int {
        switch object[field] {
        case .number(let value)? where value == value.rounded() && abs(value) < 1_000_000:
            return Int(value)
        case nil:
            add([FieldError(field, "\(field) is required.")])
        default:
            add([FieldError(field, "\(field) must be a whole number.")])
        }
        return 0
    }
}
