import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import XCTest
@testable import KindredServer

/// `kindred keys rotate` as an operator runs it, against the real executable: refused while
/// `kindred serve` holds the database, done once it stops, and what people wrote still opens
/// when the server comes back under the new key.
final class KeysRotateProcessTests: XCTestCase, ProcessHarness {
    func testRotateIsRefusedBesideARunningServerAndWorksOnceItStops() async throws {
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: executable), "build the executable first (swift build): \(executable)")
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("kindred-rotate-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let port = Int.random(in: 20_000...59_000)
        let environment = environment(root: root, port: port)
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
