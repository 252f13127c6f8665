import Fluent
import SQLKit
import XCTVapor
@testable import KindredServer

/// The models read field by field (`RowDecodable`, issue 15) must read every column, and read
/// it exactly as Fluent does — as read from the database, not as changed: a column added to a
/// model and not to its `fill` fails here.
final class RowDecodableTests: XCTestCase {
    func testEveryModelReadFieldByFieldEqualsFluentsOwnReading() async throws {
        try await withApp { app, _ in
            let (ana, ben, bond) = try await app.pair()
            for (person, text) in [(ana, "The river walk"), (ben, "Our first dance")] {
                let answered = try await app.send(.PUT, "/api/v1/bonds/\(bond)/today/answer", json: ["text": text], token: person.token)
                XCTAssertEqual(answered.status, .ok, answered.body)
            }
            let today = try await app.send(.GET, "/api/v1/bonds/\(bond)/today", token: ana.token)
            let day = try XCTUnwrap((today.json["today"] as? [String: Any])?["day"] as? String, today.body)
            let replied = try await app.send(.POST, "/api/v1/bonds/\(bond)/days/\(day)/replies", json: ["text": "Yes, that one"], token: ben.token)
            XCTAssertEqual(replied.status, .created, replied.body)
            let reacted = try await app.send(.PUT, "/api/v1/bonds/\(bond)/days/\(day)/reactions", json: ["reaction": "hug"], token: ana.token)
            XCTAssertEqual(reacted.status, .ok, reacted.body)
            let (cal, _, other) = try await app.pair()
            let passed = try await app.send(.POST, "/api/v1/bonds/\(other)/today/skip", token: cal.token)
            XCTAssertEqual(passed.status, .ok, passed.body)
            let answers = ["eis1": 4, "eis2": 3, "eis3": 5, "eis4": 4, "eis5": 2]
            for (person, body) in [(ben, ["mode": "self", "share": true]), (ana, ["mode": "predict"])] {
                let taken = try await app.send(.POST, "/api/v1/bonds/\(bond)/assessments",
                                               json: body.merging(["instrument": "eis", "answers": answers]) { a, _ in a }, token: person.token)
                XCTAssertEqual(taken.status, .created, taken.body)
            }

            let sql = try XCTUnwrap(app.db as? any SQLDatabase)
            try await check(APIToken.self, on: sql)
            try await check(User.self, on: sql)
            try await check(Bond.self, on: sql)
            try await check(BondMember.self, on: sql)
            try await check(DailyQuestion.self, on: sql)
            try await check(DailyAnswer.self, on: sql)
            try await check(DailyPass.self, on: sql)
            try await check(DailyReply.self, on: sql)
            try await check(ReactionRow.self, on: sql)
            try await check(Assessment.self, on: sql)
        }
    }

    private func check<M: RowDecodable>(_ type: M.Type, on sql: any SQLDatabase, file: StaticString = #filePath, line: UInt = #line) async throws {
        let rows = try await sql.raw("SELECT * FROM \(ident: M.schema)").all()
        XCTAssertFalse(rows.isEmpty, "\(M.schema) has rows to read", file: file, line: line)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        for row in rows {
            let recording = RecordingRow(row: row)
            let byHand = try recording.model(M.self), byFluent = try row.fluentModel(M.self, prefix: "")
            XCTAssertTrue(byHand._$id.exists, file: file, line: line)
            // Read, not changed: a later update writes only what is changed after this, so it
            // can never write back a column someone else changed meanwhile.
            XCTAssertFalse(byHand.hasChanges, "\(M.schema) reads as unchanged", file: file, line: line)
            XCTAssertEqual(recording.read, Set(M.keys.map(\.description)), "\(M.schema): every column is read", file: file, line: line)
            XCTAssertEqual(String(decoding: try encoder.encode(byHand), as: UTF8.self),
                           String(decoding: try encoder.encode(byFluent), as: UTF8.self), "\(M.schema)", file: file, line: line)
        }
    }
}

/// A row that notes which columns were read from it.
private final class RecordingRow: SQLRow, @unchecked Sendable {
    let row: any SQLRow
    private(set) var read: Set<String> = []

    init(row: any SQLRow) { self.row = row }

    var allColumns: [String] { row.allColumns }
    func contains(column: String) -> Bool { row.contains(column: column) }
    func decodeNil(column: String) throws -> Bool { read.insert(column); return try row.decodeNil(column: column) }
    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        read.insert(column)
        return try row.decode(column: column, as: D.self)
    }
}
