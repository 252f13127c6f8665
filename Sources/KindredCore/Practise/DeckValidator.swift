import Foundation

/// Checks decks and the other practice content for what would make them wrong to show:
/// duplicates and near-duplicates, bad tags, lengths, and anything romantic offered outside
/// romantic bonds.
public enum DeckValidator {
    public static let textLength = 12...200
    /// Words that make a prompt romantic: such a prompt must be for romantic bonds only.
    public static let romanticWords = ["partner", "romantic", "romance", "kiss", "sex", "sexual", "date night", "marriage", "married",
                                       "attraction", "attracted", "intimate", "intimacy", "in bed", "lover", "flirt", "wedding", "honeymoon",
                                       "fancied", "couple", "spark", "desired", "desire", "cuddle", "cuddles"]

    public static func problems(in decks: [Deck]) -> [String] {
        var problems: [String] = []
        var ids = Set<String>()
        var texts: [String: String] = [:]
        var deckKeys = Set<String>()
        for deck in decks {
            if !deckKeys.insert(deck.key).inserted { problems.append("deck \(deck.key) is defined twice") }
            if deck.prompts.isEmpty { problems.append("deck \(deck.key) has no prompts") }
            for prompt in deck.prompts {
                let at = "deck \(deck.key), prompt \(prompt.id)"
                if !ids.insert(prompt.id).inserted { problems.append("\(at): id is used twice") }
                let length = prompt.text.trimmingCharacters(in: .whitespacesAndNewlines).count
                if !textLength.contains(length) {
                    problems.append("\(at): text is \(length) characters; keep it between \(textLength.lowerBound) and \(textLength.upperBound)")
                }
                if !(1...3).contains(prompt.depth) { problems.append("\(at): depth must be 1, 2 or 3") }
                if prompt.kinds.isEmpty { problems.append("\(at): kinds is empty") }
                if Set(prompt.kinds).count != prompt.kinds.count { problems.append("\(at): a kind is listed twice") }
                let key = normalised(prompt.text)
                if let other = texts[key] { problems.append("\(at): same text as \(other)") } else { texts[key] = prompt.id }
                if let word = romanticWord(in: prompt.text), prompt.kinds != [.romantic] {
                    problems.append("\(at): mentions \"\(word)\", so it must be for romantic bonds only")
                }
            }
        }
        let allIDs = Set(decks.flatMap(\.prompts).map(\.id))
        for deck in decks {
            for prompt in deck.prompts {
                for other in prompt.distinctFrom ?? [] where other == prompt.id || !allIDs.contains(other) {
                    let named = other == prompt.id ? "itself" : "unknown prompt \(other)"
                    problems.append("deck \(deck.key), prompt \(prompt.id): distinctFrom names \(named)")
                }
            }
        }
        for pair in nearDuplicates(in: decks) {
            let percent = Int((pair.similarity * 100).rounded())
            problems.append("prompt \(pair.second) reads like \(pair.first) (\(percent)% of their meaningful words in common): "
                + "keep one, or if they ask different things, list \(pair.first) under distinctFrom of \(pair.second)")
        }
        for kind in BondKind.allCases {
            let available = decks.flatMap(\.prompts).filter { $0.kinds.contains(kind) }
            for depth in 1...3 where !available.contains(where: { $0.depth == depth }) {
                problems.append("no depth-\(depth) prompt suits \(kind.rawValue) bonds")
            }
        }
        return problems
    }

    public static func problems(in guide: ConversationGuide) -> [String] {
        var problems: [String] = []
        if guide.sets.count != 3 { problems.append("the deep conversation needs three sets, not \(guide.sets.count)") }
        for (index, set) in guide.sets.enumerated() {
            if set.questions.count != 12 { problems.append("set \(index + 1) needs twelve questions, not \(set.questions.count)") }
            for question in set.questions where !textLength.contains(question.count) {
                problems.append("set \(index + 1): \"\(question.prefix(40))…\" is \(question.count) characters")
            }
        }
        for (name, closing) in [("closing", guide.closing), ("closingForOthers", guide.closingForOthers)] {
            if closing.title.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { problems.append("\(name) needs a title") }
            if closing.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { problems.append("\(name) needs its text") }
            if closing.minutes < 1 { problems.append("\(name) needs a length in minutes") }
        }
        if let word = romanticWord(in: guide.closingForOthers.title + " " + guide.closingForOthers.text) {
            problems.append("closingForOthers is for friends and family, so it must not mention \"\(word)\"")
        }
        return problems
    }

    public static func problems(in checkin: CheckinGuide) -> [String] {
        var problems: [String] = []
        if Set(checkin.items.map(\.sign)) != Set(Sign.allCases) || checkin.items.count != Sign.allCases.count {
            problems.append("the check-in needs exactly one item per sign")
        }
        if checkin.scale.map(\.value) != [1, 2, 3, 4, 5] { problems.append("the check-in scale must be 1–5") }
        return problems
    }

    /// The first romantic word or phrase in `text`, matched as whole words ("sex", not "Essex").
    public static func romanticWord(in text: String) -> String? {
        let words = text.lowercased().split { !$0.isLetter }.map(String.init)
        let joined = " " + words.joined(separator: " ") + " "
        return romanticWords.first { joined.contains(" \($0) ") }
    }

    /// Lower-case letters and digits only, so "What made you smile?" and "what made you smile" match.
    static func normalised(_ text: String) -> String {
        String(text.lowercased().unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }.map(Character.init))
    }
}
