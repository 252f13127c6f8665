import Foundation

/// Chooses a bond's question of the day. Deterministic: the same bond, day and history
/// always give the same prompt, on any node. No prompt repeats until every prompt that
/// suits the bond has been asked; depth rises with the bond's shared answering; the
/// weakest measured sign comes up more often.
public enum PromptSelector {
    public struct Context: Sendable {
        public var bond: BondID
        public var kind: BondKind
        public var day: LocalDay
        /// Prompt ids already asked in this bond, oldest first.
        public var history: [String]
        /// Days on which both members answered.
        public var mutualDays: Int
        /// The sign the two of them most need, when measured.
        public var weakestSign: Sign?
        /// The depth the two of them chose to stay at; nil lets it rise as they answer together.
        public var fixedDepth: Int?
        /// 0 for the day's first question; 1 for the one asked for instead (a swap).
        public var variant: Int

        public init(bond: BondID, kind: BondKind, day: LocalDay, history: [String], mutualDays: Int, weakestSign: Sign?,
                    fixedDepth: Int? = nil, variant: Int = 0) {
            self.bond = bond
            self.kind = kind
            self.day = day
            self.history = history
            self.mutualDays = mutualDays
            self.weakestSign = weakestSign
            self.fixedDepth = fixedDepth
            self.variant = variant
        }
    }

    /// The deepest prompt offered after this many mutually answered days: light at first,
    /// personal after a week of answering together, deep after three.
    public static func maximumDepth(mutualDays: Int) -> Int {
        switch mutualDays {
        case ..<7: 1
        case ..<21: 2
        default: 3
        }
    }

    /// Chooses from `prompts` — already narrowed to the decks the bond chose (`BondThemes`).
    public static func select(from prompts: [Deck.Prompt], context: Context) -> Deck.Prompt? {
        let suitable = prompts.filter { $0.kinds.contains(context.kind) }.sorted { $0.id < $1.id }
        guard !suitable.isEmpty else { return nil }
        let asked = currentCycle(history: context.history, suitable: Set(suitable.map(\.id)))
        let unused = suitable.filter { !asked.contains($0.id) }
        let depth = context.fixedDepth.map { min(3, max(1, $0)) } ?? maximumDepth(mutualDays: context.mutualDays)
        var pool = unused.filter { $0.depth <= depth }
        if pool.isEmpty { pool = unused }
        let roll = stableHash("\(context.bond)|\(context.day)" + (context.variant == 0 ? "" : "|\(context.variant)"))
        // Two days in three, the weakest sign is favoured (when there is one left to ask).
        if let weakest = context.weakestSign, roll % 3 != 0 {
            let focused = pool.filter { $0.sign == weakest }
            if !focused.isEmpty { pool = focused }
        }
        // Once deeper prompts are open, lean towards the newest depth without leaving the lighter ones.
        if depth > 1, roll % 2 == 0 {
            let deepest = pool.filter { $0.depth == depth }
            if !deepest.isEmpty { pool = deepest }
        }
        return pool[Int((roll / 7) % UInt64(pool.count))]
    }

    /// The prompts asked since the deck was last exhausted: when every suitable prompt has
    /// been asked, a new cycle begins and all are available again.
    static func currentCycle(history: [String], suitable: Set<String>) -> Set<String> {
        var asked = Set<String>()
        for id in history where suitable.contains(id) {
            asked.insert(id)
            if asked.count == suitable.count { asked.removeAll() }
        }
        return asked
    }

    /// FNV-1a: stable across processes and machines, unlike Swift's seeded `Hasher`.
    static func stableHash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }
}
