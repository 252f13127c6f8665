import Foundation

/// What a "between sessions" summary points out since a chosen date (issue 14), each with the
/// dates it rests on: a CSI-4 score crossing the distress cut-off, a sign dropping by 20 points
/// or more, the rhythm of answering together halving.
public enum NotableChanges {
    public struct Reading: Sendable, Equatable {
        public var value: Double
        public var at: Date

        public init(_ value: Double, at: Date) {
            self.value = value
            self.at = at
        }
    }

    public struct Change: Sendable, Equatable {
        public enum Kind: Sendable, Equatable {
            case crossedBelowCutoff, crossedAboveCutoff
            case signDropped(Sign, points: Int)
            case rhythmHalved(before: Int, since: Int)
        }

        public var kind: Kind
        /// The readings it rests on: the one before (or at) the date, and the latest.
        public var from: Date
        public var to: Date
    }

    /// The CSI-4's cut-off for relationship distress (Funk & Rogge, 2007).
    public static let csiCutoff = 13.5
    public static let signDrop = 20.0

    /// The baseline is the last reading at or before `since` (or the first after it); the
    /// comparison is with the latest. Nothing without two readings.
    static func baselineAndLatest(_ readings: [Reading], since: Date) -> (Reading, Reading)? {
        let sorted = readings.sorted { $0.at < $1.at }
        guard let latest = sorted.last else { return nil }
        let baseline = sorted.last { $0.at <= since } ?? sorted.first!
        guard baseline.at < latest.at, latest.at > since else { return nil }
        return (baseline, latest)
    }

    public static func csi(_ readings: [Reading], since: Date) -> Change? {
        guard let (baseline, latest) = baselineAndLatest(readings, since: since) else { return nil }
        if baseline.value >= csiCutoff, latest.value < csiCutoff { return Change(kind: .crossedBelowCutoff, from: baseline.at, to: latest.at) }
        if baseline.value < csiCutoff, latest.value >= csiCutoff { return Change(kind: .crossedAboveCutoff, from: baseline.at, to: latest.at) }
        return nil
    }

    /// Signs read 0–100 (the six signs' percents).
    public static func signs(_ readings: [Sign: [Reading]], since: Date) -> [Change] {
        Sign.allCases.compactMap { sign in
            guard let (baseline, latest) = baselineAndLatest(readings[sign] ?? [], since: since) else { return nil }
            let drop = baseline.value - latest.value
            guard drop >= signDrop else { return nil }
            return Change(kind: .signDropped(sign, points: Int(drop.rounded())), from: baseline.at, to: latest.at)
        }
    }

    /// Days both answered in the four weeks before `since`, against the four weeks from it (or
    /// up to `now`, scaled to four weeks): halved or worse is notable.
    public static func rhythm(daysTogether: [Date], since: Date, now: Date) -> Change? {
        let window: TimeInterval = 28 * 86_400
        let before = daysTogether.filter { $0 < since && $0 >= since - window }.count
        let afterEnd = min(now, since + window)
        let span = afterEnd.timeIntervalSince(since)
        guard before >= 4, span >= 7 * 86_400 else { return nil }
        let after = daysTogether.filter { $0 >= since && $0 < afterEnd }.count
        let scaled = Double(after) * window / span
        guard scaled <= Double(before) / 2 else { return nil }
        return Change(kind: .rhythmHalved(before: before, since: after), from: since - window, to: afterEnd)
    }
}
