import Foundation
import Testing
@testable import KindredCore

@Suite struct SecureTokenTests {
    @Test func inviteCodesCarryAtLeastEightyBitsOfEntropy() {
        // 32 symbols = 5 bits each.
        #expect(SecureToken.inviteCodeLength * 5 >= 80)
        let code = SecureToken.inviteCode()
        #expect(code.count == SecureToken.inviteCodeLength)
        #expect(SecureToken.isWellFormedInviteCode(code))
    }

    @Test func codesDoNotRepeat() {
        let codes = Set((0..<2000).map { _ in SecureToken.inviteCode() })
        #expect(codes.count == 2000)
    }

    @Test func everySymbolOfTheAlphabetIsUsed() {
        var seen = Set<Character>()
        for _ in 0..<200 { seen.formUnion(SecureToken.inviteCode()) }
        #expect(seen.count == 32)
    }

    @Test func retypedCodesAreNormalised() {
        #expect(SecureToken.normaliseInviteCode("AB-CD oI l") == "abcd011")
    }

    @Test func junkIsNotAWellFormedCode() {
        #expect(!SecureToken.isWellFormedInviteCode("short"))
        #expect(!SecureToken.isWellFormedInviteCode(String(repeating: "u", count: 20)))
        #expect(!SecureToken.isWellFormedInviteCode(String(repeating: "a", count: 21)))
    }

    @Test func secretsAreLongAndPrefixed() {
        let secret = SecureToken.secret(prefix: "kdr_")
        #expect(secret.hasPrefix("kdr_"))
        #expect(secret.count == 56)
    }
}

@Suite struct DeviceSummaryTests {
    @Test(arguments: [
        ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36", "Chrome on Linux"),
        ("Mozilla/5.0 (Android 14; Mobile; rv:121.0) Gecko/121.0 Firefox/121.0", "Firefox on Android"),
        ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1", "Safari on iOS"),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36 Edg/120.0", "Edge on Windows"),
        ("curl/8.1.2", "curl"),
        ("", "Unknown device"),
        ("SomethingElse/1.0", "Another app"),
    ])
    func describesCommonBrowsers(_ userAgent: String, _ expected: String) {
        #expect(DeviceSummary.describe(userAgent: userAgent) == expected)
    }
}
