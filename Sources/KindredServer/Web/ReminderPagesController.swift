import Fluent
import KindredCore
import Vapor

/// Settings → Reminders: a daily reminder at the person's own time, by email and/or as a
/// notification, notices about the other person, and the devices set up for notifications.
/// The one-click email unsubscribe is `UnsubscribePagesController`, below.
struct ReminderPagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(.reminders, use: reminders)
        routes.post(.reminders, use: saveReminders)
        routes.post(.pushSubscriptions, use: addDevice)
        routes.post(.removePushSubscription, use: removeDevice)
    }

    // MARK: - Settings → Reminders

    /// Checkboxes send `yes` when ticked and nothing otherwise.
    struct RemindersForm: Content {
        /// `none` for no daily reminder, `at` for a reminder at `dailyAt`.
        var daily: String?
        var dailyAt: String?
        var email: String?
        var push: String?
        var partnerActivity: String?
        var includeNames: String?
    }

    struct DeviceRow: Encodable {
        let device: String
        let added: String
        let removeURL: String
    }

    struct RemindersPage: Encodable {
        let errors: [FieldError]
        let hasDaily: Bool
        let dailyAt: FormField
        let nextReminder: String?
        let timeZone: String
        let email: Bool
        let emailError: String?
        let emailAvailable: Bool
        let emailAddress: String
        let push: Bool
        let partnerActivity: Bool
        let includeNames: Bool
        let channelsError: String?
        let devices: [DeviceRow]
        let pushKey: String
        let subscribeURL: String
    }

    func reminders(req: Request) async throws -> Response {
        let user = try req.requireWebUser()
        let saved = try await ReminderService(req).preferences(of: user)
        return try await render(req, user: user, preferences: saved, dailyAtText: saved.dailyAt?.description ?? "", errors: [])
    }

    func saveReminders(req: Request) async throws -> Response {
        let user = try req.requireWebUser()
        let form = (try? req.content.decode(RemindersForm.self)) ?? RemindersForm()
        let typed = (form.dailyAt ?? "").trimmingCharacters(in: .whitespaces)
        var preferences = ReminderPreferences(
            dailyAt: nil, email: form.email != nil, push: form.push != nil,
            partnerActivity: form.partnerActivity != nil, includeNames: form.includeNames != nil
        )
        // A time typed with "No daily reminder" chosen means no reminder; without either
        // choice (an old form), a typed time speaks for itself.
        let wantsDaily = form.daily == "at" || (form.daily == nil && !typed.isEmpty)
        if wantsDaily {
            guard let time = Self.time(from: typed) else {
                let message = typed.isEmpty
                    ? "Choose a time for your daily reminder, or choose “No daily reminder”."
                    : "Enter a time like 08:30, or choose “No daily reminder”."
                var errors = [FieldError("dailyAt", message)]
                // Say everything else that is wrong at once, as if the time were right.
                preferences.dailyAt = LocalTime(hour: 8, minute: 0)
                errors += ReminderPreferences.problems(preferences, mailAvailable: req.kindred.delivery.mail != nil)
                preferences.dailyAt = nil
                return try await render(req, user: user, preferences: preferences, hasDaily: true, dailyAtText: typed,
                                        errors: errors, status: .unprocessableEntity)
            }
            preferences.dailyAt = time
        }
        do {
            _ = try await ReminderService(req).save(preferences, for: user)
        } catch let problem as Problem where !problem.fieldErrors.isEmpty {
            // 422 for a choice that can't work; 409 for email on a Kindred that has none.
            return try await render(req, user: user, preferences: preferences, dailyAtText: typed,
                                    errors: problem.fieldErrors, status: problem.status)
        }
        return req.redirect(to: .reminders, flash: .remindersSaved)
    }

    private func render(
        _ req: Request, user: User, preferences: ReminderPreferences, hasDaily: Bool? = nil, dailyAtText: String,
        errors: [FieldError], status: HTTPStatus = .ok
    ) async throws -> Response {
        let service = ReminderService(req)
        let zone = user.timeZone
        let devices = try await service.devices(of: user).map { device in
            DeviceRow(device: device.device, added: DateText.day(device.createdAt, in: zone),
                      removeURL: SiteURL.removePushSubscription(device.id!).path)
        }
        // The next reminder, on the person's own clock, once it is saved.
        let next = errors.isEmpty ? preferences.dailyAt.map { Self.nextReminder(at: $0, after: req.kindred.now, zone: zone) } : nil
        return try await req.page("reminders", title: "Reminders", section: "settings", status: status, RemindersPage(
            errors: errors,
            hasDaily: hasDaily ?? (preferences.dailyAt != nil),
            dailyAt: FormField(dailyAtText, errors: errors, field: "dailyAt"),
            nextReminder: next,
            timeZone: zone.replacingOccurrences(of: "_", with: " "),
            email: preferences.email && service.mailAvailable,
            emailError: errors.message(for: "email"),
            emailAvailable: service.mailAvailable,
            emailAddress: user.email,
            push: preferences.push,
            partnerActivity: preferences.partnerActivity,
            includeNames: preferences.includeNames,
            channelsError: errors.message(for: "channels"),
            devices: devices,
            pushKey: req.kindred.delivery.vapid.publicKeyBase64URL,
            subscribeURL: SiteURL.pushSubscriptions.path
        ))
    }

    /// "15 January 2027 at 07:45", in the person's zone (on a spring-forward day, when the clock jumps).
    static func nextReminder(at time: LocalTime, after now: Date, zone identifier: String) -> String {
        let zone = TimeZone(identifier: identifier) ?? .gmt
        let fires = ReminderSchedule.next(after: now, at: time, in: zone)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let clock = calendar.dateComponents([.hour, .minute], from: fires)
        let shown = LocalTime(hour: clock.hour ?? time.hour, minute: clock.minute ?? time.minute) ?? time
        return "\(DateText.day(fires, in: identifier)) at \(shown)"
    }

    /// `<input type="time">` sends `08:30` (or `08:30:00`); browsers without it send what
    /// was typed, so `8:30` is read too.
    static func time(from text: String) -> LocalTime? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard (2...3).contains(parts.count), parts.allSatisfy({ (1...2).contains($0.count) && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              parts.count == 2 || parts[2].count == 2,
              let hour = Int(parts[0]), let minute = Int(parts[1]), parts[1].count == 2
        else { return nil }
        return LocalTime(hour: hour, minute: minute)
    }

    // MARK: - Devices for notifications

    /// What the page's script posts after the browser subscribed: `{csrf, endpoint, keys}`.
    struct SubscriptionBody: Content {
        struct Keys: Content {
            var p256dh: String?
            var auth: String?
        }
        var endpoint: String?
        var keys: Keys?
    }

    /// What the script reads back: a sentence to show, and what went wrong by field.
    struct DeviceAnswer: Content {
        struct FieldProblem: Content {
            let field: String
            let message: String
        }
        var id: String?
        var device: String?
        let message: String
        var errors: [FieldProblem]?
    }

    /// Called by app.js (fetch, JSON), so it answers JSON — never a page or a redirect.
    func addDevice(req: Request) async throws -> Response {
        guard let user = req.currentUser else {
            return try await DeviceAnswer(message: "You were signed out. Sign in again, then set up notifications.")
                .encodeResponse(status: .unauthorized, for: req)
        }
        guard let body = try? req.content.decode(SubscriptionBody.self) else {
            return try await DeviceAnswer(message: "This browser sent something we couldn't read, so this device isn't set up.")
                .encodeResponse(status: .badRequest, for: req)
        }
        do {
            let (subscription, created) = try await ReminderService(req).subscribe(
                endpoint: body.endpoint ?? "", p256dh: body.keys?.p256dh ?? "", auth: body.keys?.auth ?? "", for: user, device: req.device
            )
            return try await DeviceAnswer(
                id: subscription.id?.uuidString.lowercased(), device: subscription.device,
                message: "This device is set up for notifications. Save your choices to start getting them."
            ).encodeResponse(status: created ? .created : .ok, for: req)
        } catch let problem as Problem where problem.status.code < 500 {
            let errors = problem.fieldErrors.map { DeviceAnswer.FieldProblem(field: $0.field, message: $0.message) }
            let message = problem.fieldErrors.isEmpty
                ? problem.detail
                : "This device couldn't be set up for notifications: " + problem.fieldErrors.map(\.message).joined(separator: " ")
            return try await DeviceAnswer(message: message, errors: errors.isEmpty ? nil : errors)
                .encodeResponse(status: problem.status, for: req)
        }
    }

    func removeDevice(req: Request) async throws -> Response {
        let user = try req.requireWebUser()
        guard let id = req.parameters.get("subscriptionID").flatMap(UUID.init(uuidString:)) else {
            throw Problem.notFound("There is no such device among yours.")
        }
        try await ReminderService(req).unsubscribeDevice(id, of: user)
        return req.redirect(to: .reminders, flash: .deviceRemoved)
    }
}

// MARK: - One-click unsubscribe

/// The link in every reminder email. Registered outside the web group (see `routes`): mail
/// providers post it with no session and no CSRF token (RFC 8058 `List-Unsubscribe=One-Click`),
/// and the token itself is the proof. Only the session is read, for the page's navigation.
struct UnsubscribePagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(.unsubscribe, use: unsubscribeForm)
        routes.post(.unsubscribe, use: unsubscribe)
    }

    struct UnsubscribePage: Encodable {
        /// `ask` (one button), `done`, or `unknown` (a link we never sent).
        let state: String
        let actionURL: String
        let signedIn: Bool
    }

    /// Shows one button and changes nothing: mail scanners open links, and must not unsubscribe anyone.
    func unsubscribeForm(req: Request) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        let known = try await ReminderService(req).isUnsubscribeToken(token)
        return try await unsubscribePage(req, state: known ? "ask" : "unknown", token: token)
    }

    /// RFC 8058: the mail provider posts `List-Unsubscribe=One-Click`; a person presses the
    /// button. Either way reminder emails stop.
    func unsubscribe(req: Request) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        let known = try await ReminderService(req).unsubscribe(token: token)
        return try await unsubscribePage(req, state: known ? "done" : "unknown", token: token)
    }

    /// An unknown link gets the same kind page whatever it is; it says nothing about anyone.
    private func unsubscribePage(_ req: Request, state: String, token: String) async throws -> Response {
        let title = switch state {
        case "done": "Reminder emails stopped"
        case "unknown": "We couldn't find that link"
        default: "Stop reminder emails"
        }
        return try await req.page("unsubscribe", title: title, status: state == "unknown" ? .notFound : .ok, UnsubscribePage(
            state: state, actionURL: SiteURL.unsubscribe(token: token).path, signedIn: req.currentUser != nil
        ))
    }
}
