import Fluent
import Foundation
import KindredCore
import SQLKit
import Vapor

/// Sign-up, by email link when this Kindred sends email (`confirmsSignupByEmail`). Then a new
/// address and a taken one get the same answer after the same work (the password is hashed
/// either way); the inbox learns which it was: a link to finish, or a note that an account
/// already exists. Without email an account starts at once (`AccountService.register`).
struct SignupService: RequestScoped {
    let db: any Database
    let services: KindredServices

    enum Outcome {
        /// The account exists and may be signed in now.
        case started(User)
        /// An email is on its way; nothing says whether the address was free.
        case awaitingLink(message: String)
    }

    func begin(email: String, password: String, displayName: String, timeZone: String, next: String?, profile: ProfessionalProfile = .member,
               clientAddress: String, app: Application, logger: Logger) async throws -> Outcome {
        guard services.configuration.confirmsSignupByEmail else {
            return .started(try await AccountService(db: db, services: services).register(
                email: email, password: password, displayName: displayName, timeZone: timeZone, profile: profile, clientAddress: clientAddress
            ))
        }
        let (normalised, hash) = try await AccountService(db: db, services: services).prepareSignup(
            email: email, password: password, displayName: displayName, timeZone: timeZone, profile: profile, clientAddress: clientAddress
        )
        let start = Start(email: normalised, displayName: AccountRules.normaliseDisplayName(displayName), passwordHash: hash,
                          timeZone: timeZone, next: SiteURL.isSafeNext(next) ? next : nil, profile: profile)
        // Looking the address up, writing and sending all happen after the answer has gone,
        // so the answer's content and timing are the same whether or not it was taken.
        let base = app.baseURL
        Task {
            do {
                try await SignupService(db: app.db, services: app.kindred).sendLinkOrNote(start, baseURL: base, logger: logger)
            } catch {
                logger.warning("A sign-up could not be finished: \(String(reflecting: error))")
            }
        }
        return .awaitingLink(message: SignupLink.accepted(email: normalised))
    }

    struct Start: Sendable {
        let email: String, displayName: String, passwordHash: String, timeZone: String, next: String?
        let profile: ProfessionalProfile
    }

    /// A link to finish signing up, or, when the address has an account, a note saying so.
    /// At most `SignupLink.emailsPerAddress` of either per address per 15 minutes.
    func sendLinkOrNote(_ start: Start, baseURL: String, logger: Logger) async throws {
        guard let mail = services.delivery.mail, let from = services.configuration.mailFromAddress else { return }
        do {
            _ = try await SignInGuard(db: db, services: services).reserve(SignInGuard.signupEmail(to: start.email))
        } catch let problem as Problem where problem.status == .tooManyRequests {
            return
        }
        let message: (subject: String, text: String)
        if let user = try await User.query(on: db).filter(\.$email == start.email).first() {
            message = ("You already have a Kindred account", """
                Hello \(user.displayName),

                Someone — hopefully you — tried to create a Kindred account with this email address. You already have one, so nothing new was made.

                To sign in: \(baseURL + SiteURL.signIn().path)
                Forgot your password? You can choose a new one here: \(baseURL + SiteURL.forgotPassword.path)

                If it wasn't you, you can ignore this email: nothing about your account has changed.
                """)
        } else {
            let token = SecureToken.secret()
            try await PendingSignup(email: start.email, displayName: start.displayName, passwordHash: start.passwordHash,
                                    timeZone: start.timeZone, next: start.next, profile: start.profile, tokenHash: Secrets.sha256(token), now: services.now).create(on: db)
            message = ("Finish creating your Kindred account", """
                Hello \(start.displayName),

                To finish creating your Kindred account, open this link within a day:

                \(baseURL + SiteURL.confirmSignup(token: token).path)

                It works once, and signs you in.

                If you didn't sign up for Kindred, you can ignore this email: no account is made without the link.
                """)
        }
        let email = MailMessage(
            fromAddress: from, fromName: services.configuration.mailFromName, to: start.email,
            subject: message.subject, text: message.text,
            extraHeaders: [MailHeader(name: "Auto-Submitted", value: "auto-generated")],
            messageID: MailMessage.newMessageID(domain: URL(string: baseURL)?.host ?? "localhost"),
            date: services.now
        )
        if case .failure(let error)? = try await mail.send([email]).first {
            logger.warning("A sign-up email was not accepted: \(error)")
        }
    }

    // MARK: - The link

    enum LinkState { case usable(PendingSignup), unusable, unknown }

    func check(token: String) async throws -> LinkState {
        guard token.count <= 128,
              let row = try await PendingSignup.query(on: db).filter(\.$tokenHash == Secrets.sha256(token)).first()
        else { return .unknown }
        guard SignupLink.state(expiresAt: row.expiresAt, usedAt: row.usedAt, now: services.now) == .usable else { return .unusable }
        return .usable(row)
    }

    static let unusableDetail = "This link has expired or was already used. If your account isn't ready yet, sign up again and open the new link within a day."
    static let unknownDetail = "This link isn't one we know. Check you copied all of it, or sign up again."

    /// Makes the account the link was sent for. Once: two tabs opening it at the same instant
    /// make one account. An address that gained an account meanwhile gets 409 `email-taken`
    /// (whoever holds the link reads that inbox, so it tells them nothing new).
    func complete(token: String, device: String) async throws -> (user: User, next: String?) {
        let row: PendingSignup
        switch try await check(token: token) {
        case .usable(let found): row = found
        case .unusable: throw Problem(status: .gone, code: "signup-link-unusable", detail: Self.unusableDetail)
        case .unknown: throw Problem(status: .notFound, code: "signup-link-unknown", detail: Self.unknownDetail)
        }
        let now = services.now
        let user = User(email: row.email, displayName: row.displayName, passwordHash: row.passwordHash, timeZone: row.timeZone, now: now)
        ProfessionalProfile(role: ProfessionalAccess.Role(rawValue: row.roleName) ?? .member, practiceName: row.practiceName,
                            credentials: row.credentials).apply(to: user)
        let made = try await db.transaction { tx -> Bool in
            // Links for one address wait for each other (on PostgreSQL a lock per address; SQLite
            // has one writer): the first makes the account and ends the rest.
            if let sql = tx as? any SQLDatabase, sql.dialect.name == "postgresql" {
                try await sql.raw("SELECT pg_advisory_xact_lock(hashtextextended(\(bind: "signup:" + row.email), 0))").run()
            }
            try await tx.lockRow(of: .pendingSignups, id: row.id!)
            guard try await PendingSignup.query(on: tx).filter(\.$id == row.id!).filter(\.$usedAt == nil).first() != nil else {
                throw Problem(status: .gone, code: "signup-link-unusable", detail: Self.unusableDetail)
            }
            // Every link for this address stops working: there is one account now, or was already.
            try await PendingSignup.query(on: tx).filter(\.$email == row.email).filter(\.$usedAt == nil).set(\.$usedAt, to: now).update()
            if try await User.query(on: tx).filter(\.$email == row.email).first() != nil { return false }
            try await user.create(on: tx)
            return true
        }
        guard made else { throw AccountService.emailTaken }
        return (user, SiteURL.isSafeNext(row.next) ? row.next : nil)
    }

    /// Deletes links that ended more than a day ago.
    @discardableResult
    func sweep() async throws -> Int {
        let stale = PendingSignup.query(on: db).filter(\.$expiresAt <= services.now.addingTimeInterval(-24 * 60 * 60))
        let count = try await stale.count()
        try await stale.delete()
        return count
    }
}
