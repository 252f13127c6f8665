import Foundation
import KindredCore
import XCTVapor
@testable import KindredServer

/// The web app's paths are written once, in `SitePath`: its routes are registered from it,
/// and every link (`SiteURL`, and the fixed links in templates) names one of them.
final class SiteRoutesTests: XCTestCase {
    /// Routes outside `SitePath`: the API (its paths are `openapi.yaml`'s), health and metrics.
    private static func isWebPage(_ route: Route) -> Bool {
        let first = route.path.first?.description ?? ""
        return !["api", "healthz", "readyz", "metrics"].contains(first)
    }

    private static func pattern(of route: Route) -> String {
        "/" + route.path.map(\.description).joined(separator: "/")
    }

    func testEveryWebRouteIsASitePathAndEverySitePathIsServed() async throws {
        try await withApp { app, _ in
            let web = app.routes.all.filter(Self.isWebPage)
            let patterns = Set(web.map(Self.pattern))
            for route in web {
                XCTAssertNotNil(SitePath(rawValue: Self.pattern(of: route)), "\(route.method) \(Self.pattern(of: route)) is registered outside SitePath")
            }
            for path in SitePath.allCases {
                XCTAssertTrue(patterns.contains(path.rawValue), "\(path.rawValue) is in SitePath but nothing serves it")
            }
            XCTAssertGreaterThan(web.count, SitePath.allCases.count, "pages have a GET and a POST on many paths")
        }
    }

    /// One example of every link; the switch below makes a new `SiteURL` case fail to
    /// compile here until it has an example.
    private static let bond = BondID(UUID())
    private static let other = UUID()
    static let examples: [SiteURL] = [
        .home, .register, .signIn(), .signIn(next: "/bonds/x/today"), .signOut, .settings, .settingsPassword, .wakingHours,
        .deleteAccount, .bonds, .newBond, .bond(bond), .bondInvites(bond), .revokeInvite(bond, InviteID(other)), .leaveBond(bond),
        .join(code: "ABCD-EFGH"), .measureOverview(bond), .measure(bond, "eis"), .takeMeasure(bond, "eis", predict: true),
        .takeMeasure(bond, "eis", predict: false), .sharing(bond, other), .today(bond), .days(bond), .day(bond, "2026-11-30"),
        .dayReplies(bond, "2026-11-30"), .appreciations(bond), .rituals(bond), .ritual(bond, other), .ritualResponse(bond, other),
        .pauseRitual(bond, other), .editRitual(bond, other), .deleteRitual(bond, other), .ritualOccurrence(bond, other, day: "2026-11-30"),
        .checkin(bond), .conversation(bond), .conversationNext(bond), .conversationFinish(bond), .bondSettings(bond), .themes(bond),
        .todayPass(bond), .todaySwap(bond), .nudge(bond), .dayReaction(bond, "2026-11-30"), .appreciationReaction(bond, other),
        .together(bond), .calendarFeeds(bond), .calendarFeed(secret: "s3cret"), .revokeCalendarFeed(bond, other), .reminders, .pushSubscriptions,
        .removePushSubscription(other), .unsubscribe(token: "t0ken"), .forgotPassword, .resetPassword(token: "t0ken"),
        .confirmSignup(token: "t0ken"), .inviteEmail(bond), .support, .savedChecks, .deleteSavedCheck(other), .deviceSafety, .devices,
        .endSession(other), .revokeToken(other), .signOutEverywhere, .securityLog, .export, .exportCSV, .quickExit, .exit(token: "t0ken"),
        .repairs(bond), .repair(bond, other), .repairSteps(bond, other), .deleteRepair(bond, other), .desires(bond), .confirmAdult(bond),
        .weeklyPlan(bond), .plans(bond), .plan(bond, other), .planResponse(bond, other), .planLiked(bond, other), .deletePlan(bond, other),
        .professionals(bond), .professionalInvites(bond), .revokeProfessionalInvite(bond, other), .professionalConsent(bond, other),
        .professionalJoin(code: "ABCD-EFGH"), .professionalHome, .professionalSummary(bond), .registerProfessional,
    ]

    private static func hasExample(_ url: SiteURL) -> Bool {
        switch url {
        case .home, .register, .signIn, .signOut, .settings, .settingsPassword, .wakingHours, .deleteAccount, .bonds, .newBond, .bond,
             .bondInvites, .revokeInvite, .leaveBond, .join, .measureOverview, .measure, .takeMeasure, .sharing, .today, .days, .day,
             .dayReplies, .appreciations, .rituals, .ritual, .ritualResponse, .pauseRitual, .editRitual, .deleteRitual, .ritualOccurrence,
             .checkin, .conversation, .conversationNext, .conversationFinish, .bondSettings, .themes, .todayPass, .todaySwap, .nudge,
             .dayReaction, .appreciationReaction, .together, .calendarFeeds, .calendarFeed, .revokeCalendarFeed, .reminders, .pushSubscriptions,
             .removePushSubscription, .unsubscribe, .forgotPassword, .resetPassword, .confirmSignup, .inviteEmail, .support, .savedChecks,
             .deleteSavedCheck, .deviceSafety, .devices, .endSession, .revokeToken, .signOutEverywhere, .securityLog, .export, .exportCSV,
             .quickExit, .exit, .repairs, .repair, .repairSteps, .deleteRepair, .desires, .confirmAdult, .weeklyPlan, .plans, .plan,
             .planResponse, .planLiked, .deletePlan, .professionals, .professionalInvites, .revokeProfessionalInvite, .professionalConsent,
             .professionalJoin, .professionalHome, .professionalSummary, .registerProfessional:
            true
        }
    }

    func testEveryLinkFillsItsOwnPattern() {
        XCTAssertTrue(Self.examples.allSatisfy(Self.hasExample))
        for url in Self.examples {
            let (pattern, _, _) = url.parts
            XCTAssertTrue(pattern.matches(url.path), "\(url.path) does not fit \(pattern.rawValue)")
            // The router prefers a constant to a parameter (`/bonds/new` over `/bonds/:bondID`).
            let rivals = SitePath.allCases.filter { $0 != pattern && $0.matches(url.path) }
            XCTAssertTrue(rivals.allSatisfy { $0.parameterCount > pattern.parameterCount }, "\(url.path) fits \(rivals) as well")
        }
        XCTAssertEqual(SiteURL.bond(Self.bond).path, "/bonds/\(Self.bond)")
        XCTAssertEqual(SiteURL.ritualOccurrence(Self.bond, Self.other, day: "2026-11-30").path,
                       "/bonds/\(Self.bond)/rituals/\(Self.other.uuidString.lowercased())/occurrences/2026-11-30")
        XCTAssertEqual(SiteURL.signIn(next: "/bonds/x").path, "/sign-in?next=%2Fbonds%2Fx")
        XCTAssertEqual(SiteURL.takeMeasure(Self.bond, "eis", predict: true).path, "/bonds/\(Self.bond)/measure/eis/take?mode=predict")
        XCTAssertEqual(SiteURL.exit(token: "abc").path, "/exit?t=abc")
        XCTAssertEqual(SiteURL.registerProfessional.path, "/register?as=professional")
        XCTAssertEqual(SiteURL.calendarFeed(secret: "s3cret").path, "/calendar/s3cret.ics")
    }

    func testPatternsMatchOnlyWhatTheyServe() {
        XCTAssertTrue(SitePath.home.matches("/"))
        XCTAssertFalse(SitePath.home.matches("/bonds"))
        XCTAssertTrue(SitePath.join.matches("/join/ABCD?x=1"))
        XCTAssertFalse(SitePath.join.matches("/join/"))
        XCTAssertFalse(SitePath.join.matches("/join/ABCD/more"))
        XCTAssertFalse(SitePath.join.matches("join/ABCD"))
        XCTAssertFalse(SitePath.day.matches("/bonds/b/days"))
        XCTAssertEqual(SitePath.ritualOccurrence.parameterCount, 3)
        XCTAssertEqual(SitePath.ritualOccurrence.filled(["b", "r", "d"]), "/bonds/b/rituals/r/occurrences/d")
    }

    /// Templates link the fixed pages by their path: each must be one the app serves.
    func testEveryFixedLinkInTheTemplatesIsServed() throws {
        let views = URL(fileURLWithPath: ResourcePaths.views)
        let files = try XCTUnwrap(FileManager.default.enumerator(at: views, includingPropertiesForKeys: nil)?.allObjects as? [URL])
            .filter { $0.pathExtension == "leaf" }
        XCTAssertGreaterThan(files.count, 20)
        let link = try NSRegularExpression(pattern: ##"(?:href|action)="(/[^"#{]*)""##)
        var checked = 0
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            for match in link.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                let path = String(text[Range(match.range(at: 1), in: text)!])
                if ["/css/", "/icons/", "/js/"].contains(where: path.hasPrefix) { continue }
                checked += 1
                XCTAssertTrue(SitePath.allCases.contains { $0.matches(path) }, "\(file.lastPathComponent) links \(path), which nothing serves")
            }
        }
        XCTAssertGreaterThan(checked, 40)
    }
}
