import Fluent
import KindredCore
import Vapor

/// The private safety check. It is answered and read on the server without ever being
/// stored — unless the person asks to save it, for themselves alone, sealed. It is never
/// tied to a bond, never logged, and never reaches anyone else.
struct SafetyService: RequestScoped {
    let db: any Database
    let services: KindredServices


    static let purpose = "saved_safety_checks.sealed"

    var guide: SafetyGuide {
        get throws {
            guard let guide = services.content.safety else { throw Problem(status: .serviceUnavailable, detail: "The safety check is not available.") }
            return guide
        }
    }

    struct Result {
        let outcome: SafetyCheck.Outcome
        let resources: CountryResources?
        let saved: SavedSafetyCheck?
    }

    /// What a saved check holds once opened.
    struct Stored: Codable {
        let answers: [String: Bool]
        let country: String?
    }

    func check(answers: [String: Bool], country: String?, save: Bool, user: User?) async throws -> Result {
        let guide = try guide
        let problems = SafetyCheck.problems(answers, guide: guide)
        guard problems.isEmpty else { throw Problem.invalid(problems) }
        let outcome = SafetyCheck.evaluate(answers, guide: guide)
        var saved: SavedSafetyCheck?
        if save {
            guard let user else { throw Problem.unauthorized("Sign in to save a check for yourself. Nothing was kept.") }
            let json = String(decoding: try JSONEncoder().encode(Stored(answers: answers, country: country)), as: UTF8.self)
            let row = try SavedSafetyCheck(userID: try user.requireID(), json: json, cipher: services.cipher, now: services.now)
            try await row.create(on: db)
            saved = row
        }
        return Result(outcome: outcome, resources: SafetyCheck.resources(for: country, in: services.content.resources), saved: saved)
    }

    /// Newest first; `paging` takes one row more than a page (see `Paging.apply`).
    func saved(for user: User, paging: Paging) async throws -> [(check: SavedSafetyCheck, stored: Stored)] {
        try await paging.apply(
            SavedSafetyCheck.query(on: db).filter(\.$user.$id == user.requireID()).sort(\.$createdAt, .descending).sort(\.$id)
        ).all().compactMap { row in
            // A value that does not open in its row was moved there (or tampered with) by
            // someone with the database but not the key: it is nobody's to see, so it is left out.
            guard let json = try? services.cipher.open(row.sealed, at: row.place) else { return nil }
            return (row, try JSONDecoder().decode(Stored.self, from: Data(json.utf8)))
        }
    }

    func delete(_ id: UUID, for user: User) async throws {
        guard let row = try await SavedSafetyCheck.query(on: db).filter(\.$id == id).filter(\.$user.$id == user.requireID()).first() else {
            throw Problem.notFound("You have no saved check with that id.")
        }
        try await row.delete(on: db)
    }

    /// The country to suggest: the browser's language region (en-GB → gb), if we have it.
    static func suggestedCountry(acceptLanguage: String?, available: [CountryResources]) -> String {
        let codes = Set(available.map(\.country))
        for part in (acceptLanguage ?? "").split(separator: ",") {
            // `;q=0.8` follows the tag; a piece may be empty or only ";" in a hostile header.
            let tag = (part.split(separator: ";", omittingEmptySubsequences: false).first ?? "").trimmingCharacters(in: .whitespaces)
            let pieces = tag.split(separator: "-")
            if pieces.count >= 2, let region = pieces.last?.lowercased(), region.count == 2, codes.contains(region) { return region }
        }
        return "general"
    }
}

/// Where a person is signed in: web sessions and API tokens, listed for their owner.
struct DeviceService: RequestScoped {
    let db: any Database
    let services: KindredServices


    /// Live sessions, most recently active first: an expired one is never listed, swept or not.
    func sessions(for user: User, paging: Paging = .init()) async throws -> [WebSession] {
        let policy = services.sessionPolicy
        let now = services.now
        return try await paging.apply(
            WebSession.query(on: db).filter(\.$user.$id == user.requireID())
                .filter(\.$lastSeenAt > now.addingTimeInterval(-policy.idleTimeout))
                .filter(\.$createdAt > now.addingTimeInterval(-policy.absoluteTimeout))
                .sort(\.$lastSeenAt, .descending).sort(\.$id)
        ).all()
    }

    /// Live tokens, newest first.
    func tokens(for user: User, paging: Paging = .init()) async throws -> [APIToken] {
        try await paging.apply(
            APIToken.query(on: db).filter(\.$user.$id == user.requireID())
                .filter(\.$expiresAt > services.now)
                .sort(\.$createdAt, .descending).sort(\.$id)
        ).all()
    }

    func revokeToken(_ id: UUID, for user: User) async throws {
        guard let token = try await APIToken.query(on: db).filter(\.$id == id).filter(\.$user.$id == user.requireID()).first() else {
            throw Problem.notFound("You have no token with that id.")
        }
        try await token.delete(on: db)
        try await SecurityLog(db: db, services: services).record(.sessionEnded, for: user, device: token.name)
    }

    /// Deletes sessions and tokens that have ended, so none lingers in the database. Listing
    /// and signing in never rely on it: they check expiry themselves.
    @discardableResult
    func sweep() async throws -> (sessions: Int, tokens: Int) {
        let policy = services.sessionPolicy
        let now = services.now
        let staleSessions = WebSession.query(on: db).group(.or) {
            $0.filter(\.$lastSeenAt <= now.addingTimeInterval(-policy.idleTimeout))
              .filter(\.$createdAt <= now.addingTimeInterval(-policy.absoluteTimeout))
        }
        let sessions = try await staleSessions.count()
        try await staleSessions.delete()
        let staleTokens = APIToken.query(on: db).filter(\.$expiresAt <= now)
        let tokens = try await staleTokens.count()
        try await staleTokens.delete()
        return (sessions, tokens)
    }

    func endSession(_ id: UUID, for user: User) async throws {
        guard let session = try await WebSession.query(on: db).filter(\.$id == id).filter(\.$user.$id == user.requireID()).first() else {
            throw Problem.notFound("You have no session with that id.")
        }
        try await session.delete(on: db)
        try await SecurityLog(db: db, services: services).record(.sessionEnded, for: user, device: session.device)
    }

    /// Ends every session and token but the one making the request.
    func signOutEverywhereElse(_ user: User, keepingSession: UUID?, keepingToken: UUID?, device: String) async throws {
        let userID = try user.requireID()
        try await db.transaction { tx in
            try await AccountService.endSessionsAndTokens(of: userID, keepingSession: keepingSession, keepingToken: keepingToken, on: tx)
        }
        try await SecurityLog(db: db, services: services).record(.signedOutEverywhere, for: user, device: device)
    }
}
