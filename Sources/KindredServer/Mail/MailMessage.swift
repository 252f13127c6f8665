import Foundation

/// One plain-text email to one recipient.
struct MailMessage: Sendable, Equatable {
    var fromAddress: String
    var fromName: String?
    var to: String
    var subject: String
    /// UTF-8 plain text with any line endings; sent as quoted-printable so every line on the
    /// wire is 7-bit and short, whatever the server supports.
    var text: String
    /// Added after the standard headers, e.g. List-Unsubscribe. A header whose name is not a
    /// valid field name, or that would duplicate one `rendered()` writes itself, is left out.
    var extraHeaders: [MailHeader]
    var messageID: String
    var date: Date

    init(
        fromAddress: String,
        fromName: String? = nil,
        to: String,
        subject: String,
        text: String,
        extraHeaders: [MailHeader] = [],
        messageID: String? = nil,
        date: Date = Date()
    ) {
        self.fromAddress = fromAddress
        self.fromName = fromName
        self.to = to
        self.subject = subject
        self.text = text
        self.extraHeaders = extraHeaders
        let domain = fromAddress.contains("@") ? String(fromAddress.split(separator: "@").last ?? "") : "localhost"
        self.messageID = messageID ?? Self.newMessageID(domain: domain)
        self.date = date
    }

    /// A globally unique `<uuid@domain>`; the domain should be the sender's, so the ID is ours.
    static func newMessageID(domain: String) -> String {
        let safeDomain = HeaderFormat.sanitized(domain).filter { !$0.isWhitespace && $0 != "<" && $0 != ">" }
        return "<\(UUID().uuidString.lowercased())@\(safeDomain.isEmpty ? "localhost" : safeDomain)>"
    }

    /// The complete RFC 5322 message with CRLF line endings, ready for DATA before dot-stuffing.
    /// CR and LF inside header values become spaces, so no value can start a header of its own.
    func rendered() -> String {
        var lines = [
            HeaderFormat.line("Date", Self.rfc5322Date(date)),
            HeaderFormat.fromLine(name: fromName, address: fromAddress),
            HeaderFormat.line("To", to, encodable: false),
            HeaderFormat.line("Subject", subject),
            HeaderFormat.line("Message-ID", messageID, encodable: false),
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable",
        ]
        for header in extraHeaders where HeaderFormat.isAcceptableExtra(header.name) {
            lines.append(HeaderFormat.line(header.name, header.value))
        }
        return lines.joined(separator: "\r\n") + "\r\n\r\n" + Self.quotedPrintable(text)
    }

    /// RFC 2045 quoted-printable, one CRLF-terminated output line per input line, soft-broken
    /// so that no line exceeds 76 characters.
    static func quotedPrintable(_ text: String) -> String {
        var lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        // A final newline ends the last line rather than starting an empty one.
        if lines.last?.isEmpty == true { lines.removeLast() }
        var output = ""
        for line in lines {
            let bytes = Array(line.utf8)
            var current = ""
            for (index, byte) in bytes.enumerated() {
                let isLast = index == bytes.count - 1
                // Whitespace at the end of a line may be stripped in transit, so it is encoded.
                let literal = (33...126).contains(byte) && byte != UInt8(ascii: "=")
                    || (byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")) && !isLast
                let token = literal ? String(UnicodeScalar(byte)) : hexEscape(byte)
                // Room for the "=" of a soft break is needed unless this token ends the line.
                if current.utf8.count + token.utf8.count > (isLast ? 76 : 75) {
                    output += current + "=\r\n"
                    current = ""
                }
                current += token
            }
            output += current + "\r\n"
        }
        return output
    }

    private static func hexEscape(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return "=" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0x0F)])
    }

    /// `Tue, 01 Jul 2025 09:05:00 +0000`, always in UTC with English names, independent of locale.
    static func rfc5322Date(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int?) -> String { let v = value ?? 0; return v < 10 ? "0\(v)" : "\(v)" }
        return "\(days[(c.weekday ?? 1) - 1]), \(two(c.day)) \(months[(c.month ?? 1) - 1]) \(c.year ?? 1970) "
            + "\(two(c.hour)):\(two(c.minute)):\(two(c.second)) +0000"
    }
}

struct MailHeader: Sendable, Equatable {
    let name: String
    let value: String
}

/// Header formatting: sanitising, RFC 2047 encoded-words and folding.
private enum HeaderFormat {
    static let written: Set<String> = [
        "date", "from", "to", "subject", "message-id", "mime-version", "content-type", "content-transfer-encoding",
    ]

    static func isAcceptableExtra(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { (33...126).contains($0) && $0 != UInt8(ascii: ":") }
            && !written.contains(name.lowercased())
    }

    /// Line breaks (CR, LF and their Unicode cousins) become spaces and other control
    /// characters are dropped, so a value can never end its header line.
    static func sanitized(_ value: String) -> String {
        var result = String.UnicodeScalarView()
        for scalar in value.unicodeScalars {
            switch scalar.value {
            case 0x0A, 0x0D, 0x85, 0x2028, 0x2029: result.append(" ")
            case 0x09: result.append(scalar)
            case 0x00..<0x20, 0x7F: continue
            default: result.append(scalar)
            }
        }
        return String(result)
    }

    /// `Name: value`, as encoded-words when the value is not plain ASCII (or could be
    /// mistaken for one), otherwise folded at spaces to stay near 78 characters per line.
    static func line(_ name: String, _ rawValue: String, encodable: Bool = true) -> String {
        let value = sanitized(rawValue)
        let longestWord = value.split(separator: " ").map(\.utf8.count).max() ?? 0
        if encodable, !value.unicodeScalars.allSatisfy(\.isASCII) || value.contains("=?") || longestWord > 900 {
            return "\(name): " + encodedWords(value).joined(separator: "\r\n ")
        }
        return fold("\(name): \(value)")
    }

    static func fromLine(name: String?, address: String) -> String {
        let address = sanitized(address)
        guard let name = name.map(sanitized), !name.trimmingCharacters(in: .whitespaces).isEmpty else {
            return "From: \(address)"
        }
        if name.unicodeScalars.allSatisfy(\.isASCII), !name.contains("=?") {
            let quoted = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return fold("From: \"\(quoted)\" <\(address)>")
        }
        return "From: " + encodedWords(name).joined(separator: "\r\n ") + "\r\n <\(address)>"
    }

    /// Base64 encoded-words of at most 42 UTF-8 bytes (68 characters) each, split between
    /// characters so every word decodes on its own, as RFC 2047 requires.
    static func encodedWords(_ value: String) -> [String] {
        var words: [String] = []
        var chunk: [UInt8] = []
        func flush() {
            guard !chunk.isEmpty else { return }
            words.append("=?utf-8?B?" + Data(chunk).base64EncodedString() + "?=")
            chunk = []
        }
        for character in value {
            // A single grapheme can be arbitrarily long (stacked combining marks); only then
            // is it split, between its scalars, to keep every word within the limit.
            let pieces = character.utf8.count > 42
                ? character.unicodeScalars.map { Array(String($0).utf8) } : [Array(String(character).utf8)]
            for bytes in pieces {
                if chunk.count + bytes.count > 42 { flush() }
                chunk += bytes
            }
        }
        flush()
        return words.isEmpty ? ["=?utf-8?B??="] : words
    }

    /// Folds before spaces so lines stay within 78 characters where the words allow it.
    static func fold(_ line: String) -> String {
        guard line.utf8.count > 78 else { return line }
        var lines: [String] = []
        var current = ""
        for (index, word) in line.split(separator: " ", omittingEmptySubsequences: false).enumerated() {
            // Never fold right after the field name, nor before an empty word: either would
            // leave a line with no content, which RFC 5322 forbids.
            if index > 1, !word.isEmpty, current.utf8.count + 1 + word.utf8.count > 78 {
                lines.append(current)
                current = " " + word
            } else {
                current += index == 0 ? String(word) : " " + word
            }
        }
        lines.append(current)
        return lines.joined(separator: "\r\n")
    }
}
