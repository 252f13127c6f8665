import Fluent
import KindredCore
import Vapor

/// `/api/v1/accounts`, `/api/v1/tokens` and `/api/v1/me`.
struct AccountsAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.on(.POST, .accounts, use: register)
        routes.on(.POST, .signup, use: confirmSignup)
        routes.on(.POST, .tokens, use: createToken)

        let signedIn = routes.grouped(BearerAuthMiddleware())
        signedIn.on(.GET, .tokens, use: listTokens)
        signedIn.on(.DELETE, .currentToken, use: revokeCurrentToken)
        signedIn.on(.DELETE, .token, use: revokeToken)
        signedIn.on(.GET, .me, use: me)
        signedIn.on(.PATCH, .me, use: updateMe)
        signedIn.on(.DELETE, .me, use: deleteMe)
        signedIn.on(.POST, .password, use: changePassword)
    }

    func register(req: Request) async throws -> Response {
        var body = try JSONBody(req)
        let email = body.string("email")
        let password = body.string("password")
        let displayName = body.string("displayName")
        let timeZone = body.optionalString("timeZone") ?? "UTC"
        let roleName = body.optionalString("role") ?? ProfessionalAccess.Role.member.rawValue
        let role = ProfessionalAccess.Role(rawValue: roleName)
        if role == nil { body.add([FieldError("role", "Choose member or professional.")]) }
        let practiceName = body.optionalString("practiceName", nullable: true)
        let credentials = body.optionalString("credentials", nullable: true)
        // The raw values, before trimming, as the contract describes them.
        body.add(ProfessionalAccess.profileProblems(practiceName: practiceName, credentials: credentials))
        if role != .professional, practiceName != nil || credentials != nil {
            body.add([FieldError(practiceName != nil ? "practiceName" : "credentials", "Only a professional account has a practice and credentials.")])
        }
        try body.validate()
        let outcome = try await SignupService(req).begin(
            email: email, password: password, displayName: displayName, timeZone: timeZone, next: nil,
            profile: ProfessionalProfile(role: role ?? .member, practiceName: practiceName, credentials: credentials),
            clientAddress: req.clientAddress, app: req.application, logger: req.logger
        )
        switch outcome {
        case .started(let user):
            return try await MeDTO(user).encodeResponse(status: .created, for: req)
        case .awaitingLink(let message):
            // The same answer whether or not the email was free: the inbox hears which.
            return try await AcceptedDTO(message: message).encodeResponse(status: .accepted, for: req)
        }
    }

    /// The link from a sign-up email: makes the account (201), once.
    func confirmSignup(req: Request) async throws -> Response {
        let (user, _) = try await SignupService(req).complete(token: req.parameters.get("token") ?? "", device: req.device)
        return try await MeDTO(user).encodeResponse(status: .created, for: req)
    }

    func createToken(req: Request) async throws -> Response {
        var body = try JSONBody(req)
        let email = body.string("email")
        let password = body.string("password")
        let name = body.optionalString("name")
        if let name, name.count > AccountService.tokenNameMaxLength {
            body.add([FieldError("name", "Keep the name to \(AccountService.tokenNameMaxLength) characters or fewer.")])
        }
        let idleDays = body.optionalInteger("idleDays")
        if let idleDays, !TokenPolicy.idleDays.contains(idleDays) {
            body.add([FieldError("idleDays", "Choose between \(TokenPolicy.idleDays.lowerBound) and \(TokenPolicy.idleDays.upperBound) days.")])
        }
        try body.validate()
        let accounts = AccountService(req)
        let user = try await accounts.authenticate(email: email, password: password, clientAddress: req.clientAddress, device: req.device)
        let (secret, token) = try await accounts.createToken(
            for: user, name: name, idleDays: idleDays ?? TokenPolicy.defaultIdleDays, device: req.device
        )
        return try await TokenCreatedDTO(token, secret: secret).encodeResponse(status: .created, for: req)
    }

    /// Live tokens only (an expired one is gone, swept or not), newest first, paged.
    func listTokens(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let current = req.apiToken?.id
        let paging = try Paging(req)
        let tokens = try await DeviceService(req).tokens(for: user, paging: paging)
        return try await paging.respond(tokens.map { TokenDTO($0, current: $0.id == current) }, for: req)
    }

    func revokeCurrentToken(req: Request) async throws -> HTTPStatus {
        try await req.apiToken?.delete(on: req.db)
        try await SecurityLog(req).record(.sessionEnded, for: try req.requireUser(), device: req.device)
        return .noContent
    }

    func revokeToken(req: Request) async throws -> HTTPStatus {
        guard let id = req.parameters.get("tokenID").flatMap(UUID.init(uuidString:)) else {
            throw Problem.notFound("You have no token with that id.")
        }
        try await DeviceService(req).revokeToken(id, for: try req.requireUser())
        return .noContent
    }

    func me(req: Request) async throws -> MeDTO {
        MeDTO(try req.requireUser())
    }

    func updateMe(req: Request) async throws -> MeDTO {
        let user = try req.requireUser()
        var body = try JSONBody(req, required: true)
        let displayName = body.optionalString("displayName")
        let timeZone = body.optionalString("timeZone")
        let quickExitSignsOut = body.optionalBool("quickExitSignsOut")
        try body.validate()
        try await AccountService(req).updateProfile(user, displayName: displayName, timeZone: timeZone, quickExitSignsOut: quickExitSignsOut)
        return MeDTO(user)
    }

    func changePassword(req: Request) async throws -> HTTPStatus {
        let user = try req.requireUser()
        var body = try JSONBody(req)
        let current = body.string("currentPassword")
        let new = body.string("newPassword")
        try body.validate()
        try await AccountService(req).changePassword(
            user, current: current, new: new, holder: req.credentialHolder,
            keepingSession: nil, keepingToken: req.apiToken?.id, device: req.device
        )
        return .noContent
    }

    func deleteMe(req: Request) async throws -> HTTPStatus {
        let user = try req.requireUser()
        var body = try JSONBody(req)
        let password = body.string("password")
        try body.validate()
        try await AccountService(req).deleteAccount(user, password: password, holder: req.credentialHolder)
        return .noContent
    }
}
