import Fluent
import Foundation
import KindredCore

/// Planned time together (issue 12). The title is sealed; when it starts, for how long, in
/// person or apart, and where the proposal stands are plain (lists sort by them; the calendar
/// feed reads them).
final class Plan: Model, @unchecked Sendable {
    static let schema = "plans"

    @ID(key: .id) var id: UUID?
    @Parent(key: "bond_id") var bond: Bond
    /// Who made the plan (its words go with their account).
    @Parent(key: "created_by") var creator: User
    /// Who made the latest proposal of a time: the other member answers it.
    @Field(key: "proposed_by") var proposedBy: UUID
    @Field(key: "title") var sealedTitle: String
    @OptionalField(key: "idea_id") var ideaID: String?
    @Field(key: "starts_at") var startsAt: Date
    @Field(key: "minutes") var minutes: Int
    @Enum(key: "mode") var mode: PlanMode
    @Enum(key: "state") var state: PlanState
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date
    @OptionalField(key: "responded_at") var respondedAt: Date?

    init() {}

    static let titlePurpose = "plans.title"
    var titlePlace: SealedPlace { SealedPlace(purpose: Self.titlePurpose, row: id!, owner: nil, bond: $bond.id) }
}

/// One member's "what we liked" about a plan, sealed; shown to the other once both wrote, or
/// when its writer shares it first.
final class PlanNote: Model, @unchecked Sendable {
    static let schema = "plan_notes"

    @ID(key: .id) var id: UUID?
    @Parent(key: "plan_id") var plan: Plan
    @Parent(key: "bond_id") var bond: Bond
    @Parent(key: "user_id") var user: User
    @Field(key: "text") var sealedText: String
    @Field(key: "shared") var shared: Bool
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    static let purpose = "plan_notes.text"
    var place: SealedPlace { SealedPlace(purpose: Self.purpose, row: id!, owner: $user.id, bond: $bond.id) }
}
