import Foundation
import KindredCore

/// Everything a person may learn about one instrument in one bond: their own history,
/// what the other member shared, the side-by-side comparison when both shared, and how
/// well each predicted the other. Built from all results, exposing only what the rules allow.
struct MeasureOverview {
    let instrument: Instrument
    /// The viewer's own self-results, newest first.
    let mine: [Assessment]
    /// The viewer's own predictions, newest first.
    let myPredictions: [Assessment]
    /// The other member's shared self-results, newest first (empty once the bond ended).
    let partnerShared: [Assessment]
    let trend: Trend?
    let isDue: Bool
    let nextDueAt: Date?
    let comparison: (mine: Assessment, theirs: Assessment, rows: [Comparison.Row])?
    /// How well the viewer predicted the other member (with per-item detail: both are theirs to see).
    let yourUnderstanding: (prediction: Assessment, result: PerceptionGap.Result)?
    /// How well the other member predicted the viewer: the figure only, never their guesses.
    let theirUnderstanding: (understanding: Int, meanAbsoluteDifference: Double, predictedAt: Date)?

    /// `pinned` holds every result a prediction in `all` is judged against (by id).
    init(instrument: Instrument, all: [Assessment], pinned: [UUID: Assessment], viewer: UserID, bond: BondSnapshot, now: Date) {
        self.instrument = instrument
        let ended = bond.status == .ended
        let sorted = all.sorted { $0.takenAt > $1.takenAt }
        mine = sorted.filter { UserID($0.$user.id) == viewer && $0.resultMode == .self }
        myPredictions = sorted.filter { UserID($0.$user.id) == viewer && $0.resultMode == .predict }
        let theirsAll = sorted.filter { UserID($0.$user.id) != viewer }
        let mine = self.mine
        partnerShared = ended ? [] : theirsAll.filter { $0.resultMode == .self && $0.shared }
        let theirPredictions = ended ? [] : theirsAll.filter { $0.resultMode == .predict }

        let previousScore = mine.dropFirst().first?.score
        trend = mine.first?.score.map { Trend.of(latest: $0, previous: previousScore) }
        isDue = Due.isDue(lastTaken: mine.first?.takenAt, cadenceDays: instrument.cadenceDays, now: now)
        nextDueAt = Due.nextDue(lastTaken: mine.first?.takenAt, cadenceDays: instrument.cadenceDays, now: now)

        let mySummaries = mine.compactMap(\.summary)
        let theirSummaries = partnerShared.compactMap(\.summary)
        if let pair = Comparison.latestPair(mySummaries, theirSummaries),
           let a = mine.first(where: { $0.takenAt == pair.mine.takenAt }),
           let b = partnerShared.first(where: { $0.takenAt == pair.theirs.takenAt }) {
            comparison = (a, b, Comparison.rows(instrument, mine: pair.mine.score, theirs: pair.theirs.score))
        } else {
            comparison = nil
        }

        // A prediction is judged only against its pinned result, and only while that result is
        // shared: no other result ever stands in for it (see `PerceptionGap.pin`).
        func judged(_ prediction: Assessment, against owner: (UserID) -> Bool) -> PerceptionGap.Result? {
            guard !ended, let summary = prediction.summary, let id = prediction.comparedWith, let target = pinned[id],
                  owner(UserID(target.$user.id)), target.resultMode == .self, target.shared, let actual = target.summary
            else { return nil }
            return PerceptionGap.compare(prediction: summary.answers, actual: actual.answers, instrument: instrument, kind: bond.kind)
        }

        var yours: (Assessment, PerceptionGap.Result)?
        for prediction in myPredictions {
            if let result = judged(prediction, against: { $0 != viewer }) {
                yours = (prediction, result)
                break
            }
        }
        yourUnderstanding = yours.map { (prediction: $0.0, result: $0.1) }

        // Their guesses are judged against what the viewer shared; only the figure comes out.
        var theirs: (Int, Double, Date)?
        for prediction in theirPredictions {
            if let result = judged(prediction, against: { $0 == viewer }) {
                theirs = (result.understanding, result.meanAbsoluteDifference, prediction.takenAt)
                break
            }
        }
        theirUnderstanding = theirs.map { (understanding: $0.0, meanAbsoluteDifference: $0.1, predictedAt: $0.2) }
    }
}
