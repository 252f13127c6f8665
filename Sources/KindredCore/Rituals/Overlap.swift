import Foundation

/// When both members are awake (issue 12, part 4): for two people in different zones, the
/// stretches of the coming days that fall inside both waking windows, DST-correct (each
/// member's window is laid out on their own local dates, so a change of clocks moves it).
public enum Overlap {
    /// Each member's waking stretches that touch `[from, to)`, as instants.
    public static func awake(_ member: BondDay.Member, from: Date, to: Date) -> [DateInterval] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = member.zone
        var result: [DateInterval] = []
        // From the day before (a window past midnight reaches into `from`) to the day after.
        var day = LocalDay(from, in: member.zone).adding(days: -1)
        let last = LocalDay(to, in: member.zone).adding(days: 1)
        while day <= last {
            let wake = localInstant(day, member.wake, calendar)
            var sleepDay = day
            if member.sleep.hour * 60 + member.sleep.minute <= member.wake.hour * 60 + member.wake.minute { sleepDay = day.adding(days: 1) }
            let sleep = localInstant(sleepDay, member.sleep, calendar)
            let start = max(wake, from), end = min(sleep, to)
            if start < end { result.append(DateInterval(start: start, end: end)) }
            day = day.adding(days: 1)
        }
        return result
    }

    /// The stretches of `[from, from + days)` in which every member is awake, in order.
    public static func bothAwake(_ members: [BondDay.Member], from: Date, days: Int = 7) -> [DateInterval] {
        let to = from.addingTimeInterval(Double(days) * 86_400)
        guard var shared = members.first.map({ awake($0, from: from, to: to) }) else { return [] }
        for member in members.dropFirst() {
            let theirs = awake(member, from: from, to: to)
            shared = shared.flatMap { mine in
                theirs.compactMap { other -> DateInterval? in
                    let start = max(mine.start, other.start), end = min(mine.end, other.end)
                    return start < end ? DateInterval(start: start, end: end) : nil
                }
            }
        }
        return shared.sorted { $0.start < $1.start }
    }

    /// Whether an event from `start` lasting `duration` falls wholly inside a both-awake stretch.
    public static func fits(start: Date, duration: TimeInterval, in stretches: [DateInterval]) -> Bool {
        stretches.contains { $0.start <= start && start.addingTimeInterval(duration) <= $0.end }
    }

    /// Local time on a local date, by the same rule as a ritual's (a skipped time moves on by the gap).
    static func localInstant(_ day: LocalDay, _ time: LocalTime, _ calendar: Calendar) -> Date {
        Recurrence(rule: .once, start: day, time: time, zone: calendar.timeZone.identifier).instant(on: day)
    }
}
