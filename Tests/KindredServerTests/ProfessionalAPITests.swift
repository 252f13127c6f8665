import XCTVapor
@testable import KindredServer

/// A therapist or counsellor through the API (issue 14): signing up as one, invites, consent
/// from both, the summary, the access log, withdrawal — and what never reaches them.
final class ProfessionalAPITests: XCTestCase {
    static let csiHigh = ["csi1": 5, "csi2": 5, "csi3": 4, "csi4": 4]  // 18: above the cut-off
    static let csiLow = ["csi1": 2, "csi2": 3, "csi3": 2, "csi4": 2]  // 9: below it

    func testAProfessionalSignsUpWithTheirPracticeAndCannotPractise() async throws {
        try await withApp { app, _ in
            let ames = try await app.professional("Jo Ames", practice: "Harbour Counselling")
            let me = try await app.send(.GET, "/api/v1/me", token: ames.token)
            XCTAssertEqual(me.json["role"] as? String, "professional", "the role survives the email link")
            XCTAssertEqual(me.json["practiceName"] as? String, "Harbour Counselling")
            let bond = try await app.send(.POST, "/api/v1/bonds", json: ["kind": "romantic"], token: ames.token)
            XCTAssertEqual(bond.status, .forbidden)
            XCTAssertEqual(bond.json["code"] as? String, "professional-account")
            let ana = try await app.person("Ana")
            let bondID = try await app.bond(of: ana, kind: "romantic")
            let (code, _) = try await app.invite(to: bondID, by: ana)
            let join = try await app.send(.POST, "/api/v1/invites/\(code)/accept", token: ames.token)
            XCTAssertEqual(join.status, .forbidden, "a professional joins no bond as a member")
            let stillOpen = try await app.send(.GET, "/api/v1/bonds/\(bondID)", token: ana.token)
            XCTAssertEqual((stillOpen.json["members"] as? [[String: Any]])?.count, 1)
            // Members are members: no practice name, and an unknown role is named.
            let odd = try await app.send(.POST, "/api/v1/accounts", json: ["email": "x@example.org", "password": "a long and lovely passphrase", "displayName": "X", "role": "admin"])
            XCTAssertEqual(odd.problemFields, ["role"])
            let memberWithPractice = try await app.send(.POST, "/api/v1/accounts", json: ["email": "y@example.org", "password": "a long and lovely passphrase", "displayName": "Y", "practiceName": "Mine"])
            XCTAssertEqual(memberWithPractice.problemFields, ["practiceName"])
            let tooLong = try await app.send(.POST, "/api/v1/accounts", json: ["email": "z@example.org", "password": "a long and lovely passphrase", "displayName": "Z", "role": "professional", "practiceName": String(repeating: "p", count: 121)])
            XCTAssertEqual(tooLong.problemFields, ["practiceName"])
        }
    }

    func testAccessOpensOnlyOnceBothConsentToWhatBothChoseAndClosesAtOnceOnWithdrawal() async throws {
        try await withApp { app, clock in
            let (ana, ben, bondID) = try await app.pair(kind: "romantic")
            let ames = try await app.professional("Jo Ames")
            // A member cannot accept a professional's invite; a professional can, once.
            let invite = try await app.send(.POST, "/api/v1/bonds/\(bondID)/professional-invites", token: ana.token)
            XCTAssertEqual(invite.status, .created)
            let code = invite.json["code"] as? String ?? ""
            XCTAssertGreaterThanOrEqual(code.count * 5, 80, "at least 80 bits")
            XCTAssertTrue((invite.json["url"] as? String ?? "").hasSuffix("/professional-invites/\(code)"))
            let byMember = try await app.send(.POST, "/api/v1/professional-invites/\(code)/accept", token: ben.token)
            XCTAssertEqual(byMember.status, .forbidden)
            let preview = try await app.send(.GET, "/api/v1/professional-invites/\(code)", token: ames.token)
            XCTAssertEqual(preview.json["inviterName"] as? String, "Ana")
            let accepted = try await app.send(.POST, "/api/v1/professional-invites/\(code)/accept", token: ames.token)
            XCTAssertEqual(accepted.status, .ok, accepted.body)
            XCTAssertEqual(accepted.json["state"] as? String, "awaiting-consent")
            XCTAssertEqual(accepted.json["names"] as? [String], [], "no names before both consent")
            let again = try await app.send(.POST, "/api/v1/professional-invites/\(code)/accept", token: ames.token)
            XCTAssertEqual(again.status, .gone, "single use")

            let summaryPath = "/api/v1/professional/bonds/\(bondID)/summary"
            let closed = try await app.send(.GET, summaryPath, token: ames.token)
            XCTAssertEqual(closed.status, .forbidden)
            XCTAssertEqual(closed.json["code"] as? String, "summary-closed")
            try await app.consent(bondID, by: ana, to: ames, scopes: ["shared-results", "checkins", "rhythm"])
            let oneConsented = try await app.send(.GET, summaryPath, token: ames.token)
            XCTAssertEqual(oneConsented.status, .forbidden, "one member's consent is not enough")
            let bensView = try await app.send(.GET, "/api/v1/bonds/\(bondID)/professional-consent", token: ben.token)
            let listed = (bensView.json["professionals"] as? [[String: Any]])?.first
            XCTAssertEqual(listed?["otherConsented"] as? Bool, true)
            XCTAssertEqual(listed?["credentialsNote"] as? String, ProfessionalStateText.selfDescribed)
            XCTAssertEqual((bensView.json["scopes"] as? [[String: Any]])?.count, 5, "each scope explained")

            let both = try await app.consent(bondID, by: ben, to: ames, scopes: ["shared-results", "rhythm", "answers"])
            XCTAssertEqual(both.json["state"] as? String, "open")
            XCTAssertEqual(both.json["scopes"] as? [String], ["shared-results", "rhythm"], "what both chose")
            // Each person's export holds their own side: what they consented to, the bonds served.
            let bensExport = try await app.send(.GET, "/api/v1/me/export", token: ben.token)
            XCTAssertEqual((bensExport.json["professionalConsents"] as? [[String: Any]])?.first?["professionalName"] as? String, "Jo Ames")
            XCTAssertEqual((bensExport.json["professionalConsents"] as? [[String: Any]])?.first?["scopes"] as? [String], ["shared-results", "rhythm", "answers"])
            let amesExport = try await app.send(.GET, "/api/v1/me/export", token: ames.token)
            XCTAssertEqual((amesExport.json["bondsServed"] as? [[String: Any]])?.first?["bondId"] as? String, bondID)
            clock.advance(60)
            let open = try await app.send(.GET, summaryPath, token: ames.token)
            XCTAssertEqual(open.status, .ok, open.body)
            XCTAssertEqual(open.json["scopes"] as? [String], ["shared-results", "rhythm"])
            XCTAssertNil(open.json["answers"] as? [Any], "answers only if both chose them")
            let servedOpen = try await app.send(.GET, "/api/v1/professional/bonds", token: ames.token)
            XCTAssertEqual(servedOpen.jsonArray.first?["names"] as? [String], ["Ana", "Ben"], "first names once open")
            XCTAssertTrue((open.json["members"] as? [[String: Any]])?.allSatisfy { ($0["checkins"] as? [Any])?.isEmpty == true } ?? false)

            // Both members read every view in the log.
            for member in [ana, ben] {
                let log = try await app.send(.GET, "/api/v1/bonds/\(bondID)/professional-access-log", token: member.token)
                XCTAssertEqual(log.jsonArray.count, 1)
                XCTAssertEqual(log.jsonArray.first?["professionalName"] as? String, "Jo Ames")
                XCTAssertEqual(log.jsonArray.first?["scopes"] as? [String], ["shared-results", "rhythm"])
            }
            let notLogged = try await app.send(.GET, "/api/v1/bonds/\(bondID)/professional-access-log", token: ames.token)
            XCTAssertEqual(notLogged.status, .notFound, "the log is the members'")

            // Ben withdraws: access ends at once; Ana sees that it ended, not who ended it.
            try await app.consent(bondID, by: ben, to: ames, scopes: [], consent: false)
            let afterWithdrawal = try await app.send(.GET, summaryPath, token: ames.token)
            XCTAssertEqual(afterWithdrawal.status, .forbidden)
            let anasView = try await app.send(.GET, "/api/v1/bonds/\(bondID)/professional-consent", token: ana.token)
            let ended = (anasView.json["professionals"] as? [[String: Any]])?.first
            XCTAssertEqual(ended?["state"] as? String, "ended")
            XCTAssertNotNil(ended?["endedAt"] as? String)
            XCTAssertEqual(ended?["otherConsented"] as? Bool, false, "nothing says who ended it")
            XCTAssertFalse(anasView.body.contains("withdrawnBy") || anasView.body.contains(ben.id))
            let served = try await app.send(.GET, "/api/v1/professional/bonds", token: ames.token)
            XCTAssertEqual(served.jsonArray.first?["state"] as? String, "ended")
            XCTAssertEqual(served.jsonArray.first?["names"] as? [String], [], "no names once access ended")
            // Withdrawn is for good: consenting again changes nothing.
            let reconsent = try await app.send(.PUT, "/api/v1/bonds/\(bondID)/professional-consent",
                                               json: ["professionalId": ames.id, "scopes": ["rhythm"], "consent": true], token: ben.token)
            XCTAssertEqual(reconsent.status, .notFound)
        }
    }

    func testConsentIsCheckedAndOnlyProfessionalsReachTheirRoutes() async throws {
        try await withApp { app, _ in
            let (ana, _, bondID) = try await app.pair(kind: "friendship")
            let ames = try await app.professional("Jo Ames")
            try await app.serve(bondID, by: ames, invitedBy: ana)
            let path = "/api/v1/bonds/\(bondID)/professional-consent"
            let none = try await app.send(.PUT, path, json: ["professionalId": ames.id, "scopes": [], "consent": true], token: ana.token)
            XCTAssertEqual(none.problemFields, ["scopes"])
            let notes = try await app.send(.PUT, path, json: ["professionalId": ames.id, "scopes": ["checkin-notes"], "consent": true], token: ana.token)
            XCTAssertEqual(notes.problemFields, ["scopes"])
            let unknown = try await app.send(.PUT, path, json: ["professionalId": ames.id, "scopes": ["everything"], "consent": true], token: ana.token)
            XCTAssertEqual(unknown.problemFields, ["scopes"])
            let missing = try await app.send(.PUT, path, json: ["scopes": ["rhythm"]], token: ana.token)
            XCTAssertEqual(Set(missing.problemFields), ["professionalId", "consent"])
            let stranger = try await app.send(.PUT, path, json: ["professionalId": ana.id, "scopes": ["rhythm"], "consent": true], token: ana.token)
            XCTAssertEqual(stranger.status, .notFound)
            let asMember = try await app.send(.GET, "/api/v1/professional/bonds", token: ana.token)
            XCTAssertEqual(asMember.status, .forbidden)
            let badSince = try await app.send(.GET, "/api/v1/professional/bonds/\(bondID)/summary?since=yesterday", token: ames.token)
            XCTAssertEqual(badSince.problemFields, ["since"])
            // A professional reaches nothing of the bond itself.
            for member in ["", "/today", "/dashboard", "/assessments", "/professional-access-log", "/professional-consent"] {
                let response = try await app.send(.GET, "/api/v1/bonds/\(bondID)\(member)", token: ames.token)
                XCTAssertEqual(response.status, .notFound, member)
            }
        }
    }

    /// What is private stays private: with every scope but answers, nothing of these reaches
    /// any response the professional can fetch.
    func testCanariesNeverReachTheProfessional() async throws {
        try await withApp { app, clock in
            let (ana, ben, bondID) = try await app.pair(kind: "romantic")
            let ames = try await app.professional("Jo Ames")
            try await app.serve(bondID, by: ames, invitedBy: ana)
            let all = ["shared-results", "checkins", "checkin-notes", "rhythm"]
            try await app.consent(bondID, by: ana, to: ames, scopes: all)
            try await app.consent(bondID, by: ben, to: ames, scopes: all)
            let send = { (path: String, body: [String: Any], who: APIPerson) async throws -> TestResponse in
                try await app.send(.POST, "/api/v1/bonds/\(bondID)/\(path)", json: body, token: who.token)
            }
            _ = try await app.send(.PUT, "/api/v1/bonds/\(bondID)/today/answer", json: ["text": "Canary-answer-ana"], token: ana.token)
            _ = try await app.send(.PUT, "/api/v1/bonds/\(bondID)/today/answer", json: ["text": "Canary-answer-ben"], token: ben.token)
            let allNo = Dictionary(uniqueKeysWithValues: ["afraid", "hurt", "threatened", "insulted", "money", "phone", "isolated", "pressured", "children", "walking-on-eggshells"].map { ($0, false) })
            let check = try await app.send(.POST, "/api/v1/safety-check", json: ["answers": allNo, "save": true], token: ana.token)
            XCTAssertEqual(check.status, .ok)
            let repair = try await send("repairs", ["happened": "Canary-repair"], ana)
            let marks = try await app.send(.PUT, "/api/v1/bonds/\(bondID)/desires", json: ["confirmAdult": true, "marks": ["time-01": "yes"]], token: ana.token)
            let appreciation = try await send("appreciations", ["text": "Canary-thanks"], ben)
            let unshared = try await send("assessments", ["instrument": "csi4", "answers": Self.csiLow, "share": false], ana)
            let prediction = try await send("assessments", ["instrument": "eis", "answers": ["eis1": 1, "eis2": 1, "eis3": 1, "eis4": 1, "eis5": 1], "mode": "predict"], ben)
            let shared = try await send("assessments", ["instrument": "eis", "answers": ["eis1": 5, "eis2": 4, "eis3": 4, "eis4": 4, "eis5": 4], "share": true], ana)
            XCTAssertEqual([repair.status, marks.status, appreciation.status, unshared.status, prediction.status, shared.status],
                           [.created, .ok, .created, .created, .created, .created])
            clock.advance(3600)
            let summary = try await app.send(.GET, "/api/v1/professional/bonds/\(bondID)/summary", token: ames.token)
            XCTAssertEqual(summary.status, .ok, summary.body)
            let eis = ((summary.json["members"] as? [[String: Any]])?.first?["measures"] as? [[String: Any]])?.first { $0["instrument"] as? String == "eis" }
            XCTAssertEqual((eis?["readings"] as? [[String: Any]])?.count, 1, "the shared result is there")
            let csi = ((summary.json["members"] as? [[String: Any]])?.first?["measures"] as? [[String: Any]])?.first { $0["instrument"] as? String == "csi4" }
            XCTAssertEqual((csi?["readings"] as? [[String: Any]])?.count, 0, "the unshared one is not")
            XCTAssertEqual(csi?["cutoff"] as? Double, 13.5)
            let web = Browser(app)
            _ = try await web.signIn(ames.email)
            let page = try await web.get("/professional/bonds/\(bondID)")
            XCTAssertEqual(page.status, .ok)
            let list = try await web.get("/professional")
            let responses = [
                summary,
                try await app.send(.GET, "/api/v1/professional/bonds", token: ames.token),
                try await app.send(.GET, "/api/v1/me", token: ames.token),
                try await app.send(.GET, "/api/v1/me/export", token: ames.token),
                try await app.send(.GET, "/api/v1/bonds/\(bondID)/repairs", token: ames.token),
                try await app.send(.GET, "/api/v1/bonds/\(bondID)/desires", token: ames.token),
                try await app.send(.GET, "/api/v1/bonds/\(bondID)/days", token: ames.token),
                page, list,
            ]
            let checkID = try XCTUnwrap((check.json["saved"] as? [String: Any])?["id"] as? String)
            let canaries = ["Canary-answer", "Canary-repair", "Canary-thanks", "time-01", ana.email, ben.email, checkID, "\"total\":9"]
            for response in responses {
                for canary in canaries { XCTAssertFalse(response.body.contains(canary), "\(canary) reached the professional: \(response.body.prefix(200))") }
            }
        }
    }

    func testWithTheAnswersScopeOnlyRevealedAnswersShowAndNotableChangesRestOnTheirDates() async throws {
        try await withApp { app, clock in
            let (ana, ben, bondID) = try await app.pair(kind: "romantic")
            let ames = try await app.professional("Jo Ames")
            try await app.serve(bondID, by: ames, invitedBy: ana)
            let first = try await app.send(.POST, "/api/v1/bonds/\(bondID)/assessments", json: ["instrument": "csi4", "answers": Self.csiHigh, "share": true], token: ana.token)
            _ = try await app.send(.PUT, "/api/v1/bonds/\(bondID)/today/answer", json: ["text": "Revealed-ana"], token: ana.token)
            _ = try await app.send(.PUT, "/api/v1/bonds/\(bondID)/today/answer", json: ["text": "Revealed-ben"], token: ben.token)
            clock.advance(14 * 86_400)
            let later = try await app.send(.POST, "/api/v1/bonds/\(bondID)/assessments", json: ["instrument": "csi4", "answers": Self.csiLow, "share": true], token: ana.token)
            _ = try await app.send(.PUT, "/api/v1/bonds/\(bondID)/today/answer", json: ["text": "Unrevealed-ana"], token: ana.token)
            XCTAssertEqual([first.status, later.status], [.created, .created])
            for member in [ana, ben] { try await app.consent(bondID, by: member, to: ames, scopes: ["shared-results", "answers"]) }
            let since = try await app.send(.GET, "/api/v1/professional/bonds/\(bondID)/summary?since=2027-01-16", token: ames.token)
            XCTAssertEqual(since.status, .ok, since.body)
            XCTAssertTrue(since.body.contains("Revealed-ana") && since.body.contains("Revealed-ben"))
            XCTAssertFalse(since.body.contains("Unrevealed-ana"), "Ben has not answered that day")
            let changes = since.json["notableChanges"] as? [[String: Any]] ?? []
            XCTAssertEqual(changes.map { $0["kind"] as? String }, ["csi4-below-cutoff"])
            XCTAssertEqual(changes.first?["member"] as? String, "Ana")
            XCTAssertEqual(changes.first?["from"] as? String, first.json["takenAt"] as? String)
            XCTAssertEqual(changes.first?["to"] as? String, later.json["takenAt"] as? String)
            clock.advance(86_400)
            let sinceLater = try await app.send(.GET, "/api/v1/professional/bonds/\(bondID)/summary?since=2027-01-30", token: ames.token)
            XCTAssertEqual((sinceLater.json["notableChanges"] as? [Any])?.count, 0, "nothing changed since the latest reading")
        }
    }

    func testLeavingTheBondEndsAccessAndAnotherBondsProfessionalSeesNothing() async throws {
        try await withApp { app, _ in
            let (ana, ben, bondID) = try await app.pair(kind: "family")
            let (cai, dee, otherBond) = try await app.pair(kind: "friendship")
            let ames = try await app.professional("Jo Ames")
            let bell = try await app.professional("Sam Bell")
            try await app.serve(bondID, by: ames, invitedBy: ana)
            try await app.serve(otherBond, by: bell, invitedBy: cai)
            for (member, pro, bond) in [(ana, ames, bondID), (ben, ames, bondID), (cai, bell, otherBond), (dee, bell, otherBond)] {
                try await app.consent(bond, by: member, to: pro, scopes: ["rhythm"])
            }
            let crossed = try await app.send(.GET, "/api/v1/professional/bonds/\(bondID)/summary", token: bell.token)
            XCTAssertEqual(crossed.status, .notFound)
            let wrongBond = try await app.send(.PUT, "/api/v1/bonds/\(bondID)/professional-consent", json: ["professionalId": bell.id, "scopes": ["rhythm"], "consent": true], token: ana.token)
            XCTAssertEqual(wrongBond.status, .notFound)
            let open = try await app.send(.GET, "/api/v1/professional/bonds/\(bondID)/summary", token: ames.token)
            XCTAssertEqual(open.status, .ok)
            let left = try await app.send(.POST, "/api/v1/bonds/\(bondID)/leave", token: ben.token)
            XCTAssertEqual(left.status, .ok)
            let afterLeaving = try await app.send(.GET, "/api/v1/professional/bonds/\(bondID)/summary", token: ames.token)
            XCTAssertEqual(afterLeaving.status, .forbidden)
            let list = try await app.send(.GET, "/api/v1/professional/bonds", token: ames.token)
            XCTAssertEqual(list.jsonArray.first?["state"] as? String, "ended")
        }
    }

    func testInvitesCanBeWithdrawnExpireAndAreTakenOnceUnderARace() async throws {
        try await withApp { app, clock in
            let (ana, ben, bondID) = try await app.pair()
            let ames = try await app.professional("Jo Ames")
            let bell = try await app.professional("Sam Bell")
            let invite = try await app.send(.POST, "/api/v1/bonds/\(bondID)/professional-invites", token: ana.token)
            let pending = try await app.send(.GET, "/api/v1/bonds/\(bondID)/professional-invites", token: ben.token)
            XCTAssertEqual(pending.jsonArray.count, 1)
            let revoked = try await app.send(.DELETE, "/api/v1/bonds/\(bondID)/professional-invites/\(invite.json["id"] as? String ?? "")", token: ben.token)
            XCTAssertEqual(revoked.status, .noContent, "either member may withdraw a link")
            let afterRevoke = try await app.send(.POST, "/api/v1/professional-invites/\(invite.json["code"] as? String ?? "")/accept", token: ames.token)
            XCTAssertEqual(afterRevoke.status, .gone)
            let old = try await app.send(.POST, "/api/v1/bonds/\(bondID)/professional-invites", token: ana.token)
            clock.advance(7 * 86_400 + 1)
            let expired = try await app.send(.POST, "/api/v1/professional-invites/\(old.json["code"] as? String ?? "")/accept", token: ames.token)
            XCTAssertEqual(expired.status, .gone)
            let fresh = try await app.send(.POST, "/api/v1/bonds/\(bondID)/professional-invites", token: ana.token)
            let path = "/api/v1/professional-invites/\(fresh.json["code"] as? String ?? "")/accept"
            let tokens = [ames.token, bell.token]
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for token in tokens { group.addTask { try await app.send(.POST, path, token: token).status } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            XCTAssertEqual(statuses.filter { $0 == .ok }.count, 1, "\(statuses)")
            let serving = try await app.send(.GET, "/api/v1/bonds/\(bondID)/professional-consent", token: ana.token)
            XCTAssertEqual((serving.json["professionals"] as? [Any])?.count, 1)
            let unknown = try await app.send(.POST, "/api/v1/professional-invites/not-a-code/accept", token: ames.token)
            XCTAssertEqual(unknown.status, .notFound)
        }
    }

    func testAccountsGoingEndAccessAndTheLogPagesAndALateWithdrawalOfALinkIsRefused() async throws {
        try await withApp { app, clock in
            let (ana, ben, bondID) = try await app.pair(kind: "romantic")
            let ames = try await app.professional("Jo Ames")
            // A link withdrawn after it was used: refused, not a silent 204.
            let invite = try await app.send(.POST, "/api/v1/bonds/\(bondID)/professional-invites", token: ana.token)
            _ = try await app.send(.POST, "/api/v1/professional-invites/\(invite.json["code"] as? String ?? "")/accept", token: ames.token)
            let late = try await app.send(.DELETE, "/api/v1/bonds/\(bondID)/professional-invites/\(invite.json["id"] as? String ?? "")", token: ben.token)
            XCTAssertEqual(late.status, .conflict)
            for member in [ana, ben] { try await app.consent(bondID, by: member, to: ames, scopes: ["rhythm"]) }
            for _ in 0..<3 {
                clock.advance(60)
                _ = try await app.send(.GET, "/api/v1/professional/bonds/\(bondID)/summary", token: ames.token)
            }
            let page = try await app.send(.GET, "/api/v1/bonds/\(bondID)/professional-access-log?limit=2", token: ana.token)
            XCTAssertEqual(page.jsonArray.count, 2)
            XCTAssertTrue(page.headers.first(name: .link)?.contains("offset=2") ?? false, "the earliest view is a page away, not gone")
            let rest = try await app.send(.GET, "/api/v1/bonds/\(bondID)/professional-access-log?limit=2&offset=2", token: ana.token)
            XCTAssertEqual(rest.jsonArray.count, 1)

            // The professional deletes their account: the members see that access ended, by name.
            let gone = try await app.send(.DELETE, "/api/v1/me", json: ["password": ames.password], token: ames.token)
            XCTAssertEqual(gone.status, .noContent)
            let view = try await app.send(.GET, "/api/v1/bonds/\(bondID)/professional-consent", token: ben.token)
            let card = (view.json["professionals"] as? [[String: Any]])?.first
            XCTAssertEqual(card?["state"] as? String, "ended")
            XCTAssertEqual(card?["displayName"] as? String, "Jo Ames")
            let log = try await app.send(.GET, "/api/v1/bonds/\(bondID)/professional-access-log", token: ben.token)
            XCTAssertEqual(log.jsonArray.count, 3, "the log outlives the account")

            // A member deleting theirs ends another professional's access too.
            let bell = try await app.professional("Sam Bell")
            let (cai, dee, other) = try await app.pair()
            try await app.serve(other, by: bell, invitedBy: cai)
            for member in [cai, dee] { try await app.consent(other, by: member, to: bell, scopes: ["rhythm"]) }
            let open = try await app.send(.GET, "/api/v1/professional/bonds/\(other)/summary", token: bell.token)
            XCTAssertEqual(open.status, .ok)
            let deleted = try await app.send(.DELETE, "/api/v1/me", json: ["password": dee.password], token: dee.token)
            XCTAssertEqual(deleted.status, .noContent)
            let closed = try await app.send(.GET, "/api/v1/professional/bonds/\(other)/summary", token: bell.token)
            XCTAssertEqual(closed.status, .forbidden)
            let invites = try await app.send(.GET, "/api/v1/bonds/\(other)/professional-invites", token: cai.token)
            XCTAssertEqual(invites.jsonArray.count, 0, "links end with the bond")
        }
    }
}
