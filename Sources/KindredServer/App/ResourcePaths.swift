import Foundation

/// Templates, static files and the OpenAPI document ship inside the module's resource
/// bundle, so `kindred` finds them whatever the working directory.
enum ResourcePaths {
    static let root: String = {
        let url = Bundle.module.url(forResource: "Resources", withExtension: nil)
            ?? Bundle.module.bundleURL.appendingPathComponent("Resources")
        return url.path.hasSuffix("/") ? url.path : url.path + "/"
    }()

    static var views: String { root + "Views/" }
    static var publicFiles: String { root + "Public/" }
    static var openAPI: String { root + "openapi.yaml" }
}
