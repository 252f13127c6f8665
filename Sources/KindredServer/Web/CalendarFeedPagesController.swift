import KindredCore
import Vapor

/// Calendar feeds in the browser: made from the rituals page (the address shown once, never
/// cached), and removed from there.
struct CalendarFeedPagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.post(.calendarFeeds, use: makeFeed)
        routes.post(.revokeCalendarFeed, use: revokeFeed)
    }

    private let practise = PractisePagesController()

    static func alarmLabel(_ minutes: Int) -> String {
        switch minutes {
        case 0: "A reminder when it starts"
        case 1440: "A reminder a day before"
        case 60, 120: "A reminder \(minutes / 60) hour\(minutes == 60 ? "" : "s") before"
        default: "A reminder \(minutes) minutes before"
        }
    }

    struct FeedMadePage: Encodable {
        let url: String
        let webcal: String
        let ritualsURL: String
    }

    func makeFeed(req: Request) async throws -> Response {
        let context = try await practise.context(req)
        let alarm = (try? req.content.get(String.self, at: "alarmMinutes")).flatMap { Int($0) }
        let daily = (try? req.content.get(String.self, at: "includeDailyQuestion")) == "1"
        guard alarm.map(CalendarFeedService.alarmChoices.contains) ?? true else {
            return req.redirect(to: .rituals(context.bondID), flash: .notActive)
        }
        do {
            let made = try await CalendarFeedService(req).make(in: context.loaded, for: context.user, alarmMinutes: alarm,
                                                               includeDaily: daily, baseURL: req.application.baseURL)
            let webcal = made.url.replacingOccurrences(of: #"^https?://"#, with: "webcal://", options: .regularExpression)
            let response = try await req.page("calendar-feed", title: "Your calendar address", section: "bonds",
                                              FeedMadePage(url: made.url, webcal: webcal, ritualsURL: SiteURL.rituals(context.bondID).path))
            // The address is a key: never kept by a cache.
            response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
            return response
        } catch let problem as Problem where problem.status == .conflict {
            return req.redirect(to: .rituals(context.bondID), flash: problem.code == "too-many-feeds" ? .tooManyFeeds : .notActive)
        }
    }

    func revokeFeed(req: Request) async throws -> Response {
        let context = try await practise.context(req)
        guard let id = req.parameters.get("feedID").flatMap(UUID.init(uuidString:)) else { throw Problem.notFound() }
        try await CalendarFeedService(req).revoke(id, in: context.loaded, for: context.user)
        return req.redirect(toPath: SiteURL.rituals(context.bondID).path + "#calendar", flash: .feedRevoked)
    }
}
