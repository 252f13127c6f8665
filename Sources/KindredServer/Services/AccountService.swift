import Fluent
import KindredCore
import Vapor

/// Accounts, sign-in and credentials, shared by the web pages and the API so both
/// apply exactly the same rules.
struct AccountService: RequestScoped {
    let db: any Database
    let services: KindredServices


    // MARK: - Registration

    func register(email: String, password: String, displayName: String, timeZone: String, profile: ProfessionalProfile = .member,
                  clientAddress: String) async throws -> User {
        let (normalised, hash) = try await prepareSignup(
            email: email, password: password, displayName: displayName, timeZone: timeZone, profile: profile, clientAddress: clientAddress
        )
        if try await User.query(on: db).filter(\.$email == normalised).first() != nil {
            throw Self.emailTaken
        }
        let user = User(
            email: normalised, displayName: AccountRules.normaliseDisplayName(displayName),
            passwordHash: hash, timeZone: timeZone, now: services.now
        )
        profile.apply(to: user)
        do {
            try await user.create(on: db)
        } catch let error as any DatabaseError where error.isConstraintFailure {
            // Two sign-ups with one email at the same instant: the unique index decides.
            throw Self.emailTaken
        }
        return user
    }

    /// What every sign-up does before it looks at the email: checks the fields, counts the
    /// attempt, and hashes the password. Returns the normalised email and the hash.
    func prepareSignup(email: String, password: String, displayName: String, timeZone: String, profile: ProfessionalProfile = .member,
                       clientAddress: String) async throws -> (email: String, passwordHash: String) {
        let problems = AccountRules.registrationProblems(
            email: email, password: password, displayName: displayName, timeZone: timeZone
        ) + ProfessionalAccess.profileProblems(practiceName: profile.practiceName, credentials: profile.credentials)
        guard problems.isEmpty else { throw Problem.invalid(problems) }
        // Every attempt counts, whatever its outcome: one client cannot make accounts, or ask
        // which emails are taken, more than a few times in 15 minutes.
        _ = try await SignInGuard(db: db, services: services)
            .reserve(SignInGuard.registration(clientAddress: clientAddress, configuration: services.configuration))
        // The password is hashed before anything is looked up, so learning that an email is
        // taken costs as much as a real sign-up.
        return (AccountRules.normaliseEmail(email), try await services.passwords.hash(password))
    }

    /// 409, not 422: the email is well formed; it clashes with an existing account.
    static let emailTaken = Problem(
        status: .conflict, detail: "There is already an account with this email.",
        fieldErrors: [FieldError("email", "There is already an account with this email. Sign in instead?")],
        code: "email-taken"
    )

    // MARK: - Sign-in

    static let wrongCredentials = "That email and password don't match an account. Check them and try again."

    /// Checks email and password under the throttle (`SignInGuard`). Unknown email and wrong
    /// password take the same time and get the same answer.
    func authenticate(email: String, password: String, clientAddress: String, device: String) async throws -> User {
        let normalised = AccountRules.normaliseEmail(email)
        let guesses = SignInGuard(db: db, services: services)
        let keys = SignInGuard.signIn(email: normalised, clientAddress: clientAddress)
        let reservation = try await guesses.reserve(keys)
        let user = try await User.query(on: db).filter(\.$email == normalised).first()
        guard try await services.passwords.verify(password, against: user?.passwordHash), let user else {
            // The account's owner sees wrong-password attempts in their own security log.
            if let user { try await SecurityLog(db: db, services: services).record(.signInFailed, for: user, device: device) }
            throw Problem(status: .unauthorized, detail: Self.wrongCredentials, code: "wrong-credentials")
        }
        try await guesses.release(reservation, keys)
        // A hash from before every character counted (plain bcrypt reads 72 bytes) is replaced
        // now, while the password is at hand.
        if !user.passwordHash.hasPrefix(PasswordService.prehashedPrefix) {
            user.passwordHash = try await services.passwords.hash(password)
            try await user.update(on: db)
        }
        try await SecurityLog(db: db, services: services).record(.signedIn, for: user, device: device)
        return user
    }

    /// For actions that re-ask the password of a signed-in person (change password, delete
    /// account): guesses are counted for this person on this session or token (`holder`),
    /// never against their email, so nobody else's guessing can block them.
    func confirmPassword(_ password: String, of user: User, holder: String, field: String) async throws {
        let guesses = SignInGuard(db: db, services: services)
        let keys = SignInGuard.reauthentication(of: user, holder: holder)
        let reservation = try await guesses.reserve(keys)
        guard try await services.passwords.verify(password, against: user.passwordHash) else {
            // 403, not 422: the request is well formed; the person could not prove who they are.
            throw Problem(
                status: .forbidden, detail: "That isn't your current password.",
                fieldErrors: [FieldError(field, "That isn't your current password.")], code: "wrong-password"
            )
        }
        try await guesses.release(reservation, keys)
    }

    // MARK: - Sessions and tokens

    /// A new web session (a new id every sign-in). Returns the cookie secret.
    func startSession(for user: User, userAgent: String?) async throws -> String {
        let secret = SecureToken.secret()
        let session = WebSession(
            tokenHash: Secrets.sha256(secret), userID: user.id!, csrfToken: SecureToken.secret(),
            now: services.now, device: DeviceSummary.describe(userAgent: userAgent)
        )
        try await session.create(on: db)
        return secret
    }

    static let tokenNameMaxLength = 60

    /// A new API token. The secret is returned once and never stored.
    /// It ends after `idleDays` without use (90 unless chosen; `TokenPolicy.idleDays`).
    func createToken(for user: User, name: String?, idleDays: Int = TokenPolicy.defaultIdleDays, device: String = "") async throws -> (secret: String, token: APIToken) {
        let secret = SecureToken.secret(prefix: "kdr_")
        let cleaned = name?.trimmingCharacters(in: .whitespacesAndNewlines)
        let token = APIToken(
            userID: user.id!, name: (cleaned?.isEmpty == false ? cleaned! : "API token"),
            tokenHash: Secrets.sha256(secret), now: services.now, idleDays: idleDays, device: device
        )
        try await token.create(on: db)
        return (secret, token)
    }

    // MARK: - Settings

    /// Applies whichever of display name and time zone are given; all problems at once.
    func updateProfile(_ user: User, displayName: String?, timeZone: String?, quickExitSignsOut: Bool? = nil) async throws {
        var problems: [FieldError] = []
        if let displayName, let p = AccountRules.displayNameProblem(displayName) {
            problems.append(FieldError("displayName", p))
        }
        if let timeZone, let p = AccountRules.timeZoneProblem(timeZone) {
            problems.append(FieldError("timeZone", p))
        }
        guard problems.isEmpty else { throw Problem.invalid(problems) }
        if let displayName { user.displayName = AccountRules.normaliseDisplayName(displayName) }
        let zoneChanged = timeZone != nil && timeZone != user.timeZone
        if let timeZone { user.timeZone = timeZone }
        if let quickExitSignsOut { user.quickExitSignsOut = quickExitSignsOut }
        user.updatedAt = services.now
        try await user.save(on: db)
        if zoneChanged { try await ReminderService(db: db, services: services).timeZoneChanged(for: user) }
    }

    /// Changes the password and signs out every other session and token: whoever else
    /// may have known the old password loses access at once.
    func changePassword(
        _ user: User, current: String, new: String, holder: String,
        keepingSession: UUID?, keepingToken: UUID?, device: String
    ) async throws {
        if let problem = AccountRules.passwordProblem(new) {
            throw Problem.invalid([FieldError("newPassword", problem)])
        }
        try await confirmPassword(current, of: user, holder: holder, field: "currentPassword")
        user.passwordHash = try await services.passwords.hash(new)
        user.updatedAt = services.now
        let userID = try user.requireID()
        try await db.transaction { tx in
            try await user.save(on: tx)
            try await Self.endSessionsAndTokens(of: userID, keepingSession: keepingSession, keepingToken: keepingToken, on: tx)
        }
        try await SecurityLog(db: db, services: services).record(.passwordChanged, for: user, device: device)
    }

    /// Ends every web session and API token of the person but the ones named (the device
    /// making the request keeps working).
    static func endSessionsAndTokens(of userID: UUID, keepingSession: UUID?, keepingToken: UUID?, on db: any Database) async throws {
        let sessions = WebSession.query(on: db).filter(\.$user.$id == userID)
        if let keepingSession { sessions.filter(\.$id != keepingSession) }
        try await sessions.delete()
        let tokens = APIToken.query(on: db).filter(\.$user.$id == userID)
        if let keepingToken { tokens.filter(\.$id != keepingToken) }
        try await tokens.delete()
    }

    /// Deletes the person and everything of theirs. Their bonds end for the other member.
    func deleteAccount(_ user: User, password: String, holder: String) async throws {
        try await confirmPassword(password, of: user, holder: holder, field: "password")
        let accountKey = SignInGuard.signIn(email: user.email, clientAddress: "").account
        let services = self.services
        try await db.transaction { tx in
            try await tx.lockRow(of: .users, id: user.requireID())
            let bonds = BondService(db: tx, services: services)
            let bondIDs = try await bonds.endAllBonds(of: user)
            // What they wrote in repairs the other raised (their reply, what they would do) is
            // theirs and goes; the repairs they raised go with their account.
            if !bondIDs.isEmpty {
                try await RepairRow.query(on: tx).filter(\.$bond.$id ~~ bondIDs).filter(\.$raiser.$id != user.requireID())
                    .set(\.$sealedReply, to: nil).set(\.$sealedOtherWill, to: nil).update()
            }
            // A professional's access ends with their account; the links stay, ended, so the
            // members still see that it ended (the database then forgets whose they were).
            try await ProfessionalLink.query(on: tx).filter(\.$professional.$id == user.requireID()).filter(\.$endedAt == nil)
                .set(\.$endedAt, to: services.now).update()
            try await user.delete(on: tx)
            try await bonds.deleteBondsWithoutMembers(among: bondIDs)
            // Failed sign-ins are keyed by a hash of the email; they go too.
            try await SignInFailure.query(on: tx).filter(\.$accountKey == accountKey).delete()
            // The sign-up that made the account held its name and email: it goes, with any
            // later attempt to sign up again with that address.
            try await PendingSignup.query(on: tx).filter(\.$email == user.email).delete()
        }
    }
}
