/// Who may see and change what of a bond. Every bond-scoped route asks here first;
/// anyone who is not a member is told the bond does not exist.
public enum BondAccess {
    public enum Verdict: Equatable, Sendable {
        /// Not a member: answer 404, never 403, so existence is not revealed.
        case notFound
        /// A member of a bond that has ended: may look at it, may change nothing.
        case readOnly
        /// A member of a bond that is waiting or active.
        case member
    }

    public static func verdict(for user: UserID, in bond: BondSnapshot) -> Verdict {
        guard bond.isMember(user) else { return .notFound }
        return bond.status == .ended ? .readOnly : .member
    }
}
