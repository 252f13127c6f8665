import Foundation

/// Needs and desires (issue 13, part 2; romantic bonds only): each member marks each item
/// privately, and each sees only the mutual matches — never the other's "no", never a one-sided
/// yes, never which of them said "maybe". An item either of them left unmarked is simply not
/// shown.
public enum Desires {
    public enum Mark: String, Codable, Sendable, CaseIterable {
        case yes, maybe, no

        /// Yes or maybe: open to it.
        var isOpen: Bool { self != .no }
    }

    /// Whether an item is a mutual match: both marked it, and neither said no.
    public static func isMatch(_ one: Mark?, _ other: Mark?) -> Bool {
        (one?.isOpen ?? false) && (other?.isOpen ?? false)
    }

    /// Everything a member is shown about the two of them: the ids of the items that are mutual
    /// matches now, in the content's order. Nothing else of the other's marks leaves this function.
    public static func matches(order: [String], yours: [String: Mark], theirs: [String: Mark]) -> [String] {
        order.filter { isMatch(yours[$0], theirs[$0]) }
    }
}
