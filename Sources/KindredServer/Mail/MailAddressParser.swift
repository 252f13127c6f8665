import Foundation
import KindredCore

/// Reads `KINDRED_MAIL_FROM`: `hello@example.org` or `Kindred <hello@example.org>`.
enum MailAddressParser {
    static func parse(_ text: String) -> (address: String, name: String?)? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.contains(where: { $0 == "\r" || $0 == "\n" }) else { return nil }
        if let open = trimmed.lastIndex(of: "<"), trimmed.hasSuffix(">") {
            let address = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
            let name = trimmed[..<open].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            guard AccountRules.emailProblem(address) == nil else { return nil }
            return (address, name.isEmpty ? nil : name)
        }
        guard AccountRules.emailProblem(trimmed) == nil else { return nil }
        return (trimmed, nil)
    }
}
