import XCTest
@testable import KindredServer

final class ConfigurationTests: XCTestCase {
    func testDefaultsServeSQLiteOnLoopback() throws {
        let config = try KindredConfiguration.load(from: [:]).get()
        XCTAssertEqual(config.host, "127.0.0.1")
        XCTAssertEqual(config.port, 8080)
        XCTAssertEqual(config.storage, .sqlite(path: "./data/kindred.sqlite"))
        XCTAssertEqual(config.sessionIdleMinutes, 30)
        XCTAssertEqual(config.sessionAbsoluteHours, 12)
        XCTAssertEqual(config.bcryptCost, 12)
        XCTAssertFalse(config.isHTTPS)
        XCTAssertEqual(config.baseURL, "http://127.0.0.1:8080")
    }

    func testEverySettingIsRead() throws {
        let config = try KindredConfiguration.load(from: [
            "KINDRED_HOST": "0.0.0.0", "KINDRED_PORT": "9000", "KINDRED_DATA_DIR": "/var/lib/kindred",
            "KINDRED_PUBLIC_URL": "https://kindred.example.org/", "KINDRED_SESSION_IDLE_MINUTES": "15",
            "KINDRED_SESSION_ABSOLUTE_HOURS": "8", "KINDRED_QUICK_EXIT_URL": "https://weather.example.org",
            "KINDRED_LOG_LEVEL": "DEBUG", "KINDRED_TRUST_FORWARDED_FOR": "1", "KINDRED_DB_POOL_SIZE": "8",
        ]).get()
        XCTAssertEqual(config.host, "0.0.0.0")
        XCTAssertEqual(config.port, 9000)
        XCTAssertEqual(config.storage, .sqlite(path: "/var/lib/kindred/kindred.sqlite"))
        XCTAssertTrue(config.isHTTPS)
        XCTAssertEqual(config.baseURL, "https://kindred.example.org")
        XCTAssertEqual(config.sessionIdleMinutes, 15)
        XCTAssertEqual(config.sessionAbsoluteHours, 8)
        XCTAssertEqual(config.quickExitURL, "https://weather.example.org")
        XCTAssertEqual(config.logLevel, "debug")
        XCTAssertTrue(config.trustForwardedFor)
        XCTAssertEqual(config.trustedProxyHops, 1)
        XCTAssertEqual(try KindredConfiguration.load(from: ["KINDRED_TRUST_FORWARDED_FOR": "2"]).get().trustedProxyHops, 2)
        XCTAssertEqual(try KindredConfiguration.load(from: ["KINDRED_TRUST_FORWARDED_FOR": "no"]).get().trustedProxyHops, 0)
        XCTAssertEqual(config.databasePoolSize, 8)
    }

    func testDatabaseURLSelectsPostgreSQL() throws {
        let config = try KindredConfiguration.load(from: ["DATABASE_URL": "postgres://kindred:secret@db.internal:5432/kindred"]).get()
        XCTAssertEqual(config.storage, .postgres(url: "postgres://kindred:secret@db.internal:5432/kindred"))
        XCTAssertFalse(config.storageDescription.contains("secret"), "the password never reaches the log")
    }

    func testEveryProblemIsReportedAtOnce() {
        let result = KindredConfiguration.load(from: [
            "KINDRED_PORT": "eighty", "DATABASE_URL": "mysql://nope", "KINDRED_PUBLIC_URL": "kindred.example.org",
            "KINDRED_SESSION_IDLE_MINUTES": "0", "KINDRED_LOG_LEVEL": "loud", "KINDRED_TRUST_FORWARDED_FOR": "maybe",
            "KINDRED_POTR": "8080",
        ])
        guard case .failure(let problems) = result else { return XCTFail("a bad configuration was accepted") }
        XCTAssertEqual(problems.problems.count, 7, problems.description)
        for name in ["KINDRED_PORT", "DATABASE_URL", "KINDRED_PUBLIC_URL", "KINDRED_SESSION_IDLE_MINUTES", "KINDRED_LOG_LEVEL", "KINDRED_TRUST_FORWARDED_FOR", "KINDRED_POTR"] {
            XCTAssertTrue(problems.description.contains(name), name)
        }
    }

    func testTraceLoggingIsRefusedBecauseItWouldLogWhatPeopleSend() {
        let result = KindredConfiguration.load(from: ["KINDRED_LOG_LEVEL": "trace"])
        guard case .failure(let problems) = result else { return XCTFail("trace was accepted") }
        XCTAssertEqual(problems.problems.count, 1)
        XCTAssertTrue(problems.description.contains("the most detailed level is debug"), problems.description)
    }

    func testTheLogDropsTheDatabaseLibrariesQueryRecordsButKeepsTheirWarnings() {
        XCTAssertFalse(PrivateLogHandler.keeps(level: .debug, source: "FluentKit"), "FluentKit logs each query with its values at debug")
        XCTAssertFalse(PrivateLogHandler.keeps(level: .info, source: "SQLKit"))
        XCTAssertTrue(PrivateLogHandler.keeps(level: .warning, source: "FluentKit"))
        XCTAssertTrue(PrivateLogHandler.keeps(level: .debug, source: "KindredServer"))
        XCTAssertTrue(PrivateLogHandler.keeps(level: .debug, source: "Vapor"))
    }

    func testIdleTimeoutCannotOutlastTheAbsoluteOne() {
        let result = KindredConfiguration.load(from: ["KINDRED_SESSION_IDLE_MINUTES": "120", "KINDRED_SESSION_ABSOLUTE_HOURS": "1"])
        guard case .failure(let problems) = result else { return XCTFail("accepted") }
        XCTAssertEqual(problems.problems.count, 1)
    }

    func testTestOnlyVariablesAreNotTypos() throws {
        _ = try KindredConfiguration.load(from: ["KINDRED_TEST_DATABASE_URL": "postgres://x@y/z", "KINDRED_BIN": "/x/kindred"]).get()
    }

    // MARK: - Email, Web Push and the scheduler (issue 10)

    func testEmailPushAndTheSchedulerAreRead() throws {
        let key = VAPIDKey.generate().base64URLPrivateKey
        let config = try KindredConfiguration.load(from: [
            "KINDRED_SMTP_URL": "smtp://mailer:s%3Dcret@mail.example.org:2587",
            "KINDRED_MAIL_FROM": "Kindred <hello@kindred.example.org>",
            "KINDRED_VAPID_PRIVATE_KEY": key, "KINDRED_VAPID_SUBJECT": "mailto:ops@kindred.example.org",
            "KINDRED_SCHEDULER_SECONDS": "5", "KINDRED_PUSH_ALLOW_LOOPBACK": "1",
            "KINDRED_PUSH_HOSTS": "push.example.org, FCM.googleapis.com",
        ]).get()
        XCTAssertEqual(config.pushServiceHosts, ["push.example.org", "fcm.googleapis.com"])
        XCTAssertEqual(config.smtp?.host, "mail.example.org")
        XCTAssertEqual(config.smtp?.port, 2587)
        XCTAssertEqual(config.smtp?.password, "s=cret")
        XCTAssertEqual(config.smtp?.security, .startTLS)
        XCTAssertEqual(config.mailFromAddress, "hello@kindred.example.org")
        XCTAssertEqual(config.mailFromName, "Kindred")
        XCTAssertEqual(try config.loadVAPIDKey().base64URLPrivateKey, key)
        XCTAssertEqual(config.effectiveVAPIDSubject, "mailto:ops@kindred.example.org")
        XCTAssertEqual(config.schedulerSeconds, 5)
        XCTAssertTrue(config.pushAllowLoopback)
        let defaults = try KindredConfiguration.load(from: ["KINDRED_MAIL_FROM": "hello@kindred.example.org"]).get()
        XCTAssertNil(defaults.smtp)
        XCTAssertEqual(defaults.effectiveVAPIDSubject, "mailto:hello@kindred.example.org")
        XCTAssertEqual(defaults.schedulerSeconds, 30)
        XCTAssertFalse(defaults.pushAllowLoopback)
        XCTAssertEqual(defaults.pushServiceHosts, KindredConfiguration.browserPushServices)
    }

    func testEmailAndPushMistakesAreAllReported() {
        guard case .failure(let problems) = KindredConfiguration.load(from: [
            "KINDRED_SMTP_URL": "smtp+insecure://mail.example.org:25",
            "KINDRED_VAPID_PRIVATE_KEY": "not-a-key", "KINDRED_VAPID_SUBJECT": "ops@kindred.example.org",
            "KINDRED_SCHEDULER_SECONDS": "-1", "KINDRED_PUSH_ALLOW_LOOPBACK": "sometimes", "KINDRED_PUSH_HOSTS": "http://x/",
        ]) else { return XCTFail("a bad configuration loaded") }
        let text = problems.problems.joined(separator: "\n")
        XCTAssertTrue(text.contains("only for a mail server on this machine"), text)
        XCTAssertTrue(text.contains("KINDRED_VAPID_PRIVATE_KEY"), text)
        XCTAssertTrue(text.contains("KINDRED_VAPID_SUBJECT"), text)
        XCTAssertTrue(text.contains("KINDRED_SCHEDULER_SECONDS"), text)
        XCTAssertTrue(text.contains("KINDRED_PUSH_ALLOW_LOOPBACK"), text)
        XCTAssertTrue(text.contains("KINDRED_PUSH_HOSTS"), text)
        guard case .failure(let missingFrom) = KindredConfiguration.load(from: ["KINDRED_SMTP_URL": "smtp://mail.example.org"]) else {
            return XCTFail("email without a sender loaded")
        }
        XCTAssertTrue(missingFrom.problems.contains { $0.contains("KINDRED_MAIL_FROM is needed") })
        guard case .failure(let badFrom) = KindredConfiguration.load(from: ["KINDRED_MAIL_FROM": "Kindred <nobody>"]) else {
            return XCTFail("a bad sender loaded")
        }
        XCTAssertTrue(badFrom.problems.contains { $0.contains("KINDRED_MAIL_FROM must be") })
    }

    func testSignUpIsConfirmedByEmailWheneverEmailIsSentUnlessTurnedOff() throws {
        let mail = ["KINDRED_SMTP_URL": "smtp://mail.example.org", "KINDRED_MAIL_FROM": "hello@kindred.example.org"]
        XCTAssertTrue(try KindredConfiguration.load(from: mail).get().confirmsSignupByEmail)
        XCTAssertFalse(try KindredConfiguration.load(from: [:]).get().confirmsSignupByEmail, "no email, no link to send")
        var off = mail
        off["KINDRED_SIGNUP_CONFIRMATION"] = "none"
        XCTAssertFalse(try KindredConfiguration.load(from: off).get().confirmsSignupByEmail)
        off["KINDRED_SIGNUP_CONFIRMATION"] = "EMAIL"
        XCTAssertTrue(try KindredConfiguration.load(from: off).get().confirmsSignupByEmail)
        guard case .failure(let noMail) = KindredConfiguration.load(from: ["KINDRED_SIGNUP_CONFIRMATION": "email"]) else {
            return XCTFail("confirmation by email without email loaded")
        }
        XCTAssertTrue(noMail.problems.contains { $0.contains("needs KINDRED_SMTP_URL") }, "\(noMail.problems)")
        guard case .failure(let typo) = KindredConfiguration.load(from: ["KINDRED_SIGNUP_CONFIRMATION": "sometimes"]) else {
            return XCTFail("a made-up choice loaded")
        }
        XCTAssertTrue(typo.problems.contains { $0.contains("must be email or none") })
    }

    func testTheWebPushKeyFileIsMadeOncePrivateAndKept() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kindred-vapid-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let first = try VAPIDKeyFile.load(dataDirectory: folder)
        let second = try VAPIDKeyFile.load(dataDirectory: folder)
        XCTAssertEqual(first.base64URLPrivateKey, second.base64URLPrivateKey, "browsers subscribed with it: it must not change")
        let attributes = try FileManager.default.attributesOfItem(atPath: folder + "/vapid.key")
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
    }

    func testPlainHTTPBeyondThisMachineIsWarnedAbout() throws {
        func warning(_ url: String?) throws -> String? {
            var environment: [String: String] = [:]
            if let url { environment["KINDRED_PUBLIC_URL"] = url }
            return try KindredConfiguration.load(from: environment).get().plainHTTPWarning
        }
        for quiet in [nil, "https://kindred.example.org", "http://localhost:8080", "http://127.0.0.1:8080", "http://[::1]:8080", "http://app.localhost"] {
            XCTAssertNil(try warning(quiet), quiet ?? "no public URL")
        }
        for loud in ["http://kindred.example.org", "http://192.168.1.20:8080", "http://127.example.org"] {
            let message = try XCTUnwrap(try warning(loud), loud)
            XCTAssertTrue(message.contains(loud) && message.contains("https"), message)
        }
    }
}
