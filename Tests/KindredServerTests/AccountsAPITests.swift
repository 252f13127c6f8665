import Fluent
import XCTVapor
@testable import KindredServer
import KindredCore

final class AccountsAPITests: XCTestCase {
    /// Stored token hashes are lower-case hex SHA-256: the known vectors, so a faster encoder
    /// can never lock out every token already issued.
    func testTokenHashesAreLowerCaseHexSHA256() {
        XCTAssertEqual(Secrets.sha256("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(Secrets.sha256(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    func testRegisteringNormalisesTheEmailAndHidesThePassword() async throws {
        try await withApp { app, _ in
            let asked = try await app.send(.POST, "/api/v1/accounts", json: [
                "email": "  Ana@Example.ORG ", "password": "a long and lovely passphrase", "displayName": " Ana ",
            ])
            XCTAssertEqual(asked.status, .accepted)
            XCTAssertFalse(asked.body.contains("passphrase"))
            let response = try await app.finishSignup(asked, email: "ana@example.org")
            XCTAssertEqual(response.status, .created)
            XCTAssertEqual(response.json["email"] as? String, "ana@example.org")
            XCTAssertEqual(response.json["displayName"] as? String, "Ana")
            XCTAssertEqual(response.json["timeZone"] as? String, "UTC", "time zone defaults to UTC")
            XCTAssertFalse(response.body.contains("passphrase"))
            XCTAssertFalse(response.body.lowercased().contains("password"))
            let stored = try await User.query(on: app.db).first()
            XCTAssertTrue(stored?.passwordHash.hasPrefix("sha256$$2b$") ?? false, "stored as a bcrypt hash of the password's SHA-256")
        }
    }

    func testAnEmailCanOnlyBeUsedOnceWhateverItsCase() async throws {
        try await withApp({ $0.signupConfirmation = .atOnce }) { app, _ in
            _ = try await app.send(.POST, "/api/v1/accounts", json: ["email": "ana@example.org", "password": "a long and lovely passphrase", "displayName": "Ana"])
            let again = try await app.send(.POST, "/api/v1/accounts", json: ["email": "ANA@example.org", "password": "another long passphrase", "displayName": "Ana 2"])
            XCTAssertEqual(again.status, .conflict)
            XCTAssertEqual(again.json["code"] as? String, "email-taken")
            XCTAssertEqual(again.problemFields, ["email"])
            let count = try await User.query(on: app.db).count()
            XCTAssertEqual(count, 1)
        }
    }

    func testEveryInvalidFieldIsNamed() async throws {
        try await withApp { app, _ in
            let response = try await app.send(.POST, "/api/v1/accounts", json: [
                "email": "not-an-email", "password": "short", "displayName": "", "timeZone": "Atlantis/Capital",
            ])
            XCTAssertEqual(response.status, .unprocessableEntity)
            XCTAssertEqual(response.contentType, "application/problem+json")
            XCTAssertEqual(Set(response.problemFields), ["email", "password", "displayName", "timeZone"])
            XCTAssertEqual(response.json["status"] as? Int, 422)
            XCTAssertNotNil(response.json["detail"] as? String)
        }
    }

    func testMissingAndWronglyTypedFieldsAreNamed() async throws {
        try await withApp { app, _ in
            let missing = try await app.send(.POST, "/api/v1/accounts", json: [String: Any]())
            XCTAssertEqual(missing.status, .unprocessableEntity)
            XCTAssertEqual(Set(missing.problemFields), ["email", "password", "displayName"])
            let wrongTypes = try await app.send(.POST, "/api/v1/accounts", json: ["email": 5, "password": true, "displayName": ["x"], "timeZone": NSNull()])
            XCTAssertEqual(wrongTypes.status, .unprocessableEntity)
            XCTAssertEqual(Set(wrongTypes.problemFields), ["email", "password", "displayName", "timeZone"], "null is not a time zone")
        }
    }

    func testMalformedJSONIsABadRequest() async throws {
        try await withApp { app, _ in
            for raw in ["{\"email\": ", "[1, 2]", "\"just a string\"", "nul"] {
                let response = try await app.send(.POST, "/api/v1/accounts", raw: raw)
                XCTAssertEqual(response.status, .badRequest, raw)
                XCTAssertEqual(response.contentType, "application/problem+json")
            }
        }
    }

    func testTokensAreShownOnceAndStoredHashed() async throws {
        try await withApp { app, _ in
            let ana = try await app.person("Ana")
            XCTAssertTrue(ana.token.hasPrefix("kdr_"))
            let stored = try await APIToken.query(on: app.db).all()
            XCTAssertEqual(stored.count, 1)
            XCTAssertNotEqual(stored[0].tokenHash, ana.token)
            XCTAssertEqual(stored[0].tokenHash, Secrets.sha256(ana.token))
            let list = try await app.send(.GET, "/api/v1/tokens", token: ana.token)
            XCTAssertEqual(list.status, .ok)
            XCTAssertFalse(list.body.contains(ana.token))
            XCTAssertEqual(list.jsonArray.first?["current"] as? Bool, true)
        }
    }

    func testWrongPasswordAndUnknownEmailGetTheSameAnswer() async throws {
        try await withApp { app, _ in
            let ana = try await app.person("Ana")
            let wrong = try await app.send(.POST, "/api/v1/tokens", json: ["email": ana.email, "password": "not the right one at all"])
            let unknown = try await app.send(.POST, "/api/v1/tokens", json: ["email": "nobody@example.org", "password": "not the right one at all"])
            XCTAssertEqual(wrong.status, .unauthorized)
            XCTAssertEqual(unknown.status, .unauthorized)
            XCTAssertEqual(wrong.json["detail"] as? String, unknown.json["detail"] as? String)
            XCTAssertEqual(wrong.json["code"] as? String, unknown.json["code"] as? String)
        }
    }

    func testTenFailuresForOneAccountMeanWaiting() async throws {
        try await withApp { app, clock in
            let ana = try await app.person("Ana")
            for attempt in 1...10 {
                let response = try await app.send(.POST, "/api/v1/tokens", json: ["email": ana.email, "password": "guess number \(attempt)!!"])
                XCTAssertEqual(response.status, .unauthorized, "attempt \(attempt)")
            }
            // Now even the right password waits: the throttle answers before checking.
            let blocked = try await app.send(.POST, "/api/v1/tokens", json: ["email": ana.email, "password": ana.password])
            XCTAssertEqual(blocked.status, .tooManyRequests)
            let retryAfter = Int(blocked.headers.first(name: "Retry-After") ?? "")
            XCTAssertEqual(retryAfter, 900)
            clock.advance(901)
            let later = try await app.send(.POST, "/api/v1/tokens", json: ["email": ana.email, "password": ana.password])
            XCTAssertEqual(later.status, .created)
        }
    }

    func testUnknownEmailsAreThrottledLikeRealOnesAndTheirFailuresDoNotPileUp() async throws {
        try await withApp({ $0.trustForwardedFor = true }) { app, clock in
            for _ in 1...10 {
                _ = try await app.send(.POST, "/api/v1/tokens", json: ["email": "ghost@example.org", "password": "whatever it might be"])
            }
            let blocked = try await app.send(.POST, "/api/v1/tokens", json: ["email": "ghost@example.org", "password": "whatever it might be"])
            XCTAssertEqual(blocked.status, .tooManyRequests)
            let kept = try await SignInFailure.signInsOnly(app.db).count()
            XCTAssertEqual(kept, 10)
            // Once the window has passed, any later failure clears them, whoever it is for.
            clock.advance(901)
            _ = try await app.send(.POST, "/api/v1/tokens", json: ["email": "someone-else@example.org", "password": "another guess entirely"],
                                   headers: ["X-Forwarded-For": "198.51.100.7"])
            let left = try await SignInFailure.signInsOnly(app.db).count()
            XCTAssertEqual(left, 1, "only the newest failure is left")
        }
    }

    func testTenFailuresFromOneAddressBlockThatAddressOnly() async throws {
        try await withApp({ $0.trustForwardedFor = true }) { app, _ in
            let ana = try await app.person("Ana")
            let attacker: HTTPHeaders = ["X-Forwarded-For": "203.0.113.9"]
            for n in 1...10 {
                _ = try await app.send(.POST, "/api/v1/tokens", json: ["email": "victim\(n)@example.org", "password": "spray spray spray"], headers: attacker)
            }
            let fromAttacker = try await app.send(.POST, "/api/v1/tokens", json: ["email": ana.email, "password": ana.password], headers: attacker)
            XCTAssertEqual(fromAttacker.status, .tooManyRequests)
            let fromAna = try await app.send(.POST, "/api/v1/tokens", json: ["email": ana.email, "password": ana.password], headers: ["X-Forwarded-For": "198.51.100.7"])
            XCTAssertEqual(fromAna.status, .created)
        }
    }

    func testAForgedForwardedHeaderDoesNotMoveTheAttackerAndIPv6CountsBySlash64() async throws {
        try await withApp({ $0.trustForwardedFor = true }) { app, _ in
            let ana = try await app.person("Ana")
            // The attacker sends a header of their own first; the proxy's comes last.
            for n in 1...10 {
                var headers = HTTPHeaders()
                headers.add(name: "X-Forwarded-For", value: "198.51.100.\(n)")
                headers.add(name: "X-Forwarded-For", value: "2001:db8:1:2::\(n)")
                _ = try await app.send(.POST, "/api/v1/tokens", json: ["email": "victim\(n)@example.org", "password": "spray spray spray"], headers: headers)
            }
            // Another address in the same /64 is the same client.
            let sameNetwork = try await app.send(.POST, "/api/v1/tokens", json: ["email": ana.email, "password": ana.password],
                                                 headers: ["X-Forwarded-For": "2001:db8:1:2:ffff::77"])
            XCTAssertEqual(sameNetwork.status, .tooManyRequests)
            let otherNetwork = try await app.send(.POST, "/api/v1/tokens", json: ["email": ana.email, "password": ana.password],
                                                  headers: ["X-Forwarded-For": "2001:db8:1:3::77"])
            XCTAssertEqual(otherNetwork.status, .created)
        }
    }

    func testAnOldStyleHashIsUpgradedAtTheNextSignIn() async throws {
        try await withApp { app, _ in
            let ana = try await app.person("Ana")
            let hoisted1 = try await User.query(on: app.db).filter(\.$email == ana.email).first()
            let user = try XCTUnwrap(hoisted1)
            user.passwordHash = try Bcrypt.hash(ana.password, cost: 4)
            try await user.update(on: app.db)
            let signedIn = try await app.send(.POST, "/api/v1/tokens", json: ["email": ana.email, "password": ana.password])
            XCTAssertEqual(signedIn.status, .created)
            let hoisted2 = try await User.query(on: app.db).filter(\.$email == ana.email).first()
            let upgraded = try XCTUnwrap(hoisted2).passwordHash
            XCTAssertTrue(upgraded.hasPrefix(PasswordService.prehashedPrefix), upgraded)
            let again = try await app.send(.POST, "/api/v1/tokens", json: ["email": ana.email, "password": ana.password])
            XCTAssertEqual(again.status, .created, "the new hash still signs her in")
            let wrong = try await app.send(.POST, "/api/v1/tokens", json: ["email": ana.email, "password": ana.password + "!"])
            XCTAssertEqual(wrong.status, .unauthorized)
        }
    }

    func testABurstOfGuessesGetsNoMoreVerificationsThanTheLimit() async throws {
        try await withApp { app, _ in
            let ana = try await app.person("Ana")
            let statuses = try await withThrowingTaskGroup(of: UInt.self) { group in
                for n in 0..<60 {
                    group.addTask {
                        try await app.send(.POST, "/api/v1/tokens", json: ["email": ana.email, "password": "burst guess \(n) of many"]).status.code
                    }
                }
                return try await group.reduce(into: [UInt: Int]()) { $0[$1, default: 0] += 1 }
            }
            let limit = app.kindred.throttle.maxFailures
            XCTAssertEqual(statuses[401], limit, "exactly the limit of guesses were checked: \(statuses)")
            XCTAssertEqual(statuses[429], 60 - limit)
            let counted = try await SignInFailure.signInsOnly(app.db).count()
            XCTAssertEqual(counted, limit)
        }
    }

    func testSomeoneGuessingAtAnEmailCannotLockItsOwnerOut() async throws {
        try await withApp({ $0.trustForwardedFor = true }) { app, _ in
            let ana = try await app.person("Ana")
            let attacker: HTTPHeaders = ["X-Forwarded-For": "203.0.113.9"]
            for n in 1...12 {
                _ = try await app.send(.POST, "/api/v1/tokens", json: ["email": ana.email, "password": "is it this one \(n)?"], headers: attacker)
            }
            let stillGuessing = try await app.send(.POST, "/api/v1/tokens", json: ["email": ana.email, "password": ana.password], headers: attacker)
            XCTAssertEqual(stillGuessing.status, .tooManyRequests, "the guesser is slowed down")
            // Ana signs in from her own address, changes her password and can delete her account,
            // whatever the guesser did.
            let fromHome = try await app.send(.POST, "/api/v1/tokens", json: ["email": ana.email, "password": ana.password],
                                              headers: ["X-Forwarded-For": "198.51.100.20"])
            XCTAssertEqual(fromHome.status, .created)
            let changed = try await app.send(.POST, "/api/v1/me/password", json: ["currentPassword": ana.password, "newPassword": "a brand new long passphrase"],
                                             token: ana.token, headers: attacker)
            XCTAssertEqual(changed.status, .noContent, changed.body)
            // Her own mistakes on one token slow only that token. (Changing the password ended the
            // other tokens: she signs in again.)
            let again = try await app.send(.POST, "/api/v1/tokens", json: ["email": ana.email, "password": "a brand new long passphrase"],
                                           headers: ["X-Forwarded-For": "198.51.100.20"])
            let token = try XCTUnwrap(again.json["token"] as? String)
            for _ in 1...10 {
                _ = try await app.send(.DELETE, "/api/v1/me", json: ["password": "not my password at all"], token: token)
            }
            let slowed = try await app.send(.DELETE, "/api/v1/me", json: ["password": "a brand new long passphrase"], token: token)
            XCTAssertEqual(slowed.status, .tooManyRequests)
            let deleted = try await app.send(.DELETE, "/api/v1/me", json: ["password": "a brand new long passphrase"], token: ana.token, headers: attacker)
            XCTAssertEqual(deleted.status, .noContent, "deleting her account is never blockable by anyone else")
        }
    }

    func testNewAccountsAreRationedPerClientAndForEveryoneAndATakenEmailCountsToo() async throws {
        // Accounts made at once, so a taken email is a 409 (with email, see SignupByEmailTests).
        try await withApp({ $0.trustForwardedFor = true; $0.registrationsPerClient = 3; $0.registrationsTotal = 5; $0.signupConfirmation = .atOnce }) { app, _ in
            func register(_ email: String, from address: String) async throws -> TestResponse {
                try await app.send(.POST, "/api/v1/accounts", json: ["email": email, "password": "a long and lovely passphrase", "displayName": "Someone"],
                                   headers: ["X-Forwarded-For": address])
            }
            let first = try await register("one@example.org", from: "203.0.113.1")
            XCTAssertEqual(first.status, .created)
            // Asking whether an email is taken is an attempt like any other.
            let taken = try await register("one@example.org", from: "203.0.113.1")
            XCTAssertEqual(taken.status, .conflict)
            let third = try await register("two@example.org", from: "203.0.113.1")
            XCTAssertEqual(third.status, .created)
            let fourth = try await register("three@example.org", from: "203.0.113.1")
            XCTAssertEqual(fourth.status, .tooManyRequests)
            XCTAssertEqual(fourth.json["code"] as? String, "too-many-registrations")
            XCTAssertNotNil(fourth.headers.first(name: "Retry-After"))
            let elsewhere = try await register("four@example.org", from: "198.51.100.1")
            XCTAssertEqual(elsewhere.status, .created)
            let fifth = try await register("five@example.org", from: "198.51.100.2")
            XCTAssertEqual(fifth.status, .created)
            let everyone = try await register("six@example.org", from: "198.51.100.3")
            XCTAssertEqual(everyone.status, .tooManyRequests, "a ceiling for everyone together")
            let users = try await User.query(on: app.db).count()
            XCTAssertEqual(users, 4)
        }
    }

    func testAFloodOfHashingIsToldToComeBackRatherThanQueued() async throws {
        // A real cost, so the hashes overlap.
        try await withApp({ $0.passwordQueueLimit = 1; $0.bcryptCost = 10 }) { app, _ in
            let statuses = try await withThrowingTaskGroup(of: (UInt, String?).self) { group in
                for n in 0..<12 {
                    group.addTask {
                        let response = try await app.send(.POST, "/api/v1/accounts", json: [
                            "email": "flood\(n)@example.org", "password": "a long and lovely passphrase", "displayName": "Flood",
                        ])
                        return (response.status.code, response.headers.first(name: "Retry-After"))
                    }
                }
                return try await group.reduce(into: [(UInt, String?)]()) { $0.append($1) }
            }
            XCTAssertTrue(statuses.contains { $0.0 == 202 }, "\(statuses)")
            XCTAssertTrue(statuses.contains { $0.0 == 503 }, "\(statuses)")
            XCTAssertTrue(statuses.allSatisfy { $0.0 == 202 || ($0.0 == 503 && $0.1 == "5") }, "\(statuses)")
        }
    }

    func testSuccessfulSignInClearsTheAccountsFailures() async throws {
        try await withApp { app, _ in
            let ana = try await app.person("Ana")
            for _ in 1...9 {
                _ = try await app.send(.POST, "/api/v1/tokens", json: ["email": ana.email, "password": "wrong wrong wrong"])
            }
            _ = try await app.send(.POST, "/api/v1/tokens", json: ["email": ana.email, "password": ana.password])
            let count = try await SignInFailure.signInsOnly(app.db).count()
            XCTAssertEqual(count, 0)
        }
    }

    func testMeNeedsAValidToken() async throws {
        try await withApp { app, _ in
            let none = try await app.send(.GET, "/api/v1/me")
            XCTAssertEqual(none.status, .unauthorized)
            XCTAssertEqual(none.headers.first(name: .wwwAuthenticate), "Bearer")
            let bogus = try await app.send(.GET, "/api/v1/me", token: "kdr_made_up")
            XCTAssertEqual(bogus.status, .unauthorized)
            let ana = try await app.person("Ana")
            let me = try await app.send(.GET, "/api/v1/me", token: ana.token)
            XCTAssertEqual(me.status, .ok)
            XCTAssertEqual(me.json["email"] as? String, ana.email)
        }
    }

    func testProfileUpdateValidatesEachField() async throws {
        try await withApp { app, _ in
            let ana = try await app.person("Ana")
            let bad = try await app.send(.PATCH, "/api/v1/me", json: ["displayName": "", "timeZone": "Mars/Base"], token: ana.token)
            XCTAssertEqual(bad.status, .unprocessableEntity)
            XCTAssertEqual(Set(bad.problemFields), ["displayName", "timeZone"])
            let noBody = try await app.send(.PATCH, "/api/v1/me", token: ana.token)
            XCTAssertEqual(noBody.status, .badRequest, "a PATCH needs a body")
            let unchanged = try await app.send(.GET, "/api/v1/me", token: ana.token)
            XCTAssertEqual(unchanged.json["displayName"] as? String, "Ana")
            let good = try await app.send(.PATCH, "/api/v1/me", json: ["displayName": "Ana Sofia", "timeZone": "Pacific/Kiritimati"], token: ana.token)
            XCTAssertEqual(good.status, .ok)
            XCTAssertEqual(good.json["displayName"] as? String, "Ana Sofia")
            XCTAssertEqual(good.json["timeZone"] as? String, "Pacific/Kiritimati")
        }
    }

    func testChangingThePasswordSignsOutEverythingElse() async throws {
        try await withApp { app, _ in
            let ana = try await app.person("Ana")
            let other = try await app.send(.POST, "/api/v1/tokens", json: ["email": ana.email, "password": ana.password])
            let otherToken = other.json["token"] as? String ?? ""
            let wrong = try await app.send(.POST, "/api/v1/me/password", json: ["currentPassword": "not my password!", "newPassword": "a brand new passphrase"], token: ana.token)
            XCTAssertEqual(wrong.status, .forbidden)
            XCTAssertEqual(wrong.json["code"] as? String, "wrong-password")
            XCTAssertEqual(wrong.problemFields, ["currentPassword"])
            let short = try await app.send(.POST, "/api/v1/me/password", json: ["currentPassword": ana.password, "newPassword": "short"], token: ana.token)
            XCTAssertEqual(short.problemFields, ["newPassword"])
            let changed = try await app.send(.POST, "/api/v1/me/password", json: ["currentPassword": ana.password, "newPassword": "a brand new passphrase"], token: ana.token)
            XCTAssertEqual(changed.status, .noContent)
            let stillMe = try await app.send(.GET, "/api/v1/me", token: ana.token)
            XCTAssertEqual(stillMe.status, .ok, "the token that changed it stays")
            let otherNow = try await app.send(.GET, "/api/v1/me", token: otherToken)
            XCTAssertEqual(otherNow.status, .unauthorized, "every other token is revoked")
            let oldPassword = try await app.send(.POST, "/api/v1/tokens", json: ["email": ana.email, "password": ana.password])
            XCTAssertEqual(oldPassword.status, .unauthorized)
            let newPassword = try await app.send(.POST, "/api/v1/tokens", json: ["email": ana.email, "password": "a brand new passphrase"])
            XCTAssertEqual(newPassword.status, .created)
        }
    }

    func testTokensCanBeRevokedOneByOneOrTheCurrentOne() async throws {
        try await withApp { app, _ in
            let ana = try await app.person("Ana")
            let ben = try await app.person("Ben")
            let second = try await app.send(.POST, "/api/v1/tokens", json: ["email": ana.email, "password": ana.password, "name": "Tablet"])
            XCTAssertEqual(second.json["name"] as? String, "Tablet")
            let secondID = second.json["id"] as? String ?? ""
            let byBen = try await app.send(.DELETE, "/api/v1/tokens/\(secondID)", token: ben.token)
            XCTAssertEqual(byBen.status, .notFound, "nobody can revoke another person's token")
            let revoked = try await app.send(.DELETE, "/api/v1/tokens/\(secondID)", token: ana.token)
            XCTAssertEqual(revoked.status, .noContent)
            let secondToken = second.json["token"] as? String ?? ""
            let useRevoked = try await app.send(.GET, "/api/v1/me", token: secondToken)
            XCTAssertEqual(useRevoked.status, .unauthorized)
            let signOut = try await app.send(.DELETE, "/api/v1/tokens/current", token: ana.token)
            XCTAssertEqual(signOut.status, .noContent)
            let after = try await app.send(.GET, "/api/v1/me", token: ana.token)
            XCTAssertEqual(after.status, .unauthorized)
        }
    }

    func testProductionHashesPasswordsAtCostTwelve() async throws {
        var configuration = KindredConfiguration()
        // A key given, so nothing is written to a data folder.
        configuration.vapidPrivateKey = VAPIDKey.generate().base64URLPrivateKey
        let services = try KindredServices(
            configuration: configuration, content: ContentLibrary(),
            cipher: try TextCipher(keys: [TextCipher.Key(TextCipher.Key.generate())])
        )
        let hash = try await services.passwords.hash("a long and lovely passphrase")
        XCTAssertTrue(hash.hasPrefix("sha256$$2b$12$"), hash)
        let matches = try await services.passwords.verify("a long and lovely passphrase", against: hash)
        XCTAssertTrue(matches)
        let unknown = try await services.passwords.verify("a long and lovely passphrase", against: nil)
        XCTAssertFalse(unknown, "no account never verifies, even against the decoy")
        await services.passwords.shutdown()
    }

    func testEveryCharacterOfALongPasswordCountsAndEarlierHashesStillWork() async throws {
        let passwords = PasswordService(cost: 4)
        // bcrypt alone reads 72 bytes: these two would be the same password to it.
        let long = String(repeating: "a quiet walk by the river ", count: 3) + "in spring"
        let sameStart = String(repeating: "a quiet walk by the river ", count: 3) + "in autumn"
        XCTAssertGreaterThan(long.utf8.count, 72)
        let hash = try await passwords.hash(long)
        let right = try await passwords.verify(long, against: hash)
        let wrong = try await passwords.verify(sameStart, against: hash)
        XCTAssertTrue(right)
        XCTAssertFalse(wrong, "the characters after the 72nd byte count")
        // A hash made before the change (plain bcrypt) still signs its owner in.
        let earlier = try Bcrypt.hash("a long and lovely passphrase", cost: 4)
        let earlierMatches = try await passwords.verify("a long and lovely passphrase", against: earlier)
        let earlierWrong = try await passwords.verify("a long and lovely passphrase!", against: earlier)
        XCTAssertTrue(earlierMatches)
        XCTAssertFalse(earlierWrong)
        await passwords.shutdown()
    }
}
