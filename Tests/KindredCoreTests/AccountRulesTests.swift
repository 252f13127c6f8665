import Testing
@testable import KindredCore

@Suite struct AccountRulesTests {
    @Test func emailIsTrimmedAndLowerCased() {
        #expect(AccountRules.normaliseEmail("  Sam.Lee@Example.ORG \n") == "sam.lee@example.org")
    }

    @Test(arguments: ["", "sam", "sam@", "@example.org", "sam@example", "sam@.org", "sam@example.", "s am@example.org", "a@b@c.org"])
    func badEmailsAreRejected(_ email: String) {
        #expect(AccountRules.emailProblem(AccountRules.normaliseEmail(email)) != nil)
    }

    @Test func reasonableEmailIsAccepted() {
        #expect(AccountRules.emailProblem("sam+kindred@mail.example.org") == nil)
    }

    @Test func tooLongEmailIsRejected() {
        let email = String(repeating: "a", count: 250) + "@x.org"
        #expect(AccountRules.emailProblem(email) == "That email address is too long.")
    }

    @Test func passwordLengthBoundsAreTwelveAndOneHundredTwentyEight() {
        #expect(AccountRules.passwordProblem(String(repeating: "x", count: 11)) != nil)
        #expect(AccountRules.passwordProblem(String(repeating: "x", count: 12)) == nil)
        #expect(AccountRules.passwordProblem(String(repeating: "x", count: 128)) == nil)
        #expect(AccountRules.passwordProblem(String(repeating: "x", count: 129)) != nil)
    }

    @Test func lengthsCountUnicodeScalarsLikeJSONSchema() {
        // Twelve scalars, many more bytes: long enough.
        #expect(AccountRules.passwordProblem(String(repeating: "é", count: 12)) == nil)
        // One family emoji is five scalars: thirteen of them are over the limit of sixty.
        #expect(AccountRules.displayNameProblem(String(repeating: "👨‍👩‍👧", count: 13)) != nil)
        #expect(AccountRules.displayNameProblem(String(repeating: "👨‍👩‍👧", count: 12)) == nil)
    }

    @Test func emojiHeldTogetherByJoinersAreWelcomeInNames() {
        #expect(AccountRules.displayNameProblem("Sam 👩‍❤️‍👨") == nil)
    }

    @Test func displayNameIsTrimmedAndBounded() {
        #expect(AccountRules.normaliseDisplayName("  Ana  ") == "Ana")
        #expect(AccountRules.displayNameProblem("") != nil)
        #expect(AccountRules.displayNameProblem(String(repeating: "n", count: 60)) == nil)
        #expect(AccountRules.displayNameProblem(String(repeating: "n", count: 61)) != nil)
        #expect(AccountRules.displayNameProblem("Ana\u{0007}") != nil)
        #expect(AccountRules.displayNameProblem("Ana\u{0085}") != nil, "C1 controls too")
        #expect(AccountRules.displayNameProblem(" " + String(repeating: "n", count: 60)) != nil, "the limit applies to what was sent")
    }

    @Test func onlyIANATimeZonesAreAccepted() {
        #expect(TimeZones.isValid("Europe/London"))
        #expect(TimeZones.isValid("Pacific/Kiritimati"))
        #expect(TimeZones.isValid("UTC"))
        #expect(!TimeZones.isValid("Mars/Olympus_Mons"))
        #expect(!TimeZones.isValid(""))
        #expect(!TimeZones.isValid("GMT+5"))
    }

    @Test func registrationReportsEveryProblemAtOnce() {
        let problems = AccountRules.registrationProblems(email: "nope", password: "short", displayName: " ", timeZone: "Nowhere")
        #expect(problems.map(\.field) == ["email", "password", "displayName", "timeZone"])
    }

    @Test func validRegistrationHasNoProblems() {
        let problems = AccountRules.registrationProblems(
            email: "ana@example.org", password: "correct horse battery", displayName: "Ana", timeZone: "Europe/Lisbon"
        )
        #expect(problems.isEmpty)
    }
}

@Suite struct ClientAddressTests {
    @Test func theClientIsTheEntryAsManyHopsFromTheEndAcrossEveryHeader() {
        // The client wrote a fake first entry; nginx appended the real one.
        #expect(ClientAddress.forwarded(["6.6.6.6, 203.0.113.9"], hops: 1) == "203.0.113.9")
        #expect(ClientAddress.forwarded(["6.6.6.6", "203.0.113.9"], hops: 1) == "203.0.113.9", "the last header, not the first")
        #expect(ClientAddress.forwarded(["6.6.6.6, 203.0.113.9, 10.0.0.2"], hops: 2) == "203.0.113.9", "behind a CDN and nginx")
        #expect(ClientAddress.forwarded(["203.0.113.9"], hops: 2) == nil)
        #expect(ClientAddress.forwarded([], hops: 1) == nil)
        #expect(ClientAddress.forwarded(["203.0.113.9"], hops: 0) == nil)
    }

    @Test func ipv6ClientsAreCountedByTheirSlash64() {
        #expect(ClientAddress.throttleKey("2001:db8:1:2:aaaa::1") == "2001:0db8:0001:0002::/64")
        #expect(ClientAddress.throttleKey("2001:db8:1:2:bbbb:cccc:dddd:eeee") == "2001:0db8:0001:0002::/64")
        #expect(ClientAddress.throttleKey("[2001:db8:1:2::9]") == "2001:0db8:0001:0002::/64")
        #expect(ClientAddress.throttleKey("::1") == "0000:0000:0000:0000::/64")
        #expect(ClientAddress.throttleKey("fe80::1%eth0") == "fe80:0000:0000:0000::/64")
        #expect(ClientAddress.throttleKey("203.0.113.9") == "203.0.113.9")
        #expect(ClientAddress.throttleKey("not an address") == "not an address")
        #expect(ClientAddress.throttleKey("1:2:3") == "1:2:3", "not IPv6: kept as it is")
    }
}
