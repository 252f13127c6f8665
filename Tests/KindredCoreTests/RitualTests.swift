import Foundation
import Testing
@testable import KindredCore

/// Rituals: outcomes from both members' marks, proposals, marking, gentle consistency, and a
/// schedule that changes from a date on without rewriting the past.
@Suite struct RitualTests {
    let monday = LocalDay(year: 2027, month: 3, day: 1)
    let seven = LocalTime(hour: 19, minute: 0)!

    func weekly(_ weekdays: [Int], from start: LocalDay) -> Recurrence {
        Recurrence(rule: .weekly(every: 1, weekdays: weekdays), start: start, time: seven, zone: "Europe/London")
    }

    @Test func anEitherRitualIsKeptByOneAndABothRitualByBoth() {
        #expect(RitualRules.outcome(.either, marks: [.done]) == .done)
        #expect(RitualRules.outcome(.both, marks: [.done]) == .partlyDone)
        #expect(RitualRules.outcome(.both, marks: [.done, .done]) == .done)
        #expect(RitualRules.outcome(.both, marks: [.done, .skipped]) == .partlyDone)
        #expect(RitualRules.outcome(.either, marks: [.skipped, .done]) == .done)
        #expect(RitualRules.outcome(.both, marks: [.skipped]) == .skipped)
        #expect(RitualRules.outcome(.either, marks: []) == .open)
    }

    @Test func onlyTheOtherMemberAnswersAProposalAndOnlyOnce() {
        #expect(RitualRules.mayRespond(status: .proposed, proposedByViewer: false))
        #expect(!RitualRules.mayRespond(status: .proposed, proposedByViewer: true))
        #expect(!RitualRules.mayRespond(status: .active, proposedByViewer: false))
        #expect(!RitualRules.mayRespond(status: .declined, proposedByViewer: false))
    }

    @Test func anOccurrenceIsMarkedOnlyWhenSharedOnItsDayAndNotAhead() {
        let schedule = RitualSchedule(weekly([1, 5], from: monday))
        let friday = monday.adding(days: 4)
        #expect(RitualRules.markProblem(status: .active, schedule: schedule, day: friday, today: friday) == nil)
        #expect(RitualRules.markProblem(status: .active, schedule: schedule, day: monday, today: friday) == nil)
        #expect(RitualRules.markProblem(status: .proposed, schedule: schedule, day: monday, today: friday) != nil)
        #expect(RitualRules.markProblem(status: .active, schedule: schedule, day: monday.adding(days: 1), today: friday) != nil, "a Tuesday")
        #expect(RitualRules.markProblem(status: .active, schedule: schedule, day: monday.adding(days: 7), today: friday) != nil, "next week")
    }

    @Test func consistencyCountsTheRecentTimesAndNeverResets() {
        let schedule = RitualSchedule(weekly([7], from: monday))  // Sundays
        let sundays = schedule.occurrences(from: monday, through: monday.adding(days: 70))
        #expect(sundays.count == 10)
        var outcomes: [LocalDay: OccurrenceOutcome] = [:]
        for (index, day) in sundays.enumerated() where index != 3 && index != 9 { outcomes[day] = .done }
        outcomes[sundays[9]] = .partlyDone
        let kept = RitualRules.consistency(schedule: schedule, outcomes: outcomes, today: sundays[9])
        #expect(kept?.kept == 6 && kept?.of == 8, "the last 8: one missed, one only half done")
        #expect(RitualRules.consistencySentence(kept) == "Kept 6 of the last 8 times.")
        #expect(RitualRules.consistency(schedule: schedule, outcomes: [:], today: monday) == nil)
        // Today's time, not yet marked, may still happen: it does not count against them.
        let daily = RitualSchedule(Recurrence(rule: .daily(every: 1), start: monday, time: seven, zone: "UTC"))
        #expect(RitualRules.consistency(schedule: daily, outcomes: [:], today: monday) == nil)
        #expect(RitualRules.consistency(schedule: daily, outcomes: [monday: .done], today: monday)! == (1, 1))
        #expect(RitualRules.consistency(schedule: daily, outcomes: [monday: .done], today: monday.adding(days: 1))! == (1, 1))
        #expect(RitualRules.consistency(schedule: daily, outcomes: [:], today: monday.adding(days: 1))! == (0, 1))
        #expect(RitualRules.consistencySentence(nil) == "Its first time is still to come.")
    }

    @Test func aChangeFromADateLeavesThePastAsItWas() {
        var schedule = RitualSchedule(weekly([1], from: monday))  // Mondays
        let change = monday.adding(days: 14)
        schedule.change(from: change, to: weekly([3], from: change))  // Wednesdays from then
        let all = schedule.occurrences(from: monday, through: monday.adding(days: 27))
        #expect(all == [monday, monday.adding(days: 7), change.adding(days: 2), change.adding(days: 9)])
        // Changing again from the same date replaces that change; the first part stays.
        schedule.change(from: change, to: weekly([5], from: change))
        #expect(schedule.occurrences(from: monday, through: monday.adding(days: 27)).suffix(2) == [change.adding(days: 4), change.adding(days: 11)])
        #expect(schedule.recurrence(on: monday)?.rule == .weekly(every: 1, weekdays: [1]))
    }

    @Test func aPauseStopsOccurrencesAndResumingKeepsAnAnniversaryOnItsDate() {
        let anniversary = LocalDay(year: 2020, month: 6, day: 14)
        var schedule = RitualSchedule(Recurrence(rule: .yearly(every: 1), start: anniversary, time: seven, zone: "Asia/Tokyo"))
        schedule.pause(from: LocalDay(year: 2027, month: 1, day: 1))
        #expect(schedule.isPaused)
        #expect(!schedule.falls(on: LocalDay(year: 2027, month: 6, day: 14)))
        #expect(schedule.falls(on: LocalDay(year: 2026, month: 6, day: 14)), "the past stays")
        schedule.resume(from: LocalDay(year: 2028, month: 3, day: 3))
        #expect(!schedule.isPaused)
        #expect(schedule.falls(on: LocalDay(year: 2028, month: 6, day: 14)))
        #expect(!schedule.falls(on: LocalDay(year: 2028, month: 3, day: 3)), "resuming does not move the date")
        // A change due later, then a pause before it starts: resuming takes up the change.
        var later = RitualSchedule(weekly([1], from: monday))
        later.change(from: monday.adding(days: 10), to: weekly([3], from: monday.adding(days: 10)))
        later.pause(from: monday.adding(days: 4))
        later.resume(from: monday.adding(days: 30))
        #expect(later.occurrences(from: monday, through: monday.adding(days: 40)) == [monday, monday.adding(days: 30), monday.adding(days: 37)], "Wednesdays again, from the day it resumed")
        // Pausing twice, or resuming what runs, changes nothing.
        let before = schedule
        schedule.resume(from: LocalDay(year: 2028, month: 4, day: 1))
        #expect(schedule == before)
    }

    /// Random schedules changed, paused and resumed: the calendar's recurrences fall on exactly
    /// the dates the schedule gives, for two years.
    @Test(arguments: 1...25)
    func theCalendarsRecurrencesFallWhereTheScheduleDoes(seed: UInt64) {
        var random = SplitMix(seed: seed)
        func rule() -> Recurrence.Rule {
            let every = Int(random.next() % 3) + 1
            switch random.next() % 6 {
            case 0: return .once
            case 1: return .daily(every: every)
            case 2:
                var days = Set<Int>()
                for _ in 0...Int(random.next() % 3) { days.insert(Int(random.next() % 7) + 1) }
                return .weekly(every: every, weekdays: days.sorted())
            case 3: return .monthlyOnDay(every: every, day: Int(random.next() % 31) + 1)
            case 4: return .monthlyOnWeekday(every: every, ordinal: [1, 2, 3, 4, -1][Int(random.next() % 5)], weekday: Int(random.next() % 7) + 1)
            default: return .yearly(every: 1)
            }
        }
        func recurrence(from day: LocalDay) -> Recurrence {
            let until: LocalDay? = random.next() % 4 == 0 ? day.adding(days: Int(random.next() % 300)) : nil
            return Recurrence(rule: rule(), start: day.adding(days: -Int(random.next() % 40)), time: seven, zone: "Europe/London", until: until)
        }
        var schedule = RitualSchedule(recurrence(from: monday))
        var day = monday
        for _ in 0..<4 {
            day = day.adding(days: Int(random.next() % 120) + 1)
            switch random.next() % 3 {
            case 0: schedule.pause(from: day)
            case 1: schedule.resume(from: day)
            default: schedule.change(from: day, to: recurrence(from: day))
            }
        }
        let end = monday.adding(days: 730)
        let expected = schedule.occurrences(from: monday.adding(days: -60), through: end)
        let fromCalendar = schedule.calendarRecurrences.flatMap { $0.occurrences(from: monday.adding(days: -60), through: end) }.sorted()
        #expect(fromCalendar == expected, "seed \(seed)")
    }

    @Test func theIdeasForTimeTogetherAreEnoughAndSuitTheirBonds() throws {
        let library = try ContentLibrary.load(directories: [ContentLibrary.builtInDirectory!]).get()
        let ideas = library.planIdeas
        #expect(ideas.count >= 60)
        #expect(PlanIdea.problems(in: ideas).isEmpty)
        for kind in [BondKind.friendship, .family] {
            for idea in IdeaRules.suggestions(ideas, for: kind, apart: true) {
                #expect(DeckValidator.romanticWord(in: idea.title + " " + idea.description) == nil, "\(idea.id) for \(kind)")
            }
        }
        #expect(ideas.filter { $0.place == .apart }.count >= 10, "enough to do on a call")
        var wrong = ideas
        wrong[0].minutes = 5
        wrong[1].kinds = [.family]
        wrong[1].description = "A date night somewhere with candles and a view."
        let problems = PlanIdea.problems(in: wrong).joined(separator: "\n")
        #expect(problems.contains("minutes must be 15 to 720"))
        #expect(problems.contains("must be for romantic bonds only"))
    }

    @Test func theIdeasAreEnoughAndNothingRomanticReachesOtherBonds() throws {
        let library = try ContentLibrary.load(directories: [ContentLibrary.builtInDirectory!]).get()
        let ideas = library.ritualIdeas
        #expect(ideas.count >= 40)
        #expect(ideas.contains { $0.title.contains("Cook dinner together") && $0.every == .daily }, "the article's first example")
        #expect(ideas.contains { $0.title.contains("weekend getaway every other month") }, "and its second")
        #expect(RitualIdea.problems(in: ideas).isEmpty)
        for kind in [BondKind.friendship, .family] {
            for idea in RitualIdea.suggestions(ideas, for: kind, apart: false) {
                #expect(DeckValidator.romanticWord(in: idea.title + " " + idea.description) == nil, "\(idea.id) for \(kind)")
            }
        }
        let apart = RitualIdea.suggestions(ideas, for: .friendship, apart: true)
        let firstNear = try #require(apart.firstIndex { $0.place != .apart })
        #expect(apart[..<firstNear].allSatisfy { $0.place == .apart } && apart[firstNear...].allSatisfy { $0.place != .apart })

        var wrong = ideas
        wrong[0].kinds = [.friendship]
        wrong[0].description = "A candlelit date night for the two of you, every single week."
        wrong.append(wrong[1])
        let problems = RitualIdea.problems(in: wrong).joined(separator: "\n")
        #expect(problems.contains("must be for romantic bonds only"))
        #expect(problems.contains("id is used twice"))
        #expect(RitualIdea.problems(in: Array(ideas.prefix(10))).contains { $0.contains("at least 40") })
    }
}

/// A recurrence from a form's or a client's fields, with each mistake named by its field.
@Suite struct RecurrenceInputTests {
    @Test func fieldsBecomeARuleAndEveryMistakeIsNamed() throws {
        let weekly = try RecurrenceInput(rhythm: "weekly", weekdays: [4, 1, 4], start: "2027-03-01", time: "19:30", timeZone: "Europe/London").recurrence().get()
        #expect(weekly.rule == .weekly(every: 1, weekdays: [1, 4]))
        #expect(weekly.summary == "Every Monday and Thursday at 19:30")
        // No weekday chosen: the first date's own.
        let plain = try RecurrenceInput(rhythm: "weekly", start: "2027-03-03", time: "08:00", timeZone: "UTC").recurrence().get()
        #expect(plain.rule == .weekly(every: 1, weekdays: [3]))
        // "Monthly on a weekday" with nothing more: as the first date falls (the first Monday).
        let second = try RecurrenceInput(rhythm: "monthlyOnWeekday", start: "2027-03-14", time: "10:00", timeZone: "UTC").recurrence().get()
        #expect(second.rule == .monthlyOnWeekday(every: 1, ordinal: 2, weekday: 7))
        #expect(second.summary == "On the second Sunday of every month at 10:00")
        let anniversary = try RecurrenceInput(rhythm: "yearly", start: "2019-06-14", time: "20:00", timeZone: "Asia/Tokyo").recurrence().get()
        #expect(anniversary.summary == "Every year on 14 June at 20:00")
        #expect(anniversary.input.rhythm == "yearly" && anniversary.input.start == "2019-06-14")

        guard case .failure(let wrong) = RecurrenceInput(rhythm: "sometimes", start: "soon", time: "7pm", timeZone: "UTC", until: "never").recurrence() else {
            Issue.record("nonsense became a rule"); return
        }
        #expect(Set(wrong.errors.map(\.field)) == ["rhythm", "start", "time", "until"])
        guard case .failure(let ruleMistakes) = RecurrenceInput(rhythm: "monthlyOnDay", every: 200, monthDay: 40, start: "2027-03-01", time: "08:00",
                                                                  timeZone: "Nowhere/Town", until: "2027-01-01").recurrence() else {
            Issue.record("a bad rule was taken"); return
        }
        #expect(Set(ruleMistakes.errors.map(\.field)) == ["every", "monthDay", "timeZone", "until"])
    }
}
