import Fluent
import KindredCore
import Vapor

/// "Own your data": one JSON document with everything a person wrote and every result of
/// theirs, and their assessments as CSV. Only rows that are theirs — never what the other
/// member wrote, shared or not.
struct ExportService: RequestScoped {
    let db: any Database
    let services: KindredServices


    struct Document: Content {
        struct Account: Content { let email: String; let displayName: String; let timeZone: String; let createdAt: Date; let quickExitSignsOut: Bool }
        struct BondEntry: Content { let id: UUID; let kind: BondKind; let name: String?; let status: BondStatus; let createdAt: Date; let endedAt: Date?; let joinedAt: Date }
        struct AssessmentEntry: Content { let id: UUID; let bondId: UUID; let instrument: String; let instrumentVersion: Int; let mode: String; let shared: Bool; let takenAt: Date; let answers: [String: Int]; let total: Double }
        struct AnswerEntry: Content { let bondId: UUID; let day: String; let question: String; let text: String; let answeredAt: Date }
        struct ReplyEntry: Content { let bondId: UUID; let day: String; let text: String; let at: Date }
        struct AppreciationEntry: Content { let bondId: UUID; let text: String; let at: Date }
        struct CheckinEntry: Content { let bondId: UUID; let week: String; let ratings: [String: Int]; let note: String? }
        struct ConversationEntry: Content { let bondId: UUID; let startedAt: Date; let completedAt: Date?; let questionsReached: Int }
        struct SafetyEntry: Content { let id: UUID; let savedAt: Date; let answers: [String: Bool]; let country: String? }
        struct SecurityEntry: Content { let event: String; let device: String; let at: Date; let count: Int }
        struct ReactionEntry: Content { let bondId: UUID; let on: String; let target: String; let reaction: String; let at: Date }
        struct NudgeEntry: Content { let bondId: UUID; let day: String; let at: Date }
        struct PassEntry: Content { let bondId: UUID; let day: String; let at: Date }
        struct DeviceEntry: Content { let device: String; let addedAt: Date; let lastNotifiedAt: Date? }
        struct InviteEntry: Content { let id: UUID; let bondId: UUID; let createdAt: Date; let expiresAt: Date; let state: InviteRules.State; let sentByEmail: Bool }
        struct SessionEntry: Content { let device: String; let signedInAt: Date; let lastSeenAt: Date }
        struct TokenEntry: Content { let name: String; let device: String; let createdAt: Date; let lastUsedAt: Date?; let expiresAt: Date; let idleDays: Int }
        struct RitualEntry: Content { let id: UUID; let bondId: UUID; let title: String; let description: String?; let schedule: String; let participation: String; let status: String; let proposedAt: Date }
        struct PlanEntry: Content { let id: UUID; let bondId: UUID; let title: String; let startsAt: Date; let minutes: Int; let mode: String; let state: String }
        struct PlanNoteEntry: Content { let bondId: UUID; let planId: UUID; let text: String; let shared: Bool; let at: Date }
        struct RepairEntry: Content {
            let id: UUID; let bondId: UUID; let step: String; let happened: String?; let felt: String?; let wouldHelp: String?
            let yourWill: String?; let raisedAt: Date
        }
        struct RepairWordsEntry: Content { let repairId: UUID; let bondId: UUID; let reply: String?; let yourWill: String? }
        struct ConsentEntry: Content { let bondId: UUID; let professionalName: String; let scopes: [String]; let at: Date }
        struct ServedEntry: Content { let bondId: UUID; let acceptedAt: Date; let endedAt: Date? }
        struct DesireMarkEntry: Content { let bondId: UUID; let itemId: String; let mark: String; let at: Date }
        struct RitualMarkEntry: Content { let bondId: UUID; let ritualId: UUID; let day: String; let mark: String; let at: Date }
        struct RemindersEntry: Content { let dailyAt: String?; let email: Bool; let push: Bool; let partnerActivity: Bool; let includeNames: Bool }

        let format: String
        let exportedAt: Date
        let account: Account
        let bonds: [BondEntry]
        let assessments: [AssessmentEntry]
        let dailyAnswers: [AnswerEntry]
        let replies: [ReplyEntry]
        let appreciationsSent: [AppreciationEntry]
        let checkins: [CheckinEntry]
        let conversationsStarted: [ConversationEntry]
        let savedSafetyChecks: [SafetyEntry]
        let securityLog: [SecurityEntry]
        let reactions: [ReactionEntry]
        let nudgesSent: [NudgeEntry]
        let daysPassed: [PassEntry]
        let reminders: RemindersEntry
        /// Devices set up for notifications (never their push keys).
        let notificationDevices: [DeviceEntry]
        /// Invites this person made, whatever became of them (never the code: only its hash is kept).
        let invitesCreated: [InviteEntry]
        /// Where they are signed in now, and their API tokens (never a secret).
        let sessions: [SessionEntry]
        let apiTokens: [TokenEntry]
        /// Rituals this person proposed, and their own marks on any ritual's times (issue 12).
        let ritualsProposed: [RitualEntry]
        let ritualMarks: [RitualMarkEntry]
        /// Plans this person made, and what they wrote they liked about any (issue 12).
        let plansMade: [PlanEntry]
        let planNotes: [PlanNoteEntry]
        /// Hurts this person raised (while not deleted), their words in repairs the other raised,
        /// and their own marks on needs and desires — never the other's (issue 13).
        let repairsRaised: [RepairEntry]
        let repairWords: [RepairWordsEntry]
        let desireMarks: [DesireMarkEntry]
        /// What this person consented to share with professionals, and (for a professional
        /// account) the bonds served — never a bond's contents (issue 14).
        let professionalConsents: [ConsentEntry]
        let bondsServed: [ServedEntry]
    }

    func document(for user: User) async throws -> Document {
        let userID = try user.requireID()
        let cipher = services.cipher
        let memberships = try await BondMember.query(on: db).filter(\.$user.$id == userID).all()
        let bonds = try await Bond.query(on: db).filter(\.$id ~~ memberships.map { $0.$bond.id }).all()
        let memberCounts = Dictionary(grouping: try await BondMember.query(on: db).filter(\.$bond.$id ~~ bonds.compactMap(\.id)).all(), by: { $0.$bond.id })
        let answers = try await DailyAnswer.query(on: db).filter(\.$user.$id == userID).sort(\.$day).all()
        let questions = try await DailyQuestion.query(on: db).filter(\.$bond.$id ~~ bonds.compactMap(\.id)).all()
        let promptIDs = Dictionary(questions.map { ("\($0.$bond.id)|\($0.day)", $0.promptID) }, uniquingKeysWith: { a, _ in a })
        return Document(
            format: "kindred-export/1",
            exportedAt: services.now,
            account: .init(email: user.email, displayName: user.displayName, timeZone: user.timeZone, createdAt: user.createdAt, quickExitSignsOut: user.quickExitSignsOut),
            bonds: bonds.map { bond in
                let snapshot = BondSnapshot(id: BondID(bond.id!), kind: bond.kind, endedAt: bond.endedAt,
                                            memberIDs: (memberCounts[bond.id!] ?? []).map { UserID($0.$user.id) })
                return .init(id: bond.id!, kind: bond.kind, name: bond.name(cipher), status: snapshot.status, createdAt: bond.createdAt,
                             endedAt: bond.endedAt, joinedAt: memberships.first { $0.$bond.id == bond.id }?.joinedAt ?? bond.createdAt)
            },
            assessments: try await Assessment.query(on: db).filter(\.$user.$id == userID).sort(\.$takenAt).all().opened(cipher).map {
                .init(id: $0.id!, bondId: $0.$bond.id, instrument: $0.instrumentKey, instrumentVersion: $0.instrumentVersion,
                      mode: $0.mode, shared: $0.shared, takenAt: $0.takenAt, answers: $0.answers, total: $0.score?.total ?? 0)
            },
            dailyAnswers: try answers.map { answer in
                let promptID = promptIDs["\(answer.$bond.id)|\(answer.day)"] ?? ""
                return .init(bondId: answer.$bond.id, day: answer.day, question: services.content.prompt(promptID)?.text ?? promptID,
                             text: try cipher.open(answer.sealedText, at: answer.place), answeredAt: answer.updatedAt)
            },
            replies: try await DailyReply.query(on: db).filter(\.$user.$id == userID).sort(\.$createdAt).all().map {
                .init(bondId: $0.$bond.id, day: $0.day, text: try cipher.open($0.sealedText, at: $0.place), at: $0.createdAt)
            },
            appreciationsSent: try await Appreciation.query(on: db).filter(\.$from.$id == userID).sort(\.$createdAt).all().map {
                .init(bondId: $0.$bond.id, text: try cipher.open($0.sealedText, at: $0.place), at: $0.createdAt)
            },
            checkins: try await Checkin.query(on: db).filter(\.$user.$id == userID).sort(\.$week).all().map {
                .init(bondId: $0.$bond.id, week: $0.week, ratings: try $0.ratings(cipher), note: try $0.note(cipher))
            },
            conversationsStarted: try await Conversation.query(on: db).filter(\.$starter.$id == userID).sort(\.$startedAt).all().map {
                .init(bondId: $0.$bond.id, startedAt: $0.startedAt, completedAt: $0.completedAt, questionsReached: $0.position)
            },
            savedSafetyChecks: try await SafetyService(db: db, services: services).saved(for: user, paging: .all).map {
                .init(id: $0.check.id!, savedAt: $0.check.createdAt, answers: $0.stored.answers, country: $0.stored.country)
            },
            securityLog: try await SecurityLog(db: db, services: services).all(for: user).map {
                .init(event: $0.kind, device: $0.device, at: $0.at, count: $0.count)
            },
            reactions: try await ReactionRow.query(on: db).filter(\.$user.$id == userID).sort(\.$updatedAt).all().map {
                .init(bondId: $0.$bond.id, on: $0.targetKind, target: $0.targetKey, reaction: $0.reaction(cipher)?.rawValue ?? "", at: $0.updatedAt)
            },
            nudgesSent: try await Nudge.query(on: db).filter(\.$from.$id == userID).sort(\.$createdAt).all().map {
                .init(bondId: $0.$bond.id, day: $0.day, at: $0.createdAt)
            },
            daysPassed: try await DailyPass.query(on: db).filter(\.$user.$id == userID).sort(\.$day).all().map {
                .init(bondId: $0.$bond.id, day: $0.day, at: $0.createdAt)
            },
            reminders: try await {
                let preferences = try await ReminderService(db: db, services: services).preferences(of: user)
                return Document.RemindersEntry(dailyAt: preferences.dailyAt?.description, email: preferences.email, push: preferences.push,
                                      partnerActivity: preferences.partnerActivity, includeNames: preferences.includeNames)
            }(),
            notificationDevices: try await ReminderService(db: db, services: services).devices(of: user).map {
                .init(device: $0.device, addedAt: $0.createdAt, lastNotifiedAt: $0.lastSentAt)
            },
            invitesCreated: try await invites(of: userID),
            sessions: try await DeviceService(db: db, services: services).sessions(for: user, paging: .all).map {
                .init(device: $0.device, signedInAt: $0.createdAt, lastSeenAt: $0.lastSeenAt)
            },
            apiTokens: try await DeviceService(db: db, services: services).tokens(for: user, paging: .all).map {
                .init(name: $0.name, device: $0.device, createdAt: $0.createdAt, lastUsedAt: $0.lastUsedAt, expiresAt: $0.expiresAt, idleDays: $0.idleDays)
            },
            ritualsProposed: try await RitualService(db: db, services: services).proposed(by: userID).map {
                .init(id: $0.ritual.id!, bondId: $0.ritual.$bond.id, title: $0.title, description: $0.description, schedule: $0.summary,
                      participation: $0.ritual.participation.rawValue, status: $0.ritual.status.rawValue, proposedAt: $0.ritual.createdAt)
            },
            ritualMarks: try await RitualMark.query(on: db).filter(\.$user.$id == userID).sort(\.$day).all().compactMap { row in
                guard let mark = try? cipher.open(row.sealedMark, at: row.place) else { return nil }
                return .init(bondId: row.$bond.id, ritualId: row.$ritual.id, day: row.day, mark: mark, at: row.updatedAt)
            },
            plansMade: try await Plan.query(on: db).filter(\.$creator.$id == userID).sort(\.$startsAt).all().compactMap { plan in
                guard let title = PlanService(db: db, services: services).title(of: plan) else { return nil }
                return .init(id: plan.id!, bondId: plan.$bond.id, title: title, startsAt: plan.startsAt, minutes: plan.minutes,
                             mode: plan.mode.rawValue, state: plan.state.rawValue)
            },
            planNotes: try await PlanNote.query(on: db).filter(\.$user.$id == userID).all().compactMap { note in
                guard let text = try? cipher.open(note.sealedText, at: note.place) else { return nil }
                return .init(bondId: note.$bond.id, planId: note.$plan.id, text: text, shared: note.shared, at: note.updatedAt)
            },
            repairsRaised: try await repairs(raisedBy: userID),
            repairWords: try await repairWords(of: userID),
            desireMarks: try await DesireMark.query(on: db).filter(\.$user.$id == userID).sort(\.$itemID).all().compactMap { row in
                guard let mark = try? cipher.open(row.sealedMark, at: row.place) else { return nil }
                return .init(bondId: row.$bond.id, itemId: row.itemID, mark: mark, at: row.updatedAt)
            },
            professionalConsents: try await ProfessionalConsent.query(on: db).filter(\.$user.$id == userID)
                .with(\.$link) { $0.with(\.$professional) }.sort(\.$updatedAt).all().map { row in
                    .init(bondId: row.link.$bond.id, professionalName: row.link.professional?.displayName ?? row.link.professionalName,
                          scopes: row.scopes.sorted().map(\.rawValue), at: row.updatedAt)
                },
            bondsServed: try await ProfessionalLink.query(on: db).filter(\.$professional.$id == userID).sort(\.$acceptedAt).all().map {
                .init(bondId: $0.$bond.id, acceptedAt: $0.acceptedAt, endedAt: $0.endedAt)
            }
        )
    }

    private func repairs(raisedBy userID: UUID) async throws -> [Document.RepairEntry] {
        let cipher = services.cipher
        func open(_ sealed: String?, _ column: String, _ row: RepairRow) -> String? { sealed.flatMap { try? cipher.open($0, at: row.place(column)) } }
        return try await RepairRow.query(on: db).filter(\.$raiser.$id == userID).sort(\.$createdAt).all().map { row in
            .init(id: row.id!, bondId: row.$bond.id, step: row.step, happened: open(row.sealedHappened, "happened", row),
                  felt: open(row.sealedFelt, "felt", row), wouldHelp: open(row.sealedWouldHelp, "would_help", row),
                  yourWill: open(row.sealedRaiserWill, "raiser_will", row), raisedAt: row.createdAt)
        }
    }

    /// What this person wrote in repairs the other raised: their reply and what they will do —
    /// their own words only, whatever became of the repair.
    private func repairWords(of userID: UUID) async throws -> [Document.RepairWordsEntry] {
        let bondIDs = try await BondMember.query(on: db).filter(\.$user.$id == userID).all().map { $0.$bond.id }
        guard !bondIDs.isEmpty else { return [] }
        let cipher = services.cipher
        return try await RepairRow.query(on: db).filter(\.$bond.$id ~~ bondIDs).filter(\.$raiser.$id != userID)
            .sort(\.$createdAt).all().compactMap { row in
                let reply = row.sealedReply.flatMap { try? cipher.open($0, at: row.place("reply")) }
                let will = row.sealedOtherWill.flatMap { try? cipher.open($0, at: row.place("other_will")) }
                guard reply != nil || will != nil else { return nil }
                return .init(repairId: row.id!, bondId: row.$bond.id, reply: reply, yourWill: will)
            }
    }

    private func invites(of userID: UUID) async throws -> [Document.InviteEntry] {
        let invites = try await Invite.query(on: db).filter(\.$creator.$id == userID).sort(\.$createdAt).all()
        let emailed = Set(try await InviteEmail.query(on: db).filter(\.$user.$id == userID).all().map { $0.$invite.id })
        let now = services.now
        return invites.map {
            .init(id: $0.id!, bondId: $0.$bond.id, createdAt: $0.createdAt, expiresAt: $0.expiresAt,
                  state: $0.rules.state(now: now), sentByEmail: emailed.contains($0.id!))
        }
    }

    /// A row per response, a column per item and the score.
    func assessmentsCSV(for user: User) async throws -> String {
        let rows = try await Assessment.query(on: db).filter(\.$user.$id == user.requireID()).sort(\.$takenAt).all().opened(services.cipher)
        var itemIDs: [String] = []
        for instrument in services.content.instruments { for item in instrument.items where !itemIDs.contains(item.id) { itemIDs.append(item.id) } }
        for row in rows { for id in row.answers.keys.sorted() where !itemIDs.contains(id) { itemIDs.append(id) } }
        let header = ["assessment_id", "bond_id", "instrument", "instrument_version", "mode", "shared", "taken_at", "score"] + itemIDs
        let formatter = ISO8601DateFormatter()
        var lines = [header.map(Self.field).joined(separator: ",")]
        for row in rows {
            let answers = row.answers
            let cells = [row.id!.uuidString.lowercased(), row.$bond.id.uuidString.lowercased(), row.instrumentKey, String(row.instrumentVersion),
                         row.mode, row.shared ? "true" : "false", formatter.string(from: row.takenAt), MeasureText.number(((row.score?.total ?? 0) * 100).rounded() / 100)]
                + itemIDs.map { answers[$0].map(String.init) ?? "" }
            lines.append(cells.map(Self.field).joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// RFC 4180 quoting, and a leading quote for cells a spreadsheet would run as a formula.
    static func field(_ value: String) -> String {
        var text = value
        if let first = text.first, "=+-@".contains(first) { text = "'" + text }
        guard text.contains(where: { ",\"\r\n".contains($0) }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    // MARK: - Responses

    /// The JSON download, recorded in the person's security log.
    func jsonResponse(for user: User, req: Request) async throws -> Response {
        let document = try await document(for: user)
        try await SecurityLog(req).record(.exported, for: user, device: req.device)
        let response = Response(status: .ok)
        try response.content.encode(document, as: .json)
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"kindred-export.json\"")
        return response
    }

    /// The CSV download, recorded in the person's security log.
    func csvResponse(for user: User, req: Request) async throws -> Response {
        let csv = try await assessmentsCSV(for: user)
        try await SecurityLog(req).record(.exported, for: user, device: req.device)
        let response = Response(status: .ok, body: .init(string: csv))
        response.headers.replaceOrAdd(name: .contentType, value: "text/csv; charset=utf-8")
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"kindred-assessments.csv\"")
        return response
    }
}
