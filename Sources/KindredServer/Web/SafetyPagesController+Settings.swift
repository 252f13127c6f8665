import Fluent
import KindredCore
import Vapor

/// Devices, the security log, export and quick exit's setting.
extension SafetyPagesController {
    struct DeviceRow: Encodable {
        let device: String
        let signedIn: String
        let lastSeen: String
        let current: Bool
        let endURL: String
    }

    struct TokenRow: Encodable {
        let name: String
        let device: String
        let created: String
        let lastUsed: String
        let ends: String
        let revokeURL: String
    }

    func devices(req: Request) async throws -> Response {
        let user = try req.requireWebUser()
        let service = DeviceService(req)
        let zone = user.timeZone
        // Bounded: a person with more than a hundred of either can end the rest everywhere at once.
        let sessions = try await service.sessions(for: user, paging: .init(limit: Paging.maxLimit)).prefix(Paging.maxLimit).map {
            DeviceRow(device: $0.device, signedIn: DateText.dayAndTime($0.createdAt, in: zone), lastSeen: DateText.dayAndTime($0.lastSeenAt, in: zone),
                      current: $0.id == req.webSession?.id, endURL: SiteURL.endSession($0.id!).path)
        }
        let tokens = try await service.tokens(for: user, paging: .init(limit: Paging.maxLimit)).prefix(Paging.maxLimit).map {
            TokenRow(name: $0.name, device: Self.midSentence($0.device),
                     created: DateText.dayAndTime($0.createdAt, in: zone),
                     lastUsed: $0.lastUsedAt.map { DateText.dayAndTime($0, in: zone) } ?? "not yet",
                     ends: DateText.dayAndTime($0.expiresAt, in: zone),
                     revokeURL: SiteURL.revokeToken($0.id!).path)
        }
        struct Page: Encodable { let sessions: [DeviceRow]; let tokens: [TokenRow]; let quickExitSignsOut: Bool }
        return try await req.page("devices", title: "Devices", section: "settings",
                                  Page(sessions: Array(sessions), tokens: Array(tokens), quickExitSignsOut: user.quickExitSignsOut))
    }

    /// "A browser on iOS" reads "made from a browser on iOS"; names ("Chrome on Linux") stay.
    static func midSentence(_ device: String) -> String {
        if device.isEmpty { return "an unknown device" }
        for article in ["A ", "An "] where device.hasPrefix(article) { return article.lowercased() + device.dropFirst(article.count) }
        return device
    }

    func revokeToken(req: Request) async throws -> Response {
        let user = try req.requireWebUser()
        guard let id = req.parameters.get("tokenID").flatMap(UUID.init(uuidString:)) else { throw Problem.notFound() }
        try await DeviceService(req).revokeToken(id, for: user)
        return req.redirect(toPath: SiteURL.devices.path, flash: .tokenRevoked)
    }

    func endSession(req: Request) async throws -> Response {
        let user = try req.requireWebUser()
        guard let id = req.parameters.get("sessionID").flatMap(UUID.init(uuidString:)) else { throw Problem.notFound() }
        try await DeviceService(req).endSession(id, for: user)
        if id == req.webSession?.id {
            let response = req.redirect(to: .home, flash: .signedOut)
            response.cookies[Cookies.sessionName(req)] = Cookies.expired(req)
            return response
        }
        return req.redirect(toPath: SiteURL.devices.path, flash: .sessionEnded)
    }

    func signOutEverywhere(req: Request) async throws -> Response {
        let user = try req.requireWebUser()
        try await DeviceService(req).signOutEverywhereElse(user, keepingSession: req.webSession?.id, keepingToken: nil, device: req.device)
        return req.redirect(toPath: SiteURL.devices.path, flash: .signedOutEverywhere)
    }

    func securityLog(req: Request) async throws -> Response {
        let user = try req.requireWebUser()
        struct Row: Encodable { let what: String; let device: String; let at: String }
        let rows = try await SecurityLog(req).events(for: user).map {
            Row(what: (SecurityEvent.Kind(rawValue: $0.kind)?.label ?? $0.kind) + ($0.count > 1 ? " (\($0.count) times)" : ""),
                device: $0.device, at: DateText.dayAndTime($0.at, in: user.timeZone))
        }
        struct Page: Encodable { let rows: [Row] }
        return try await req.page("security-log", title: "Security log", section: "settings", Page(rows: rows))
    }

    func export(req: Request) async throws -> Response {
        try await ExportService(req).jsonResponse(for: try req.requireWebUser(), req: req)
    }

    func exportCSV(req: Request) async throws -> Response {
        try await ExportService(req).csvResponse(for: try req.requireWebUser(), req: req)
    }

    func quickExitSetting(req: Request) async throws -> Response {
        let user = try req.requireWebUser()
        let on = (try? req.content.get(String.self, at: "signOut")) == "yes"
        try await AccountService(req).updateProfile(user, displayName: nil, timeZone: nil, quickExitSignsOut: on)
        return req.redirect(toPath: SiteURL.devices.path, flash: .settingsSaved)
    }
}
