import Fluent
import Foundation
import KindredCore

/// A past hurt one member raised with the other (issue 13). Everything written is sealed and
/// bound to the row and the bond; the step and who raised it are plain (lists sort by them).
final class RepairRow: Model, @unchecked Sendable {
    static let schema = "repairs"

    @ID(key: .id) var id: UUID?
    @Parent(key: "bond_id") var bond: Bond
    @Parent(key: "raised_by") var raiser: User
    @OptionalField(key: "happened") var sealedHappened: String?
    @OptionalField(key: "felt") var sealedFelt: String?
    @OptionalField(key: "would_help") var sealedWouldHelp: String?
    /// The other's reply when they said they had heard it.
    @OptionalField(key: "reply") var sealedReply: String?
    /// What each will do: the raiser's, and the other's.
    @OptionalField(key: "raiser_will") var sealedRaiserWill: String?
    @OptionalField(key: "other_will") var sealedOtherWill: String?
    @Field(key: "step") var step: String
    @Field(key: "let_go_suggested") var letGoSuggested: Bool
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date
    /// When the other said they had heard it (what's new tells the raiser).
    @OptionalField(key: "acknowledged_at") var acknowledgedAt: Date?

    init() {}

    var repairStep: Repair.Step { Repair.Step(rawValue: step) ?? .raised }

    static let columns = ["happened", "felt", "would_help", "reply", "raiser_will", "other_will"]
    static func purpose(_ column: String) -> String { "repairs.\(column)" }
    func place(_ column: String) -> SealedPlace {
        SealedPlace(purpose: Self.purpose(column), row: id!, owner: nil, bond: $bond.id)
    }
}

/// One member's private mark on one item of needs and desires (issue 13). The mark is sealed
/// and bound to its owner, bond and item; which items someone marked is all the row shows.
final class DesireMark: Model, @unchecked Sendable {
    static let schema = "desire_marks"

    @ID(key: .id) var id: UUID?
    @Parent(key: "bond_id") var bond: Bond
    @Parent(key: "user_id") var user: User
    @Field(key: "item_id") var itemID: String
    @Field(key: "mark") var sealedMark: String
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    static let purpose = "desire_marks.mark"
    var place: SealedPlace { SealedPlace(purpose: Self.purpose, row: id!, owner: $user.id, bond: $bond.id, period: itemID) }
}
