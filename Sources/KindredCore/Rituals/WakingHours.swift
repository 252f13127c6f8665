import Foundation

/// When a person is usually awake, in their own zone: 08:00 to 22:00 unless they say otherwise.
/// It chooses when the bond's day turns over and which hours the two share awake.
public struct WakingHours: Sendable, Equatable, Codable {
    public var wake: LocalTime
    public var sleep: LocalTime

    public static let standard = WakingHours(wake: LocalTime(hour: 8, minute: 0)!, sleep: LocalTime(hour: 22, minute: 0)!)
    /// At least four hours awake and four asleep: anything else is a slip, not a life.
    public static let shortest = 4 * 60

    public init(wake: LocalTime, sleep: LocalTime) {
        self.wake = wake
        self.sleep = sleep
    }

    /// Stored values, or the standard ones where there are none (or they no longer read).
    public init(wake: String?, sleep: String?) {
        self.wake = wake.flatMap(LocalTime.init(string:)) ?? Self.standard.wake
        self.sleep = sleep.flatMap(LocalTime.init(string:)) ?? Self.standard.sleep
    }

    /// Minutes awake, across midnight for a night owl.
    public var awakeMinutes: Int {
        let wake = self.wake.hour * 60 + self.wake.minute, sleep = self.sleep.hour * 60 + self.sleep.minute
        return (sleep - wake + 24 * 60) % (24 * 60)
    }

    /// From what a form or client sent, every mistake named by its field.
    public static func parse(wake: String, sleep: String) -> Result<WakingHours, FieldErrors> {
        var problems: [FieldError] = []
        let wakeTime = LocalTime(string: wake), sleepTime = LocalTime(string: sleep)
        if wakeTime == nil { problems.append(FieldError("wake", "Give a time like 07:30.")) }
        if sleepTime == nil { problems.append(FieldError("sleep", "Give a time like 23:00.")) }
        guard let wakeTime, let sleepTime else { return .failure(FieldErrors(problems)) }
        let hours = WakingHours(wake: wakeTime, sleep: sleepTime)
        guard (shortest...(24 * 60 - shortest)).contains(hours.awakeMinutes) else {
            return .failure(FieldErrors([FieldError("sleep", "Leave at least four hours awake and four asleep.")]))
        }
        return .success(hours)
    }

    public func member(in zone: TimeZone) -> BondDay.Member {
        BondDay.Member(zone: zone, wake: wake, sleep: sleep)
    }
}
