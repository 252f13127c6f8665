import Vapor

/// Which methods each registered path answers, so a request with the wrong method gets
/// 405 and an `Allow` header instead of a misleading 404.
struct AllowedMethods: Sendable {
    private let patterns: [(components: [String?], methods: Set<String>)]

    init(routes: [Route]) {
        var table: [[String?]: Set<String>] = [:]
        for route in routes {
            let components: [String?] = route.path.map { component in
                if case .constant(let text) = component { return text }
                return nil  // a parameter matches any one segment
            }
            table[components, default: []].insert(route.method.rawValue)
            if route.method == .GET { table[components, default: []].insert("HEAD") }
        }
        patterns = table.map { ($0.key, $0.value) }
    }

    /// The methods `path` answers, or nil when no route has this path at all.
    func methods(for path: String) -> Set<String>? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        var found: Set<String>?
        for (components, methods) in patterns where components.count == segments.count {
            let matches = zip(components, segments).allSatisfy { pattern, segment in pattern == nil || pattern == segment }
            if matches { found = (found ?? []).union(methods) }
        }
        return found
    }
}

extension Application {
    private struct AllowedMethodsKey: StorageKey { typealias Value = AllowedMethods }

    var allowedMethods: AllowedMethods {
        storage[AllowedMethodsKey.self] ?? AllowedMethods(routes: routes.all)
    }

    /// Builds the table once all routes exist, before any request is served.
    func refreshAllowedMethods() {
        storage[AllowedMethodsKey.self] = AllowedMethods(routes: routes.all)
    }
}
