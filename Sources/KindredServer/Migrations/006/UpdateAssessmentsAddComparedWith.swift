import Fluent
import KindredCore

/// A prediction is judged against one result of the other member's, pinned once, so the
/// "how well they know you" figure is no oracle for the guesses behind it. Existing
/// predictions are pinned by the same rule, from the results that exist now.
struct UpdateAssessmentsAddComparedWith: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("assessments").field("compared_with", .uuid).update()
        let predictions = try await Assessment.query(on: database).filter(\.$mode == ResultSummary.Mode.predict.rawValue).all()
        for prediction in predictions {
            let theirs = try await Assessment.query(on: database)
                .filter(\.$bond.$id == prediction.$bond.id).filter(\.$user.$id != prediction.$user.id)
                .filter(\.$instrumentKey == prediction.instrumentKey).filter(\.$mode == ResultSummary.Mode.`self`.rawValue).all()
            guard let index = PerceptionGap.pinIndex(predictionAt: prediction.takenAt, takenAt: theirs.map(\.takenAt)) else { continue }
            prediction.comparedWith = theirs[index].id
            try await prediction.update(on: database)
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema("assessments").deleteField("compared_with").update()
    }
}
