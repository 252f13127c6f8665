import Foundation
import Testing
@testable import KindredCore

@Suite struct PassingTests {
    let actions: [DayAction] = [.none, .answered, .passed]

    @Test func ritualNewsNamesTheRitualAndFoldsMarksOfOne() {
        let now = Date(timeIntervalSince1970: 1_800_000_000), today = LocalDay(year: 2027, month: 1, day: 15)
        let events = [
            WhatsNew.Event(kind: .ritualKept, at: now, detail: "Sunday walk"),
            WhatsNew.Event(kind: .ritualKept, at: now.addingTimeInterval(60), detail: "Sunday walk"),
            WhatsNew.Event(kind: .ritualKept, at: now.addingTimeInterval(30), detail: "Goodnight call"),
            WhatsNew.Event(kind: .ritualProposed, at: now.addingTimeInterval(90), detail: "Film club"),
        ]
        let lines = WhatsNew.summarise(events).map { WhatsNew.sentence(for: $0, partner: "Bea", today: today, dayLabel: { $0.description }) }
        #expect(lines == ["Bea would like to start a ritual with you: Film club.", "Bea marked Sunday walk done 2 times.", "Bea marked Goodnight call done."])
    }

    @Test func anAnswerLandsOnTheDayItWasOpenedForOrTheDayJustBefore() {
        let today = LocalDay(year: 2027, month: 3, day: 28)
        #expect(DayControl.landingDay(opened: nil, today: today) == today)
        #expect(DayControl.landingDay(opened: today, today: today) == today)
        // Opened on the 27th, sent after the turnover: it stays with the 27th's question.
        #expect(DayControl.landingDay(opened: today.adding(days: -1), today: today) == today.adding(days: -1))
        #expect(DayControl.landingDay(opened: today.adding(days: -2), today: today) == nil)
        #expect(DayControl.landingDay(opened: today.adding(days: 1), today: today) == nil, "a day that has not begun")
        // Across a month's and a year's end.
        let newYear = LocalDay(year: 2028, month: 1, day: 1)
        #expect(DayControl.landingDay(opened: LocalDay(year: 2027, month: 12, day: 31), today: newYear) == LocalDay(year: 2027, month: 12, day: 31))
    }

    @Test func aPassStaysQuietUntilYouHaveActed() {
        #expect(Reveal.state(you: .none, them: .passed) == .open, "their pass looks like nothing yet")
        #expect(!Reveal.theyPassedIsVisible(you: .none, them: .passed))
        #expect(Reveal.state(you: .answered, them: .passed) == .passed)
        #expect(Reveal.theyPassedIsVisible(you: .answered, them: .passed))
        #expect(Reveal.state(you: .passed, them: .passed) == .passed)
        #expect(Reveal.theyPassedIsVisible(you: .passed, them: .passed))
    }

    @Test func theStatesWithoutPassesAreTheOldOnes() {
        for you in [false, true] {
            for them in [false, true] {
                let old = Reveal.state(youAnswered: you, theyAnswered: them)
                #expect(Reveal.state(you: you ? .answered : .none, them: them ? .answered : .none) == old)
            }
        }
    }

    @Test func onlyTwoAnswersRevealAnything() {
        for you in actions {
            for them in actions {
                let revealed = Reveal.state(you: you, them: them) == .revealed
                #expect(revealed == (you == .answered && them == .answered))
                // Whatever the other did, you never see their answer unless both answered.
                #expect(Reveal.visibleText(of: "theirs", state: Reveal.state(you: you, them: them)) == (revealed ? "theirs" : nil))
            }
        }
    }

    @Test func passingIsRefusedOnlyOnceYouHaveAnswered() {
        #expect(DayControl.passRefusal(you: .none, them: .none, bondStatus: .active) == nil)
        #expect(DayControl.passRefusal(you: .none, them: .answered, bondStatus: .active) == nil)
        #expect(DayControl.passRefusal(you: .passed, them: .none, bondStatus: .active) == nil, "passing twice is harmless")
        #expect(DayControl.passRefusal(you: .answered, them: .none, bondStatus: .active) == .alreadyAnswered)
        #expect(DayControl.passRefusal(you: .answered, them: .answered, bondStatus: .active) == .revealed)
        #expect(DayControl.passRefusal(you: .none, them: .none, bondStatus: .ended) == .bondNotActive)
        #expect(DayControl.passRefusal(you: .none, them: .none, bondStatus: .waiting) == .bondNotActive)
    }

    @Test func aSwapIsOncePerDayAndOnlyBeforeAnyAnswer() {
        #expect(DayControl.swapRefusal(anyoneAnswered: false, alreadySwapped: false, bondStatus: .active) == nil)
        #expect(DayControl.swapRefusal(anyoneAnswered: false, alreadySwapped: true, bondStatus: .active) == .swapUsed)
        #expect(DayControl.swapRefusal(anyoneAnswered: true, alreadySwapped: false, bondStatus: .active) == .swapAfterAnswer)
        #expect(DayControl.swapRefusal(anyoneAnswered: false, alreadySwapped: false, bondStatus: .ended) == .bondNotActive)
    }

    @Test func aNudgeNeverRevealsAPassYouCannotSeeYet() {
        // They passed, you have not acted: the nudge goes (refusing would tell you they passed).
        #expect(DayControl.nudgeRefusal(you: .none, them: .passed, nudgedToday: false, bondStatus: .active) == nil)
        // You answered and may see their pass: it is respected.
        #expect(DayControl.nudgeRefusal(you: .answered, them: .passed, nudgedToday: false, bondStatus: .active) == .nudgePassed)
        #expect(DayControl.nudgeRefusal(you: .answered, them: .answered, nudgedToday: false, bondStatus: .active) == .nudgeNotNeeded)
        #expect(DayControl.nudgeRefusal(you: .none, them: .answered, nudgedToday: false, bondStatus: .active) == .nudgeNotNeeded)
        #expect(DayControl.nudgeRefusal(you: .answered, them: .none, nudgedToday: true, bondStatus: .active) == .nudgeUsed)
        #expect(DayControl.nudgeRefusal(you: .answered, them: .none, nudgedToday: false, bondStatus: .active) == nil)
        #expect(DayControl.nudgeRefusal(you: .none, them: .none, nudgedToday: false, bondStatus: .ended) == .bondNotActive)
    }

    @Test func everyRefusalHasItsOwnCodeAndNamesThePartnerWhereItMatters() {
        let all: [DayControl.Refusal] = [.bondNotActive, .alreadyAnswered, .revealed, .swapUsed, .swapAfterAnswer, .nudgeUsed, .nudgeNotNeeded, .nudgePassed]
        #expect(Set(all.map(\.code)).count == all.count)
        #expect(DayControl.Refusal.nudgeUsed.message(partner: "Bea").contains("Bea"))
    }
}

@Suite struct ReactionTests {
    @Test func theSetIsFixedAndEachHasAnEmojiAndALabel() {
        #expect(Reaction.allCases.map(\.rawValue) == ["heart", "hug", "laugh", "wow", "thanks"])
        #expect(Set(Reaction.allCases.map(\.emoji)).count == 5)
        #expect(Reaction(rawValue: "angry") == nil)
    }

    @Test func daysOnlyOnceRevealedAndAppreciationsOnlyByTheirReader() {
        for state in [Reveal.State.open, .waitingForThem, .theyAnswered, .passed] {
            #expect(Reaction.refusal(for: .day, dayState: state, bondStatus: .active) == .notRevealed)
        }
        #expect(Reaction.refusal(for: .day, dayState: .revealed, bondStatus: .active) == nil)
        #expect(Reaction.refusal(for: .day, dayState: .revealed, bondStatus: .ended) == .bondNotActive)
        #expect(Reaction.refusal(for: .appreciation, youWroteIt: false, bondStatus: .active) == nil)
        #expect(Reaction.refusal(for: .appreciation, youWroteIt: true, bondStatus: .active) == .ownAppreciation)
    }
}

@Suite struct ThemeTests {
    let library: [Deck] = [
        Deck(key: "light", title: "Light", description: "", prompts: [
            .init(id: "light-1", text: "a", depth: 1, sign: .trust, kinds: BondKind.allCases),
            .init(id: "light-2", text: "b", depth: 2, sign: .trust, kinds: BondKind.allCases),
        ]),
        Deck(key: "partners", title: "Partners", description: "", prompts: [
            .init(id: "partners-1", text: "c", depth: 1, sign: .trust, kinds: [.romantic]),
            .init(id: "partners-2", text: "d", depth: 3, sign: .trust, kinds: [.romantic]),
        ]),
    ]

    @Test func chosenDecksNarrowThePromptsAndKindStillApplies() {
        #expect(BondThemes.everything.prompts(from: library, kind: .romantic).count == 4)
        #expect(BondThemes.everything.prompts(from: library, kind: .family).map(\.id) == ["light-1", "light-2"])
        #expect(BondThemes(decks: ["partners"]).prompts(from: library, kind: .romantic).map(\.id) == ["partners-1", "partners-2"])
    }

    @Test func problemsAreSpecific() {
        #expect(BondThemes.problems(decks: nil, depth: nil, library: library, kind: .family).isEmpty)
        #expect(BondThemes.problems(decks: [], depth: nil, library: library, kind: .family).map(\.field) == ["decks"])
        #expect(BondThemes.problems(decks: ["nope"], depth: nil, library: library, kind: .family).first?.message.contains("nope") == true)
        #expect(BondThemes.problems(decks: ["light"], depth: 4, library: library, kind: .family).map(\.field) == ["depth"])
        // A friendship cannot draw only from a romantic deck.
        let onlyRomantic = BondThemes.problems(decks: ["partners"], depth: nil, library: library, kind: .friendship)
        #expect(onlyRomantic.first?.message.contains("no questions for this kind of bond") == true)
        #expect(BondThemes.problems(decks: ["partners"], depth: 1, library: library, kind: .romantic).isEmpty)
    }

    @Test func normalisingKeepsLibraryOrderAndMakesAllDecksNil() {
        #expect(BondThemes.normalised(decks: ["partners", "light", "light"], depth: 2, library: library) == BondThemes(decks: nil, depth: 2))
        #expect(BondThemes.normalised(decks: ["partners"], depth: nil, library: library).decks == ["partners"])
    }

    @Test func aFixedDepthCapsTheSelectorWhateverTheHistory() {
        let prompts = BondThemes.everything.prompts(from: library, kind: .romantic)
        for n in 0..<40 {
            let context = PromptSelector.Context(
                bond: BondID(UUID()), kind: .romantic, day: LocalDay(string: "2026-11-30")!.adding(days: n),
                history: [], mutualDays: 100, weakestSign: nil, fixedDepth: 1
            )
            #expect(PromptSelector.select(from: prompts, context: context)?.depth == 1)
        }
    }

    @Test func aSwapGivesAnotherPromptDeterministically() {
        let prompts = (1...30).map { Deck.Prompt(id: "p-\($0)", text: "\($0)", depth: 1, sign: .trust, kinds: [.family]) }
        let bond = BondID(UUID())
        var differed = 0
        for n in 0..<20 {
            let day = LocalDay(string: "2026-01-01")!.adding(days: n)
            let first = PromptSelector.select(from: prompts, context: .init(bond: bond, kind: .family, day: day, history: [], mutualDays: 0, weakestSign: nil))!
            let swapContext = PromptSelector.Context(bond: bond, kind: .family, day: day, history: [first.id], mutualDays: 0, weakestSign: nil, variant: 1)
            let swapped = PromptSelector.select(from: prompts, context: swapContext)!
            #expect(swapped.id != first.id, "the swapped-away prompt counts as asked")
            #expect(PromptSelector.select(from: prompts, context: swapContext) == swapped, "same on every node")
            if swapped.id != PromptSelector.select(from: prompts, context: .init(bond: bond, kind: .family, day: day, history: [first.id], mutualDays: 0, weakestSign: nil))!.id { differed += 1 }
        }
        #expect(differed > 0, "the variant changes the roll")
    }
}

@Suite struct MeasureRhythmTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)
    func day(_ n: Double) -> Date { start.addingTimeInterval(n * 86_400) }

    var standings: [MeasureRhythm.Standing] {
        [
            .init(key: "eis", introducedInWeek: 1, lastTaken: nil, cadenceDays: 30),
            .init(key: "six-signs", introducedInWeek: 2, lastTaken: nil, cadenceDays: 7),
            .init(key: "intimacy-balance", introducedInWeek: 2, lastTaken: nil, cadenceDays: 30),
            .init(key: "csi4", introducedInWeek: 3, lastTaken: nil, cadenceDays: 90),
            .init(key: "swls", introducedInWeek: 4, lastTaken: nil, cadenceDays: 90),
        ]
    }

    @Test func weeksCountFromTheBondsStart() {
        #expect(MeasureRhythm.week(since: start, now: day(0)) == 1)
        #expect(MeasureRhythm.week(since: start, now: day(6.9)) == 1)
        #expect(MeasureRhythm.week(since: start, now: day(7)) == 2)
        #expect(MeasureRhythm.week(since: start, now: day(-3)) == 1, "a clock slightly behind never gives week 0")
    }

    @Test func weekOneOffersOnlyTheEIS() {
        #expect(MeasureRhythm.suggestion(standings, bondActiveSince: start, now: day(1)) == .init(key: "eis", reason: .firstTime))
        var taken = standings
        taken[0].lastTaken = day(1)
        #expect(MeasureRhythm.suggestion(taken, bondActiveSince: start, now: day(3)) == nil, "nothing else in week one")
    }

    @Test func laterWeeksBringOneNewQuestionnaireAtATime() {
        var s = standings
        s[0].lastTaken = day(1)
        #expect(MeasureRhythm.suggestion(s, bondActiveSince: start, now: day(8))?.key == "six-signs")
        s[1].lastTaken = day(8)
        #expect(MeasureRhythm.suggestion(s, bondActiveSince: start, now: day(9))?.key == "intimacy-balance")
        s[2].lastTaken = day(9)
        #expect(MeasureRhythm.suggestion(s, bondActiveSince: start, now: day(12)) == nil)
        #expect(MeasureRhythm.suggestion(s, bondActiveSince: start, now: day(15))?.key == "csi4")
        s[3].lastTaken = day(15)
        // Six signs is weekly: due again before SWLS is introduced.
        #expect(MeasureRhythm.suggestion(s, bondActiveSince: start, now: day(16)) == .init(key: "six-signs", reason: .due))
        s[1].lastTaken = day(16)
        #expect(MeasureRhythm.suggestion(s, bondActiveSince: start, now: day(22))?.key == "swls")
    }

    @Test func aNeverTakenEarlierOneComesBeforeALaterOne() {
        #expect(MeasureRhythm.suggestion(standings, bondActiveSince: start, now: day(40))?.key == "eis")
    }

    @Test func anInstrumentWithoutAWeekComesLater() {
        let standing = MeasureRhythm.Standing(key: "extra", introducedInWeek: nil, lastTaken: nil, cadenceDays: nil)
        #expect(standing.introducedInWeek == MeasureRhythm.laterWeek)
        #expect(MeasureRhythm.suggestion([standing], bondActiveSince: start, now: day(1)) == nil)
        #expect(MeasureRhythm.suggestion([standing], bondActiveSince: start, now: day(15))?.key == "extra")
    }
}

@Suite struct WhatsNewTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let today = LocalDay(string: "2027-01-15")!

    func sentence(_ event: WhatsNew.Event) -> String {
        WhatsNew.sentence(for: event, partner: "Bea", today: today, dayLabel: { $0.description })
    }

    @Test func sentencesSayThatNeverWhat() {
        #expect(sentence(.init(kind: .answered, at: now, day: today)) == "Bea answered today's question.")
        #expect(sentence(.init(kind: .replied, at: now, day: today.adding(days: -1), count: 3)) == "Bea replied 3 times on yesterday's question.")
        #expect(sentence(.init(kind: .reacted, at: now, day: today.adding(days: -4), detail: "❤️", target: .day))
                == "Bea reacted ❤️ to your answers to the question of 2027-01-11.")
        #expect(sentence(.init(kind: .reacted, at: now, detail: "🤗", target: .appreciation)) == "Bea reacted 🤗 to your appreciation.")
        #expect(sentence(.init(kind: .appreciated, at: now, count: 2)) == "Bea sent you 2 appreciations.")
        #expect(sentence(.init(kind: .shared, at: now, detail: "Emotional Intimacy Scale")) == "Bea shared a result: Emotional Intimacy Scale.")
        #expect(sentence(.init(kind: .nudged, at: now)) == "Bea would love to hear your answer today.")
        #expect(sentence(.init(kind: .nudged, at: now, day: today.adding(days: -1))) == "Bea would love to hear your answer to yesterday's question.")
    }

    @Test func repliesOfOneDayFoldIntoOneLineNewestFirst() {
        let events: [WhatsNew.Event] = [
            .init(kind: .replied, at: now.addingTimeInterval(10), day: today),
            .init(kind: .answered, at: now, day: today),
            .init(kind: .replied, at: now.addingTimeInterval(30), day: today),
            .init(kind: .replied, at: now.addingTimeInterval(20), day: today.adding(days: -1)),
            .init(kind: .shared, at: now.addingTimeInterval(5), detail: "EIS"),
            .init(kind: .shared, at: now.addingTimeInterval(6), detail: "CSI-4"),
        ]
        let summary = WhatsNew.summarise(events)
        #expect(summary.map(\.kind) == [.replied, .replied, .shared, .shared, .answered])
        #expect(summary[0].count == 2 && summary[0].day == today)
        #expect(summary[1].count == 1)
        #expect(WhatsNew.summarise(events, limit: 2).count == 2)
    }
}

@Suite struct ReminderScheduleTests {
    let london = TimeZone(identifier: "Europe/London")!
    let newYork = TimeZone(identifier: "America/New_York")!
    let kathmandu = TimeZone(identifier: "Asia/Kathmandu")!  // UTC+05:45
    let time = LocalTime(string: "08:30")!

    func instant(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    func localClock(_ date: Date, _ zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!)
    }

    @Test func timesParseStrictly() {
        #expect(LocalTime(string: "08:30")?.description == "08:30")
        #expect(LocalTime(string: "23:59") != nil)
        for bad in ["8:30", "24:00", "12:60", "12-30", "١٢:٣٠", "", "12:30:00", " 8:30"] {
            #expect(LocalTime(string: bad) == nil, "\(bad)")
        }
    }

    @Test func eightThirtyLocalOnBothSidesOfSpringForward() {
        // London springs forward at 01:00 UTC on 29 March 2026.
        var after = instant("2026-03-27T12:00:00Z")
        var fired: [String] = []
        for _ in 0..<4 {
            after = ReminderSchedule.next(after: after, at: time, in: london)
            fired.append(localClock(after, london))
        }
        #expect(fired == ["2026-03-28 08:30", "2026-03-29 08:30", "2026-03-30 08:30", "2026-03-31 08:30"])
        #expect(ReminderSchedule.next(after: instant("2026-03-28T12:00:00Z"), at: time, in: london) == instant("2026-03-29T07:30:00Z"))
    }

    @Test func eightThirtyLocalOnBothSidesOfFallBack() {
        // New York falls back at 06:00 UTC on 1 November 2026.
        var after = instant("2026-10-30T20:00:00Z")
        var fired: [Date] = []
        for _ in 0..<4 {
            after = ReminderSchedule.next(after: after, at: time, in: newYork)
            fired.append(after)
        }
        #expect(fired.map { localClock($0, newYork) } == ["2026-10-31 08:30", "2026-11-01 08:30", "2026-11-02 08:30", "2026-11-03 08:30"])
        #expect(fired[0] == instant("2026-10-31T12:30:00Z"))
        #expect(fired[1] == instant("2026-11-01T13:30:00Z"))
    }

    @Test func aTimeTheClocksSkipFiresWhenTheyJumpAndARepeatedOneOnce() {
        // 01:30 does not exist in London on 29 March 2026: it fires as the clocks jump, at 02:00 BST.
        let skipped = ReminderSchedule.next(after: instant("2026-03-28T12:00:00Z"), at: LocalTime(string: "01:30")!, in: london)
        #expect(skipped == instant("2026-03-29T01:00:00Z"))
        // 01:30 happens twice in New York on 1 November 2026: only the first one counts.
        let repeated = ReminderSchedule.next(after: instant("2026-10-31T12:00:00Z"), at: LocalTime(string: "01:30")!, in: newYork)
        #expect(repeated == instant("2026-11-01T05:30:00Z"))
        let after = ReminderSchedule.next(after: repeated, at: LocalTime(string: "01:30")!, in: newYork)
        #expect(localClock(after, newYork) == "2026-11-02 01:30", "not again an hour later")
    }

    @Test func oddOffsetsAndTheExactMoment() {
        let fire = ReminderSchedule.next(after: instant("2026-11-30T00:00:00Z"), at: time, in: kathmandu)
        #expect(fire == instant("2026-11-30T02:45:00Z"))
        // Strictly after: asking at the very moment gives tomorrow.
        #expect(ReminderSchedule.next(after: fire, at: time, in: kathmandu) == instant("2026-12-01T02:45:00Z"))
    }

    @Test func preferencesNeedAChannelAndEmailNeedsAServer() {
        #expect(ReminderPreferences.problems(.none, mailAvailable: false).isEmpty)
        #expect(ReminderPreferences.problems(.init(dailyAt: time), mailAvailable: true).map(\.field) == ["channels"])
        #expect(ReminderPreferences.problems(.init(partnerActivity: true), mailAvailable: true).map(\.field) == ["channels"])
        #expect(ReminderPreferences.problems(.init(dailyAt: time, email: true), mailAvailable: false).map(\.field) == ["email"])
        #expect(ReminderPreferences.problems(.init(dailyAt: time, email: true, push: true, partnerActivity: true), mailAvailable: true).isEmpty)
    }

    @Test func noticesNameNobodyUnlessAsked() {
        for kind in NoticeText.Kind.allCases {
            let neutral = NoticeText.text(for: kind, partner: "Bea", includeNames: false)
            #expect(!neutral.title.contains("Bea") && !neutral.body.contains("Bea"))
            #expect(!(neutral.title + neutral.body).contains("Kindred"), "neither the app's name nor its purpose")
            for word in ["relationship", "partner", "love", "appreciation", "intimacy"] {
                #expect(!(neutral.title + neutral.body).lowercased().contains(word), "\(kind): \(word)")
            }
        }
        #expect(NoticeText.text(for: .nudge, partner: "Bea", includeNames: true).title == "Bea would love to hear your answer")
        #expect(NoticeText.text(for: .dailyReminder, partner: nil, includeNames: true) == NoticeText.text(for: .dailyReminder, partner: nil, includeNames: false))
    }

    @Test func resetLinksAreSingleUseShortLivedAndRationed() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(PasswordReset.state(expiresAt: now.addingTimeInterval(60), usedAt: nil, now: now) == .usable)
        #expect(PasswordReset.state(expiresAt: now, usedAt: nil, now: now) == .expired)
        #expect(PasswordReset.state(expiresAt: now.addingTimeInterval(60), usedAt: now, now: now) == .used)
        let recent = [now.addingTimeInterval(-60), now.addingTimeInterval(-120)]
        #expect(PasswordReset.mayIssue(recent: recent, now: now))
        #expect(!PasswordReset.mayIssue(recent: recent + [now.addingTimeInterval(-10)], now: now))
        #expect(PasswordReset.mayIssue(recent: recent + [now.addingTimeInterval(-4000)], now: now), "older than the window")
    }
}

@Suite struct ContactLinkTests {
    @Test func helplineNumbersBecomeCallLinks() {
        #expect(ContactLinks.tel("0808 2000 247") == "tel:08082000247")
        #expect(ContactLinks.tel("1-800-799-7233") == "tel:18007997233")
        #expect(ContactLinks.tel("999 (or 112)") == "tel:999", "the first number")
        #expect(ContactLinks.tel("112 or 999") == "tel:112")
        #expect(ContactLinks.tel("+44 808 2000 247") == "tel:+448082000247")
        #expect(ContactLinks.tel("your local emergency number") == nil)
        #expect(ContactLinks.tel("Your local emergency number (for example 112, 911 or 999)") == "tel:112")
    }

    @Test func textLinesBecomeMessageLinksWithTheirKeyword() {
        #expect(ContactLinks.sms("Text START to 88788") == "sms:88788?body=START")
        #expect(ContactLinks.sms("Text 0458 737 732") == "sms:0458737732")
        #expect(ContactLinks.sms("Text us any time") == nil)
    }
}
