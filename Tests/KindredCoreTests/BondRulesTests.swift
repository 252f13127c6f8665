import Foundation
import Testing
@testable import KindredCore

@Suite struct BondRulesTests {
    let ana = UserID(UUID())
    let ben = UserID(UUID())
    let cai = UserID(UUID())
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func bond(_ members: [UserID], ended: Bool = false) -> BondSnapshot {
        BondSnapshot(id: BondID(UUID()), kind: .friendship, endedAt: ended ? now : nil, memberIDs: members)
    }

    func invite(by creator: UserID, in bond: BondSnapshot, expiresIn: TimeInterval = 3600, used: Bool = false, revoked: Bool = false) -> InviteRules.Invite {
        InviteRules.Invite(
            id: InviteID(UUID()), bondID: bond.id, createdBy: creator,
            expiresAt: now.addingTimeInterval(expiresIn), usedAt: used ? now : nil, revokedAt: revoked ? now : nil
        )
    }

    @Test func statusFollowsMembersAndEnding() {
        #expect(bond([ana]).status == .waiting)
        #expect(bond([ana, ben]).status == .active)
        #expect(bond([ana, ben], ended: true).status == .ended)
        #expect(bond([ana], ended: true).status == .ended)
    }

    @Test func partnerIsTheOtherMember() {
        let b = bond([ana, ben])
        #expect(b.partner(of: ana) == ben)
        #expect(b.partner(of: ben) == ana)
        #expect(b.partner(of: cai) == nil)
        #expect(bond([ana]).partner(of: ana) == nil)
    }

    @Test func nonMembersAreToldNothingExists() {
        #expect(BondAccess.verdict(for: cai, in: bond([ana, ben])) == .notFound)
        #expect(BondAccess.verdict(for: cai, in: bond([ana, ben], ended: true)) == .notFound)
    }

    @Test func membersOfAnEndedBondMayOnlyLook() {
        #expect(BondAccess.verdict(for: ana, in: bond([ana, ben])) == .member)
        #expect(BondAccess.verdict(for: ben, in: bond([ana, ben], ended: true)) == .readOnly)
    }

    @Test func aPendingInviteCanBeAccepted() {
        let b = bond([ana])
        #expect(InviteRules.check(invite: invite(by: ana, in: b), bond: b, user: ben, now: now) == nil)
    }

    @Test func everyRefusalHasItsReason() {
        let waiting = bond([ana])
        #expect(InviteRules.check(invite: invite(by: ana, in: waiting), bond: waiting, user: ana, now: now) == .ownInvite)
        #expect(InviteRules.check(invite: invite(by: ana, in: waiting, used: true), bond: waiting, user: ben, now: now) == .used)
        #expect(InviteRules.check(invite: invite(by: ana, in: waiting, revoked: true), bond: waiting, user: ben, now: now) == .revoked)
        #expect(InviteRules.check(invite: invite(by: ana, in: waiting, expiresIn: 0), bond: waiting, user: ben, now: now) == .expired)
        let full = bond([ana, ben])
        #expect(InviteRules.check(invite: invite(by: ana, in: full), bond: full, user: cai, now: now) == .bondFull)
        #expect(InviteRules.check(invite: invite(by: ana, in: full), bond: full, user: ben, now: now) == .alreadyMember)
        let ended = bond([ana], ended: true)
        #expect(InviteRules.check(invite: invite(by: ana, in: ended), bond: ended, user: ben, now: now) == .bondEnded)
    }

    @Test func invitesExpireAfterSevenDays() {
        let b = bond([ana])
        let created = InviteRules.Invite(id: InviteID(UUID()), bondID: b.id, createdBy: ana, expiresAt: now.addingTimeInterval(InviteRules.lifetime))
        #expect(InviteRules.check(invite: created, bond: b, user: ben, now: now.addingTimeInterval(7 * 86400 - 1)) == nil)
        #expect(InviteRules.check(invite: created, bond: b, user: ben, now: now.addingTimeInterval(7 * 86400)) == .expired)
    }

    @Test func anInvitesStateSaysWhatBecameOfIt() {
        let b = bond([ana])
        #expect(invite(by: ana, in: b).state(now: now) == .waiting)
        #expect(invite(by: ana, in: b, expiresIn: 0).state(now: now) == .expired)
        #expect(invite(by: ana, in: b, expiresIn: 0, used: true).state(now: now) == .used, "used before it expired stays used")
        #expect(invite(by: ana, in: b, expiresIn: 0, revoked: true).state(now: now) == .withdrawn)
    }

    @Test func onlyTheCreatorRevokesAndOnlyWhilePending() {
        let b = bond([ana])
        #expect(InviteRules.mayRevoke(invite: invite(by: ana, in: b), user: ana, now: now))
        #expect(!InviteRules.mayRevoke(invite: invite(by: ana, in: b), user: ben, now: now))
        #expect(!InviteRules.mayRevoke(invite: invite(by: ana, in: b, used: true), user: ana, now: now))
        #expect(!InviteRules.mayRevoke(invite: invite(by: ana, in: b, expiresIn: -1), user: ana, now: now))
    }

    @Test func invitesAreMadeOnlyForWaitingBondsByMembers() {
        #expect(InviteRules.mayCreate(in: bond([ana]), by: ana))
        #expect(!InviteRules.mayCreate(in: bond([ana]), by: ben))
        #expect(!InviteRules.mayCreate(in: bond([ana, ben]), by: ana))
        #expect(!InviteRules.mayCreate(in: bond([ana], ended: true), by: ana))
    }

    @Test func bondCreationNeedsAKnownKindAndAShortName() {
        #expect(BondRules.creationProblems(kind: "romantic", name: nil).isEmpty)
        #expect(BondRules.creationProblems(kind: "colleague", name: nil).map(\.field) == ["kind"])
        #expect(BondRules.creationProblems(kind: nil, name: String(repeating: "n", count: 61)).map(\.field) == ["kind", "name"])
        #expect(BondRules.normaliseName("   ") == nil)
        #expect(BondRules.normaliseName(" Us ") == "Us")
    }
}
