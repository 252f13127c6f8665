import Fluent
import KindredCore
import Vapor

/// The settings page: profile, password, and the way to delete an account.
extension AccountPagesController {
    struct SettingsForm: Content {
        var displayName: String?
        var timeZone: String?
        var currentPassword: String?
        var newPassword: String?
        var password: String?
        var wake: String?
        var sleep: String?
    }

    struct SettingsPage: Encodable {
        let errors: [FieldError]
        let email: String
        let displayName: FormField
        let timeZone: FormField
        let timeZoneChosen = true
        let timeZones: [TimeZoneOption]
        let currentPassword: FormField
        let newPassword: FormField
        let wake: FormField
        let sleep: FormField
    }

    func settings(req: Request) async throws -> Response {
        let user = try req.requireWebUser()
        return try await renderSettings(req, user: user, displayName: user.displayName, timeZone: user.timeZone, errors: [])
    }

    func saveSettings(req: Request) async throws -> Response {
        let user = try req.requireWebUser()
        let form = (try? req.content.decode(SettingsForm.self)) ?? SettingsForm()
        let displayName = form.displayName ?? ""
        let timeZone = form.timeZone ?? ""
        do {
            try await AccountService(req).updateProfile(user, displayName: displayName, timeZone: timeZone)
            return req.redirect(to: .settings, flash: .settingsSaved)
        } catch let problem as Problem where problem.status == .unprocessableEntity {
            // The model may hold the rejected values; show what is stored plus what was typed.
            return try await renderSettings(req, user: user, displayName: displayName, timeZone: timeZone, errors: problem.fieldErrors, status: .unprocessableEntity)
        }
    }

    /// Waking hours: when the bond's day turns over and which hours the two share awake.
    func saveWakingHours(req: Request) async throws -> Response {
        let user = try req.requireWebUser()
        let form = (try? req.content.decode(SettingsForm.self)) ?? SettingsForm()
        do {
            _ = try await TimeTogetherService(req).saveWakingHours(wake: form.wake ?? "", sleep: form.sleep ?? "", for: user)
            return req.redirect(to: .settings, flash: .settingsSaved)
        } catch let problem as Problem where problem.status == .unprocessableEntity {
            return try await renderSettings(req, user: user, displayName: user.displayName, timeZone: user.timeZone, errors: problem.fieldErrors,
                                            status: .unprocessableEntity, wake: form.wake, sleep: form.sleep)
        }
    }

    func changePassword(req: Request) async throws -> Response {
        let user = try req.requireWebUser()
        let form = (try? req.content.decode(SettingsForm.self)) ?? SettingsForm()
        do {
            try await AccountService(req).changePassword(
                user, current: form.currentPassword ?? "", new: form.newPassword ?? "",
                holder: req.credentialHolder, keepingSession: req.webSession?.id, keepingToken: nil, device: req.device
            )
            return req.redirect(to: .settings, flash: .passwordChanged)
        } catch let problem as Problem where !problem.fieldErrors.isEmpty || problem.status == .tooManyRequests {
            let errors = problem.fieldErrors.isEmpty ? [FieldError("currentPassword", problem.detail)] : problem.fieldErrors
            let response = try await renderSettings(req, user: user, displayName: user.displayName, timeZone: user.timeZone, errors: errors, status: problem.status)
            for (name, value) in problem.headers { response.headers.replaceOrAdd(name: name, value: value) }
            return response
        }
    }

    private func renderSettings(
        _ req: Request, user: User, displayName: String, timeZone: String, errors: [FieldError], status: HTTPStatus = .ok,
        wake: String? = nil, sleep: String? = nil
    ) async throws -> Response {
        try await req.page("settings", title: "Settings", section: "settings", status: status, SettingsPage(
            errors: errors, email: user.email,
            displayName: FormField(displayName, errors: errors, field: "displayName"),
            timeZone: FormField(timeZone, errors: errors, field: "timeZone"),
            timeZones: TimeZoneOption.all(selected: timeZone),
            currentPassword: FormField("", errors: errors, field: "currentPassword"),
            newPassword: FormField("", errors: errors, field: "newPassword"),
            wake: FormField(wake ?? user.wakingHours.wake.description, errors: errors, field: "wake"),
            sleep: FormField(sleep ?? user.wakingHours.sleep.description, errors: errors, field: "sleep")
        ))
    }

    // MARK: - Delete account

    struct DeletePage: Encodable {
        let errors: [FieldError]
        let password: FormField
    }

    func deleteForm(req: Request) async throws -> Response {
        _ = try req.requireWebUser()
        return try await req.page("delete-account", title: "Delete your account", section: "settings", DeletePage(errors: [], password: FormField()))
    }

    func deleteAccount(req: Request) async throws -> Response {
        let user = try req.requireWebUser()
        let form = (try? req.content.decode(SettingsForm.self)) ?? SettingsForm()
        do {
            try await AccountService(req).deleteAccount(user, password: form.password ?? "", holder: req.credentialHolder)
        } catch let problem as Problem where !problem.fieldErrors.isEmpty || problem.status == .tooManyRequests {
            let errors = problem.fieldErrors.isEmpty ? [FieldError("password", problem.detail)] : problem.fieldErrors
            return try await req.page("delete-account", title: "Delete your account", section: "settings", status: problem.status,
                                      DeletePage(errors: errors, password: FormField("", errors: errors, field: "password")))
        }
        req.webSession = nil
        req.currentUser = nil
        let response = req.redirect(to: .home, flash: .accountDeleted)
        response.cookies[Cookies.sessionName(req)] = Cookies.expired(req)
        return response
    }
}
