import Fluent
import KindredCore
import SQLKit
import Vapor

/// Password guesses, counted so they cannot be outrun and cannot be turned on an account's
/// owner. Each guess is reserved — counted — in the same transaction that checks the count,
/// before the password is verified, so a burst of any size gets no more verifications than
/// the limit, on any number of nodes. Counting is per account *and client* (and per client
/// across accounts, against spraying): someone who knows an email slows down only their own
/// guesses. A successful sign-in releases its reservation and that pair's failures.
struct SignInGuard: RequestScoped {
    let db: any Database
    let services: KindredServices

    struct Keys {
        /// The account alone: never counted, kept so an account's rows go when it does.
        let account: String
        let client: String
        let pair: String
        /// Whether the client's guesses across every account count too (sign-in), or only
        /// the pair (re-asking a signed-in person's password).
        let countsClient: Bool
        /// The pair's own limit, when it is not the sign-in throttle's.
        var pairLimit: Int? = nil
        /// A ceiling on everything under `account` in the window (new accounts, from anywhere).
        var accountLimit: Int? = nil
        /// What the refusal says.
        var tooMany: @Sendable (Int) -> Problem = Problem.tooManyAttempts(retryAfter:)
    }

    /// An anonymous sign-in: the email and where it comes from.
    static func signIn(email: String, clientAddress: String) -> Keys {
        let client = ClientAddress.throttleKey(clientAddress)
        return Keys(account: Secrets.sha256("account:" + email), client: Secrets.sha256("client:" + client),
                    pair: Secrets.sha256("pair:" + email + "|" + client), countsClient: true)
    }

    /// A new account from this client: a few per 15 minutes per client (or /64), and a ceiling for
    /// everyone together — each one costs a bcrypt, and each answer says whether an email is taken.
    static func registration(clientAddress: String, configuration: KindredConfiguration) -> Keys {
        let key = Secrets.sha256("register:" + ClientAddress.throttleKey(clientAddress))
        return Keys(account: Secrets.sha256("register"), client: key, pair: key, countsClient: false,
                    pairLimit: configuration.registrationsPerClient, accountLimit: configuration.registrationsTotal,
                    tooMany: Problem.tooManyRegistrations(retryAfter:))
    }

    /// An email about signing up (a link, or "you already have an account") to this address:
    /// a few per 15 minutes, however many clients ask.
    static func signupEmail(to email: String) -> Keys {
        let key = Secrets.sha256("signup-email:" + email)
        return Keys(account: Secrets.sha256("signup-email"), client: key, pair: key, countsClient: false,
                    pairLimit: SignupLink.emailsPerAddress)
    }

    /// A signed-in person asked for their password again (changing it, deleting the account):
    /// counted for that person on that session or token alone, so no one else's guessing at
    /// their email can ever stop them.
    static func reauthentication(of user: User, holder: String) -> Keys {
        let key = Secrets.sha256("reauth:" + (user.id?.uuidString ?? "") + "|" + holder)
        return Keys(account: Secrets.sha256("account:" + user.email), client: key, pair: key, countsClient: false)
    }

    /// Counts one guess, or refuses it (429 with `Retry-After`) when the limit is reached.
    /// Returns the reservation to release if the guess turns out right.
    func reserve(_ keys: Keys) async throws -> UUID {
        let throttle = services.throttle, services = self.services
        return try await db.transaction { tx in
            guard let sql = tx as? any SQLDatabase else { throw Abort(.internalServerError) }
            if sql.dialect.name == "postgresql" {
                // One guess at a time per pair and per client, across every node.
                var locks = [keys.pair]
                if keys.countsClient { locks.append(keys.client) }
                // A ceiling for everyone (new accounts) is counted under one lock for all.
                if keys.accountLimit != nil { locks.append(keys.account) }
                for key in locks {
                    try await sql.raw("SELECT pg_advisory_xact_lock(hashtextextended(\(bind: key), 0))").run()
                }
            }
            // The time is read once the lock is held: a guess that waited behind others is
            // stamped after theirs, never before.
            let now = services.now
            // Writing first takes SQLite's write lock for the whole transaction (its
            // transactions start deferred), and keeps the table small: old guesses no longer count.
            try await SignInFailure.query(on: tx).filter(\.$failedAt <= throttle.windowStart(now: now)).delete()
            let recent = try await SignInFailure.query(on: tx)
                .group(.or) { group in
                    group.filter(\.$pairKey == keys.pair)
                    if keys.countsClient { group.filter(\.$clientKey == keys.client) }
                    if keys.accountLimit != nil { group.filter(\.$accountKey == keys.account) }
                }
                .filter(\.$failedAt > throttle.windowStart(now: now)).all()
            let pairThrottle = keys.pairLimit.map { SignInThrottle(maxFailures: $0, window: throttle.window) } ?? throttle
            var decisions = [pairThrottle.decide(failures: recent.filter { $0.pairKey == keys.pair }.map(\.failedAt), now: now)]
            if keys.countsClient {
                decisions.append(throttle.decide(failures: recent.filter { $0.clientKey == keys.client }.map(\.failedAt), now: now))
            }
            if let ceiling = keys.accountLimit {
                let everyone = SignInThrottle(maxFailures: ceiling, window: throttle.window)
                decisions.append(everyone.decide(failures: recent.filter { $0.accountKey == keys.account }.map(\.failedAt), now: now))
            }
            if case .wait(let seconds) = SignInThrottle.strictest(decisions) { throw keys.tooMany(seconds) }
            let reservation = SignInFailure(accountKey: keys.account, clientKey: keys.client, pairKey: keys.pair, at: now)
            try await reservation.create(on: tx)
            return try reservation.requireID()
        }
    }

    /// The guess was right: it does not count, and neither do this pair's earlier failures.
    func release(_ reservation: UUID, _ keys: Keys) async throws {
        try await SignInFailure.query(on: db).group(.or) { $0.filter(\.$id == reservation).filter(\.$pairKey == keys.pair) }.delete()
    }
}
