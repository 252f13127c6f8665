import Fluent
import XCTVapor
@testable import KindredServer
import KindredCore

/// Nothing one person does can make a list grow without end: replies are capped per member
/// and day, waiting bonds per person, and every list is paged (issue 11, item 10).
final class BoundedListsTests: XCTestCase {
    private func revealedDay(_ app: Application, _ ana: APIPerson, _ ben: APIPerson, _ bond: String) async throws -> String {
        for (person, text) in [(ana, "Ana's answer"), (ben, "Ben's answer")] {
            let answered = try await app.send(.PUT, "/api/v1/bonds/\(bond)/today/answer", json: ["text": text], token: person.token)
            XCTAssertEqual(answered.status, .ok, answered.body)
        }
        let today = try await app.send(.GET, "/api/v1/bonds/\(bond)/today", token: ana.token)
        return try XCTUnwrap((today.json["today"] as? [String: Any])?["day"] as? String)
    }

    func testABurstOfRepliesStopsAtTheDaysCapAndTheRestArePaged() async throws {
        try await withApp { app, clock in
            let (ana, ben, bond) = try await app.pair()
            let unrevealed = try await app.send(.GET, "/api/v1/bonds/\(bond)/today", token: ana.token)
            let day = try XCTUnwrap((unrevealed.json["today"] as? [String: Any])?["day"] as? String)
            _ = try await app.send(.PUT, "/api/v1/bonds/\(bond)/today/answer", json: ["text": "Ana's answer"], token: ana.token)
            let before = try await app.send(.GET, "/api/v1/bonds/\(bond)/days/\(day)/replies", token: ana.token)
            XCTAssertEqual(before.status, .ok)
            XCTAssertEqual(before.jsonArray.count, 0, "nothing before the reveal")
            let revealed = try await revealedDay(app, ana, ben, bond)
            XCTAssertEqual(revealed, day)

            let limit = TextRules.repliesPerMemberPerDay
            let statuses = try await withThrowingTaskGroup(of: UInt.self) { group in
                for n in 0..<(limit + 12) {
                    group.addTask {
                        try await app.send(.POST, "/api/v1/bonds/\(bond)/days/\(day)/replies", json: ["text": "Reply \(n)"], token: ana.token).status.code
                    }
                }
                return try await group.reduce(into: [UInt]()) { $0.append($1) }
            }
            XCTAssertEqual(statuses.filter { $0 == 201 }.count, limit, "exactly the cap, however many arrive at once")
            XCTAssertEqual(statuses.filter { $0 == 409 }.count, 12)
            let stored = try await DailyReply.query(on: app.db).count()
            XCTAssertEqual(stored, limit)
            let full = try await app.send(.POST, "/api/v1/bonds/\(bond)/days/\(day)/replies", json: ["text": "One more"], token: ana.token)
            XCTAssertEqual(full.json["code"] as? String, "replies-full")
            XCTAssertTrue(full.body.contains("as many as one day holds"), full.body)
            clock.advance(1)
            let fromBen = try await app.send(.POST, "/api/v1/bonds/\(bond)/days/\(day)/replies", json: ["text": "Ben's turn"], token: ben.token)
            XCTAssertEqual(fromBen.status, .created, "Ana's cap is hers, not Ben's")

            // Ben reads them a page at a time: 101 in all, oldest first.
            var seen: [[String: Any]] = []
            var next: String? = "/api/v1/bonds/\(bond)/days/\(day)/replies?limit=40"
            while let path = next {
                let page = try await app.send(.GET, path, token: ben.token)
                XCTAssertEqual(page.status, .ok, page.body)
                XCTAssertLessThanOrEqual(page.jsonArray.count, 40)
                seen += page.jsonArray
                next = page.headers.first(name: .link).flatMap { $0.split(separator: ">").first.map { String($0.dropFirst()) } }
            }
            XCTAssertEqual(seen.count, limit + 1)
            XCTAssertEqual(Set(seen.compactMap { $0["text"] as? String }).count, limit + 1, "each reply once across the pages")
            XCTAssertEqual(seen.last?["text"] as? String, "Ben's turn")
            XCTAssertEqual(seen.filter { $0["yours"] as? Bool == true }.count, 1, "from Ben's side only his own is his")
            let stranger = try await app.person("Cai")
            let outsider = try await app.send(.GET, "/api/v1/bonds/\(bond)/days/\(day)/replies", token: stranger.token)
            XCTAssertEqual(outsider.status, .notFound)
            XCTAssertFalse(outsider.body.contains("Reply"))
        }
    }

    func testTheWebSaysSoWhenTheDayIsFull() async throws {
        try await withApp { app, _ in
            let ana = Browser(app)
            let email = try await ana.register("Ana")
            let token = try await app.send(.POST, "/api/v1/tokens", json: ["email": email, "password": "a long and lovely passphrase"])
            let anaAPI = APIPerson(email: email, password: "a long and lovely passphrase", token: token.json["token"] as? String ?? "", id: "")
            let ben = try await app.person("Ben")
            let bond = try await app.bond(of: anaAPI)
            let (code, _) = try await app.invite(to: bond, by: anaAPI)
            _ = try await app.send(.POST, "/api/v1/invites/\(code)/accept", token: ben.token)
            let day = try await revealedDay(app, anaAPI, ben, bond)
            for n in 0..<TextRules.repliesPerMemberPerDay {
                _ = try await app.send(.POST, "/api/v1/bonds/\(bond)/days/\(day)/replies", json: ["text": "Reply \(n)"], token: anaAPI.token)
            }
            try await ana.get("/bonds/\(bond)/days/\(day)")
            let refused = try await ana.post("/bonds/\(bond)/days/\(day)/replies", ["text": "Just one more"])
            XCTAssertEqual(refused.status, .seeOther)
            let page = try await ana.get(refused.location ?? "")
            XCTAssertTrue(page.text.contains("as many as one day holds"), page.text)
            let stored = try await DailyReply.query(on: app.db).count()
            XCTAssertEqual(stored, TextRules.repliesPerMemberPerDay)
        }
    }

    func testWaitingBondsAreCappedEvenInABurstAndLeavingOneMakesRoom() async throws {
        try await withApp { app, _ in
            let ana = try await app.person("Ana")
            let statuses = try await withThrowingTaskGroup(of: UInt.self) { group in
                for _ in 0..<(BondRules.maxWaiting + 5) {
                    group.addTask { try await app.send(.POST, "/api/v1/bonds", json: ["kind": "friendship"], token: ana.token).status.code }
                }
                return try await group.reduce(into: [UInt]()) { $0.append($1) }
            }
            XCTAssertEqual(statuses.filter { $0 == 201 }.count, BondRules.maxWaiting)
            XCTAssertEqual(statuses.filter { $0 == 409 }.count, 5)
            let refused = try await app.send(.POST, "/api/v1/bonds", json: ["kind": "family"], token: ana.token)
            XCTAssertEqual(refused.json["code"] as? String, "too-many-waiting-bonds")

            // Pages of the list, with a link to the next.
            let first = try await app.send(.GET, "/api/v1/bonds?limit=15", token: ana.token)
            XCTAssertEqual(first.jsonArray.count, 15)
            XCTAssertEqual(first.headers.first(name: .link), "</api/v1/bonds?limit=15&offset=15>; rel=\"next\"")
            let second = try await app.send(.GET, "/api/v1/bonds?limit=15&offset=15", token: ana.token)
            XCTAssertEqual(second.jsonArray.count, 5)
            XCTAssertNil(second.headers.first(name: .link))
            let bad = try await app.send(.GET, "/api/v1/bonds?limit=500", token: ana.token)
            XCTAssertEqual(bad.status, .badRequest)

            let oneID = try XCTUnwrap(first.jsonArray.first?["id"] as? String)
            let left = try await app.send(.POST, "/api/v1/bonds/\(oneID)/leave", token: ana.token)
            XCTAssertEqual(left.status, .ok)
            let again = try await app.send(.POST, "/api/v1/bonds", json: ["kind": "family"], token: ana.token)
            XCTAssertEqual(again.status, .created, "an ended bond no longer counts")

            // Someone else is not held back by Ana's bonds.
            let ben = try await app.person("Ben")
            let bens = try await app.send(.POST, "/api/v1/bonds", json: ["kind": "family"], token: ben.token)
            XCTAssertEqual(bens.status, .created)
        }
    }

    func testTheWebFormSaysWhyNoMoreBondsCanBeStartedAndListsPageByPage() async throws {
        try await withApp { app, _ in
            let browser = Browser(app)
            let email = try await browser.register("Ana")
            let token = try await app.send(.POST, "/api/v1/tokens", json: ["email": email, "password": "a long and lovely passphrase"])
            for _ in 0..<BondRules.maxWaiting {
                _ = try await app.send(.POST, "/api/v1/bonds", json: ["kind": "friendship"], token: token.json["token"] as? String)
            }
            try await browser.get("/bonds/new")
            let refused = try await browser.post("/bonds", ["kind": "romantic", "name": "Us"])
            XCTAssertEqual(refused.status, .conflict)
            XCTAssertTrue(refused.text.contains("20 bonds waiting for someone to join"), refused.text)
            XCTAssertTrue(refused.body.contains("value=\"Us\""), "the form keeps what was typed")

            // Two left and two more started: 22 bonds, more than a page of 20.
            let apiToken = token.json["token"] as? String
            let listed = try await app.send(.GET, "/api/v1/bonds", token: apiToken)
            for bond in listed.jsonArray.prefix(2) {
                _ = try await app.send(.POST, "/api/v1/bonds/\(bond["id"] as? String ?? "")/leave", token: apiToken)
                _ = try await app.send(.POST, "/api/v1/bonds", json: ["kind": "family"], token: apiToken)
            }
            let first = try await browser.get("/bonds")
            XCTAssertTrue(first.body.contains("href=\"/bonds?page=2\""), "a link to the next page")
            XCTAssertFalse(first.body.contains("Previous page"))
            let second = try await browser.get("/bonds?page=2")
            XCTAssertTrue(second.body.contains("href=\"/bonds?page=1\""))
            XCTAssertEqual(second.body.components(separatedBy: "<li class=\"card\">").count - 1, 2, "the two ended bonds come last")
            XCTAssertFalse(second.body.contains("?page=3"))
            let nonsense = try await browser.get("/bonds?page=-3")
            XCTAssertEqual(nonsense.status, .ok, "a page number that makes no sense shows the first page")
            let pastTheEnd = try await browser.get("/bonds?page=9")
            XCTAssertEqual(pastTheEnd.status, .seeOther, "a page past the end goes back to the first")
            XCTAssertEqual(pastTheEnd.location, "/bonds")
        }
    }

    func testSavedChecksArePaged() async throws {
        try await withApp { app, _ in
            let ana = try await app.person("Ana")
            for _ in 0..<23 {
                let saved = try await app.send(.POST, "/api/v1/safety-check", json: ["answers": SafetyTests.allNo, "save": true], token: ana.token)
                XCTAssertEqual(saved.status, .ok)
            }
            let first = try await app.send(.GET, "/api/v1/me/safety-checks?limit=20", token: ana.token)
            XCTAssertEqual(first.jsonArray.count, 20)
            XCTAssertNotNil(first.headers.first(name: .link))
            let rest = try await app.send(.GET, "/api/v1/me/safety-checks?limit=20&offset=20", token: ana.token)
            XCTAssertEqual(rest.jsonArray.count, 3)
            let ben = try await app.person("Ben")
            let bens = try await app.send(.GET, "/api/v1/me/safety-checks", token: ben.token)
            XCTAssertEqual(bens.jsonArray.count, 0, "never anyone else's")
        }
    }
}
