import Fluent
import XCTVapor
@testable import KindredServer
import KindredCore

final class MeasureAPITests: XCTestCase {
    let eisAnswers = ["eis1": 4, "eis2": 3, "eis3": 5, "eis4": 4, "eis5": 2]

    func take(_ app: Application, _ person: APIPerson, bond: String, instrument: String = "eis",
              answers: [String: Int]? = nil, mode: String = "self", share: Bool = false) async throws -> TestResponse {
        var body: [String: Any] = ["instrument": instrument, "answers": answers ?? eisAnswers, "mode": mode]
        if mode == "self" { body["share"] = share }
        return try await app.send(.POST, "/api/v1/bonds/\(bond)/assessments", json: body, token: person.token)
    }

    func testInstrumentsAreListedWithTheirCitation() async throws {
        try await withApp { app, _ in
            let ana = try await app.person("Ana")
            let list = try await app.send(.GET, "/api/v1/instruments", token: ana.token)
            XCTAssertEqual(list.jsonArray.compactMap { $0["key"] as? String }.sorted(), ["csi4", "eis", "intimacy-balance", "six-signs", "swls"])
            let eis = try await app.send(.GET, "/api/v1/instruments/eis", token: ana.token)
            XCTAssertTrue((eis.json["citation"] as? String ?? "").contains("Journal of Nursing Measurement"))
            XCTAssertEqual((eis.json["items"] as? [[String: Any]])?.count, 5)
            let signs = try await app.send(.GET, "/api/v1/instruments/six-signs", token: ana.token)
            XCTAssertEqual(signs.json["label"] as? String, "Kindred check — not a validated scale")
            let missing = try await app.send(.GET, "/api/v1/instruments/nope", token: ana.token)
            XCTAssertEqual(missing.status, .notFound)
        }
    }

    func testTakingTheEISScoresIt() async throws {
        try await withApp { app, _ in
            let (ana, _, bond) = try await app.pair()
            let response = try await take(app, ana, bond: bond)
            XCTAssertEqual(response.status, .created)
            let score = response.json["score"] as? [String: Any]
            XCTAssertEqual(score?["total"] as? Double, 18)
            XCTAssertEqual(score?["minimum"] as? Double, 5)
            XCTAssertEqual(score?["maximum"] as? Double, 25)
            XCTAssertEqual(response.json["shared"] as? Bool, false, "private by default")
            XCTAssertEqual(response.json["mode"] as? String, "self")
        }
    }

    func testInvalidAnswersAreNamedOnePerItem() async throws {
        try await withApp { app, _ in
            let (ana, _, bond) = try await app.pair()
            let response = try await take(app, ana, bond: bond, answers: ["eis1": 0, "eis2": 9, "eis3": 3, "extra": 2])
            XCTAssertEqual(response.status, .unprocessableEntity)
            XCTAssertEqual(Set(response.problemFields), ["answers.eis1", "answers.eis2", "answers.eis4", "answers.eis5", "answers.extra"])
            let fraction = try await app.send(.POST, "/api/v1/bonds/\(bond)/assessments",
                                              json: ["instrument": "eis", "answers": ["eis1": 2.5, "eis2": "3", "eis3": 3, "eis4": 3, "eis5": 3]], token: ana.token)
            XCTAssertEqual(Set(fraction.problemFields), ["answers.eis1", "answers.eis2"])
            let unknown = try await take(app, ana, bond: bond, instrument: "horoscope")
            XCTAssertEqual(unknown.problemFields, ["instrument"])
            let badMode = try await app.send(.POST, "/api/v1/bonds/\(bond)/assessments", json: ["instrument": "eis", "answers": eisAnswers, "mode": "guess"], token: ana.token)
            XCTAssertEqual(badMode.problemFields, ["mode"])
            let count = try await Assessment.query(on: app.db).count()
            XCTAssertEqual(count, 0, "nothing is stored from a refused answer set")
        }
    }

    func testRomanticOnlyMeasuresAreRefusedElsewhere() async throws {
        try await withApp { app, _ in
            let (ana, _, family) = try await app.pair(kind: "family")
            let csi = try await take(app, ana, bond: family, instrument: "csi4", answers: ["csi1": 3, "csi2": 3, "csi3": 3, "csi4": 3])
            XCTAssertEqual(csi.problemFields, ["instrument"])
            let romanticItems = try await take(app, ana, bond: family, instrument: "intimacy-balance", answers: [
                "emotional-satisfaction": 3, "emotional-attention": 3, "sexual-satisfaction": 2,
            ])
            XCTAssertEqual(romanticItems.problemFields, ["answers.sexual-satisfaction"])
            let emotionalOnly = try await take(app, ana, bond: family, instrument: "intimacy-balance", answers: [
                "emotional-satisfaction": 3, "emotional-attention": 3,
            ])
            XCTAssertEqual(emotionalOnly.status, .created)
        }
    }

    func testPredictionsNeedAPartnerAndStayPrivate() async throws {
        try await withApp { app, _ in
            let ana = try await app.person("Ana")
            let waiting = try await app.bond(of: ana)
            let alone = try await take(app, ana, bond: waiting, mode: "predict")
            XCTAssertEqual(alone.problemFields, ["mode"])
            let (cai, _, bond) = try await app.pair()
            let shared = try await app.send(.POST, "/api/v1/bonds/\(bond)/assessments",
                                            json: ["instrument": "eis", "answers": eisAnswers, "mode": "predict", "share": true], token: cai.token)
            XCTAssertEqual(shared.problemFields, ["share"])
        }
    }

    func testAnUnsharedResultIsAbsentFromEverythingThePartnerCanFetch() async throws {
        try await withApp { app, _ in
            let (ana, ben, bond) = try await app.pair()
            let result = try await take(app, ana, bond: bond, answers: ["eis1": 1, "eis2": 2, "eis3": 1, "eis4": 2, "eis5": 1])
            let id = try XCTUnwrap(result.json["id"] as? String)
            let prediction = try await take(app, ana, bond: bond, answers: ["eis1": 5, "eis2": 5, "eis3": 5, "eis4": 4, "eis5": 5], mode: "predict")
            let predictionID = try XCTUnwrap(prediction.json["id"] as? String)
            for path in ["/api/v1/bonds/\(bond)/assessments", "/api/v1/bonds/\(bond)/assessments?instrument=eis",
                         "/api/v1/bonds/\(bond)/dashboard", "/api/v1/bonds/\(bond)/measures/eis", "/api/v1/bonds/\(bond)"] {
                let response = try await app.send(.GET, path, token: ben.token)
                XCTAssertEqual(response.status, .ok, path)
                let body = response.body.lowercased()
                XCTAssertFalse(body.contains(id.lowercased()), "\(path) shows the unshared result")
                XCTAssertFalse(body.contains(predictionID.lowercased()), "\(path) shows the prediction")
                XCTAssertFalse(body.contains("\"total\":7"), "\(path) shows the unshared score")
            }
            let direct = try await app.send(.GET, "/api/v1/bonds/\(bond)/assessments/\(id)", token: ben.token)
            XCTAssertEqual(direct.status, .notFound)
            let directPrediction = try await app.send(.GET, "/api/v1/bonds/\(bond)/assessments/\(predictionID)", token: ben.token)
            XCTAssertEqual(directPrediction.status, .notFound)
            let share = try await app.send(.PATCH, "/api/v1/bonds/\(bond)/assessments/\(id)", json: ["shared": true], token: ben.token)
            XCTAssertEqual(share.status, .notFound, "nobody shares someone else's result")
            let mine = try await app.send(.GET, "/api/v1/bonds/\(bond)/assessments", token: ana.token)
            XCTAssertEqual((mine.json["yours"] as? [[String: Any]])?.count, 2, "the owner sees both")
        }
    }

    func testSharingShowsItAndUnsharingHidesItAgain() async throws {
        try await withApp { app, _ in
            let (ana, ben, bond) = try await app.pair()
            let result = try await take(app, ana, bond: bond)
            let id = try XCTUnwrap(result.json["id"] as? String)
            let shared = try await app.send(.PATCH, "/api/v1/bonds/\(bond)/assessments/\(id)", json: ["shared": true], token: ana.token)
            XCTAssertEqual(shared.json["shared"] as? Bool, true)
            let seen = try await app.send(.GET, "/api/v1/bonds/\(bond)/assessments", token: ben.token)
            let partnerShared = seen.json["partnerShared"] as? [[String: Any]] ?? []
            XCTAssertEqual(partnerShared.count, 1)
            XCTAssertEqual(partnerShared.first?["yours"] as? Bool, false)
            XCTAssertEqual((partnerShared.first?["answers"] as? [String: Int])?["eis3"], 5, "a shared result shares its item profile")
            _ = try await app.send(.PATCH, "/api/v1/bonds/\(bond)/assessments/\(id)", json: ["shared": false], token: ana.token)
            let hidden = try await app.send(.GET, "/api/v1/bonds/\(bond)/assessments/\(id)", token: ben.token)
            XCTAssertEqual(hidden.status, .notFound)
            let badBody = try await app.send(.PATCH, "/api/v1/bonds/\(bond)/assessments/\(id)", json: ["shared": "yes"], token: ana.token)
            XCTAssertEqual(badBody.problemFields, ["shared"])
        }
    }

    func testComparisonAppearsOnlyWhenBothSharedWithinFourteenDays() async throws {
        try await withApp { app, clock in
            let (ana, ben, bond) = try await app.pair()
            _ = try await take(app, ana, bond: bond, share: true)
            let before = try await app.send(.GET, "/api/v1/bonds/\(bond)/measures/eis", token: ana.token)
            XCTAssertNil(before.json["comparison"] as? [String: Any], "only one has shared")
            _ = try await take(app, ben, bond: bond, answers: ["eis1": 5, "eis2": 5, "eis3": 5, "eis4": 5, "eis5": 5], share: false)
            let unshared = try await app.send(.GET, "/api/v1/bonds/\(bond)/measures/eis", token: ana.token)
            XCTAssertNil(unshared.json["comparison"] as? [String: Any], "Ben's result is private")
            clock.advance(15 * 86_400)
            _ = try await take(app, ben, bond: bond, answers: ["eis1": 5, "eis2": 5, "eis3": 5, "eis4": 5, "eis5": 5], share: true)
            let tooFar = try await app.send(.GET, "/api/v1/bonds/\(bond)/measures/eis", token: ana.token)
            XCTAssertNil(tooFar.json["comparison"] as? [String: Any], "fifteen days apart")
            _ = try await take(app, ana, bond: bond, share: true)
            let both = try await app.send(.GET, "/api/v1/bonds/\(bond)/measures/eis", token: ben.token)
            let comparison = try XCTUnwrap(both.json["comparison"] as? [String: Any])
            let rows = comparison["rows"] as? [[String: Any]] ?? []
            XCTAssertEqual(rows.count, 5)
            XCTAssertEqual(rows.first?["difference"] as? Double, 1, "Ben's 5 minus Ana's 4")
        }
    }

    func testUnderstandingIsShownToBothButThePredictionOnlyToItsAuthor() async throws {
        try await withApp { app, _ in
            let (ana, ben, bond) = try await app.pair()
            // Ana predicts Ben; Ben answers and shares. Differences 1,0,2,0,1 → 80.
            _ = try await take(app, ana, bond: bond, answers: ["eis1": 4, "eis2": 4, "eis3": 3, "eis4": 2, "eis5": 2], mode: "predict")
            _ = try await take(app, ben, bond: bond, answers: ["eis1": 5, "eis2": 4, "eis3": 5, "eis4": 2, "eis5": 1], share: true)
            let anaView = try await app.send(.GET, "/api/v1/bonds/\(bond)/measures/eis", token: ana.token)
            let yours = try XCTUnwrap(anaView.json["yourUnderstanding"] as? [String: Any])
            XCTAssertEqual(yours["understanding"] as? Int, 80)
            XCTAssertEqual((yours["items"] as? [[String: Any]])?.count, 5, "the predictor sees item by item")
            let benView = try await app.send(.GET, "/api/v1/bonds/\(bond)/measures/eis", token: ben.token)
            let theirs = try XCTUnwrap(benView.json["theirUnderstanding"] as? [String: Any])
            XCTAssertEqual(theirs["understanding"] as? Int, 80)
            XCTAssertNil(theirs["items"], "Ben never sees Ana's guesses")
            XCTAssertFalse(benView.body.contains("\"predicted\""))
            let benDashboard = try await app.send(.GET, "/api/v1/bonds/\(bond)/dashboard", token: ben.token)
            XCTAssertFalse(benDashboard.body.contains("\"predicted\""))
        }
    }

    /// Ben tries to read Ana's private guesses off the figure: he changes one answer at a time,
    /// shares and un-shares, and takes new results. The figure is pinned to one result of his,
    /// so it never moves, and no guess of hers ever reaches him.
    func testTheUnderstandingFigureIsNoOracleForTheGuesses() async throws {
        try await withApp { app, clock in
            let (ana, ben, bond) = try await app.pair()
            let guesses = ["eis1": 4, "eis2": 4, "eis3": 3, "eis4": 2, "eis5": 2]
            _ = try await take(app, ana, bond: bond, answers: guesses, mode: "predict")
            clock.advance(3600)
            let first = try await take(app, ben, bond: bond, answers: ["eis1": 5, "eis2": 4, "eis3": 5, "eis4": 2, "eis5": 1], share: true)
            let firstID = try XCTUnwrap(first.json["id"] as? String)
            func figure() async throws -> [String: Any]? {
                let view = try await app.send(.GET, "/api/v1/bonds/\(bond)/measures/eis", token: ben.token)
                XCTAssertFalse(view.body.contains("\"predicted\""))
                return view.json["theirUnderstanding"] as? [String: Any]
            }
            let pinned = try await figure()
            XCTAssertEqual(pinned?["understanding"] as? Int, 80)

            var seen: Set<String> = []
            for item in 1...5 {
                for value in 1...5 {
                    clock.advance(600)
                    var probe = ["eis1": 3, "eis2": 3, "eis3": 3, "eis4": 3, "eis5": 3]
                    probe["eis\(item)"] = value
                    let taken = try await take(app, ben, bond: bond, answers: probe, share: true)
                    XCTAssertEqual(taken.status, .created)
                    let now = try await figure()
                    seen.insert("\(now?["understanding"] ?? "none")|\(now?["meanAbsoluteDifference"] ?? "none")")
                    // Un-sharing and sharing the first result again.
                    _ = try await app.send(.PATCH, "/api/v1/bonds/\(bond)/assessments/\(firstID)", json: ["shared": false], token: ben.token)
                    let hidden = try await figure()
                    XCTAssertNil(hidden, "with the pinned result unshared there is no figure, and no other result stands in")
                    _ = try await app.send(.PATCH, "/api/v1/bonds/\(bond)/assessments/\(firstID)", json: ["shared": true], token: ben.token)
                }
            }
            XCTAssertEqual(seen, ["80|0.8"], "25 probes, one figure: nothing about any single guess")

            // Ana still sees her own guesses item by item, against that same first result.
            let anaView = try await app.send(.GET, "/api/v1/bonds/\(bond)/measures/eis", token: ana.token)
            let yours = try XCTUnwrap(anaView.json["yourUnderstanding"] as? [String: Any])
            XCTAssertEqual(yours["understanding"] as? Int, 80)
        }
    }

    func testOneMembersManyGuessesNeverPushOutTheOthers() async throws {
        try await withApp { app, clock in
            let (ana, ben, bond) = try await app.pair()
            _ = try await take(app, ana, bond: bond, answers: ["eis1": 5, "eis2": 5, "eis3": 5, "eis4": 5, "eis5": 5], mode: "predict")
            for _ in 0..<30 {  // more than every row an overview reads, and than its latest guesses
                clock.advance(60)
                _ = try await take(app, ben, bond: bond, mode: "predict")
            }
            _ = try await take(app, ben, bond: bond, answers: ["eis1": 5, "eis2": 5, "eis3": 5, "eis4": 5, "eis5": 5], share: true)
            let anaView = try await app.send(.GET, "/api/v1/bonds/\(bond)/measures/eis", token: ana.token)
            XCTAssertEqual((anaView.json["yourUnderstanding"] as? [String: Any])?["understanding"] as? Int, 100, anaView.body)
        }
    }

    /// Predictions made before pinning existed are pinned by the migration, by the same rule.
    func testTheMigrationPinsGuessesMadeBefore() async throws {
        try await withApp { app, clock in
            let (ana, ben, bond) = try await app.pair()
            _ = try await take(app, ben, bond: bond, answers: ["eis1": 5, "eis2": 5, "eis3": 5, "eis4": 5, "eis5": 5], share: true)
            clock.advance(3600)
            _ = try await take(app, ana, bond: bond, answers: ["eis1": 5, "eis2": 5, "eis3": 5, "eis4": 5, "eis5": 4], mode: "predict")
            // As before pinning existed: no prediction pinned.
            try await Assessment.query(on: app.db).set(\.$comparedWith, to: nil).update()
            try await UpdateAssessmentsAddComparedWith.pinAll(on: app.db)
            let pinned = try await Assessment.query(on: app.db).filter(\.$mode == "predict").first()?.comparedWith
            XCTAssertNotNil(pinned)
            let anaView = try await app.send(.GET, "/api/v1/bonds/\(bond)/measures/eis", token: ana.token)
            XCTAssertEqual((anaView.json["yourUnderstanding"] as? [String: Any])?["understanding"] as? Int, 95, anaView.body)
        }
    }

    func testAGuessMadeAfterAResultIsJudgedAgainstThatResult() async throws {
        try await withApp { app, clock in
            let (ana, ben, bond) = try await app.pair()
            _ = try await take(app, ben, bond: bond, answers: ["eis1": 5, "eis2": 5, "eis3": 5, "eis4": 5, "eis5": 5], share: true)
            clock.advance(86_400)
            _ = try await take(app, ana, bond: bond, answers: ["eis1": 5, "eis2": 5, "eis3": 5, "eis4": 5, "eis5": 5], mode: "predict")
            clock.advance(3600)
            // A later result of Ben's does not replace the one the guess was made after.
            _ = try await take(app, ben, bond: bond, answers: ["eis1": 1, "eis2": 1, "eis3": 1, "eis4": 1, "eis5": 1], share: true)
            let anaView = try await app.send(.GET, "/api/v1/bonds/\(bond)/measures/eis", token: ana.token)
            XCTAssertEqual((anaView.json["yourUnderstanding"] as? [String: Any])?["understanding"] as? Int, 100)
        }
    }

    func testDashboardShowsLatestTrendAndWhatIsDue() async throws {
        try await withApp { app, clock in
            let (ana, _, bond) = try await app.pair(kind: "romantic")
            let fresh = try await app.send(.GET, "/api/v1/bonds/\(bond)/dashboard", token: ana.token)
            XCTAssertEqual(fresh.status, .ok)
            XCTAssertEqual(Set(fresh.json["due"] as? [String] ?? []), ["eis", "six-signs", "intimacy-balance", "csi4", "swls"])
            _ = try await take(app, ana, bond: bond, answers: ["eis1": 2, "eis2": 2, "eis3": 2, "eis4": 2, "eis5": 2])
            clock.advance(10 * 86_400)
            _ = try await take(app, ana, bond: bond, answers: ["eis1": 4, "eis2": 4, "eis3": 4, "eis4": 4, "eis5": 4])
            let after = try await app.send(.GET, "/api/v1/bonds/\(bond)/dashboard", token: ana.token)
            XCTAssertFalse((after.json["due"] as? [String] ?? []).contains("eis"))
            let eis = (after.json["measures"] as? [[String: Any]] ?? []).first { ($0["instrument"] as? [String: Any])?["key"] as? String == "eis" }
            XCTAssertEqual(eis?["trend"] as? String, "up")
            XCTAssertEqual((eis?["latest"] as? [String: Any])?["total"] as? Double, 20)
            clock.advance(30 * 86_400)
            let later = try await app.send(.GET, "/api/v1/bonds/\(bond)/dashboard", token: ana.token)
            XCTAssertTrue((later.json["due"] as? [String] ?? []).contains("eis"), "monthly again")
        }
    }

    func testAnEndedBondTakesNoNewResultsAndHidesThePartnersShares() async throws {
        try await withApp { app, _ in
            let (ana, ben, bond) = try await app.pair()
            let shared = try await take(app, ben, bond: bond, share: true)
            let id = try XCTUnwrap(shared.json["id"] as? String)
            _ = try await app.send(.POST, "/api/v1/bonds/\(bond)/leave", token: ben.token)
            let refused = try await take(app, ana, bond: bond)
            XCTAssertEqual(refused.status, .conflict)
            let gone = try await app.send(.GET, "/api/v1/bonds/\(bond)/assessments/\(id)", token: ana.token)
            XCTAssertEqual(gone.status, .notFound, "what the other wrote is no longer reachable")
            let own = try await app.send(.GET, "/api/v1/bonds/\(bond)/assessments/\(id)", token: ben.token)
            XCTAssertEqual(own.status, .ok, "each keeps their own")
        }
    }

    func testBalanceFindingsComeWithTheResult() async throws {
        try await withApp { app, _ in
            let (ana, _, bond) = try await app.pair(kind: "romantic")
            let response = try await take(app, ana, bond: bond, instrument: "intimacy-balance", answers: [
                "emotional-satisfaction": 1, "emotional-attention": 1, "physical-satisfaction": 4,
                "physical-attention": 4, "sexual-satisfaction": 4, "sexual-attention": 5,
            ])
            let insights = response.json["insights"] as? [[String: Any]] ?? []
            XCTAssertEqual(Set(insights.compactMap { $0["favoured"] as? String }), ["physical", "sexual"])
            XCTAssertEqual(Set(insights.compactMap { $0["neglected"] as? String }), ["emotional"])
        }
    }
}

/// Band labels are shown in today's words: a result kept from before the CSI-4's bands were
/// relabelled (issue 13) reads as the band does now, in the API and on the page.
final class RelabelledBandTests: XCTestCase {
    func testAResultKeptUnderAnOldLabelShowsTheCurrentOne() async throws {
        try await withApp { app, _ in
            let (ana, _, bond) = try await app.pair(kind: "romantic")
            let instrument = try XCTUnwrap(app.kindred.content.instrument("csi4"))
            let answers = ["csi1": 2, "csi2": 2, "csi3": 2, "csi4": 2]
            var score = try Scorer.score(answers, for: instrument, kind: .romantic)
            var oldBand = try XCTUnwrap(score.band)
            oldBand.label = "Below the usual range"
            score.band = oldBand
            let old = try Assessment(bondID: try XCTUnwrap(UUID(uuidString: bond)), userID: try XCTUnwrap(UUID(uuidString: ana.id)),
                                     instrument: instrument, mode: .`self`, shared: false, takenAt: app.kindred.now.addingTimeInterval(-86_400),
                                     answers: answers, score: score, cipher: app.kindred.cipher)
            try await old.create(on: app.db)
            let list = try await app.send(.GET, "/api/v1/bonds/\(bond)/assessments", token: ana.token)
            XCTAssertTrue(list.body.contains("Notable relationship dissatisfaction (below 13.5)"), list.body)
            XCTAssertFalse(list.body.contains("usual range"))
            let browser = Browser(app)
            _ = try await browser.signIn(ana.email)
            let page = try await browser.get("/bonds/\(bond.lowercased())/measure/csi4")
            XCTAssertTrue(page.body.contains("Notable relationship dissatisfaction (below 13.5)"))
            XCTAssertFalse(page.body.contains("usual range"))
        }
    }
}
