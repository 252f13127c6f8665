import Fluent
import KindredCore
import Vapor

/// The guided deep conversation: three sets of twelve questions, taken in turns, saved as
/// the two of them go so they can pause and come back.
struct ConversationService: RequestScoped {
    let db: any Database
    let services: KindredServices


    var guide: ConversationGuide? { services.content.conversation }

    /// The unfinished conversation, if there is one (the newest).
    func current(in loaded: BondService.Loaded) async throws -> Conversation? {
        try await Conversation.query(on: db).filter(\.$bond.$id == loaded.bond.id!).filter(\.$completedAt == nil)
            .sort(\.$startedAt, .descending).first()
    }

    func completedCount(in loaded: BondService.Loaded) async throws -> Int {
        try await Conversation.query(on: db).filter(\.$bond.$id == loaded.bond.id!).filter(\.$completedAt != nil).count()
    }

    /// Starts one, or returns the one already under way.
    func start(in loaded: BondService.Loaded, by user: User) async throws -> (Conversation, created: Bool) {
        try requireActive(loaded)
        if let existing = try await current(in: loaded) { return (existing, false) }
        let conversation = Conversation(bondID: loaded.bond.id!, starterID: try user.requireID(), now: services.now)
        try await conversation.create(on: db)
        return (conversation, true)
    }

    /// Moves on from `position` (so a double tap, or both pressing at once, moves only once).
    /// Past the last question comes the closing exercise; `finish` ends it.
    func advance(from position: Int, in loaded: BondService.Loaded) async throws -> Conversation {
        try requireActive(loaded)
        guard let conversation = try await current(in: loaded) else {
            throw Problem(status: .notFound, code: "no-conversation", detail: "There is no conversation under way. Start one first.")
        }
        let total = guide?.questions.count ?? 0
        guard (0...total).contains(position) else {
            throw Problem.invalid([FieldError("position", "position must be from 0 to \(total).")])
        }
        if conversation.position == position, position < total {
            conversation.position = position + 1
            conversation.updatedAt = services.now
            try await conversation.update(on: db)
        }
        return conversation
    }

    func finish(in loaded: BondService.Loaded) async throws -> Conversation {
        try requireActive(loaded)
        guard let conversation = try await current(in: loaded) else {
            throw Problem(status: .notFound, code: "no-conversation", detail: "There is no conversation under way. Start one first.")
        }
        conversation.completedAt = services.now
        conversation.position = guide?.questions.count ?? conversation.position
        try await conversation.update(on: db)
        return conversation
    }

    /// Whose turn it is to answer aloud: the members alternate, starting with whoever began.
    func answerer(of conversation: Conversation, in loaded: BondService.Loaded) -> User? {
        let starter = loaded.members.first { $0.user.id == conversation.$starter.id }?.user
        let other = loaded.members.first { $0.user.id != conversation.$starter.id }?.user
        return conversation.position % 2 == 0 ? starter : other
    }

    private func requireActive(_ loaded: BondService.Loaded) throws {
        try loaded.requireActive(waitingDetail: "A conversation needs both of you: invite the other person first.")
    }
}
