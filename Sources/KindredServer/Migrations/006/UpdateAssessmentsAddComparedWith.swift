import Fluent
import Foundation
import KindredCore
import SQLKit

/// A prediction is judged against one result of the other member's, pinned once, so the
/// "how well they know you" figure is no oracle for the guesses behind it. Existing
/// predictions are pinned by the same rule, from the results that exist now. Plain SQL over
/// the columns that exist at this point, so later changes to the model cannot break it.
struct UpdateAssessmentsAddComparedWith: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("assessments").field("compared_with", .uuid).update()
        try await Self.pinAll(on: database)
    }

    /// Pins every prediction by `PerceptionGap.pin`'s rule.
    static func pinAll(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        struct Row: Decodable {
            let id: UUID
            let bond_id: UUID
            let user_id: UUID
            let instrument_key: String
            let mode: String
            let taken_at: Date
        }
        let rows = try await sql.select().columns("id", "bond_id", "user_id", "instrument_key", "mode", "taken_at")
            .from("assessments").all(decoding: Row.self)
        let selves = rows.filter { $0.mode == ResultSummary.Mode.`self`.rawValue }
        for prediction in rows where prediction.mode == ResultSummary.Mode.predict.rawValue {
            let theirs = selves.filter {
                $0.bond_id == prediction.bond_id && $0.user_id != prediction.user_id && $0.instrument_key == prediction.instrument_key
            }
            guard let index = PerceptionGap.pinIndex(predictionAt: prediction.taken_at, takenAt: theirs.map(\.taken_at)) else { continue }
            try await sql.update("assessments").set("compared_with", to: SQLBind(theirs[index].id))
                .where("id", .equal, SQLBind(prediction.id)).run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema("assessments").deleteField("compared_with").update()
    }
}
