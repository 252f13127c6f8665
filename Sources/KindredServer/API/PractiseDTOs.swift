import Foundation
import KindredCore
import Vapor

struct PromptDTO: Content {
    let id: String
    let text: String
    let depth: Int
    let sign: Sign
    let signLabel: String

    init(_ prompt: Deck.Prompt) {
        id = prompt.id
        text = prompt.text
        depth = prompt.depth
        sign = prompt.sign
        signLabel = prompt.sign.label
    }
}

extension Sign: Content {}
extension Reveal.State: Content {}

struct DayDTO: Content {
    struct YourAnswer: Content { let text: String; let answeredAt: Date; let editable: Bool }
    struct TheirAnswer: Content { let text: String; let answeredAt: Date }
    struct Reply: Content { let text: String; let yours: Bool; let at: Date }

    let day: String
    let prompt: PromptDTO
    let state: Reveal.State
    /// True once the other member has answered — the only thing said before the reveal.
    let theyAnswered: Bool
    let yourAnswer: YourAnswer?
    /// Present only when both have answered.
    let theirAnswer: TheirAnswer?
    let canReply: Bool
    let replies: [Reply]
    /// You passed on this day.
    let youPassed: Bool
    /// They passed — said only once you have answered or passed too.
    let theyPassed: Bool
    /// `you` or `them` when the prompt was swapped for another today.
    let swappedBy: String?
    let canPass: Bool
    let canSwap: Bool
    /// Present once the day is revealed.
    let reactions: ReactionsDTO?

    init(_ view: TodayService.DayView, reactions: ReactionService.Summary? = nil) {
        day = view.day.description
        prompt = PromptDTO(view.prompt)
        state = view.state
        theyAnswered = view.them == .answered
        yourAnswer = view.yourText.map { YourAnswer(text: $0, answeredAt: view.yourAnsweredAt ?? Date(), editable: view.mayWrite) }
        theirAnswer = view.theirText.map { TheirAnswer(text: $0, answeredAt: view.theirAnsweredAt ?? Date()) }
        canReply = view.mayReply
        replies = view.replies.map { Reply(text: $0.text, yours: $0.yours, at: $0.at) }
        youPassed = view.you == .passed
        theyPassed = view.them == .passed
        swappedBy = view.swappedBy
        canPass = view.mayPass
        canSwap = view.maySwap
        self.reactions = view.state == .revealed ? ReactionsDTO(reactions) : nil
    }
}

struct ConsistencyDTO: Content {
    let days: Int
    let window: Int
    let sentence: String

    init(_ consistency: Consistency) {
        days = consistency.days
        window = consistency.window
        sentence = consistency.sentence
    }
}

struct TodayDTO: Content {
    let today: DayDTO
    let canAnswer: Bool
    let consistency: ConsistencyDTO
    /// When the bond's day turns over and the next question arrives: one instant for both
    /// members (each shows it in their own time).
    let nextQuestionAt: Date
}

struct AppreciationDTO: Content {
    let id: UUID
    let text: String
    let fromYou: Bool
    let createdAt: Date
    let reactions: ReactionsDTO

    init(_ note: AppreciationService.Note, reactions: ReactionService.Summary? = nil) {
        id = note.id
        text = note.text
        fromYou = note.fromYou
        createdAt = note.at
        self.reactions = ReactionsDTO(reactions)
    }
}

struct AppreciationsDTO: Content {
    let received: [AppreciationDTO]
    let sent: [AppreciationDTO]
    let starter: String?
}

struct CheckinDTO: Content {
    let week: String
    let state: Reveal.State
    let theyCheckedIn: Bool
    let yourRatings: [String: Int]?
    let yourNote: String?
    let theirRatings: [String: Int]?
    let theirNote: String?
    let canSubmit: Bool

    init(_ view: CheckinService.WeekView) {
        week = view.week
        state = view.state
        theyCheckedIn = view.state == .theyAnswered || view.state == .revealed
        yourRatings = view.yourRatings
        yourNote = view.yourNote
        theirRatings = view.theirRatings
        theirNote = view.theirNote
        canSubmit = view.mayWrite
    }
}

struct ConversationDTO: Content {
    let id: UUID?
    let underway: Bool
    let position: Int
    let total: Int
    let set: Int?
    let setTitle: String?
    let question: String?
    let yourTurn: Bool
    let closing: Bool
    let closingMinutes: Int
    let completedConversations: Int
}
