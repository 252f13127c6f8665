import Fluent
import SQLKit
import XCTVapor
@testable import KindredServer
import KindredCore

/// One day for both (issue 12, part 1): a bond has one current question at any instant, the
/// same for both members wherever they live; the day turns over at one instant for both; an
/// answer written across the turnover lands on the day it was opened for; a move or summer
/// time never skips or repeats a day. The test clock starts at 08:00 UTC on 15 January 2027.
final class OneDayForBothTests: XCTestCase {
    private func pair(_ app: Application, _ first: (String, String), _ second: (String, String)) async throws -> (APIPerson, APIPerson, String) {
        let a = try await app.person(first.0, timeZone: first.1)
        let b = try await app.person(second.0, timeZone: second.1)
        let bond = try await app.bond(of: a)
        let (code, _) = try await app.invite(to: bond, by: a)
        let accepted = try await app.send(.POST, "/api/v1/invites/\(code)/accept", token: b.token)
        XCTAssertEqual(accepted.status, .ok, accepted.body)
        return (a, b, bond)
    }

    private func today(_ app: Application, _ person: APIPerson, _ bond: String) async throws -> (day: String, state: String, prompt: String, next: String) {
        let response = try await app.send(.GET, "/api/v1/bonds/\(bond)/today", token: person.token)
        XCTAssertEqual(response.status, .ok, response.body)
        let today = response.json["today"] as? [String: Any] ?? [:]
        return (today["day"] as? String ?? "", today["state"] as? String ?? "",
                (today["prompt"] as? [String: Any])?["id"] as? String ?? "", response.json["nextQuestionAt"] as? String ?? "")
    }

    private func answer(_ app: Application, _ person: APIPerson, _ bond: String, _ text: String, day: String? = nil, prompt: String? = nil) async throws -> TestResponse {
        var body: [String: Any] = ["text": text]
        if let day { body["day"] = day }
        if let prompt { body["promptId"] = prompt }
        return try await app.send(.PUT, "/api/v1/bonds/\(bond)/today/answer", json: body, token: person.token)
    }

    func testLondonAndNewYorkSeeOneQuestionAndOneStateAtEveryMoment() async throws {
        try await withApp { app, clock in
            let (dev, sam, bond) = try await pair(app, ("Dev", "Europe/London"), ("Sam", "America/New_York"))
            let first = try await today(app, dev, bond)
            let hers = try await today(app, sam, bond)
            XCTAssertEqual(first.day, "2027-01-15")
            XCTAssertEqual(hers.day, first.day)
            XCTAssertEqual(hers.prompt, first.prompt)
            XCTAssertEqual(hers.next, first.next, "one turnover for both")
            let answered = try await answer(app, dev, bond, "Dev's answer")
            XCTAssertEqual(answered.status, .ok, answered.body)
            // What the two testers saw: "Waiting for Dev" on one side and "Neither of you has
            // answered" on the other. Now both sides tell the same story.
            let devAfter = try await today(app, dev, bond), samAfter = try await today(app, sam, bond)
            XCTAssertEqual(devAfter.state, "waitingForThem")
            XCTAssertEqual(samAfter.state, "theyAnswered")

            // Two days, an hour at a time: the day is always the same for both, moves on by one
            // at the announced instant, and never skips or repeats.
            var previous = first.day, announced = first.next, turnovers = 0
            for _ in 0..<48 {
                clock.advance(3600)
                let d = try await today(app, dev, bond), s = try await today(app, sam, bond)
                XCTAssertEqual(d.day, s.day)
                XCTAssertEqual(d.prompt, s.prompt)
                if d.day != previous {
                    XCTAssertEqual(LocalDay(string: previous)?.adding(days: 1).description, d.day)
                    let turnedAt = try XCTUnwrap(ISO8601DateFormatter().date(from: announced))
                    XCTAssertLessThanOrEqual(turnedAt, app.kindred.now)
                    XCTAssertGreaterThan(turnedAt, app.kindred.now.addingTimeInterval(-3600), "it turned when it said it would")
                    turnovers += 1
                    previous = d.day
                }
                announced = d.next
            }
            XCTAssertEqual(turnovers, 2)
        }
    }

    func testAcrossTheDateLineBothAnswerTheSameDay() async throws {
        try await withApp { app, _ in
            // 22:00 on the 15th in Kiritimati (UTC+14), 22:00 on the 14th in Honolulu (UTC−10).
            let (kai, hana, bond) = try await pair(app, ("Kai", "Pacific/Kiritimati"), ("Hana", "Pacific/Honolulu"))
            let kais = try await today(app, kai, bond), hanas = try await today(app, hana, bond)
            XCTAssertEqual(kais.day, "2027-01-15", "the day of whoever made the bond")
            XCTAssertEqual(hanas.day, kais.day)
            _ = try await answer(app, kai, bond, "Kai's answer")
            let seen = try await today(app, hana, bond)
            XCTAssertEqual(seen.state, "theyAnswered", "one day: Kai's answer waits for Hana at once")
        }
    }

    func testAnAnswerWrittenAcrossTheTurnoverLandsOnTheDayItWasOpenedFor() async throws {
        try await withApp { app, clock in
            let (ana, ben, bond) = try await pair(app, ("Ana", "Europe/London"), ("Ben", "Europe/London"))
            let opened = try await today(app, ana, bond)
            _ = try await today(app, ben, bond)
            let turnover = try XCTUnwrap(ISO8601DateFormatter().date(from: opened.next))
            clock.advance(turnover.timeIntervalSince(app.kindred.now) + 60)
            let landed = try await answer(app, ana, bond, "Written last night, sent this morning", day: opened.day, prompt: opened.prompt)
            XCTAssertEqual(landed.status, .ok, landed.body)
            XCTAssertEqual((landed.json["today"] as? [String: Any])?["day"] as? String, opened.day)
            let now = try await today(app, ana, bond)
            XCTAssertNotEqual(now.day, opened.day)
            XCTAssertEqual(now.state, "open", "nothing moved to a question Ana never saw")
            // Ben answers the same day late too: the day reveals for both.
            let bens = try await answer(app, ben, bond, "Ben's late answer", day: opened.day, prompt: opened.prompt)
            XCTAssertEqual((bens.json["today"] as? [String: Any])?["state"] as? String, "revealed")
            let day = try await app.send(.GET, "/api/v1/bonds/\(bond)/days/\(opened.day)", token: ana.token)
            XCTAssertTrue(day.body.contains("Written last night, sent this morning"))
            XCTAssertTrue(day.body.contains("Ben's late answer"))
            // Passing and swapping work on the new day as on any.
            let swapped = try await app.send(.POST, "/api/v1/bonds/\(bond)/today/swap", token: ben.token)
            XCTAssertEqual(swapped.status, .ok, swapped.body)
            let passed = try await app.send(.POST, "/api/v1/bonds/\(bond)/today/skip", token: ana.token)
            XCTAssertEqual(passed.status, .ok, passed.body)

            // Older than the day before: nothing is saved, and the words come back.
            clock.advance(2 * 86_400)
            let late = try await answer(app, ana, bond, "Far too late", day: opened.day)
            XCTAssertEqual(late.status, .conflict)
            XCTAssertEqual(late.json["code"] as? String, "day-over")
            let future = try await answer(app, ana, bond, "Too soon", day: "2030-01-01")
            XCTAssertEqual(future.json["code"] as? String, "day-over")
            let wrong = try await answer(app, ana, bond, "Hm", day: "yesterday")
            XCTAssertEqual(wrong.status, .unprocessableEntity)
            XCTAssertEqual(wrong.problemFields, ["day"])
            let stored = try await DailyAnswer.query(on: app.db).filter(\.$bond.$id == UUID(uuidString: bond)!).count()
            XCTAssertEqual(stored, 2)
        }
    }

    func testAMoveNeverSkipsOrRepeatsADay() async throws {
        try await withApp { app, clock in
            let (ana, ben, bond) = try await pair(app, ("Ana", "Europe/London"), ("Ben", "America/New_York"))
            var previous = try await today(app, ana, bond).day
            var seen: Set<String> = [previous]
            for (hour, zone) in [(5, "Asia/Tokyo"), (30, "Australia/Lord_Howe"), (52, "Asia/Kathmandu"), (70, "Pacific/Pago_Pago")] {
                while app.kindred.now < Date(timeIntervalSince1970: 1_800_000_000 + Double(hour) * 3600) {
                    clock.advance(1800)
                    let day = try await today(app, ana, bond).day
                    if day != previous {
                        XCTAssertEqual(LocalDay(string: previous)?.adding(days: 1).description, day, "after \(previous)")
                        XCTAssertFalse(seen.contains(day))
                        seen.insert(day)
                        previous = day
                    }
                }
                let moved = try await app.send(.PATCH, "/api/v1/me", json: ["timeZone": zone], token: ben.token)
                XCTAssertEqual(moved.status, .ok, moved.body)
            }
            XCTAssertGreaterThanOrEqual(seen.count, 3)
        }
    }

    func testExistingDaysStayWhenTheClockStarts() async throws {
        try await withApp { app, clock in
            let (ana, ben, bond) = try await pair(app, ("Ana", "Europe/London"), ("Ben", "America/New_York"))
            _ = try await answer(app, ana, bond, "Before one day for both")
            _ = try await answer(app, ben, bond, "Mine too")
            // As a bond from before this version: no clock yet.
            let sql = try XCTUnwrap(app.db as? any SQLDatabase)
            try await sql.raw("UPDATE bonds SET day_clock = NULL").run()
            clock.advance(86_400)
            let now = try await today(app, ana, bond)
            XCTAssertEqual(now.day, "2027-01-16")
            let days = try await app.send(.GET, "/api/v1/bonds/\(bond)/days", token: ben.token)
            XCTAssertTrue(days.body.contains("Before one day for both"))
            XCTAssertTrue(days.body.contains("2027-01-15"))
        }
    }

    func testEachMemberIsToldWhenTheNextQuestionArrivesInTheirOwnTime() async throws {
        try await withApp { app, _ in
            let (dev, sam, bond) = try await pair(app, ("Dev", "Europe/London"), ("Sam", "America/New_York"))
            let devBrowser = Browser(app), samBrowser = Browser(app)
            _ = try await devBrowser.signIn(dev.email)
            _ = try await samBrowser.signIn(sam.email)
            // The turnover is 04:00 in London (04:00 UTC): 23:00 the evening before in New York.
            let devPage = try await devBrowser.get("/bonds/\(bond)/today")
            let samPage = try await samBrowser.get("/bonds/\(bond)/today")
            XCTAssertTrue(devPage.body.contains("The next question arrives tomorrow at 04:00 your time."), devPage.text)
            XCTAssertTrue(samPage.body.contains("The next question arrives at 23:00 your time."), samPage.text)
            XCTAssertTrue(devPage.body.contains(#"<input type="hidden" name="day" value="2027-01-15">"#))
            let next = try await today(app, dev, bond).next
            XCTAssertEqual(next, "2027-01-16T04:00:00Z")
        }
    }
}
