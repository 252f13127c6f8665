import Fluent
import Foundation

/// A safety check the person chose to keep, for themselves alone.
final class SavedSafetyCheck: Model, @unchecked Sendable {
    static let schema = "saved_safety_checks"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    @Field(key: "sealed") var sealed: String
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(userID: UUID, json: String, cipher: TextCipher, now: Date) throws {
        self.id = UUID()
        self.$user.id = userID
        self.createdAt = now
        self.sealed = try cipher.seal(json, at: place)
    }

    var place: SealedPlace { SealedPlace(purpose: SafetyService.purpose, row: id!, owner: $user.id) }
}

/// Something that happened to an account's security, shown to its owner only.
final class SecurityEvent: Model, @unchecked Sendable {
    static let schema = "security_events"

    enum Kind: String, Codable, CaseIterable {
        case signedIn = "signed-in"
        case signInFailed = "sign-in-failed"
        case passwordChanged = "password-changed"
        case exported
        case sessionEnded = "session-ended"
        case signedOutEverywhere = "signed-out-everywhere"
        case passwordReset = "password-reset"

        var label: String {
            switch self {
            case .signedIn: "Signed in"
            case .signInFailed: "A sign-in with the wrong password"
            case .passwordChanged: "Password changed"
            case .exported: "Data exported"
            case .sessionEnded: "Signed out"
            case .signedOutEverywhere: "Signed out everywhere else"
            case .passwordReset: "Password reset with a link (every device signed out)"
            }
        }
    }

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    @Field(key: "kind") var kind: String
    @Field(key: "device") var device: String
    /// The latest time it happened.
    @Field(key: "at") var at: Date
    /// How many times, for a burst folded into one entry (failed sign-ins).
    @Field(key: "count") var count: Int

    init() {}

    init(userID: UUID, kind: Kind, device: String, at: Date) {
        self.$user.id = userID
        self.kind = kind.rawValue
        self.device = device
        self.at = at
        self.count = 1
    }
}
