import KindredCore
import Vapor

/// The form that proposes or changes a ritual, shared by the rituals page and each ritual's page.
extension RitualPagesController {
    /// The propose/change form, as typed.
    struct RitualForm: Content {
        var title: String?
        var description: String?
        var participation: String?
        var rhythm: String?
        var every: String?
        var weekdays: [String]?
        var monthDay: String?
        var ordinal: String?
        var weekday: String?
        var start: String?
        var time: String?
        var timeZone: String?
        var until: String?
        var ideaId: String?
        var from: String?

        static func from(_ view: RitualService.View) -> RitualForm {
            let input = view.schedule.latest?.input
            return RitualForm(
                title: view.title, description: view.description, participation: view.participation.rawValue, rhythm: input?.rhythm,
                every: input?.every.map(String.init), weekdays: input?.weekdays.map(String.init), monthDay: input?.monthDay.map(String.init),
                ordinal: input?.ordinal.map(String.init), weekday: input?.weekday.map(String.init), start: input?.start, time: input?.time,
                timeZone: input?.timeZone, until: input?.until, ideaId: view.ideaID, from: view.today.description
            )
        }

        func draft(today: LocalDay, zone: String) -> Result<RitualService.Draft, FieldErrors> {
            var problems: [FieldError] = []
            let participation = RitualParticipation(rawValue: self.participation ?? "both")
            if participation == nil { problems.append(FieldError("participation", "Choose both or either.")) }
            func number(_ text: String?, _ field: String) -> Int? {
                guard let text, !text.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
                guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
                    problems.append(FieldError(field, "Give a whole number."))
                    return nil
                }
                return value
            }
            let input = RecurrenceInput(
                rhythm: rhythm ?? "weekly", every: number(every, "every"), weekdays: (weekdays ?? []).compactMap { Int($0) },
                monthDay: number(monthDay, "monthDay"), ordinal: number(ordinal, "ordinal"), weekday: number(weekday, "weekday"),
                start: (start?.isEmpty == false ? start! : today.description), time: time ?? "19:00", timeZone: timeZone ?? zone,
                until: until
            )
            var recurrence: Recurrence?
            switch input.recurrence() {
            case .success(let value): recurrence = value
            case .failure(let errors): problems += errors.errors
            }
            var text: (String, String?)?
            switch RitualService.checkedText(title: title ?? "", description: description) {
            case .success(let value): text = value
            case .failure(let errors): problems += errors.errors
            }
            guard problems.isEmpty, let recurrence, let text, let participation else { return .failure(FieldErrors(problems)) }
            let idea = ideaId?.isEmpty == false ? ideaId : nil
            return .success(RitualService.Draft(title: text.0, description: text.1, participation: participation, recurrence: recurrence, ideaID: idea))
        }
    }

    struct Option: Encodable {
        let value: String
        let label: String
        let selected: Bool
    }

    struct FormPage: Encodable {
        let errors: [FieldError]
        let title: FormField
        let description: FormField
        let participation: [Option]
        let rhythm: [Option]
        let every: FormField
        let weekdays: [Option]
        let monthDay: FormField
        let ordinals: [Option]
        let weekday: [Option]
        let start: FormField
        let time: FormField
        let timeZones: [TimeZoneOption]
        let until: FormField
        let ideaId: String
        let from: FormField

        init(_ form: RitualForm, errors: [FieldError], today: LocalDay, zone: String) {
            self.errors = errors
            title = FormField(form.title ?? "", errors: errors, field: "title")
            description = FormField(form.description ?? "", errors: errors, field: "description")
            participation = RitualParticipation.allCases.map { Option(value: $0.rawValue, label: $0.label, selected: $0.rawValue == (form.participation ?? "both")) }
            let rhythms = [("once", "Once"), ("daily", "Daily"), ("weekly", "Weekly, on the days ticked"),
                           ("monthlyOnDay", "Monthly, on a date"), ("monthlyOnWeekday", "Monthly, on a weekday"),
                           ("yearly", "Yearly, on the first date")]
            rhythm = rhythms.map { Option(value: $0.0, label: $0.1, selected: $0.0 == (form.rhythm ?? "weekly")) }
            every = FormField(form.every ?? "1", errors: errors, field: "every")
            let names = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
            let ticked = Set(form.weekdays ?? [])
            weekdays = names.enumerated().map { Option(value: "\($0.offset + 1)", label: $0.element, selected: ticked.contains("\($0.offset + 1)")) }
            weekday = names.enumerated().map { Option(value: "\($0.offset + 1)", label: $0.element, selected: form.weekday == "\($0.offset + 1)") }
            monthDay = FormField(form.monthDay ?? "", errors: errors, field: "monthDay")
            ordinals = [("1", "First"), ("2", "Second"), ("3", "Third"), ("4", "Fourth"), ("-1", "Last")]
                .map { Option(value: $0.0, label: $0.1, selected: form.ordinal == $0.0) }
            start = FormField(form.start ?? today.description, errors: errors, field: "start")
            time = FormField(form.time ?? "19:00", errors: errors, field: "time")
            timeZones = TimeZoneOption.all(selected: form.timeZone ?? zone)
            until = FormField(form.until ?? "", errors: errors, field: "until")
            ideaId = form.ideaId ?? ""
            from = FormField(form.from ?? today.description, errors: errors, field: "from")
        }
    }
}
