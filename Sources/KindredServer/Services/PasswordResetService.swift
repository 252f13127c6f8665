import Fluent
import Foundation
import KindredCore
import Vapor

/// "Forgot password?": a single-use link, valid thirty minutes, sent by email (or printed for
/// the operator by `kindred users reset-link`). Asking never tells anyone whether an account
/// exists: the answer is the same, and the email goes out after the answer.
struct PasswordResetService: RequestScoped {
    let db: any Database
    let services: KindredServices

    /// Makes a link for the account with this email, if there is one and it has not had
    /// too many lately; returns the link and the account (nil otherwise).
    func issue(forEmail email: String, baseURL: String) async throws -> (url: String, user: User)? {
        let normalised = AccountRules.normaliseEmail(email)
        guard AccountRules.emailProblem(normalised) == nil,
              let user = try await User.query(on: db).filter(\.$email == normalised).first() else { return nil }
        let recent = try await PasswordResetToken.query(on: db).filter(\.$user.$id == user.requireID())
            .filter(\.$createdAt > services.now.addingTimeInterval(-PasswordReset.window)).all().map(\.createdAt)
        guard PasswordReset.mayIssue(recent: recent, now: services.now) else { return nil }
        return (try await link(for: user, baseURL: baseURL), user)
    }

    /// A fresh link for `user`; only the token's hash is kept.
    func link(for user: User, baseURL: String) async throws -> String {
        let token = SecureToken.secret()
        try await PasswordResetToken(userID: user.requireID(), tokenHash: Secrets.sha256(token), now: services.now).create(on: db)
        return baseURL + SiteURL.resetPassword(token: token).path
    }

    /// Everything about a reset request — looking the account up, making the link, sending it —
    /// happens after the answer has gone, so the answer is the same, and takes the same time,
    /// whether or not an account exists. A failure is logged, never shown.
    static func requestInBackground(email: String, app: Application, logger: Logger) {
        guard app.kindred.delivery.mail != nil else { return }
        let base = app.baseURL
        Task {
            do {
                let service = PasswordResetService(db: app.db, services: app.kindred)
                if let (url, user) = try await service.issue(forEmail: email, baseURL: base) {
                    try await service.send(url: url, to: user, logger: logger)
                }
            } catch {
                logger.warning("A password reset request could not be handled: \(String(reflecting: error))")
            }
        }
    }

    /// Sends the link by email.
    func send(url: String, to user: User, logger: Logger) async throws {
        guard let mail = services.delivery.mail, let from = services.configuration.mailFromAddress else { return }
        let message = MailMessage(
            fromAddress: from, fromName: services.configuration.mailFromName, to: user.email,
            subject: "Your password reset link",
            text: """
                Hello \(user.displayName),

                Someone — hopefully you — asked to reset the password of your account. To choose a new one, open this link within 30 minutes:

                \(url)

                It works once. Using it signs you out on every device.

                If you didn't ask for this, you can ignore this email: your password stays as it is.
                """,
            extraHeaders: [MailHeader(name: "Auto-Submitted", value: "auto-generated")],
            messageID: MailMessage.newMessageID(domain: URL(string: url)?.host ?? "localhost"),
            date: services.now
        )
        let results = try await mail.send([message])
        if case .failure(let error)? = results.first { logger.warning("A password reset email was not accepted: \(error)") }
    }

    enum TokenState { case usable(PasswordResetToken, User), unusable, unknown }

    func check(token: String) async throws -> TokenState {
        guard token.count <= 128,
              let row = try await PasswordResetToken.query(on: db).filter(\.$tokenHash == Secrets.sha256(token)).first(),
              let user = try await User.find(row.$user.id, on: db)
        else { return .unknown }
        guard PasswordReset.state(expiresAt: row.expiresAt, usedAt: row.usedAt, now: services.now) == .usable else { return .unusable }
        return .usable(row, user)
    }

    static let unusableDetail = "This reset link has expired or was already used. Ask for a new one from the sign-in page."
    static let unknownDetail = "This reset link isn't one we know. Check you copied all of it, or ask for a new one from the sign-in page."

    /// Sets the new password, uses the link up, ends every session and token of the person,
    /// and writes their security log.
    func complete(token: String, password: String, device: String) async throws -> User {
        let row: PasswordResetToken, user: User
        switch try await check(token: token) {
        case .usable(let found, let owner): (row, user) = (found, owner)
        case .unusable: throw Problem(status: .gone, code: "reset-link-unusable", detail: Self.unusableDetail)
        case .unknown: throw Problem(status: .notFound, code: "reset-link-unknown", detail: Self.unknownDetail)
        }
        if let problem = AccountRules.passwordProblem(password) {
            throw Problem.invalid([FieldError("password", problem)])
        }
        let hash = try await services.passwords.hash(password)
        let userID = try user.requireID(), now = services.now
        try await db.transaction { tx in
            // Used once, even when two tabs submit at the same instant: the second waits for
            // the lock, then finds the link used.
            try await tx.lockRow(of: .passwordResets, id: row.id!)
            guard try await PasswordResetToken.query(on: tx).filter(\.$id == row.id!).filter(\.$usedAt == nil).first() != nil else {
                throw Problem(status: .gone, code: "reset-link-unusable", detail: Self.unusableDetail)
            }
            // This link and every other one for this account stop working.
            try await PasswordResetToken.query(on: tx).filter(\.$user.$id == userID).filter(\.$usedAt == nil).set(\.$usedAt, to: now).update()
            user.passwordHash = hash
            user.updatedAt = now
            try await user.save(on: tx)
            try await AccountService.endSessionsAndTokens(of: userID, keepingSession: nil, keepingToken: nil, on: tx)
        }
        try await SecurityLog(db: db, services: services).record(.passwordReset, for: user, device: device)
        return user
    }
}
