import Fluent
import KindredCore
import Vapor

/// Appreciations: short notes of thanks from one member to the other.
struct AppreciationService: RequestScoped {
    let db: any Database
    let services: KindredServices


    static let purpose = "appreciations.text"

    struct Note {
        let id: UUID
        let text: String
        let fromYou: Bool
        let at: Date
    }

    func send(_ raw: String, in loaded: BondService.Loaded, by user: User) async throws -> Note {
        try loaded.requireActive(waitingDetail: "You can send appreciations once the other person has joined.")
        let text: String
        switch TextRules.clean(raw, field: "text", allowed: TextRules.appreciationLength) {
        case .success(let cleaned): text = cleaned
        case .failure(let problem): throw Problem.invalid([problem])
        }
        let note = try Appreciation(bondID: loaded.bond.id!, fromUserID: try user.requireID(), text: text, cipher: services.cipher, now: services.now)
        try await note.create(on: db)
        if let partner = loaded.members.first(where: { $0.user.id != user.id })?.user {
            // One notice a day, however many notes: appreciations must never become a way to
            // flood someone's phone or inbox.
            try await NoticeService(db: db, services: services).partnerActivity(.appreciation, to: partner, from: user, bondID: loaded.bond.id!,
                                                                               occasion: "appreciation|\(LocalDay(services.now, inZone: partner.timeZone))")
        }
        return Note(id: note.id!, text: text, fromYou: true, at: note.createdAt)
    }

    /// Newest first. Once the bond has ended, only what you sent remains reachable.
    func list(in loaded: BondService.Loaded, for user: User, since: Date? = nil, limit: Int = 100) async throws -> [Note] {
        let query = Appreciation.query(on: db).filter(\.$bond.$id == loaded.bond.id!)
        if loaded.snapshot.status == .ended { query.filter(\.$from.$id == (try user.requireID())) }
        if let since { query.filter(\.$createdAt >= since) }
        return try await query.sort(\.$createdAt, .descending).limit(limit).all().map { note in
            Note(id: note.id!, text: try services.cipher.open(note.sealedText, at: note.place),
                 fromYou: note.$from.id == user.id, at: note.createdAt)
        }
    }

    /// A starter suggestion that changes day by day.
    func starter(for day: LocalDay) -> String? {
        let starters = services.content.appreciationStarters
        guard !starters.isEmpty else { return nil }
        return starters[abs(day.days(to: LocalDay(year: 2026, month: 1, day: 1))) % starters.count]
    }
}
