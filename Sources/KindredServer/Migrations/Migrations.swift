import Fluent

extension Migrations {
    /// Every migration, in order. A shipped migration is never edited: changes are new,
    /// numbered entries below.
    func addKindredMigrations(cipher: TextCipher) {
        // 001 — foundation: accounts, sessions, tokens, bonds, invites, sign-in throttle (issue 2).
        add(CreateUsers())
        add(CreateWebSessions())
        add(CreateAPITokens())
        add(CreateBonds())
        add(CreateBondMembers())
        add(CreateInvites())
        add(CreateSignInFailures())
        // 002 — measuring: questionnaire results (issue 4).
        add(CreateAssessments())
        // 003 — practising: the daily question, replies, appreciations, check-ins, conversations (issue 5).
        add(CreateDailyQuestions())
        add(CreateDailyAnswers())
        add(CreateDailyReplies())
        add(CreateAppreciations())
        add(CreateCheckins())
        add(CreateConversations())
        // 004 — safety and data rights: quick-exit sign-out, saved safety checks, security log (issue 6).
        add(UpdateUsersAddQuickExitSignsOut())
        add(CreateSavedSafetyChecks())
        add(CreateSecurityEvents())
        // 005 — the daily return: passing, swapping and themes for the day's question,
        // reactions, nudges, what's new, reminders by email and Web Push, password resets (issue 10).
        add(UpdateBondsAddThemes())
        add(UpdateBondMembersAddHomeSeenAt())
        add(UpdateDailyQuestionsAddSwap())
        add(CreateDailyPasses())
        add(CreateReactions())
        add(CreateNudges())
        add(CreateReminderSettings())
        add(CreatePushSubscriptions())
        add(CreateNotices())
        add(CreatePasswordResets())
        add(CreateInviteEmails())
        add(CreateWhatsNewIndexes())
        // 006 — hardening: a security log that cannot be flushed, tokens that end, pinned comparisons,
        // everything sealed and bound to its row (issue 11).
        add(UpdateSecurityEventsAddCount())
        add(UpdateSignInFailuresAddPairKey())
        add(UpdateAPITokensAddExpiry())
        add(UpdateAssessmentsAddComparedWith())
        add(SealAndBindEverything(cipher: cipher))
        add(CreateServerLeases())
        // 007 — sign-up by a link sent to the address, when this Kindred sends email (issue 11).
        add(CreatePendingSignups())
        // One day for both members of a bond, wherever they live (issue 12).
        add(UpdateBondsAddDayClock())
        // Rituals and the marks on their occurrences (issue 12).
        add(CreateRituals())
        add(CreateCalendarFeeds())
        add(UpdateUsersAddWakingHours())
        add(CreatePlans())
        // 008 — repair and let go, needs and desires (issue 13).
        add(CreateRepairsAndDesires())
        add(UpdateUsersAddAdultConfirmation())
        // 009 — a therapist or counsellor, with both members' consent (issue 14).
        add(CreateProfessionalAccess())
        // 010 — performance: start-up finds unbound sealed values through an index (issue 15).
        add(CreateUnboundSealedIndexes())
        // 011 — performance: a bond's dashboard is kept until its results change (issue 15).
        add(UpdateBondsAddMeasureVersion())
    }
}
