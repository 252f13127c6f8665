import Fluent
import XCTVapor
@testable import KindredServer

/// The home, the day's controls, reactions and themes in the browser, from both sides.
final class DailyReturnWebTests: XCTestCase {
    /// Two browsers in one active bond; returns them and the bond's home path.
    func pair(_ app: Application, kind: String = "friendship", zones: (String, String) = ("Europe/London", "Europe/London")) async throws -> (Browser, Browser, String) {
        let ana = Browser(app), ben = Browser(app)
        try await ana.register("Ana", timeZone: zones.0)
        try await ben.register("Ben", timeZone: zones.1)
        try await ana.get("/bonds/new")
        let made = try await ana.post("/bonds", ["kind": kind])
        let home = try XCTUnwrap(made.location)
        try await ana.get(home)
        let invite = try await ana.post(home + "/invites")
        let code = try XCTUnwrap(invite.body.range(of: #"/join/[0-9a-z]{20}"#, options: .regularExpression).map { String(invite.body[$0]) })
        try await ben.get(code)
        let joined = try await ben.post(code)
        XCTAssertEqual(joined.location, home)
        return (ana, ben, home)
    }

    func testSignInLandsOnTheOneActiveBondAndTheListOtherwise() async throws {
        try await withApp { app, _ in
            let (ana, _, home) = try await pair(app)
            let hoisted1 = try await User.query(on: app.db).filter(\.$displayName == "Ana").first()
            let anaEmail = try XCTUnwrap(hoisted1).email
            // One active bond (and one still waiting): its home, after sign-in and from "/".
            try await ana.get("/bonds/new")
            let hoisted2 = try await ana.post("/bonds", ["kind": "family"]).location
            let family = try XCTUnwrap(hoisted2)
            let again = Browser(app)
            let signedIn = try await again.signIn(anaEmail)
            XCTAssertEqual(signedIn.location, home)
            let root = try await again.get("/")
            XCTAssertEqual(root.location, home)
            // Once the second bond is active too: the list.
            try await ana.get(family)
            let invite = try await ana.post(family + "/invites")
            let code = try XCTUnwrap(invite.body.range(of: #"/join/[0-9a-z]{20}"#, options: .regularExpression).map { String(invite.body[$0]) })
            let cy = Browser(app)
            try await cy.register("Cy")
            try await cy.get(code)
            _ = try await cy.post(code)
            let third = Browser(app)
            let listed = try await third.signIn(anaEmail)
            XCTAssertEqual(listed.location, "/bonds")
        }
    }

    func testTheHomeLeadsWithTodayThenWhatIsNewThenTheWeekThenOneSuggestion() async throws {
        try await withApp { app, clock in
            let (ana, ben, home) = try await pair(app)
            clock.advance(60)
            try await ben.get(home + "/today")
            _ = try await ben.post(home + "/today", ["text": "Soup and a long walk"])
            try await ben.get(home + "/appreciations")
            _ = try await ben.post(home + "/appreciations", ["text": "Thanks for yesterday"])

            let response = try await ana.get(home)
            XCTAssertEqual(response.status, .ok, response.body)
            let page = response.text
            let order = ["Today's question", "New since you last looked", "This week", "When you have a moment"].map { page.range(of: $0)?.lowerBound }
            XCTAssertTrue(order.allSatisfy { $0 != nil }, page)
            XCTAssertEqual(order.compactMap { $0 }, order.compactMap { $0 }.sorted(), "today, news, week, suggestion — in that order")
            XCTAssertTrue(page.contains("Ben answered today's question."))
            XCTAssertTrue(page.contains("Ben sent you an appreciation."))
            XCTAssertFalse(page.contains("Soup and a long walk"), "what he wrote stays unrevealed")
            XCTAssertEqual(page.components(separatedBy: "When you have a moment").count - 1, 1, "one suggestion at most")
            XCTAssertTrue(page.contains("Emotional Intimacy Scale"), "week one offers the EIS")
            XCTAssertFalse(page.contains("Couples Satisfaction"), "nothing from later weeks yet")
            XCTAssertFalse(page.contains(">Due<"), "no wall of due badges")
            XCTAssertFalse(page.contains("Who's here"), "moved to bond settings")
            XCTAssertFalse(page.contains("Leave this bond</a></p>\n"), "moved to bond settings")
            XCTAssertTrue(page.contains("How close you feel: all questionnaires"), "measures stay reachable")

            // Seen once: the next look starts afresh.
            let again = try await ana.get(home).text
            XCTAssertFalse(again.contains("New since you last looked"))
            let settings = try await ana.get(home + "/settings").text
            XCTAssertTrue(settings.contains("Who's here"))
            XCTAssertTrue(settings.contains("Leave this bond"))
            XCTAssertTrue(settings.contains("Every deck"))
        }
    }

    func testTheListSaysWhatIsNewPerBond() async throws {
        try await withApp { app, clock in
            let (ana, ben, home) = try await pair(app)
            try await ana.get("/bonds/new")
            _ = try await ana.post("/bonds", ["kind": "family"])
            clock.advance(60)
            try await ben.get(home + "/appreciations")
            _ = try await ben.post(home + "/appreciations", ["text": "You are kind"])
            let list = try await ana.get("/bonds").text
            XCTAssertTrue(list.contains("Ben sent you an appreciation."), list)
            XCTAssertFalse(list.contains("You are kind"))
        }
    }

    func testPassingSwappingAndNudgingInTheBrowser() async throws {
        try await withApp { app, clock in
            let (ana, ben, home) = try await pair(app)
            let today = try await ana.get(home + "/today").text
            XCTAssertTrue(today.contains("Ask for another question"))
            XCTAssertTrue(today.contains("Pass today"))
            let hoisted3 = try await DailyQuestion.query(on: app.db).first()
            let prompt = try XCTUnwrap(hoisted3).promptID
            let swapped = try await ana.post(home + "/today/swap")
            XCTAssertEqual(swapped.location, home + "/today")
            let hoisted4 = try await DailyQuestion.query(on: app.db).first()
            let newPrompt = try XCTUnwrap(hoisted4).promptID
            XCTAssertNotEqual(prompt, newPrompt)
            let benToday = try await ben.get(home + "/today").text
            XCTAssertTrue(benToday.contains("Ana asked for another question today."))
            XCTAssertFalse(benToday.contains("Ask for another question</button>"), "once a day")
            // A second swap is refused with a message, never an error page.
            try await ana.get(home + "/today")
            let refused = try await ana.post(home + "/today/swap")
            XCTAssertEqual(refused.status, .seeOther)
            let hoisted5 = try await ana.get(home + "/today").text.contains("already had a different question today")
            XCTAssertTrue(hoisted5)

            _ = try await ben.post(home + "/today/pass")
            let benAfter = try await ben.get(home + "/today").text
            XCTAssertTrue(benAfter.contains("You passed today"))
            let anaView = try await ana.get(home + "/today").text
            XCTAssertFalse(anaView.contains("passed"), "a pass stays quiet until Ana acts")
            // Ana nudges (allowed: refusing would give the pass away); then answers and sees the pass.
            clock.advance(60)
            let nudged = try await ana.post(home + "/nudge")
            XCTAssertEqual(nudged.location, home + "/today")
            let hoisted6 = try await ben.get(home).text.contains("Ana would love to hear your answer today.")
            XCTAssertTrue(hoisted6)
            try await ana.get(home + "/today")
            _ = try await ana.post(home + "/today", ["text": "My answer"])
            let anaAfter = try await ana.get(home + "/today").text
            XCTAssertTrue(anaAfter.contains("Ben passed today, and that's all right."))
            let hoisted7 = try await ben.get(home + "/today").text.contains("My answer")
            XCTAssertFalse(hoisted7, "never shown to someone who passed")
        }
    }

    func testAnAnswerToAQuestionSwappedMeanwhileComesBackUnsavedWithItsWords() async throws {
        try await withApp { app, _ in
            let (ana, ben, home) = try await pair(app)
            try await ana.get(home + "/today")
            let hoisted1 = try await DailyQuestion.query(on: app.db).first()
            let asked = try XCTUnwrap(hoisted1).promptID
            try await ben.get(home + "/today")
            _ = try await ben.post(home + "/today/swap")
            let late = try await ana.post(home + "/today", ["text": "Written for the old one", "promptId": asked])
            XCTAssertEqual(late.status, .conflict)
            XCTAssertTrue(late.text.contains("Today's question changed while you were writing."), late.body)
            XCTAssertTrue(late.text.contains("Written for the old one</textarea>"), "the words are kept")
            let saved = try await DailyAnswer.query(on: app.db).count()
            XCTAssertEqual(saved, 0)
        }
    }

    func testWaitingShowsYourAnswerOnceAndRepliesHaveShortTimes() async throws {
        try await withApp { app, clock in
            let (ana, ben, home) = try await pair(app)
            try await ana.get(home + "/today")
            _ = try await ana.post(home + "/today", ["text": "Sunlight on the kitchen table"])
            let waiting = try await ana.get(home + "/today").text
            XCTAssertEqual(waiting.components(separatedBy: "Sunlight on the kitchen table").count - 1, 2,
                           "shown once, plus once inside the folded change form")
            XCTAssertTrue(waiting.contains("<details class=\"card change-answer\""), "the form is folded away")
            try await ben.get(home + "/today")
            _ = try await ben.post(home + "/today", ["text": "Rain"])
            clock.advance(25 * 60)  // 08:25 in London
            let hoisted8 = try await DailyQuestion.query(on: app.db).first()
            let day = try XCTUnwrap(hoisted8).day
            try await ben.get(home + "/today")
            _ = try await ben.post(home + "/days/\(day)/replies", ["text": "Lovely", "back": "today"])
            let page = try await ana.get(home + "/today").text
            XCTAssertTrue(page.contains(">08:25<"), "replies show just the time: \(page.components(separatedBy: "reply-list").last ?? page)")
        }
    }

    func testAPastDayIsToldAsThatDayNotToday() async throws {
        try await withApp { app, clock in
            let (ana, ben, home) = try await pair(app)
            try await ana.get(home + "/today")
            _ = try await ana.post(home + "/today/pass")
            let hoisted1 = try await DailyQuestion.query(on: app.db).first()
            let day = try XCTUnwrap(hoisted1).day
            clock.advance(20 * 60)
            try await ana.get(home)
            clock.advance(20 * 60)
            let past = try await ana.get(home + "/days/\(day)").text
            _ = ben
            XCTAssertTrue(past.contains("You passed today."), "still the same day")
            clock.advance(86_400 - 40 * 60)
            let ana2 = Browser(app)
            let hoisted2 = try await User.query(on: app.db).filter(\.$displayName == "Ana").first()
            let email = try XCTUnwrap(hoisted2).email
            _ = try await ana2.signIn(email)
            let later = try await ana2.get(home + "/days/\(day)").text
            XCTAssertTrue(later.contains("You passed that day."), later)
            // (The prompt itself may say "tomorrow"; what matters is the state line.)
            XCTAssertFalse(later.contains("new question tomorrow"), "no talk of tomorrow about a day gone by")
        }
    }

    func testReactionsInTheBrowserAreSeenByBoth() async throws {
        try await withApp { app, _ in
            let (ana, ben, home) = try await pair(app)
            try await ana.get(home + "/today")
            _ = try await ana.post(home + "/today", ["text": "A"])
            let beforeReveal = try await ben.get(home + "/today").text
            XCTAssertFalse(beforeReveal.contains("React to today"))
            _ = try await ben.post(home + "/today", ["text": "B"])
            let hoisted9 = try await DailyQuestion.query(on: app.db).first()
            let day = try XCTUnwrap(hoisted9).day
            let page = try await ana.get(home + "/today").text
            XCTAssertTrue(page.contains("React to today's answers"))
            XCTAssertTrue(page.contains(#"value="heart" aria-pressed="false""#))
            _ = try await ana.post(home + "/days/\(day)/reaction", ["reaction": "heart", "back": "today"])
            let hoisted10 = try await ana.get(home + "/today").text.contains(#"value="heart" aria-pressed="true""#)
            XCTAssertTrue(hoisted10)
            let hoisted11 = try await ben.get(home + "/today").text.contains("Ana reacted ❤️ Love")
            XCTAssertTrue(hoisted11)
            try await ana.get(home + "/today")
            _ = try await ana.post(home + "/days/\(day)/reaction", ["reaction": "none", "back": "today"])
            let hoisted12 = try await ben.get(home + "/today").text.contains("Ana reacted")
            XCTAssertFalse(hoisted12)
            // Junk never becomes an error page.
            try await ana.get(home + "/today")
            let junk = try await ana.post(home + "/days/\(day)/reaction", ["reaction": "<script>"])
            XCTAssertEqual(junk.status, .seeOther)

            try await ben.get(home + "/appreciations")
            _ = try await ben.post(home + "/appreciations", ["text": "Thank you"])
            let list = try await ana.get(home + "/appreciations").text
            let hoisted13 = try await Appreciation.query(on: app.db).first()
            let note = try XCTUnwrap(hoisted13).id!.uuidString.lowercased()
            XCTAssertTrue(list.contains("/appreciations/\(note)/reaction"))
            _ = try await ana.post(home + "/appreciations/\(note)/reaction", ["reaction": "hug"])
            let hoisted14 = try await ben.get(home + "/appreciations").text.contains("Ana reacted 🤗 Hug")
            XCTAssertTrue(hoisted14)
            let hoisted15 = try await ben.get(home + "/appreciations").text.contains("/appreciations/\(note)/reaction")
            XCTAssertFalse(hoisted15, "not on your own note")
        }
    }

    func testThemesPageSavesAndRefusesAnEmptyChoice() async throws {
        try await withApp { app, _ in
            let (ana, ben, home) = try await pair(app, kind: "family")
            let page = try await ana.get(home + "/themes").text
            XCTAssertTrue(page.contains("For example:"), "each deck with a sample question")
            XCTAssertFalse(page.contains("deck-partners"), "a romantic-only deck is not offered to family")
            let empty = try await ana.post(home + "/themes", ["depth": "rising"])
            XCTAssertEqual(empty.status, .unprocessableEntity)
            XCTAssertTrue(empty.text.contains("Choose at least one deck."))
            try await ana.get(home + "/themes")
            let saved = try await ana.post(home + "/themes", ["decks[]": "everyday", "depth": "1"])
            XCTAssertEqual(saved.location, home + "/settings")
            let hoisted16 = try await Bond.query(on: app.db).first()
            let bond = try XCTUnwrap(hoisted16)
            XCTAssertEqual(bond.themeDecks, "everyday")
            XCTAssertEqual(bond.themeDepth, 1)
            let hoisted17 = try await ben.get(home + "/settings").text.contains("Everyday · Keep it light")
            XCTAssertTrue(hoisted17)
        }
    }
}
