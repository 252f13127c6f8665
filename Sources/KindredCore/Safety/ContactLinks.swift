import Foundation

/// Helpline numbers as links a phone can act on: `tel:` to call, `sms:` to text. Numbers
/// are read from the wording in the content files ("0808 2000 247", "Text START to 88788").
public enum ContactLinks {
    /// `tel:08082000247` for the first number in `text`; nil when there is no number to dial.
    public static func tel(_ text: String) -> String? {
        guard let number = firstNumber(in: text) else { return nil }
        return "tel:" + number
    }

    /// `sms:88788?body=START` for "Text START to 88788", `sms:0458737732` for "Text 0458 737 732".
    public static func sms(_ text: String) -> String? {
        let words = text.split(separator: " ").map(String.init)
        if let to = words.firstIndex(where: { $0.lowercased() == "to" }), to > 0, to + 1 < words.count,
           let number = firstNumber(in: words[(to + 1)...].joined(separator: " ")) {
            let keyword = words[1..<to].joined(separator: " ")
            let body = keyword.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? keyword
            return keyword.isEmpty ? "sms:\(number)" : "sms:\(number)?body=\(body)"
        }
        return firstNumber(in: text).map { "sms:" + $0 }
    }

    /// The first run of digits (with the spaces, dashes and a leading + people write inside
    /// phone numbers), at least three digits long.
    static func firstNumber(in text: String) -> String? {
        var digits = ""
        var started = false
        for character in text {
            if character.isASCII, character.isNumber {
                digits.append(character)
                started = true
            } else if character == "+", !started {
                digits = "+"
            } else if started, character == " " || character == "-" {
                continue
            } else if started {
                break
            } else {
                digits = ""
            }
        }
        let count = digits.filter(\.isNumber).count
        return count >= 3 ? digits : nil
    }
}
