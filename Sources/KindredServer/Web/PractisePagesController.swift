import Fluent
import KindredCore
import Vapor

/// Practising in the browser: today's question, past days, appreciations, the weekly
/// check-in and the deep conversation.
struct PractisePagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(.today, use: today)
        routes.post(.today, use: answer)
        routes.get(.days, use: days)
        routes.get(.day, use: day)
        routes.post(.dayReplies, use: reply)
        routes.get(.appreciations, use: appreciations)
        routes.post(.appreciations, use: appreciate)
        routes.get(.checkin, use: checkin)
        routes.post(.checkin, use: checkIn)
        routes.get(.conversation, use: conversation)
        routes.post(.conversation, use: startConversation)
        routes.post(.conversationNext, use: nextQuestion)
        routes.post(.conversationFinish, use: finishConversation)
    }

    struct Context {
        let user: User
        let loaded: BondService.Loaded
        var bondID: BondID { loaded.snapshot.id }
        var partnerName: String? { loaded.members.first { $0.user.id != user.id }?.user.displayName }
        var bondTitle: String { BondPagesController.title(of: loaded, for: user) }
        var bondURL: String { SiteURL.bond(bondID).path }
    }

    func context(_ req: Request) async throws -> Context {
        let user = try req.requireWebUser()
        return Context(user: user, loaded: try await BondService(req).load(try req.bondID(), for: user))
    }

    // MARK: - Today

    struct ReplyRow: Encodable {
        let author: String
        let text: String
        let at: String
    }

    /// One reaction button under a revealed day or an appreciation.
    struct ReactionButton: Encodable {
        let value: String
        let emoji: String
        let label: String
        let pressed: Bool

        static func row(chosen: Reaction?) -> [ReactionButton] {
            Reaction.allCases.map { ReactionButton(value: $0.rawValue, emoji: $0.emoji, label: $0.label, pressed: $0 == chosen) }
        }
    }

    /// One day, as the template shows it.
    struct DayCard: Encodable {
        let day: String
        let dayLabel: String
        let url: String
        let prompt: String
        let promptID: String
        let signLabel: String
        let depthLabel: String
        let state: String
        let yourText: String?
        let theirText: String?
        let partnerName: String
        let waitingForThem: Bool
        let theyAnswered: Bool
        let revealed: Bool
        let youPassed: Bool
        let theyPassed: Bool
        let swapped: String?
        let mayWrite: Bool
        let mayReply: Bool
        let mayPass: Bool
        let maySwap: Bool
        let passURL: String
        let swapURL: String
        let replyURL: String
        let replies: [ReplyRow]
        let reactionURL: String
        let reactions: [ReactionButton]
        let yourReaction: String?
        let theirReaction: String?
        /// Today's card speaks of today and what can still be done; a past day's, of that day.
        let isToday: Bool
        /// Where the day stands, in a sentence (nil once both answers are there to read).
        let status: String?

        init(_ view: TodayService.DayView, context: Context, today: LocalDay, reactions: ReactionService.Summary? = nil) {
            let partner = context.partnerName ?? "The other person"
            let zone = context.user.timeZone
            day = view.day.description
            dayLabel = DateText.day(view.day.noonDate, in: "UTC")
            url = SiteURL.day(context.bondID, view.day.description).path
            prompt = view.prompt.text
            promptID = view.prompt.id
            signLabel = view.prompt.sign.label
            depthLabel = ["Light", "Personal", "Deep"][max(0, min(2, view.prompt.depth - 1))]
            state = view.state.rawValue
            yourText = view.yourText
            theirText = view.theirText
            partnerName = partner
            waitingForThem = view.state == .waitingForThem
            theyAnswered = view.them == .answered && view.state != .revealed
            revealed = view.state == .revealed
            youPassed = view.you == .passed
            theyPassed = view.them == .passed
            let when = view.day == today ? "today" : "that day"
            swapped = view.swappedBy.map { $0 == "you" ? "You asked for another question \(when)." : "\(partner) asked for another question \(when)." }
            mayWrite = view.mayWrite
            mayReply = view.mayReply
            mayPass = view.mayPass
            maySwap = view.maySwap
            passURL = SiteURL.todayPass(context.bondID).path
            swapURL = SiteURL.todaySwap(context.bondID).path
            replyURL = SiteURL.dayReplies(context.bondID, view.day.description).path
            // The day is known from the card, so each reply shows just its time ("09:14").
            replies = view.replies.map {
                ReplyRow(author: $0.yours ? "You" : partner, text: $0.text, at: DateText.time($0.at, in: zone, onDay: view.day))
            }
            reactionURL = SiteURL.dayReaction(context.bondID, view.day.description).path
            self.reactions = view.mayReply ? ReactionButton.row(chosen: reactions?.yours) : []
            yourReaction = reactions?.yours.map { "\($0.emoji) \($0.label)" }
            theirReaction = reactions?.theirs.map { "\(partner) reacted \($0.emoji) \($0.label)" }
            isToday = view.day == today
            status = Self.status(view, partner: partner, isToday: view.day == today)
        }

        static func status(_ view: TodayService.DayView, partner: String, isToday: Bool) -> String? {
            switch (view.state, view.you, view.them, isToday) {
            case (.waitingForThem, _, _, true):
                "Waiting for \(partner). You'll see each other's answers once they've answered too — you can change yours until then."
            case (.waitingForThem, _, _, false): "Only you answered that day."
            case (.theyAnswered, _, _, true): "\(partner) has answered. Answer too, and you'll both see each other's."
            case (.theyAnswered, _, _, false): "\(partner) answered that day."
            case (.passed, .passed, .answered, true):
                "You passed today, and \(partner) answered. Changed your mind? Answer too, and you'll see each other's."
            case (.passed, .passed, .answered, false): "You passed that day, and \(partner) answered."
            case (.passed, .passed, .passed, true): "You both passed today. That's all right — there's a new question tomorrow."
            case (.passed, .passed, .passed, false): "You both passed that day."
            case (.passed, .passed, _, true):
                "You passed today. That's all right — there's a new question tomorrow, and you can still answer if you change your mind."
            case (.passed, .passed, _, false): "You passed that day."
            case (.passed, _, _, true): "\(partner) passed today, and that's all right. If they answer after all, you'll see each other's."
            case (.passed, _, _, false): "\(partner) passed that day."
            default: nil
            }
        }
    }

    struct TodayPage: Encodable {
        let bondTitle: String
        let bondURL: String
        let active: Bool
        let card: DayCard
        let consistency: String
        let answerURL: String
        let historyURL: String
        let error: String?
        let draft: String
        let nudgeURL: String?
        let nudged: Bool
        let back = "today"
        let hasControls: Bool
        /// "The next question arrives at 04:00 your time."
        let nextQuestion: String
    }

    /// The bond and the days around now come from one read (`TodayRead`), as for the API.
    func today(req: Request) async throws -> Response {
        let user = try req.requireWebUser()
        let read = try await TodayRead(req).read(try req.bondID(), for: user)
        let context = Context(user: user, loaded: read.loaded)
        guard context.loaded.snapshot.status != .waiting else {
            struct Waiting: Encodable { let bondTitle: String; let bondURL: String }
            return try await req.page("today-waiting", title: "Today's question", section: "bonds",
                                      Waiting(bondTitle: context.bondTitle, bondURL: context.bondURL))
        }
        do {
            return try await renderToday(req, context: context, error: nil, draft: nil, read: read)
        } catch let problem as Problem where problem.code == "bond-ended" {
            // A day after the bond ended there is no question: its past days are what is left.
            return req.redirect(to: .days(context.bondID))
        }
    }

    func answer(req: Request) async throws -> Response {
        let context = try await context(req)
        let text = (try? req.content.get(String.self, at: "text")) ?? ""
        do {
            let promptID = try? req.content.get(String.self, at: "promptId")
            let opened = (try? req.content.get(String.self, at: "day")).flatMap(LocalDay.init(string:))
            // Only where it landed is needed: the page it redirects to reads the day afresh.
            let written = try await TodayService(req).write(text, to: promptID, openedDay: opened, in: context.loaded, by: context.user)
            // Written across the turnover: it landed on its own day, which is where to see it.
            let today = try await TodayService(req).today(in: context.loaded)
            return req.redirect(to: written.day == today ? .today(context.bondID) : .day(context.bondID, written.day.description), flash: .answerSaved)
        } catch let problem as Problem where !problem.fieldErrors.isEmpty || problem.status == .conflict {
            return try await renderToday(req, context: context, error: problem.fieldErrors.first?.message ?? problem.detail,
                                         draft: text, status: problem.status)
        }
    }

    /// `read`, when given, holds the day already (most visits): then nothing more is read for it.
    private func renderToday(_ req: Request, context: Context, error: String?, draft: String?, status: HTTPStatus = .ok,
                             read: TodayRead.Rows? = nil) async throws -> Response {
        let service = TodayService(req)
        let day = try await service.today(in: context.loaded)
        let view: TodayService.DayView, consistency: Consistency, card: DayCard
        if let read, let known = try service.view(of: day, from: read, for: context.user) {
            view = known
            consistency = read.consistency(today: day)
            let reactions = known.state == .revealed
                ? ReactionService.summaries(of: read.reactions.filter { $0.targetKey == day.description }, in: context.loaded,
                                            for: context.user, cipher: req.kindred.cipher)[day.description]
                : nil
            card = DayCard(known, context: context, today: day, reactions: reactions)
        } else {
            view = try await service.view(of: day, in: context.loaded, for: context.user)
            consistency = try await service.consistency(in: context.loaded, today: day)
            card = try await cards([view], context: context, req: req)[0]
        }
        let nudge = try await NudgeService(req).status(in: context.loaded, for: context.user, day: view)
        let next = try await BondDayService(req).clock(in: context.loaded).nextTurnover(after: req.kindred.now)
        return try await req.page("today", title: "Today's question", section: "bonds", status: status, TodayPage(
            bondTitle: context.bondTitle, bondURL: context.bondURL, active: context.loaded.snapshot.status == .active,
            card: card, consistency: consistency.sentence,
            answerURL: SiteURL.today(context.bondID).path, historyURL: SiteURL.days(context.bondID).path,
            error: error, draft: draft ?? view.yourText ?? "",
            nudgeURL: nudge.mayNudge ? SiteURL.nudge(context.bondID).path : nil, nudged: nudge.nudgedToday,
            hasControls: view.maySwap || view.mayPass || nudge.mayNudge,
            nextQuestion: DateText.nextQuestion(at: next, now: req.kindred.now, in: context.user.timeZone)
        ))
    }

    /// Cards for days, with the reactions of the revealed ones in one query.
    func cards(_ views: [TodayService.DayView], context: Context, req: Request) async throws -> [DayCard] {
        let revealed = views.filter { $0.state == .revealed }.map(\.day.description)
        let reactions = try await ReactionService(req).summaries(.day, keys: revealed, in: context.loaded, for: context.user)
        let today = try await TodayService(req).today(in: context.loaded)
        return views.map { DayCard($0, context: context, today: today, reactions: reactions[$0.day.description]) }
    }

    // MARK: - Past days

    func days(req: Request) async throws -> Response {
        let context = try await context(req)
        let before = (req.query["before"] as String?).flatMap(LocalDay.init(string:))
        let views = try await TodayService(req).history(in: context.loaded, for: context.user, before: before, limit: 20)
        struct Page: Encodable {
            let bondTitle: String
            let bondURL: String
            let cards: [DayCard]
            let olderURL: String?
        }
        let older = views.count == 20 ? views.last.map { SiteURL.days(context.bondID).path + "?before=\($0.day)" } : nil
        return try await req.page("days", title: "Past days", section: "bonds", Page(
            bondTitle: context.bondTitle, bondURL: context.bondURL, cards: try await cards(views, context: context, req: req), olderURL: older
        ))
    }

    func day(req: Request) async throws -> Response {
        let context = try await context(req)
        let day = try await existingDay(req, context)
        let view = try await TodayService(req).view(of: day, in: context.loaded, for: context.user)
        struct Page: Encodable {
            let bondTitle: String
            let bondURL: String
            let historyURL: String
            let card: DayCard
            let back = "day"
        }
        return try await req.page("day", title: "A past day", section: "bonds", Page(
            bondTitle: context.bondTitle, bondURL: context.bondURL, historyURL: SiteURL.days(context.bondID).path,
            card: try await cards([view], context: context, req: req)[0]
        ))
    }

    func reply(req: Request) async throws -> Response {
        let context = try await context(req)
        let day = try await existingDay(req, context)
        let text = (try? req.content.get(String.self, at: "text")) ?? ""
        let back = (try? req.content.get(String.self, at: "back")) == "today" ? SiteURL.today(context.bondID) : SiteURL.day(context.bondID, day.description)
        do {
            _ = try await TodayService(req).reply(text, on: day, in: context.loaded, by: context.user)
            return req.redirect(to: back, flash: .replySent)
        } catch let problem as Problem where !problem.fieldErrors.isEmpty {
            return req.redirect(to: back, flash: .replyEmpty)
        } catch let problem as Problem where problem.code == "replies-full" {
            return req.redirect(to: back, flash: .repliesFull)
        }
    }

    func existingDay(_ req: Request, _ context: Context) async throws -> LocalDay {
        guard let day = req.parameters.get("day").flatMap(LocalDay.init(string:)),
              try await DailyQuestion.query(on: req.db).filter(\.$bond.$id == context.loaded.bond.id!).filter(\.$day == day.description).first() != nil
        else { throw Problem.notFound("There is no question for that day in this bond.") }
        return day
    }
}

extension LocalDay {
    /// Noon UTC that day, for formatting a date people read.
    var noonDate: Date { LocalDay.noonOf(self) }

    static func noonOf(_ day: LocalDay) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day, hour: 12))!
    }
}
