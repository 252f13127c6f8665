import Vapor

/// A path written once as an enum case (`SitePath` for pages, `APIPath` for the API), its raw
/// value the pattern with `:name` for each parameter.
protocol PathPattern: RawRepresentable<String> {}

extension PathPattern {
    /// The pattern as Vapor's router reads it.
    var components: [PathComponent] {
        rawValue.split(separator: "/").map { PathComponent(stringLiteral: String($0)) }
    }
}
