import Fluent
import Foundation
import KindredCore

final class Bond: Model, @unchecked Sendable {
    static let schema = "bonds"

    @ID(key: .id) var id: UUID?
    @Enum(key: "kind") var kind: BondKind
    /// The name the two of them gave it, sealed (a person wrote it); see `name(_:)`.
    @OptionalField(key: "name") var sealedName: String?
    @Field(key: "created_at") var createdAt: Date
    /// Set when either member leaves; the bond is then read-only for both.
    @OptionalField(key: "ended_at") var endedAt: Date?
    /// Deck keys, comma-separated; nil draws from every deck.
    @OptionalField(key: "theme_decks") var themeDecks: String?
    @OptionalField(key: "theme_depth") var themeDepth: Int?
    /// The bond's day clock (`BondClock`, JSON; see `BondDayService`). Plain: it holds only
    /// instants and the minute the day turns over.
    @OptionalField(key: "day_clock") var dayClock: String?
    /// Marked long-distance by either member: suggestions favour what works apart.
    @OptionalField(key: "long_distance") var longDistance: Bool?
    /// Raised by the database whenever a result in the bond changes (migration 011); a
    /// dashboard is kept under it (`DashboardCards`). Set to 0 on creation only (Fluent would
    /// write NULL for it otherwise); never written after.
    @OptionalField(key: "measure_version") var measureVersion: Int?

    init() {}

    var themes: BondThemes {
        BondThemes(decks: themeDecks.map { $0.split(separator: ",").map(String.init) }, depth: themeDepth)
    }

    init(kind: BondKind, name: String?, cipher: TextCipher, now: Date) throws {
        self.id = UUID()
        self.kind = kind
        self.createdAt = now
        self.measureVersion = 0
        self.sealedName = try name.map { try cipher.seal($0, at: namePlace) }
    }

    static let namePurpose = "bonds.name"
    var namePlace: SealedPlace { SealedPlace(purpose: Self.namePurpose, row: id!, owner: nil, bond: id!) }

    /// The name, opened. One that does not open in this row (moved here in the database)
    /// is no name at all: a label is not worth a failed page.
    func name(_ cipher: TextCipher) -> String? {
        sealedName.flatMap { try? cipher.open($0, at: namePlace) }
    }
}

/// One person's place in a bond. `slot` is 1 for the creator and 2 for the person who
/// accepted; the unique (bond, slot) index is what makes a third member impossible.
final class BondMember: Model, @unchecked Sendable {
    static let schema = "bond_members"

    @ID(key: .id) var id: UUID?
    @Parent(key: "bond_id") var bond: Bond
    @Parent(key: "user_id") var user: User
    @Field(key: "slot") var slot: Int
    @Field(key: "joined_at") var joinedAt: Date
    /// When this member last opened the bond's home: their own "what's new" starts here.
    @OptionalField(key: "home_seen_at") var homeSeenAt: Date?

    init() {}

    init(bondID: UUID, userID: UUID, slot: Int, now: Date) {
        self.$bond.id = bondID
        self.$user.id = userID
        self.slot = slot
        self.joinedAt = now
    }
}
