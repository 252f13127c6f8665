import Foundation
import KindredCore
import KindredServer
import Logging
import Vapor

/// `kindred serve | migrate [--revert] | routes | backup FILE | restore FILE` — Vapor's command line, with Kindred's
/// configuration checked first so a bad deployment fails loudly and completely.
@main
enum Entrypoint {
    static func main() async throws {
        let configuration: KindredConfiguration
        switch KindredConfiguration.load(from: ProcessInfo.processInfo.environment) {
        case .success(let loaded):
            configuration = loaded
        case .failure(let problems):
            FileHandle.standardError.write(Data((problems.description + "\n").utf8))
            exit(1)
        }

        // `kindred content check` needs no database: run it before Vapor starts.
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == "content" {
            exit(ContentCheck.run(arguments: Array(arguments.dropFirst()), configuration: configuration))
        }
        // Backups and restores work on the database file itself, with no server around it.
        if arguments.first == "backup" || arguments.first == "restore" {
            exit(await DataBackup.run(arguments: arguments, configuration: configuration))
        }
        let content: ContentLibrary
        switch configuration.loadContent() {
        case .success(let loaded):
            content = loaded
        case .failure(let problems):
            FileHandle.standardError.write(Data(("Kindred cannot start; fix the content files:\n\(problems)\n").utf8))
            exit(1)
        }

        let cipher: TextCipher
        do {
            cipher = try configuration.loadCipher()
        } catch {
            FileHandle.standardError.write(Data("Kindred cannot start: the encryption key: \(error)\n".utf8))
            exit(1)
        }

        let level = Logger.Level(rawValue: configuration.logLevel) ?? .notice
        LoggingSystem.bootstrap { label in PrivateLogHandler(label: label, level: level) }
        let environment = try Environment.detect()
        let app = try await Application.make(environment)
        do {
            try await configure(app, services: KindredServices(configuration: configuration, content: content, cipher: cipher))
            let command = environment.arguments.dropFirst().first ?? "serve"
            if case .postgres = configuration.storage, configuration.encryptionKeys == nil {
                app.logger.warning("DATABASE_URL is set but KINDRED_ENCRYPTION_KEY is not: every node needs the same key, or what one node seals another cannot open.")
            }
            if command == "serve" || command.hasPrefix("-") {
                try await app.autoMigrate()
                // What a node of an earlier version wrote after the migration ran (a rolling
                // upgrade) is sealed and bound now, before anyone reads it.
                try await checkKeysAndBindEarlierForms(app)
                try await app.applySQLitePragmas()
                startBackgroundWork(app)
                announceWhenListening(app)
            }
            try await app.execute()
            if command == "serve" || command.hasPrefix("-") {
                // SIGTERM ends `execute` with the server still answering. Stop it first —
                // finishing the requests under way — so the database is never torn down
                // beneath one (a rolling restart must drain, not crash).
                await app.http.server.shared.shutdown()
            }
        } catch {
            app.logger.critical("Kindred stopped: \(String(reflecting: error))")
            try? await app.asyncShutdown()
            exit(1)
        }
        try await app.asyncShutdown()
    }
}
