import Fluent
import Foundation
import KindredCore
import Vapor

final class User: Model, Authenticatable, @unchecked Sendable {
    static let schema = "users"

    @ID(key: .id) var id: UUID?
    /// Normalised (trimmed, lower case); unique.
    @Field(key: "email") var email: String
    @Field(key: "display_name") var displayName: String
    @Field(key: "password_hash") var passwordHash: String
    /// IANA identifier; decides what "today" is for this person.
    @Field(key: "time_zone") var timeZone: String
    /// Waking hours, `HH:MM` (nil: 08:00 and 22:00); see `wakingHours`.
    @OptionalField(key: "wake_at") var wakeAt: String?
    @OptionalField(key: "sleep_at") var sleepAt: String?
    /// When they confirmed they are 18 or over, opening needs and desires (issue 13).
    @OptionalField(key: "adult_confirmed_at") var adultConfirmedAt: Date?
    /// `member` or `professional` (issue 14): a professional serves bonds and practises in none.
    @Field(key: "role") var roleName: String
    /// A professional's practice and self-described credentials (Kindred verifies neither).
    @OptionalField(key: "practice_name") var practiceName: String?
    @OptionalField(key: "credentials") var credentials: String?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date
    /// Quick exit also ends this person's session (their choice, in settings).
    @Field(key: "quick_exit_signs_out") var quickExitSignsOut: Bool

    init() {}

    init(email: String, displayName: String, passwordHash: String, timeZone: String, now: Date) {
        self.email = email
        self.displayName = displayName
        self.passwordHash = passwordHash
        self.timeZone = timeZone
        self.createdAt = now
        self.updatedAt = now
        self.quickExitSignsOut = false
        self.roleName = ProfessionalAccess.Role.member.rawValue
    }

    var userID: UserID { UserID(id!) }

    var role: ProfessionalAccess.Role { ProfessionalAccess.Role(rawValue: roleName) ?? .member }
    var isProfessional: Bool { role == .professional }
}

extension User {
    var wakingHours: WakingHours { WakingHours(wake: wakeAt, sleep: sleepAt) }

    /// This person as the bond's day and the both-awake hours see them.
    var dayMember: BondDay.Member {
        wakingHours.member(in: TimeZone(identifier: timeZone) ?? TimeZone(identifier: "UTC")!)
    }
}
