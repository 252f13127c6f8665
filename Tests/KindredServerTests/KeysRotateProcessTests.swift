import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import XCTest
@testable import KindredServer

/// `kindred keys rotate` as an operator runs it, against the real executable: refused while
/// `kindred serve` holds the database, done once it stops, and what people wrote still opens
/// when the server comes back under the new key.
final class KeysRotateProcessTests: XCTestCase {
    /// The executable `swift build` made (`scripts/test` names it in KINDRED_BIN).
    var executable: String {
        if let path = ProcessInfo.processInfo.environment["KINDRED_BIN"], !path.isEmpty { return path }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
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
        struct DidNotStart: Error {}
        XCTFail("kindred serve did not start on port \(port)")
        throw DidNotStart()
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

    func testRotateIsRefusedBesideARunningServerAndWorksOnceItStops() async throws {
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: executable), "build the executable first (swift build): \(executable)")
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("kindred-rotate-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let port = Int.random(in: 20_000...59_000)
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("KINDRED_") && $0.key != "DATABASE_URL" }
        environment["KINDRED_DATA_DIR"] = root + "/data"
        environment["KINDRED_PORT"] = "\(port)"
        environment["KINDRED_HOST"] = "127.0.0.1"
        environment["KINDRED_LOG_LEVEL"] = "error"
        environment["KINDRED_SCHEDULER_SECONDS"] = "0"
        let base = "http://127.0.0.1:\(port)"
        let keyFile = root + "/data-keys/" + KeyStore.fileName

        var server = try await serve(environment: environment, port: port)
        defer { if server.isRunning { server.terminate() } }
        let email = "rotate-\(UUID().uuidString.prefix(8))@example.org"
        let (made, _) = try await send("POST", base + "/api/v1/accounts", json: ["email": email, "password": "a long and lovely passphrase", "displayName": "Ana"])
        XCTAssertEqual(made, 201)
        let (_, tokenBody) = try await send("POST", base + "/api/v1/tokens", json: ["email": email, "password": "a long and lovely passphrase"])
        let token = try XCTUnwrap(tokenBody["token"] as? String)
        let (saved, _) = try await send("POST", base + "/api/v1/safety-check", json: ["answers": SafetyTests.allNo, "save": true], token: token)
        XCTAssertEqual(saved, 200)
        let keyBefore = try String(contentsOfFile: keyFile, encoding: .utf8)
        // The node's lease is written as it starts; give it a moment to land.
        try await Task.sleep(for: .seconds(1))

        let refused = try run(["keys", "rotate"], environment: environment)
        XCTAssertNotEqual(refused.status, 0, refused.output)
        XCTAssertTrue(refused.output.contains("Stop every server"), refused.output)
        XCTAssertEqual(try String(contentsOfFile: keyFile, encoding: .utf8), keyBefore, "a refused rotation changes no key")

        server.terminate()
        server.waitUntilExit()
        let rotated = try run(["keys", "rotate"], environment: environment)
        XCTAssertEqual(rotated.status, 0, rotated.output)
        XCTAssertTrue(rotated.output.contains("Removed the older keys"), rotated.output)
        let keyAfter = try KeyStore.read(keyFile)
        XCTAssertEqual(keyAfter.count, 1)
        XCTAssertNotEqual(try String(contentsOfFile: keyFile, encoding: .utf8), keyBefore)

        server = try await serve(environment: environment, port: port)
        let (status, list) = try await send("GET", base + "/api/v1/me/safety-checks", json: [:], token: token)
        XCTAssertEqual(status, 200)
        XCTAssertEqual((list["array"] as? [Any])?.count, 1, "the saved check opens under the new key")
        server.terminate()
        server.waitUntilExit()
    }
}
