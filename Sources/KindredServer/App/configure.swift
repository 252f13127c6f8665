import Fluent
import Leaf
import LeafKit
import NIOCore
import Vapor

/// Builds the whole application. The executable and the tests both call this, so what
/// is tested is what runs.
public func configure(_ app: Application, services: KindredServices) async throws {
    app.kindred = services
    let configuration = services.configuration
    app.logger.logLevel = Logger.Level(rawValue: configuration.logLevel) ?? .notice

    app.http.server.configuration.hostname = configuration.host
    app.http.server.configuration.port = configuration.port
    app.routes.defaultMaxBodySize = "64kb"

    let encoder = JSONEncoder()
    encoder.dateEncodingStrategy = .iso8601
    encoder.outputFormatting = [.sortedKeys]
    ContentConfiguration.global.use(encoder: encoder, for: .json)
    ContentConfiguration.global.use(encoder: encoder, for: .jsonAPI)

    try app.useKindredDatabase(configuration)

    // Templates and static files come from the resource bundle, not the working directory.
    app.directory.viewsDirectory = ResourcePaths.views
    app.directory.publicDirectory = ResourcePaths.publicFiles
    app.views.use(.leaf)
    app.leaf.cache.isEnabled = true
    // The bundle sits under `.build/`, which Leaf's default limits refuse as hidden.
    app.leaf.sources = .singleSource(NIOLeafFiles(
        fileio: app.fileio, limits: [.onlyLeafExtensions, .toSandbox],
        sandboxDirectory: ResourcePaths.views, viewDirectory: ResourcePaths.views
    ))

    // Outermost first: headers go on everything, errors become pages or problems,
    // static files are served before any database work.
    app.middleware = Middlewares()
    app.middleware.use(MetricsMiddleware())
    app.middleware.use(SecurityHeadersMiddleware())
    app.middleware.use(KindredErrorMiddleware())
    app.middleware.use(FileMiddleware(publicDirectory: ResourcePaths.publicFiles))

    try routes(app)
    app.refreshAllowedMethods()
    try app.prepareOpenAPIDocument()
    app.asyncCommands.use(SeedCommand(), as: "seed")
    app.asyncCommands.use(KeysCommand(), as: "keys")
    app.asyncCommands.use(UsersCommand(), as: "users")

    app.lifecycle.use(ShutdownPasswords(passwords: services.passwords))
}

private struct ShutdownPasswords: LifecycleHandler {
    let passwords: PasswordService
    func shutdownAsync(_ application: Application) async {
        await passwords.shutdown()
    }
}

/// Before serving: the database must hold nothing sealed under a key this node lacks (a lost
/// or misplaced key file stops the start, rather than a new key making everything unreadable);
/// then anything a node of an earlier version wrote in an older form is sealed and bound.
public func checkKeysAndBindEarlierForms(_ app: Application) async throws {
    if let problem = try await SealedColumn.missingKey(on: app.db, cipher: app.kindred.cipher, configuration: app.kindred.configuration) {
        throw KeyMismatch(description: problem)
    }
    let bound = try await SealedColumn.bindEarlierForms(on: app.db, with: app.kindred.cipher)
    if bound > 0 { app.logger.notice("Sealed and bound \(bound) value(s) written in an earlier form.") }
}

struct KeyMismatch: Error, CustomStringConvertible {
    let description: String
}

/// Work a serving node does besides answering requests: the reminder scheduler. Started
/// only by `serve` (never by `migrate` or other commands), after migrations.
public func startBackgroundWork(_ app: Application) {
    // Vapor makes its HTTP server lazily, and not thread-safely: make it here, on this one
    // thread, before any task can ask for it (`Application.baseURL` does) while `serve` does
    // too — two servers made at once crash a node as it starts.
    _ = app.http.server.shared
    let lease = ServerLeases.start(app)
    app.lifecycle.use(StopBackgroundWork(task: NoticeScheduler.start(app), lease: lease, signal: app.kindred.scheduler))
}

private struct StopBackgroundWork: LifecycleHandler {
    let task: Task<Void, Never>?
    let lease: Task<Void, Never>
    let signal: SchedulerSignal
    func shutdownAsync(_ application: Application) async {
        task?.cancel()
        lease.cancel()
        signal.wake()
        await task?.value
        await lease.value
    }
}

/// Logs the address to open once the server really listens (`serve --port` may have moved it).
public func announceWhenListening(_ app: Application) {
    let configuration = app.kindred.configuration
    for warning in [configuration.plainHTTPWarning, configuration.keyInsideDataWarning, configuration.keyLeftInDataWarning].compactMap({ $0 }) {
        app.logger.warning("WARNING: \(warning)")
    }
    let storage = app.kindred.configuration.storageDescription
    let email = app.kindred.configuration.smtp.map { "Email goes out through \($0.redactedDescription)." } ?? "Email is off (no KINDRED_SMTP_URL)."
    Task.detached {
        for _ in 0..<600 {
            if app.http.server.shared.localAddress != nil {
                app.logger.notice("Kindred is ready: \(storage). \(email) Open \(app.baseURL) in a browser.")
                return
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }
}
