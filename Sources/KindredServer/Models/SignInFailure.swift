import Fluent
import Foundation

/// One counted attempt, kept for the throttle window: a sign-in guess (counted before it is
/// checked, removed again if it was right) or a new account (see `SignInGuard`). Keys are
/// hashes, so the table never holds the email addresses people mistyped.
final class SignInFailure: Model, @unchecked Sendable {
    static let schema = "sign_in_failures"

    @ID(key: .id) var id: UUID?
    @Field(key: "account_key") var accountKey: String
    @Field(key: "client_key") var clientKey: String
    /// The account on this client: what a guess is counted against.
    @OptionalField(key: "pair_key") var pairKey: String?
    @Field(key: "failed_at") var failedAt: Date

    init() {}

    init(accountKey: String, clientKey: String, pairKey: String, at: Date) {
        self.accountKey = accountKey
        self.clientKey = clientKey
        self.pairKey = pairKey
        self.failedAt = at
    }
}

extension SignInFailure {
    /// Sign-in guesses, without the new-account attempts counted beside them.
    static func signInsOnly(_ db: any Database) -> QueryBuilder<SignInFailure> {
        query(on: db).filter(\.$accountKey !~ [Secrets.sha256("register"), Secrets.sha256("signup-email")])
    }
}
