import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import XCTest

/// Running the real `kindred` executable in a test, as an operator would: commands, a server,
/// and JSON requests to it.
protocol ProcessHarness {}

/// The harness on its own, to hand to concurrent tasks (a test case is not Sendable).
struct Harness: ProcessHarness, Sendable {}

struct ServerDidNotStart: Error {}

extension ProcessHarness {
    /// The executable `swift build` made (`scripts/test` names it in KINDRED_BIN); this file is in Tests/KindredServerTests/Support.
    var executable: String {
        if let path = ProcessInfo.processInfo.environment["KINDRED_BIN"], !path.isEmpty { return path }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/debug/kindred").path
    }

    func run(_ arguments: [String], environment: [String: String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    func serve(environment: [String: String], port: Int) async throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["serve"]
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        for _ in 0..<300 {
            if let (_, response) = try? await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/readyz")!),
               (response as? HTTPURLResponse)?.statusCode == 200 { return process }
            try await Task.sleep(for: .milliseconds(100))
        }
        process.terminate()
        XCTFail("kindred serve did not start on port \(port)")
        throw ServerDidNotStart()
    }

    func send(_ method: String, _ url: String, json: [String: Any], token: String? = nil) async throws -> (Int, [String: Any]) {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if method != "GET" { request.httpBody = try JSONSerialization.data(withJSONObject: json) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? ["array": (try? JSONSerialization.jsonObject(with: data)) as Any]
        return ((response as! HTTPURLResponse).statusCode, object)
    }

    /// An environment of its own: a data folder under `root`, the port, no scheduler.
    func environment(root: String, port: Int) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("KINDRED_") && $0.key != "DATABASE_URL" }
        environment["KINDRED_DATA_DIR"] = root + "/data"
        environment["KINDRED_PORT"] = "\(port)"
        environment["KINDRED_HOST"] = "127.0.0.1"
        environment["KINDRED_LOG_LEVEL"] = "error"
        environment["KINDRED_SCHEDULER_SECONDS"] = "0"
        return environment
    }
}
