import Fluent
import KindredCore
import SQLKit
import Vapor

/// The question of the day and its mutual reveal. Answers are sealed at rest, and the other
/// member's text is opened only for a revealed day in a living bond.
struct TodayService: RequestScoped {
    let db: any Database
    let services: KindredServices


    static let answerPurpose = "daily_answers.text"
    static let replyPurpose = "daily_replies.text"

    /// One day as one member sees it.
    struct DayView {
        let day: LocalDay
        let prompt: Deck.Prompt
        let state: Reveal.State
        let yourText: String?
        let yourAnsweredAt: Date?
        let theirText: String?
        let theirAnsweredAt: Date?
        let mayWrite: Bool
        let mayReply: Bool
        let replies: [(text: String, yours: Bool, at: Date)]
        /// What each did. `them` is `.none` for a pass you may not see yet.
        let you: DayAction
        let them: DayAction
        /// Who asked for today's other prompt, if anyone: `you` or `them`.
        let swappedBy: String?
        let mayPass: Bool
        let maySwap: Bool
    }

    /// The bond's day under way: one for both members, wherever each lives (`BondDayService`).
    func today(in loaded: BondService.Loaded) async throws -> LocalDay {
        try await BondDayService(db: db, services: services).today(in: loaded)
    }

    // MARK: - The day's question

    /// The prompt for `day`, choosing and storing it the first time anyone asks.
    func question(for day: LocalDay, in loaded: BondService.Loaded) async throws -> DailyQuestion {
        let bondID = loaded.bond.id!
        // A bond still waiting for its second member is asked nothing yet: no prompt is used up.
        guard loaded.snapshot.status != .waiting else {
            throw Problem(status: .conflict, code: "bond-waiting", detail: "The question of the day begins once the other person has joined.")
        }
        if let existing = try await DailyQuestion.query(on: db).filter(\.$bond.$id == bondID).filter(\.$day == day.description).first() {
            return existing
        }
        // An ended bond keeps its past days but is asked nothing new.
        guard loaded.snapshot.status == .active else {
            throw Problem(status: .conflict, code: "bond-ended", detail: "This bond has ended, so there is no new question. Your past days are still here.")
        }
        guard let prompt = try await choosePrompt(for: day, in: loaded, variant: 0) else {
            throw Problem(status: .serviceUnavailable, detail: "There are no questions for this kind of bond yet.")
        }
        let row = DailyQuestion(bondID: bondID, day: day.description, promptID: prompt.id, now: services.now)
        do {
            try await row.create(on: db)
            return row
        } catch {
            // The other member asked at the same instant; theirs is the day's question.
            guard (error as? any DatabaseError)?.isConstraintFailure == true,
                  let stored = try await DailyQuestion.query(on: db).filter(\.$bond.$id == bondID).filter(\.$day == day.description).first()
            else { throw error }
            return stored
        }
    }

    /// The day's prompt from the decks and depth the bond chose. History counts every prompt
    /// asked and every one swapped away, so neither comes back before the deck is exhausted.
    private func choosePrompt(for day: LocalDay, in loaded: BondService.Loaded, variant: Int) async throws -> Deck.Prompt? {
        let bondID = loaded.bond.id!
        let asked = try await DailyQuestion.query(on: db).filter(\.$bond.$id == bondID).sort(\.$day).all()
        let history = asked.flatMap { [$0.swappedPromptID, $0.promptID].compactMap { $0 } }
        let themes = loaded.bond.themes
        let context = PromptSelector.Context(
            bond: loaded.snapshot.id, kind: loaded.bond.kind, day: day, history: history,
            mutualDays: try await mutualDayCount(bondID), weakestSign: try await weakestSign(loaded),
            fixedDepth: themes.depth, variant: variant
        )
        var prompts = themes.prompts(from: services.content.decks, kind: loaded.bond.kind)
        // Decks an operator has since removed leave the bond with every deck, never with none.
        if prompts.isEmpty { prompts = BondThemes.everything.prompts(from: services.content.decks, kind: loaded.bond.kind) }
        return PromptSelector.select(from: prompts, context: context)
    }

    func view(of day: LocalDay, in loaded: BondService.Loaded, for user: User) async throws -> DayView {
        let question = try await question(for: day, in: loaded)
        let answers = try await DailyAnswer.query(on: db)
            .filter(\.$bond.$id == loaded.bond.id!).filter(\.$day == day.description).all()
        let passes = try await DailyPass.query(on: db)
            .filter(\.$bond.$id == loaded.bond.id!).filter(\.$day == day.description).all()
        let replies = try await DailyReply.query(on: db)
            .filter(\.$bond.$id == loaded.bond.id!).filter(\.$day == day.description).sort(\.$createdAt).sort(\.$id).all()
        return try view(day: day, question: question, answers: answers, passes: passes, replies: replies, loaded: loaded, user: user)
    }

    /// The day's view from rows already read (`TodayRead`), or nil when they cannot give it:
    /// the day is outside what was read, or has no question yet (the first to ask chooses it).
    func view(of day: LocalDay, from read: TodayRead.Rows, for user: User) throws -> DayView? {
        let key = day.description
        guard read.days.contains(day), let question = read.questions.first(where: { $0.day == key }) else { return nil }
        return try view(day: day, question: question, answers: read.answers.filter { $0.day == key },
                        passes: read.passes.filter { $0.day == key }, replies: read.replies.filter { $0.day == key },
                        loaded: read.loaded, user: user)
    }

    /// The day's reveal state as `user` sees it — without opening anyone's words.
    func state(of day: LocalDay, in loaded: BondService.Loaded, for user: User) async throws -> Reveal.State {
        let bondID = loaded.bond.id!
        let answers = try await DailyAnswer.query(on: db).filter(\.$bond.$id == bondID).filter(\.$day == day.description).all()
        let passes = try await DailyPass.query(on: db).filter(\.$bond.$id == bondID).filter(\.$day == day.description).all()
        let partnerID = loaded.members.first { $0.user.id != user.id }?.user.id
        return Reveal.state(you: Self.action(of: user.id, answers: answers, passes: passes),
                            them: Self.action(of: partnerID, answers: answers, passes: passes))
    }

    /// What `userID` did on a day, from its answers and passes (an answer outranks a pass).
    static func action(of userID: UUID?, answers: [DailyAnswer], passes: [DailyPass]) -> DayAction {
        if answers.contains(where: { $0.$user.id == userID }) { return .answered }
        if passes.contains(where: { $0.$user.id == userID }) { return .passed }
        return .none
    }

    private func view(day: LocalDay, question: DailyQuestion, answers: [DailyAnswer], passes: [DailyPass], replies: [DailyReply],
                      loaded: BondService.Loaded, user: User) throws -> DayView {
        let mine = answers.first { $0.$user.id == user.id }
        let theirs = answers.first { $0.$user.id != user.id }
        let you = Self.action(of: user.id, answers: answers, passes: passes)
        let partnerID = loaded.members.first { $0.user.id != user.id }?.user.id
        let themActual = Self.action(of: partnerID, answers: answers, passes: passes)
        // A pass by the other member is not even in the view until the viewer has acted.
        let them: DayAction = themActual == .passed && !Reveal.theyPassedIsVisible(you: you, them: themActual) ? .none : themActual
        let state = Reveal.state(you: you, them: themActual)
        let active = loaded.verdict == .member && loaded.snapshot.status == .active
        let ended = loaded.snapshot.status == .ended
        // What the other member wrote is opened only for a revealed day of a living bond.
        let theirText = ended ? nil : try Reveal.visibleText(of: theirs.map { try services.cipher.open($0.sealedText, at: $0.place) }, state: state)
        let prompt = services.content.prompt(question.promptID)
            ?? Deck.Prompt(id: question.promptID, text: "(This question is no longer in the deck.)", depth: 1, sign: .openSharing, kinds: BondKind.allCases)
        let visibleReplies = try replies.filter { !ended || $0.$user.id == user.id }.compactMap { reply -> (String, Bool, Date)? in
            state == .revealed ? (try services.cipher.open(reply.sealedText, at: reply.place), reply.$user.id == user.id, reply.createdAt) : nil
        }
        return DayView(
            day: day, prompt: prompt, state: state,
            yourText: try mine.map { try services.cipher.open($0.sealedText, at: $0.place) },
            yourAnsweredAt: mine?.updatedAt,
            theirText: theirText, theirAnsweredAt: state == .revealed && !ended ? theirs?.createdAt : nil,
            mayWrite: active && Reveal.mayWrite(youAnswered: mine != nil, theyAnswered: theirs != nil),
            mayReply: Reveal.mayReply(state: state, bondStatus: loaded.snapshot.status),
            replies: visibleReplies.map { (text: $0.0, yours: $0.1, at: $0.2) },
            you: you, them: them,
            swappedBy: question.swappedBy.map { $0 == user.id ? "you" : "them" },
            mayPass: active && you == .none && DayControl.passRefusal(you: you, them: themActual, bondStatus: loaded.snapshot.status) == nil,
            maySwap: active && DayControl.swapRefusal(anyoneAnswered: !answers.isEmpty, alreadySwapped: question.swappedBy != nil,
                                                      bondStatus: loaded.snapshot.status) == nil
        )
    }

    // MARK: - Answering

    /// Writes or changes the member's answer for their today. Race-safe: the day's row is
    /// locked first, so two answers at the same instant are applied one after the other,
    /// and an answer never changes once both are in.
    /// Saves the answer without reading the day back; returns the day it landed on, with that
    /// day's question and answers as the write left them. `read`, when given, is this
    /// request's `TodayRead`, which already says whether the day has its question (one round
    /// trip fewer).
    /// `promptID`, when given, is the question the person was answering: if it has been swapped
    /// meanwhile, nothing is saved — two answers always answer one question. `openedDay`, when
    /// given, is the day the question was opened for: an answer written across the turnover
    /// lands on that day (`DayControl.landingDay`), never on the next day's question.
    func write(_ raw: String, to promptID: String? = nil, openedDay: LocalDay? = nil, in loaded: BondService.Loaded,
               read: TodayRead.Rows? = nil, by user: User) async throws -> AnswerWrite {
        try loaded.requireActive(waitingDetail: "The question of the day begins once the other person has joined.")
        let text: String
        switch TextRules.clean(raw, field: "text", allowed: TextRules.answerLength) {
        case .success(let cleaned): text = cleaned
        case .failure(let problem): throw Problem.invalid([problem])
        }
        let today = try await today(in: loaded)
        guard let day = DayControl.landingDay(opened: openedDay, today: today) else {
            throw Problem(status: .conflict, code: "day-over",
                          detail: "That day's question has closed. Your words are still here: have a look at today's question.")
        }
        if let read, read.days.contains(day), read.questions.contains(where: { $0.day == day.description }) {
            // The day's question is known to exist: nothing to look up or choose.
        } else if day != today {
            // The day turned while they wrote: its question was open on their screen, so it exists.
            guard try await DailyQuestion.query(on: db).filter(\.$bond.$id == loaded.bond.id!).filter(\.$day == day.description).first() != nil else {
                throw Problem(status: .conflict, code: "day-over",
                              detail: "That day's question has closed. Your words are still here: have a look at today's question.")
            }
        } else {
            _ = try await question(for: day, in: loaded)
        }
        let cipher = services.cipher, services = self.services
        let bondID = loaded.bond.id!, userID = try user.requireID(), now = services.now
        let partnerID = loaded.members.first { $0.user.id != userID }?.user.id
        // The whole write, notice included, so the notice is queued exactly when the answer lands.
        let write: @Sendable (any Database) async throws -> AnswerWrite = { tx in
            // Read under the lock, so what the request answers with is what it saved against.
            let (question, answers) = try await Self.questionAndAnswers(bondID, day, on: tx)
            if let promptID, let question, question.promptID != promptID {
                throw Problem(status: .conflict, code: "question-changed",
                              detail: "Today's question changed while you were writing. Your words are still here: have a look at the new question first.")
            }
            let mine = answers.first { $0.$user.id == userID }
            let theirs = answers.first { $0.$user.id != userID }
            guard Reveal.mayWrite(youAnswered: mine != nil, theyAnswered: theirs != nil) else {
                throw Problem(status: .conflict, code: "answers-revealed",
                              detail: "You've both answered, so today's answers are shared and can't be changed. Add a reply instead.")
            }
            // Every refusal is above this line: `GroupCommit` relies on it.
            if let mine {
                mine.sealedText = try cipher.seal(text, at: mine.place)
                mine.updatedAt = now
                guard let sql = tx as? any SQLDatabase else { throw Abort(.internalServerError) }
                try await sql.raw("""
                    UPDATE daily_answers SET text = \(bind: mine.sealedText), updated_at = \(bind: now) WHERE id = \(bind: mine.id!)
                    """).run()
                return AnswerWrite(day: day, question: question, answers: answers, passDropped: false, revealed: false, noticeQueued: false)
            }
            let created = try DailyAnswer(bondID: bondID, day: day.description, userID: userID, text: text, cipher: cipher, now: now)
            try await created.create(on: tx)
            let after = answers + [created]
            // Changed your mind after passing: the answer takes the pass's place.
            try await DailyPass.query(on: tx).filter(\.$bond.$id == bondID).filter(\.$day == day.description)
                .filter(\.$user.$id == userID).delete()
            guard let partnerID else {
                return AnswerWrite(day: day, question: question, answers: after, passDropped: true, revealed: theirs != nil, noticeQueued: false)
            }
            // Answering second opens both answers: the notice says so, rather than "answer too".
            let queued = try await NoticeService(db: tx, services: services).queuePartnerActivity(
                theirs != nil ? .bothAnswered : .partnerAnswered, to: partnerID, bondID: bondID, occasion: day.description)
            return AnswerWrite(day: day, question: question, answers: after, passDropped: true, revealed: theirs != nil, noticeQueued: queued)
        }
        let written: AnswerWrite
        if GroupCommit.serves(db) {
            written = try await services.answerWrites.submit(on: db, write)
        } else {
            written = try await db.transaction { tx in
                // Take the day's lock before reading: whoever comes second sees the first answer.
                try await lockDay(bondID, day, on: tx)
                return try await write(tx)
            }
        }
        if written.revealed { services.metrics.revealed() }
        if written.noticeQueued { services.scheduler.wake() }
        return written
    }

    /// What an answer's write did: the day it landed on, that day's question and answers as
    /// the write left them, whether a pass of theirs gave way to it, and what follows its commit.
    struct AnswerWrite: Sendable {
        let day: LocalDay
        let question: DailyQuestion?
        let answers: [DailyAnswer]
        let passDropped: Bool
        let revealed: Bool
        let noticeQueued: Bool
    }

    // MARK: - Passing and swapping

    /// Passes on the viewer's today. Passing twice changes nothing.
    func pass(in loaded: BondService.Loaded, by user: User) async throws -> DayView {
        try loaded.requireActive(waitingDetail: "The question of the day begins once the other person has joined.")
        let day = try await today(in: loaded)
        _ = try await question(for: day, in: loaded)
        let bondID = loaded.bond.id!, userID = try user.requireID(), now = services.now
        let partner = loaded.members.first { $0.user.id != userID }?.user.displayName ?? "the other person"
        try await db.transaction { tx in
            try await lockDay(bondID, day, on: tx)
            let answers = try await DailyAnswer.query(on: tx).filter(\.$bond.$id == bondID).filter(\.$day == day.description).all()
            let passes = try await DailyPass.query(on: tx).filter(\.$bond.$id == bondID).filter(\.$day == day.description).all()
            let you = Self.action(of: userID, answers: answers, passes: passes)
            let them = Self.action(of: loaded.members.first { $0.user.id != userID }?.user.id, answers: answers, passes: passes)
            if let refusal = DayControl.passRefusal(you: you, them: them, bondStatus: loaded.snapshot.status) {
                throw Problem(status: .conflict, code: refusal.code, detail: refusal.message(partner: partner))
            }
            if you == .none {
                try await DailyPass(bondID: bondID, day: day.description, userID: userID, now: now).create(on: tx)
            }
        }
        return try await view(of: day, in: loaded, for: user)
    }

    /// Another prompt for today, once, before anyone answered. A pass made on the old
    /// prompt is cleared: the new question is a fresh chance for both.
    func swap(in loaded: BondService.Loaded, by user: User) async throws -> DayView {
        try loaded.requireActive(waitingDetail: "The question of the day begins once the other person has joined.")
        let day = try await today(in: loaded)
        _ = try await question(for: day, in: loaded)
        let bondID = loaded.bond.id!, userID = try user.requireID()
        let partner = loaded.members.first { $0.user.id != userID }?.user.displayName ?? "the other person"
        let services = self.services
        try await db.transaction { tx in
            try await lockDay(bondID, day, on: tx)
            guard let row = try await DailyQuestion.query(on: tx).filter(\.$bond.$id == bondID).filter(\.$day == day.description).first()
            else { throw Problem.notFound("There is no question for today yet.") }
            let answered = try await DailyAnswer.query(on: tx).filter(\.$bond.$id == bondID).filter(\.$day == day.description).count()
            if let refusal = DayControl.swapRefusal(anyoneAnswered: answered > 0, alreadySwapped: row.swappedBy != nil, bondStatus: loaded.snapshot.status) {
                throw Problem(status: .conflict, code: refusal.code, detail: refusal.message(partner: partner))
            }
            let inside = TodayService(db: tx, services: services)
            guard let prompt = try await inside.choosePrompt(for: day, in: loaded, variant: 1), prompt.id != row.promptID else {
                throw Problem(status: .conflict, code: "no-other-question", detail: "There isn't another question to offer today. Try different decks in your bond's settings.")
            }
            row.swappedPromptID = row.promptID
            row.promptID = prompt.id
            row.swappedBy = userID
            try await row.update(on: tx)
            try await DailyPass.query(on: tx).filter(\.$bond.$id == bondID).filter(\.$day == day.description).delete()
        }
        return try await view(of: day, in: loaded, for: user)
    }

    /// The day's question and its answers in one statement, rows read field by field (an
    /// answer's write is the hot write: Fluent's query builder finds fields by reflection).
    private static func questionAndAnswers(_ bondID: UUID, _ day: LocalDay, on tx: any Database) async throws -> (DailyQuestion?, [DailyAnswer]) {
        guard let sql = tx as? any SQLDatabase else { throw Abort(.internalServerError) }
        let rows = try await sql.raw("""
            SELECT \(unsafeRaw: dayColumns) FROM daily_questions q LEFT JOIN daily_answers a ON a.bond_id = q.bond_id AND a.day = q.day
            WHERE q.bond_id = \(bind: bondID) AND q.day = \(bind: day.description)
            """).all()
        guard let first = rows.first else {
            // No question row (one is made before any answer, so this should not happen): the answers alone.
            return (nil, try await DailyAnswer.query(on: tx).filter(\.$bond.$id == bondID).filter(\.$day == day.description).all())
        }
        let answers = try rows.filter { try !$0.decodeNil(column: "a_id") }.map { try $0.model(DailyAnswer.self, prefix: "a") }
        return (try first.model(DailyQuestion.self, prefix: "q"), answers)
    }

    private static let dayColumns = (PrefixedColumns.select(DailyQuestion.self, from: "q", as: "q")
        + PrefixedColumns.select(DailyAnswer.self, from: "a", as: "a")).joined(separator: ", ")

    /// Takes the day's row lock before reading, so two members acting at the same instant
    /// (on any node) are applied one after the other.
    private func lockDay(_ bondID: UUID, _ day: LocalDay, on tx: any Database) async throws {
        guard let sql = tx as? any SQLDatabase else { throw Abort(.internalServerError) }
        try await sql.raw("UPDATE daily_questions SET prompt_id = prompt_id WHERE bond_id = \(bind: bondID) AND day = \(bind: day.description)").run()
    }

    func reply(_ raw: String, on day: LocalDay, in loaded: BondService.Loaded, by user: User) async throws -> DayView {
        let current = try await view(of: day, in: loaded, for: user)
        guard current.mayReply else {
            throw Problem(status: .conflict, code: "replies-closed",
                          detail: "Replies open once you have both answered the day's question (and while the bond lasts).")
        }
        let text: String
        switch TextRules.clean(raw, field: "text", allowed: TextRules.replyLength) {
        case .success(let cleaned): text = cleaned
        case .failure(let problem): throw Problem.invalid([problem])
        }
        let cipher = services.cipher
        let bondID = loaded.bond.id!
        let userID = try user.requireID()
        let now = services.now
        try await db.transaction { tx in
            // The day's row lock makes count-then-insert one step on every node.
            try await lockDay(bondID, day, on: tx)
            let yours = try await DailyReply.query(on: tx).filter(\.$bond.$id == bondID).filter(\.$day == day.description)
                .filter(\.$user.$id == userID).count()
            guard yours < TextRules.repliesPerMemberPerDay else {
                throw Problem(status: .conflict, detail: TextRules.repliesFullMessage, code: "replies-full")
            }
            try await DailyReply(bondID: bondID, day: day.description, userID: userID, text: text, cipher: cipher, now: now).create(on: tx)
        }
        return try await view(of: day, in: loaded, for: user)
    }

    /// Past days that have a question, newest first (before `before`, at most `limit`).
    func history(in loaded: BondService.Loaded, for user: User, before: LocalDay?, limit: Int = 30) async throws -> [DayView] {
        let bondID = loaded.bond.id!
        let query = DailyQuestion.query(on: db).filter(\.$bond.$id == bondID)
        if let before { query.filter(\.$day < before.description) }
        let questions = try await query.sort(\.$day, .descending).limit(limit).all()
        guard !questions.isEmpty else { return [] }
        let days = questions.map(\.day)
        let answers = try await DailyAnswer.query(on: db).filter(\.$bond.$id == bondID).filter(\.$day ~~ days).all()
        let replies = try await DailyReply.query(on: db).filter(\.$bond.$id == bondID).filter(\.$day ~~ days).sort(\.$createdAt).sort(\.$id).all()
        let passes = try await DailyPass.query(on: db).filter(\.$bond.$id == bondID).filter(\.$day ~~ days).all()
        return try questions.compactMap { question in
            guard let day = LocalDay(string: question.day) else { return nil }
            return try view(day: day, question: question, answers: answers.filter { $0.day == question.day },
                            passes: passes.filter { $0.day == question.day },
                            replies: replies.filter { $0.day == question.day }, loaded: loaded, user: user)
        }
    }

    // MARK: - Rhythm

    /// Days on which both members answered, within the last `window` days of `today`.
    func consistency(in loaded: BondService.Loaded, today: LocalDay, window: Int = TodayRead.consistencyWindow) async throws -> Consistency {
        let start = today.adding(days: -(window - 1)).description
        guard let sql = db as? any SQLDatabase else { return Consistency(days: 0, window: window) }
        // Counted in the database: only the days come back, never the answers themselves.
        struct Row: Decodable { let day: String }
        let days = try await sql.raw("""
            SELECT day FROM daily_answers
            WHERE bond_id = \(bind: loaded.bond.id!) AND day >= \(bind: start) AND day <= \(bind: today.description)
            GROUP BY day HAVING COUNT(*) = 2
            """).all(decoding: Row.self)
        return Consistency.over(window: window, mutualDays: Set(days.compactMap { LocalDay(string: $0.day) }), today: today)
    }

    private func mutualDayCount(_ bondID: UUID) async throws -> Int {
        guard let sql = db as? any SQLDatabase else { return 0 }
        struct Row: Decodable { let n: Int }
        let row = try await sql.raw("""
            SELECT COUNT(*) AS n FROM (SELECT day FROM daily_answers WHERE bond_id = \(bind: bondID) GROUP BY day HAVING COUNT(*) = 2) AS mutual
            """).first(decoding: Row.self)
        return row?.n ?? 0
    }

    /// The sign the two of them most need, from the six-signs results they chose to share.
    private func weakestSign(_ loaded: BondService.Loaded) async throws -> Sign? {
        let shared = try await Assessment.query(on: db)
            .filter(\.$bond.$id == loaded.bond.id!).filter(\.$instrumentKey == "six-signs")
            .filter(\.$mode == ResultSummary.Mode.`self`.rawValue).filter(\.$shared == true)
            .sort(\.$takenAt, .descending).limit(10).all().opened(services.cipher)
        var latestPerMember: [UUID: InstrumentScore] = [:]
        for result in shared where latestPerMember[result.$user.id] == nil { latestPerMember[result.$user.id] = result.score }
        guard !latestPerMember.isEmpty else { return nil }
        var totals: [String: Double] = [:]
        for score in latestPerMember.values { for part in score.subscales { totals[part.key, default: 0] += part.score } }
        return totals.min { $0.value < $1.value || ($0.value == $1.value && $0.key < $1.key) }.flatMap { Sign(rawValue: $0.key) }
    }
}
