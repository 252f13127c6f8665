import Foundation

/// A recurrence as a form or a client sends it, field by field, checked into a `Recurrence`
/// with every mistake named by its field.
public struct RecurrenceInput: Sendable, Equatable {
    public var rhythm: String
    public var every: Int?
    public var weekdays: [Int]
    public var monthDay: Int?
    public var ordinal: Int?
    public var weekday: Int?
    public var start: String
    public var time: String
    public var timeZone: String
    public var until: String?

    public init(rhythm: String, every: Int? = nil, weekdays: [Int] = [], monthDay: Int? = nil, ordinal: Int? = nil,
                weekday: Int? = nil, start: String, time: String, timeZone: String, until: String? = nil) {
        self.rhythm = rhythm
        self.every = every
        self.weekdays = weekdays
        self.monthDay = monthDay
        self.ordinal = ordinal
        self.weekday = weekday
        self.start = start
        self.time = time
        self.timeZone = timeZone
        self.until = until
    }

    public static let rhythms = ["once", "daily", "weekly", "monthlyOnDay", "monthlyOnWeekday", "yearly"]

    public func recurrence() -> Result<Recurrence, FieldErrors> {
        var problems: [FieldError] = []
        let startDay = LocalDay(string: start)
        if startDay == nil { problems.append(FieldError("start", "Choose the first date.")) }
        let localTime = LocalTime(string: time)
        if localTime == nil { problems.append(FieldError("time", "Give a time like 19:30.")) }
        var untilDay: LocalDay?
        if let until, !until.isEmpty {
            untilDay = LocalDay(string: until)
            if untilDay == nil { problems.append(FieldError("until", "Give the last date as a date, or leave it empty.")) }
        }
        let every = self.every ?? 1
        let rule: Recurrence.Rule?
        switch rhythm {
        case "once": rule = .once
        case "daily": rule = .daily(every: every)
        case "weekly":
            // No day chosen: the start's own weekday.
            let days = weekdays.isEmpty ? (startDay.map { [$0.isoWeekday] } ?? []) : Array(Set(weekdays)).sorted()
            rule = .weekly(every: every, weekdays: days)
        case "monthlyOnDay": rule = .monthlyOnDay(every: every, day: monthDay ?? startDay?.day ?? 0)
        case "monthlyOnWeekday":
            let day = startDay
            rule = .monthlyOnWeekday(every: every, ordinal: ordinal ?? day.map { ($0.day - 1) / 7 + 1 } ?? 0,
                                     weekday: weekday ?? day?.isoWeekday ?? 0)
        case "yearly": rule = .yearly(every: every)
        default:
            rule = nil
            problems.append(FieldError("rhythm", "Choose how often: once, daily, weekly, monthly or yearly."))
        }
        guard let startDay, let localTime, let rule else { return .failure(FieldErrors(problems)) }
        let recurrence = Recurrence(rule: rule, start: startDay, time: localTime, zone: timeZone, until: untilDay)
        problems += recurrence.problems()
        return problems.isEmpty ? .success(recurrence) : .failure(FieldErrors(problems))
    }
}

/// Field errors as one failure.
public struct FieldErrors: Error, Sendable, Equatable {
    public let errors: [FieldError]
    public init(_ errors: [FieldError]) { self.errors = errors }
}

extension Recurrence {
    /// The fields that describe it, for a form or a client.
    public var input: RecurrenceInput {
        var input = RecurrenceInput(rhythm: "once", start: start.description, time: time.description, timeZone: zone, until: until?.description)
        switch rule {
        case .once: break
        case .daily(let every): (input.rhythm, input.every) = ("daily", every)
        case .weekly(let every, let weekdays): (input.rhythm, input.every, input.weekdays) = ("weekly", every, weekdays)
        case .monthlyOnDay(let every, let day): (input.rhythm, input.every, input.monthDay) = ("monthlyOnDay", every, day)
        case .monthlyOnWeekday(let every, let ordinal, let weekday):
            (input.rhythm, input.every, input.ordinal, input.weekday) = ("monthlyOnWeekday", every, ordinal, weekday)
        case .yearly(let every): (input.rhythm, input.every) = ("yearly", every)
        }
        return input
    }

    /// "Every Monday and Thursday at 19:00", "On the second Sunday of every month at 10:00".
    public var summary: String {
        let names = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
        func list(_ items: [String]) -> String {
            items.count <= 1 ? items.joined() : items.dropLast().joined(separator: ", ") + " and " + items.last!
        }
        func often(_ every: Int, _ unit: String) -> String { every == 1 ? "every \(unit)" : "every \(every) \(unit)s" }
        let ordinals = [1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"]
        let when: String
        switch rule {
        case .once: when = "Once, on \(start.description)"
        case .daily(let every): when = every == 1 ? "Every day" : "Every \(every) days"
        case .weekly(let every, let weekdays):
            let days = list(weekdays.sorted().map { names[$0 - 1] })
            when = every == 1 ? "Every \(days)" : "\(days), every \(every) weeks"
        case .monthlyOnDay(let every, let day): when = "On day \(day) of \(often(every, "month"))"
        case .monthlyOnWeekday(let every, let ordinal, let weekday):
            when = "On the \(ordinals[ordinal] ?? "") \(names[weekday - 1]) of \(often(every, "month"))"
        case .yearly(let every):
            let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
            when = "Every \(every == 1 ? "year" : "\(every) years") on \(start.day) \(months[start.month - 1])"
        }
        return "\(when) at \(time.description)"
    }
}
