import Fluent
import SQLKit
import XCTVapor
import KindredCore
@testable import KindredServer

/// The models read field by field (`RowDecodable`, issue 15) must read every column, and read
/// it exactly as Fluent does — as read from the database, not as changed: a column added to a
/// model and not to its `fill` fails here.
final class RowDecodableTests: XCTestCase {
    func testEveryModelReadFieldByFieldEqualsFluentsOwnReading() async throws {
        try await withApp { app, _ in
            _ = try await rowsOfEveryKind(app)
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

    /// Today's one statement (`TodayRead`: columns by position on SQLite, by name on
    /// PostgreSQL) brings back every row of the bond's days, each model as Fluent reads it.
    func testTodaysReadBringsBackEachRowAsFluentReadsIt() async throws {
        try await withApp { app, _ in
            let (ana, _, bond, cal, other) = try await rowsOfEveryKind(app)
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            func same<M: Model>(_ read: [M], _ fluent: [M], _ what: String) throws {
                XCTAssertFalse(fluent.isEmpty, "\(what): there are rows to compare")
                let key = { (m: M) in String(describing: m.id) }
                XCTAssertEqual(try read.sorted { key($0) < key($1) }.map { String(decoding: try encoder.encode($0), as: UTF8.self) },
                               try fluent.sorted { key($0) < key($1) }.map { String(decoding: try encoder.encode($0), as: UTF8.self) }, what)
                XCTAssertFalse(read.contains { $0.hasChanges }, "\(what) reads as unchanged")
            }
            for (person, bondText) in [(ana, bond), (cal, other)] {
                let bondID = try XCTUnwrap(BondID(string: bondText))
                let found = try await User.query(on: app.db).filter(\.$email == person.email).first()
                let user = try XCTUnwrap(found)
                let read = try await TodayRead(db: app.db, services: app.kindred).read(bondID, for: user)
                let first = read.days.lowerBound.description, last = read.days.upperBound.description, id = bondID.rawValue
                XCTAssertEqual(read.loaded.members.count, 2)
                let bondRow = try await Bond.find(id, on: app.db)
                try same([read.loaded.bond], [try XCTUnwrap(bondRow)], "bond")
                try same(read.loaded.members.map(\.member), try await BondMember.query(on: app.db).filter(\.$bond.$id == id).all(), "members")
                let userIDs = read.loaded.members.map(\.member.$user.id)
                try same(read.loaded.members.map(\.user), try await User.query(on: app.db).filter(\.$id ~~ userIDs).all(), "accounts")
                try same(read.questions, try await DailyQuestion.query(on: app.db).filter(\.$bond.$id == id).filter(\.$day >= first).filter(\.$day <= last).all(), "questions")
                if bondText == bond {
                    try same(read.answers, try await DailyAnswer.query(on: app.db).filter(\.$bond.$id == id).filter(\.$day >= first).filter(\.$day <= last).all(), "answers")
                    try same(read.replies, try await DailyReply.query(on: app.db).filter(\.$bond.$id == id).filter(\.$day >= first).filter(\.$day <= last).all(), "replies")
                    try same(read.reactions, try await ReactionRow.query(on: app.db).filter(\.$bond.$id == id).all(), "reactions")
                    XCTAssertEqual(read.mutualDays.map(\.description), read.questions.map(\.day), "the day both answered")
                } else {
                    try same(read.passes, try await DailyPass.query(on: app.db).filter(\.$bond.$id == id).filter(\.$day >= first).filter(\.$day <= last).all(), "passes")
                    XCTAssertTrue(read.answers.isEmpty && read.replies.isEmpty && read.reactions.isEmpty && read.mutualDays.isEmpty)
                }
            }
        }
    }

    /// Rows in every table the hot reads decode: in `bond`, both answered today, Ben replied
    /// and Ana reacted, and both took a questionnaire; in `other`, Cal passed today.
    private func rowsOfEveryKind(_ app: Application) async throws -> (APIPerson, APIPerson, String, APIPerson, String) {
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
        return (ana, ben, bond, cal, other)
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
