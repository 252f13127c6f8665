import Fluent
import KindredCore
import Vapor

/// Reminders, Web Push devices and password resets: `/api/v1/me/reminders`,
/// `/api/v1/me/push-subscriptions`, `/api/v1/push/key`, `/api/v1/password-resets`.
struct RemindersAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.on(.GET, .pushKey, use: pushKey)
        routes.on(.POST, .passwordResets, use: requestReset)
        routes.on(.POST, .passwordReset, use: completeReset)
        let signedIn = routes.grouped(BearerAuthMiddleware())
        signedIn.on(.GET, .reminders, use: reminders)
        signedIn.on(.PUT, .reminders, use: saveReminders)
        signedIn.on(.GET, .pushSubscriptions, use: devices)
        signedIn.on(.POST, .pushSubscriptions, use: subscribe)
        signedIn.on(.DELETE, .pushSubscription, use: unsubscribe)
    }

    // MARK: - Reminders

    func reminders(req: Request) async throws -> RemindersDTO {
        let user = try req.requireUser()
        let service = ReminderService(req)
        return RemindersDTO(try await service.preferences(of: user), emailAvailable: service.mailAvailable,
                            devices: try await service.devices(of: user).count)
    }

    func saveReminders(req: Request) async throws -> RemindersDTO {
        let user = try req.requireUser()
        var body = try JSONBody(req, required: true)
        let dailyAtText = body.optionalString("dailyAt", nullable: true)
        let email = body.requiredBool("email")
        let push = body.requiredBool("push")
        let partnerActivity = body.requiredBool("partnerActivity")
        let includeNames = body.optionalBool("includeNames") ?? false
        var dailyAt: LocalTime?
        if let dailyAtText {
            dailyAt = LocalTime(string: dailyAtText)
            if dailyAt == nil { body.add([FieldError("dailyAt", "dailyAt must be a time like 08:30, or null for no daily reminder.")]) }
        }
        try body.validate()
        let service = ReminderService(req)
        let saved = try await service.save(
            ReminderPreferences(dailyAt: dailyAt, email: email, push: push, partnerActivity: partnerActivity, includeNames: includeNames), for: user)
        return RemindersDTO(saved, emailAvailable: service.mailAvailable, devices: try await service.devices(of: user).count)
    }

    // MARK: - Web Push devices

    func pushKey(req: Request) async throws -> PushKeyDTO {
        PushKeyDTO(publicKey: req.kindred.delivery.vapid.publicKeyBase64URL)
    }

    func devices(req: Request) async throws -> [PushSubscriptionDTO] {
        try await ReminderService(req).devices(of: try req.requireUser()).map(PushSubscriptionDTO.init)
    }

    func subscribe(req: Request) async throws -> Response {
        let user = try req.requireUser()
        var body = try JSONBody(req, required: true)
        let endpoint = body.string("endpoint")
        var p256dh = "", auth = ""
        switch body.object["keys"] {
        case .object(let keys)?:
            if case .string(let value)? = keys["p256dh"] { p256dh = value } else { body.add([FieldError("keys.p256dh", "keys.p256dh is required.")]) }
            if case .string(let value)? = keys["auth"] { auth = value } else { body.add([FieldError("keys.auth", "keys.auth is required.")]) }
        case nil: body.add([FieldError("keys", "keys is required.")])
        default: body.add([FieldError("keys", "keys must be an object with p256dh and auth.")])
        }
        try body.validate()
        let (subscription, created) = try await ReminderService(req).subscribe(endpoint: endpoint, p256dh: p256dh, auth: auth, for: user, device: req.device)
        return try await PushSubscriptionDTO(subscription).encodeResponse(status: created ? .created : .ok, for: req)
    }

    func unsubscribe(req: Request) async throws -> HTTPStatus {
        let user = try req.requireUser()
        guard let id = req.parameters.get("subscriptionID").flatMap(UUID.init(uuidString:)) else {
            throw Problem.notFound("There is no such device among yours.")
        }
        try await ReminderService(req).unsubscribeDevice(id, of: user)
        return .noContent
    }

    // MARK: - Password resets

    static let resetAccepted = "If that address belongs to an account, a link to reset its password is on its way. It works once, for 30 minutes."

    /// Always 202 with the same body, whether or not the account exists or email is set up.
    func requestReset(req: Request) async throws -> Response {
        var body = try JSONBody(req, required: true)
        let email = body.string("email")
        if email.unicodeScalars.count > AccountRules.emailMaxLength { body.add([FieldError("email", "That is longer than any email address.")]) }
        try body.validate()
        PasswordResetService.requestInBackground(email: email, app: req.application, logger: req.logger)
        return try await AcceptedDTO(message: Self.resetAccepted).encodeResponse(status: .accepted, for: req)
    }

    func completeReset(req: Request) async throws -> AcceptedDTO {
        var body = try JSONBody(req, required: true)
        let password = body.string("password")
        try body.validate()
        _ = try await PasswordResetService(req).complete(token: req.parameters.get("token") ?? "", password: password, device: req.device)
        return AcceptedDTO(message: "Your password is changed. Every device was signed out: sign in again with the new password.")
    }
}

extension JSONBody {
    /// A required boolean.
    mutating func requiredBool(_ field: String) -> Bool {
        guard has(field) else {
            add([FieldError(field, "\(field) is required.")])
            return false
        }
        return optionalBool(field) ?? false
    }
}
