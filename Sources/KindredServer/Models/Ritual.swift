import Fluent
import Foundation
import KindredCore

/// A ritual of a bond (issue 12). Its title, description and schedule are sealed: they are
/// the two members' own words and plans. Who takes part and where it stands are plain (the
/// list and its rules read them).
final class Ritual: Model, @unchecked Sendable {
    static let schema = "rituals"

    @ID(key: .id) var id: UUID?
    @Parent(key: "bond_id") var bond: Bond
    @Parent(key: "proposed_by") var proposer: User
    @Field(key: "title") var sealedTitle: String
    @OptionalField(key: "description") var sealedDescription: String?
    /// `RitualSchedule` as JSON, sealed.
    @Field(key: "schedule") var sealedSchedule: String
    @Enum(key: "participation") var participation: RitualParticipation
    @Enum(key: "status") var status: RitualStatus
    /// The idea it came from, if any (a content id, not anyone's words).
    @OptionalField(key: "idea_id") var ideaID: String?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date
    /// When the other member agreed or declined (for the proposer's "what's new").
    @OptionalField(key: "responded_at") var respondedAt: Date?

    init() {}

    static let titlePurpose = "rituals.title"
    static let descriptionPurpose = "rituals.description"
    static let schedulePurpose = "rituals.schedule"

    func place(_ purpose: String) -> SealedPlace {
        SealedPlace(purpose: purpose, row: id!, owner: nil, bond: $bond.id)
    }
}

/// One member's mark on one occurrence of a ritual: done or skipped (sealed, as anything a
/// person marks). No row is "left".
final class RitualMark: Model, @unchecked Sendable {
    static let schema = "ritual_marks"

    @ID(key: .id) var id: UUID?
    @Parent(key: "ritual_id") var ritual: Ritual
    @Parent(key: "bond_id") var bond: Bond
    @Parent(key: "user_id") var user: User
    @Field(key: "day") var day: String
    @Field(key: "mark") var sealedMark: String
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    static let purpose = "ritual_marks.mark"

    var place: SealedPlace { SealedPlace(purpose: Self.purpose, row: id!, owner: $user.id, bond: $bond.id, period: day) }
}
