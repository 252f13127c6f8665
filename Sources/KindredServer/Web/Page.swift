import KindredCore
import Vapor

/// What the layout needs on every page.
struct Layout: Encodable {
    let title: String
    let section: String
    let csrf: String
    let userName: String?
    /// A professional's pages: "Bonds I serve" instead of "My bonds".
    let professional: Bool
    let flash: String?
    let quickExitURL: String
}

/// Every page's context: the layout's data and the page's own.
struct PageContext<Body: Encodable>: Encodable {
    let layout: Layout
    let page: Body
}

struct NoContent: Encodable {}

extension Request {
    /// Renders `template` inside the layout; consumes any flash message.
    func page<Body: Encodable>(
        _ template: String, title: String, section: String = "", status: HTTPStatus = .ok, _ body: Body
    ) async throws -> Response {
        let flashName = Cookies.flashName(self)
        var flash = cookies[flashName].flatMap { Flash(rawValue: $0.string) }?.message
        if flash == nil, sessionJustExpired { flash = Flash.sessionExpired.message }
        let layout = Layout(
            title: title, section: section, csrf: csrfToken,
            userName: currentUser?.displayName, professional: currentUser?.isProfessional ?? false, flash: flash,
            // Signed-in people who asked for it leave through /exit, which also signs them out.
            // The token proves the click came from one of this session's pages, not another site.
            quickExitURL: currentUser?.quickExitSignsOut == true ? exitToken.map { SiteURL.exit(token: $0).path } ?? kindred.configuration.quickExitURL
                : kindred.configuration.quickExitURL
        )
        let view = try await self.view.render(template, PageContext(layout: layout, page: body))
        let response = try await view.encodeResponse(for: self)
        response.status = status
        response.headers.replaceOrAdd(name: .contentType, value: "text/html; charset=utf-8")
        if cookies[flashName] != nil {
            response.cookies[flashName] = Cookies.expired(self)
        }
        return response
    }

    func page(_ template: String, title: String, section: String = "", status: HTTPStatus = .ok) async throws -> Response {
        try await page(template, title: title, section: section, status: status, NoContent())
    }

    /// The signed-in person, or a redirect to sign in that comes back here afterwards.
    func requireWebUser() throws -> User {
        if let user = currentUser { return user }
        throw SignInRequired(next: url.path)
    }
}

/// Thrown by pages that need a signed-in person; turned into a redirect by the error middleware.
struct SignInRequired: Error {
    let next: String
}

/// One form field's state for the template: what was typed and what is wrong with it.
struct FormField: Encodable {
    let value: String
    let error: String?

    init(_ value: String = "", error: String? = nil) {
        self.value = value
        self.error = error
    }

    init(_ value: String, errors: [FieldError], field: String) {
        self.value = value
        self.error = errors.message(for: field)
    }
}
