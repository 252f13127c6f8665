import Fluent
import KindredCore
import Vapor

/// Calendar feeds: `/api/v1/bonds/{id}/calendar-feeds` for a member, and the feed itself at
/// `/calendar/{secret}.ics`, which a calendar app fetches with no sign-in (the secret is the key).
struct CalendarFeedsAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(BearerAuthMiddleware())
        signedIn.on(.GET, .calendarFeeds, use: list)
        signedIn.on(.POST, .calendarFeeds, use: make)
        signedIn.on(.DELETE, .calendarFeed, use: revoke)
        routes.get(.calendarFeed, use: feed)
    }

    private let practise = PractiseAPIController()

    func list(req: Request) async throws -> [CalendarFeedDTO] {
        let (user, loaded) = try await practise.loaded(req)
        return try await CalendarFeedService(req).list(in: loaded, for: user).map { CalendarFeedDTO($0, url: nil) }
    }

    func make(req: Request) async throws -> Response {
        let (user, loaded) = try await practise.loaded(req)
        var body = try JSONBody(req)
        let alarm = body.optionalInteger("alarmMinutes")
        if let alarm, !CalendarFeedService.alarmChoices.contains(alarm) {
            body.add([FieldError("alarmMinutes", "Choose one of \(CalendarFeedService.alarmChoices.map(String.init).joined(separator: ", ")) minutes, or none.")])
        }
        let daily = body.optionalBool("includeDailyQuestion") ?? false
        try body.validate()
        let made = try await CalendarFeedService(req).make(in: loaded, for: user, alarmMinutes: alarm, includeDaily: daily, baseURL: req.application.baseURL)
        return try await CalendarFeedDTO(made.feed, url: made.url).encodeResponse(status: .created, for: req)
    }

    func revoke(req: Request) async throws -> HTTPStatus {
        let (user, loaded) = try await practise.loaded(req)
        guard let id = req.parameters.get("feedID").flatMap(UUID.init(uuidString:)) else {
            throw Problem.notFound("You have no calendar feed with that id here.")
        }
        try await CalendarFeedService(req).revoke(id, in: loaded, for: user)
        return .noContent
    }

    func feed(req: Request) async throws -> Response {
        let file = req.parameters.get("file") ?? ""
        guard file.hasSuffix(".ics"), let text = try await CalendarFeedService(req).document(secret: String(file.dropLast(4))) else {
            throw Abort(.notFound)
        }
        let response = Response(status: .ok, body: .init(string: text))
        response.headers.replaceOrAdd(name: .contentType, value: "text/calendar; charset=utf-8")
        // A private address: never kept by a shared cache, never sent on as a referrer.
        response.headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        return response
    }
}

struct CalendarFeedDTO: Content {
    let id: UUID
    /// Shown once, when the feed is made: only its hash is kept.
    let url: String?
    let alarmMinutes: Int?
    let includeDailyQuestion: Bool
    let createdAt: Date
    let lastFetchedAt: Date?

    init(_ feed: CalendarFeedLink, url: String?) {
        id = feed.id!
        self.url = url
        alarmMinutes = feed.alarmMinutes
        includeDailyQuestion = feed.includeDaily
        createdAt = feed.createdAt
        lastFetchedAt = feed.lastFetchedAt
    }
}
