import Vapor

/// What makes Kindred installable: the web app manifest. It needs no session, so it is
/// registered outside the web group; the service worker (`/sw.js`) and the icons are static files.
struct AppShellController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(.manifest, use: manifest)
    }

    struct Manifest: Encodable {
        struct Icon: Encodable {
            let src: String
            let sizes: String
            let type: String
            let purpose: String
        }

        let id = "/"
        let name = "Kindred"
        let shortName = "Kindred"
        let description = "A small question each day, and other ways to grow closer, just for the two of you."
        let lang = "en"
        let startURL = "/"
        let scope = "/"
        let display = "standalone"
        /// app.css's `--bg` and `--accent`.
        let backgroundColor = "#fbf7f3"
        let themeColor = "#a8432f"
        let icons = [
            Icon(src: "/icons/icon-192.png", sizes: "192x192", type: "image/png", purpose: "any"),
            Icon(src: "/icons/icon-512.png", sizes: "512x512", type: "image/png", purpose: "any"),
            Icon(src: "/icons/icon-maskable-512.png", sizes: "512x512", type: "image/png", purpose: "maskable"),
            Icon(src: "/icons/icon.svg", sizes: "any", type: "image/svg+xml", purpose: "any"),
        ]

        enum CodingKeys: String, CodingKey {
            case id, name, description, lang, scope, display, icons
            case shortName = "short_name", startURL = "start_url"
            case backgroundColor = "background_color", themeColor = "theme_color"
        }
    }

    /// The same for everyone, so it is made once.
    static let body: String = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(Manifest())) ?? Data("{}".utf8), as: UTF8.self)
    }()

    func manifest(req: Request) async throws -> Response {
        let response = Response(status: .ok, body: .init(string: Self.body))
        response.headers.replaceOrAdd(name: .contentType, value: "application/manifest+json")
        return response
    }
}
