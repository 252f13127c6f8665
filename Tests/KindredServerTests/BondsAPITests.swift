import Fluent
import XCTVapor
@testable import KindredServer

final class BondsAPITests: XCTestCase {
    func testABondStartsWaitingWithItsCreator() async throws {
        try await withApp { app, _ in
            let ana = try await app.person("Ana")
            let created = try await app.send(.POST, "/api/v1/bonds", json: ["kind": "romantic", "name": " Us "], token: ana.token)
            XCTAssertEqual(created.status, .created)
            XCTAssertEqual(created.json["status"] as? String, "waiting")
            XCTAssertEqual(created.json["kind"] as? String, "romantic")
            XCTAssertEqual(created.json["name"] as? String, "Us")
            let members = created.json["members"] as? [[String: Any]] ?? []
            XCTAssertEqual(members.count, 1)
            XCTAssertEqual(members.first?["isYou"] as? Bool, true)
        }
    }

    func testBondCreationNamesEachBadField() async throws {
        try await withApp { app, _ in
            let ana = try await app.person("Ana")
            let missing = try await app.send(.POST, "/api/v1/bonds", json: [String: Any](), token: ana.token)
            XCTAssertEqual(missing.status, .unprocessableEntity)
            XCTAssertEqual(missing.problemFields, ["kind"])
            let bad = try await app.send(.POST, "/api/v1/bonds", json: ["kind": "colleague", "name": String(repeating: "x", count: 61)], token: ana.token)
            XCTAssertEqual(Set(bad.problemFields), ["kind", "name"])
            let wrongType = try await app.send(.POST, "/api/v1/bonds", json: ["kind": 3], token: ana.token)
            XCTAssertEqual(wrongType.problemFields, ["kind"])
            let count = try await Bond.query(on: app.db).count()
            XCTAssertEqual(count, 0)
        }
    }

    func testPairingThroughAnInvite() async throws {
        try await withApp { app, _ in
            let ana = try await app.person("Ana")
            let ben = try await app.person("Ben")
            let bondID = try await app.bond(of: ana, kind: "family")
            let invite = try await app.send(.POST, "/api/v1/bonds/\(bondID)/invites", token: ana.token)
            XCTAssertEqual(invite.status, .created)
            let code = invite.json["code"] as? String ?? ""
            XCTAssertEqual(code.count, 20)
            XCTAssertEqual(invite.json["url"] as? String, "http://127.0.0.1:8080/join/\(code)")
            let stored = try await Invite.query(on: app.db).all()
            XCTAssertFalse(stored.contains { $0.codeHash.contains(code) }, "only a hash of the code is stored")

            let preview = try await app.send(.GET, "/api/v1/invites/\(code)", token: ben.token)
            XCTAssertEqual(preview.json["invitedBy"] as? String, "Ana")

            let accepted = try await app.send(.POST, "/api/v1/invites/\(code)/accept", token: ben.token)
            XCTAssertEqual(accepted.status, .ok)
            XCTAssertEqual(accepted.json["status"] as? String, "active")
            let names = (accepted.json["members"] as? [[String: Any]] ?? []).compactMap { $0["displayName"] as? String }
            XCTAssertEqual(names, ["Ana", "Ben"])

            let seenByAna = try await app.send(.GET, "/api/v1/bonds/\(bondID)", token: ana.token)
            XCTAssertEqual(seenByAna.json["status"] as? String, "active")
            XCTAssertNil(seenByAna.json["pendingInvite"] as? [String: Any])
            let bensBonds = try await app.send(.GET, "/api/v1/bonds", token: ben.token)
            XCTAssertEqual(bensBonds.jsonArray.compactMap { $0["id"] as? String }, [bondID])
        }
    }

    func testCodesAreForgivingOfCaseAndSpaces() async throws {
        try await withApp { app, _ in
            let ana = try await app.person("Ana")
            let ben = try await app.person("Ben")
            let (code, _) = try await app.invite(to: try await app.bond(of: ana), by: ana)
            let accepted = try await app.send(.POST, "/api/v1/invites/\(code.uppercased())/accept", token: ben.token)
            XCTAssertEqual(accepted.status, .ok)
        }
    }

    func testAcceptingYourOwnInviteIsRefused() async throws {
        try await withApp { app, _ in
            let ana = try await app.person("Ana")
            let (code, _) = try await app.invite(to: try await app.bond(of: ana), by: ana)
            let response = try await app.send(.POST, "/api/v1/invites/\(code)/accept", token: ana.token)
            XCTAssertEqual(response.status, .conflict)
            XCTAssertEqual(response.json["code"] as? String, "invite-own")
        }
    }

    func testAUsedInviteCannotBeUsedAgainAndNoThirdMemberJoins() async throws {
        try await withApp { app, _ in
            let ana = try await app.person("Ana")
            let ben = try await app.person("Ben")
            let cai = try await app.person("Cai")
            let bondID = try await app.bond(of: ana)
            let (code, _) = try await app.invite(to: bondID, by: ana)
            _ = try await app.send(.POST, "/api/v1/invites/\(code)/accept", token: ben.token)
            let third = try await app.send(.POST, "/api/v1/invites/\(code)/accept", token: cai.token)
            XCTAssertEqual(third.status, .gone)
            XCTAssertEqual(third.json["code"] as? String, "invite-used")
            let again = try await app.send(.POST, "/api/v1/invites/\(code)/accept", token: ben.token)
            XCTAssertEqual(again.json["code"] as? String, "already-member")
            let newInvite = try await app.send(.POST, "/api/v1/bonds/\(bondID)/invites", token: ana.token)
            XCTAssertEqual(newInvite.status, .conflict, "a full bond needs no invite")
            let members = try await BondMember.query(on: app.db).count()
            XCTAssertEqual(members, 2)
        }
    }

    func testAFullBondRefusesAPendingInviteThatSlippedThrough() async throws {
        try await withApp { app, clock in
            let (ana, _, bondID) = try await app.pair()
            let cai = try await app.person("Cai")
            // An invite that was still pending when the bond filled (two made at once).
            let code = "abcdefghjkmnpqrstvwx"
            let anaID = try XCTUnwrap(UUID(uuidString: ana.id))
            try await Invite(bondID: try XCTUnwrap(UUID(uuidString: bondID)), createdBy: anaID, codeHash: Secrets.sha256(code), now: clock.now).create(on: app.db)
            let response = try await app.send(.POST, "/api/v1/invites/\(code)/accept", token: cai.token)
            XCTAssertEqual(response.status, .conflict)
            XCTAssertEqual(response.json["code"] as? String, "bond-full")
        }
    }

    func testTheDatabaseRefusesAThirdMemberEvenWithoutTheRules() async throws {
        try await withApp { app, clock in
            let (_, _, bondID) = try await app.pair()
            let cai = try await app.person("Cai")
            let member = BondMember(bondID: try XCTUnwrap(UUID(uuidString: bondID)), userID: try XCTUnwrap(UUID(uuidString: cai.id)), slot: 2, now: clock.now)
            do {
                try await member.create(on: app.db)
                XCTFail("a second slot-2 member was stored")
            } catch let error as any DatabaseError {
                XCTAssertTrue(error.isConstraintFailure)
            }
        }
    }

    func testAnExpiredInviteIsRefused() async throws {
        try await withApp { app, clock in
            let ana = try await app.person("Ana")
            let ben = try await app.person("Ben")
            let (code, _) = try await app.invite(to: try await app.bond(of: ana), by: ana)
            clock.advance(7 * 24 * 3600)
            let response = try await app.send(.POST, "/api/v1/invites/\(code)/accept", token: ben.token)
            XCTAssertEqual(response.status, .gone)
            XCTAssertEqual(response.json["code"] as? String, "invite-expired")
        }
    }

    func testARevokedInviteIsRefusedAndOnlyItsCreatorMayRevoke() async throws {
        try await withApp { app, _ in
            let ana = try await app.person("Ana")
            let ben = try await app.person("Ben")
            let bondID = try await app.bond(of: ana)
            let (code, inviteID) = try await app.invite(to: bondID, by: ana)
            let byBen = try await app.send(.DELETE, "/api/v1/bonds/\(bondID)/invites/\(inviteID)", token: ben.token)
            XCTAssertEqual(byBen.status, .notFound, "a non-member learns nothing")
            let revoked = try await app.send(.DELETE, "/api/v1/bonds/\(bondID)/invites/\(inviteID)", token: ana.token)
            XCTAssertEqual(revoked.status, .noContent)
            let twice = try await app.send(.DELETE, "/api/v1/bonds/\(bondID)/invites/\(inviteID)", token: ana.token)
            XCTAssertEqual(twice.status, .conflict)
            let response = try await app.send(.POST, "/api/v1/invites/\(code)/accept", token: ben.token)
            XCTAssertEqual(response.status, .gone)
            XCTAssertEqual(response.json["code"] as? String, "invite-revoked")
            let list = try await app.send(.GET, "/api/v1/bonds/\(bondID)/invites", token: ana.token)
            XCTAssertEqual(list.jsonArray.first?["status"] as? String, "revoked")
        }
    }

    func testANewInviteWithdrawsTheOldOne() async throws {
        try await withApp { app, _ in
            let ana = try await app.person("Ana")
            let ben = try await app.person("Ben")
            let bondID = try await app.bond(of: ana)
            let (first, _) = try await app.invite(to: bondID, by: ana)
            let (second, secondID) = try await app.invite(to: bondID, by: ana)
            let old = try await app.send(.POST, "/api/v1/invites/\(first)/accept", token: ben.token)
            XCTAssertEqual(old.json["code"] as? String, "invite-revoked")
            let bond = try await app.send(.GET, "/api/v1/bonds/\(bondID)", token: ana.token)
            XCTAssertEqual((bond.json["pendingInvite"] as? [String: Any])?["id"] as? String, secondID)
            let new = try await app.send(.POST, "/api/v1/invites/\(second)/accept", token: ben.token)
            XCTAssertEqual(new.status, .ok)
        }
    }

    func testUnknownAndMalformedCodesAreNotFound() async throws {
        try await withApp { app, _ in
            let ben = try await app.person("Ben")
            for code in ["abcdefghjkmnpqrstvwx", "short", "%20%20"] {
                let response = try await app.send(.POST, "/api/v1/invites/\(code)/accept", token: ben.token)
                XCTAssertEqual(response.status, .notFound, code)
                XCTAssertEqual(response.json["code"] as? String, "invite-unknown")
            }
        }
    }

    func testNonMembersGetNotFoundForEverythingOfABond() async throws {
        try await withApp { app, _ in
            let (_, _, bondID) = try await app.pair()
            let cai = try await app.person("Cai")
            let attempts: [(HTTPMethod, String)] = [
                (.GET, "/api/v1/bonds/\(bondID)"),
                (.POST, "/api/v1/bonds/\(bondID)/leave"),
                (.POST, "/api/v1/bonds/\(bondID)/invites"),
                (.GET, "/api/v1/bonds/\(bondID)/invites"),
                (.DELETE, "/api/v1/bonds/\(bondID)/invites/\(UUID())"),
            ]
            for (method, path) in attempts {
                let response = try await app.send(method, path, token: cai.token)
                XCTAssertEqual(response.status, .notFound, "\(method) \(path)")
                XCTAssertFalse(response.body.contains("Ana"), "\(method) \(path) leaked a member's name")
                XCTAssertFalse(response.body.contains(bondID), "\(method) \(path) echoed the bond")
            }
            let unknown = try await app.send(.GET, "/api/v1/bonds/\(UUID())", token: cai.token)
            XCTAssertEqual(unknown.status, .notFound)
            let stranger = try await app.send(.GET, "/api/v1/bonds/\(bondID)", token: cai.token)
            XCTAssertEqual(unknown.body, stranger.body, "a stranger's bond and no bond look the same")
            let junk = try await app.send(.GET, "/api/v1/bonds/not-a-uuid", token: cai.token)
            XCTAssertEqual(junk.status, .notFound)
            let theirs = try await app.send(.GET, "/api/v1/bonds", token: cai.token)
            XCTAssertEqual(theirs.jsonArray.count, 0)
        }
    }

    func testLeavingEndsTheBondForBothAtOnce() async throws {
        try await withApp { app, _ in
            let (ana, ben, bondID) = try await app.pair()
            let left = try await app.send(.POST, "/api/v1/bonds/\(bondID)/leave", token: ben.token)
            XCTAssertEqual(left.status, .ok)
            XCTAssertEqual(left.json["status"] as? String, "ended")
            let seenByAna = try await app.send(.GET, "/api/v1/bonds/\(bondID)", token: ana.token)
            XCTAssertEqual(seenByAna.json["status"] as? String, "ended")
            XCTAssertNotNil(seenByAna.json["endedAt"] as? String)
            XCTAssertNil(seenByAna.json["endedBy"], "who ended it is not said")
            let again = try await app.send(.POST, "/api/v1/bonds/\(bondID)/leave", token: ana.token)
            XCTAssertEqual(again.status, .ok, "leaving an ended bond changes nothing")
            let invite = try await app.send(.POST, "/api/v1/bonds/\(bondID)/invites", token: ana.token)
            XCTAssertEqual(invite.status, .conflict)
            XCTAssertEqual(invite.json["code"] as? String, "bond-ended")
        }
    }

    func testLeavingAWaitingBondKillsItsInvite() async throws {
        try await withApp { app, _ in
            let ana = try await app.person("Ana")
            let ben = try await app.person("Ben")
            let bondID = try await app.bond(of: ana)
            let (code, _) = try await app.invite(to: bondID, by: ana)
            _ = try await app.send(.POST, "/api/v1/bonds/\(bondID)/leave", token: ana.token)
            let response = try await app.send(.POST, "/api/v1/invites/\(code)/accept", token: ben.token)
            XCTAssertEqual(response.status, .gone)
            XCTAssertEqual(response.json["code"] as? String, "bond-ended")
        }
    }

    func testAPersonCanBeInManyBondsListedActiveFirst() async throws {
        try await withApp { app, _ in
            let (ana, _, active) = try await app.pair()
            let waiting = try await app.bond(of: ana, kind: "family")
            let ended = try await app.bond(of: ana, kind: "romantic")
            _ = try await app.send(.POST, "/api/v1/bonds/\(ended)/leave", token: ana.token)
            let list = try await app.send(.GET, "/api/v1/bonds", token: ana.token)
            XCTAssertEqual(list.jsonArray.compactMap { $0["id"] as? String }, [active, waiting, ended])
        }
    }

    func testDeletingAnAccountEndsItsBondsAndRemovesItsRows() async throws {
        try await withApp { app, _ in
            let (ana, ben, bondID) = try await app.pair()
            let waiting = try await app.bond(of: ben)
            let wrong = try await app.send(.DELETE, "/api/v1/me", json: ["password": "not it, not it"], token: ben.token)
            XCTAssertEqual(wrong.status, .forbidden)
            XCTAssertEqual(wrong.problemFields, ["password"])
            let deleted = try await app.send(.DELETE, "/api/v1/me", json: ["password": ben.password], token: ben.token)
            XCTAssertEqual(deleted.status, .noContent)
            let benID = try XCTUnwrap(UUID(uuidString: ben.id))
            let users = try await User.query(on: app.db).filter(\.$id == benID).count()
            let tokens = try await APIToken.query(on: app.db).filter(\.$user.$id == benID).count()
            let memberships = try await BondMember.query(on: app.db).filter(\.$user.$id == benID).count()
            XCTAssertEqual([users, tokens, memberships], [0, 0, 0])
            let orphan = try await Bond.find(UUID(uuidString: waiting), on: app.db)
            XCTAssertNil(orphan, "a bond nobody is in is removed")
            let seenByAna = try await app.send(.GET, "/api/v1/bonds/\(bondID)", token: ana.token)
            XCTAssertEqual(seenByAna.json["status"] as? String, "ended")
            XCTAssertFalse(seenByAna.body.contains("Ben"))
            let benAfter = try await app.send(.GET, "/api/v1/me", token: ben.token)
            XCTAssertEqual(benAfter.status, .unauthorized)
        }
    }

    func testOfManySimultaneousAcceptsExactlyOneWins() async throws {
        try await withApp { app, _ in
            let ana = try await app.person("Ana")
            let bondID = try await app.bond(of: ana)
            let (code, _) = try await app.invite(to: bondID, by: ana)
            var people: [APIPerson] = []
            for n in 0..<8 { people.append(try await app.person("Racer\(n)")) }
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for person in people {
                    group.addTask { try await app.send(.POST, "/api/v1/invites/\(code)/accept", token: person.token).status }
                }
                return try await group.reduce(into: [HTTPStatus]()) { $0.append($1) }
            }
            XCTAssertEqual(statuses.filter { $0 == .ok }.count, 1, "\(statuses)")
            XCTAssertTrue(statuses.allSatisfy { $0 == .ok || $0 == .gone || $0 == .conflict }, "\(statuses)")
            let members = try await BondMember.query(on: app.db).filter(\.$bond.$id == UUID(uuidString: bondID)!).count()
            XCTAssertEqual(members, 2)
        }
    }

    func testSimultaneousSignUpsWithOneEmailMakeOneAccount() async throws {
        try await withApp({ $0.signupConfirmation = .atOnce }) { app, _ in
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for n in 0..<6 {
                    group.addTask {
                        try await app.send(.POST, "/api/v1/accounts", json: [
                            "email": "same@example.org", "password": "a long and lovely passphrase", "displayName": "Twin \(n)",
                        ]).status
                    }
                }
                return try await group.reduce(into: [HTTPStatus]()) { $0.append($1) }
            }
            XCTAssertEqual(statuses.filter { $0 == .created }.count, 1, "\(statuses)")
            XCTAssertEqual(statuses.filter { $0 == .conflict }.count, 5, "\(statuses)")
        }
    }
}
