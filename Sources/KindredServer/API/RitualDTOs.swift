import Foundation
import KindredCore
import Vapor

struct RitualsDTO: Content {
    let rituals: [RitualDTO]
    /// Ideas that suit this bond (its kind; for members in different zones, apart-friendly first).
    let ideas: [RitualIdeaDTO]
}

struct RitualIdeaDTO: Content {
    let id: String
    let title: String
    let description: String
    let place: String
    let cost: String
    let sign: String
    let every: String

    init(_ idea: RitualIdea) {
        id = idea.id
        title = idea.title
        description = idea.description
        place = idea.place.rawValue
        cost = idea.cost.rawValue
        sign = idea.sign.rawValue
        every = idea.every.rawValue
    }
}

struct ScheduleDTO: Content {
    let rhythm: String
    let every: Int?
    let weekdays: [Int]
    let monthDay: Int?
    let ordinal: Int?
    let weekday: Int?
    let start: String
    let time: String
    let timeZone: String
    let until: String?
    let summary: String

    init(_ recurrence: Recurrence) {
        let input = recurrence.input
        rhythm = input.rhythm
        every = input.every
        weekdays = input.weekdays
        monthDay = input.monthDay
        ordinal = input.ordinal
        weekday = input.weekday
        start = input.start
        time = input.time
        timeZone = input.timeZone
        until = input.until
        summary = recurrence.summary
    }
}

struct OccurrenceTimeDTO: Content {
    let day: String
    let at: Date
}

struct OccurrenceDTO: Content {
    let day: String
    let at: Date
    let yours: String?
    let theirs: String?
    let outcome: String
    let mayMark: Bool

    init(_ occurrence: RitualService.Occurrence) {
        day = occurrence.day.description
        at = occurrence.at
        yours = occurrence.yours?.rawValue
        theirs = occurrence.theirs?.rawValue
        outcome = occurrence.outcome.rawValue
        mayMark = occurrence.mayMark
    }
}

struct RitualDTO: Content {
    struct Consistency: Content {
        let kept: Int
        let of: Int
        let text: String
    }

    let id: UUID
    let title: String
    let description: String?
    let participation: String
    let status: String
    let proposedByYou: Bool
    let mayRespond: Bool
    let paused: Bool
    let schedule: ScheduleDTO?
    let ideaId: String?
    let createdAt: Date
    let recent: [OccurrenceDTO]
    let upcoming: [OccurrenceDTO]
    let consistency: Consistency?

    init(_ view: RitualService.View) {
        id = view.id
        title = view.title
        description = view.description
        participation = view.participation.rawValue
        status = view.status.rawValue
        proposedByYou = view.proposedByYou
        mayRespond = view.mayRespond
        paused = view.paused
        schedule = view.schedule.latest.map(ScheduleDTO.init)
        ideaId = view.ideaID
        createdAt = view.createdAt
        recent = view.recent.map(OccurrenceDTO.init)
        upcoming = view.upcoming.map(OccurrenceDTO.init)
        consistency = view.status == .active
            ? view.consistency.map { Consistency(kept: $0.kept, of: $0.of, text: RitualRules.consistencySentence($0)) }
            : nil
    }
}
