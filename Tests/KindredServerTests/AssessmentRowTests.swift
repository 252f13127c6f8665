import Fluent
import SQLKit
import XCTVapor
@testable import KindredServer

/// `Assessment(row:)` fills a result field by field, without Fluent's reflection (issue 15):
/// it must read every column exactly as Fluent does, so a column added to the model and not
/// to it fails here.
final class AssessmentRowTests: XCTestCase {
    func testAResultReadFieldByFieldEqualsFluentsOwnReading() async throws {
        try await withApp { app, _ in
            let (ana, ben, bond) = try await app.pair()
            let answers = ["eis1": 4, "eis2": 3, "eis3": 5, "eis4": 4, "eis5": 2]
            for (person, body) in [(ben, ["mode": "self", "share": true]), (ana, ["mode": "predict"]), (ana, ["mode": "self", "share": false])] {
                let taken = try await app.send(.POST, "/api/v1/bonds/\(bond)/assessments",
                                               json: body.merging(["instrument": "eis", "answers": answers]) { a, _ in a }, token: person.token)
                XCTAssertEqual(taken.status, .created, taken.body)
            }

            let sql = try XCTUnwrap(app.db as? any SQLDatabase)
            let rows = try await sql.raw("SELECT * FROM assessments").all()
            XCTAssertEqual(rows.count, 3)
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            var sawPinned = false, sawSharedAt = false
            for row in rows {
                let byHand = try Assessment(row: row), byFluent = try row.model(Assessment.self)
                XCTAssertEqual(String(decoding: try encoder.encode(byHand), as: UTF8.self),
                               String(decoding: try encoder.encode(byFluent), as: UTF8.self))
                sawPinned = sawPinned || byHand.comparedWith != nil
                sawSharedAt = sawSharedAt || byHand.sharedAt != nil
                // Both open, to the same result.
                try byHand.open(app.kindred.cipher)
                try byFluent.open(app.kindred.cipher)
                XCTAssertEqual(byHand.answers, byFluent.answers)
            }
            XCTAssertTrue(sawPinned && sawSharedAt, "the optional columns were exercised with values, not only nil")
        }
    }
}
