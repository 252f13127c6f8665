import Fluent
import KindredCore
import Vapor

/// `kindred users reset-link EMAIL`: prints a single-use password reset link (valid 30
/// minutes) for the account with that email — for servers without email, where the
/// operator hands the link to its owner in person.
struct UsersCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "reset-link")
        var action: String

        @Argument(name: "email", help: "The account's email address.")
        var email: String
    }

    var help: String { "Print a one-time password reset link for an account (kindred users reset-link EMAIL)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard signature.action == "reset-link" else {
            context.console.error("Usage: kindred users reset-link EMAIL")
            throw Abort(.badRequest)
        }
        let app = context.application
        let email = AccountRules.normaliseEmail(signature.email)
        guard let user = try await User.query(on: app.db).filter(\.$email == email).first() else {
            context.console.error("There is no account with the email \(email).")
            throw Abort(.notFound)
        }
        let link = try await PasswordResetService(db: app.db, services: app.kindred).link(for: user, baseURL: app.baseURL)
        context.console.print("A reset link for \(email), valid for 30 minutes and usable once:")
        context.console.print(link)
        context.console.print("Give it only to the account's owner. Using it signs them out on every device.")
    }
}
