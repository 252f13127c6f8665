import Foundation

// MARK: - Near-duplicates

/// Prompts that ask the same thing in other words, found by the overlap of their meaningful
/// words (a Jaccard index). A tripwire, not a reader: it sees shared words and the few same-meaning
/// words folded below, not paraphrase, so a person still decides whether a flagged pair is one
/// question (keep one) or two (`distinctFrom`).
extension DeckValidator {
    /// Two prompts whose meaningful words overlap at least this much ask the same thing in other
    /// words. Picked against the shipped decks: the near-duplicate clusters merged in issue 13 each had
    /// a pair at 0.5 or above (with the same-meaning words below folded), while distinct prompts sit
    /// below it, or are marked `distinctFrom` after a person read them side by side.
    public static let nearDuplicateThreshold = 0.5

    /// A pair of prompts that look like the same question; `first` comes first in the decks.
    public struct NearDuplicate: Equatable, Sendable {
        public var first: String
        public var second: String
        /// From 0 (no meaningful word in common) to 1 (the same meaningful words).
        public var similarity: Double
    }

    /// Every pair of prompts across all decks at or above `threshold`, in deck order, except pairs a
    /// person has marked distinct (either prompt's `distinctFrom` naming the other).
    public static func nearDuplicates(in decks: [Deck], threshold: Double = nearDuplicateThreshold) -> [NearDuplicate] {
        let prompts = decks.flatMap(\.prompts)
        let words = prompts.map { meaningfulWords(in: $0.text) }
        var distinct = Set<[String]>()
        for prompt in prompts {
            for other in prompt.distinctFrom ?? [] { distinct.insert([prompt.id, other].sorted()) }
        }
        var pairs: [NearDuplicate] = []
        for i in prompts.indices {
            for j in prompts.indices where j > i && prompts[i].id != prompts[j].id {
                let score = jaccard(words[i], words[j])
                guard score >= threshold, !distinct.contains([prompts[i].id, prompts[j].id].sorted()) else { continue }
                pairs.append(NearDuplicate(first: prompts[i].id, second: prompts[j].id, similarity: score))
            }
        }
        return pairs
    }

    /// How alike two prompts are: the Jaccard index of their meaningful words (shared ÷ all).
    public static func similarity(_ a: String, _ b: String) -> Double {
        jaccard(meaningfulWords(in: a), meaningfulWords(in: b))
    }

    static func jaccard(_ a: Set<String>, _ b: Set<String>) -> Double {
        let union = a.union(b).count
        return union == 0 ? 0 : Double(a.intersection(b).count) / Double(union)
    }

    /// The words that carry a prompt's meaning: lower-cased, apostrophes dropped ("you're" is
    /// "youre"), words and phrases of the same meaning folded to one, very common words left out,
    /// and plural and "-ing", "-ed", "-ly" endings trimmed.
    public static func meaningfulWords(in text: String) -> Set<String> {
        let plain = text.lowercased().replacingOccurrences(of: "’", with: "").replacingOccurrences(of: "'", with: "")
        var words = plain.split { !$0.isLetter }.map(String.init)
        for (phrase, meaning) in samePhrases {
            words = replacing(phrase, with: meaning, in: words)
        }
        return Set(words.map { sameWords[$0] ?? $0 }.filter { !stopWords.contains($0) }.map(trimmedEnding))
    }

    /// Phrases that mean the same as one word in a prompt.
    static let samePhrases: [([String], String)] = [
        (["going", "through"], "hardship"), (["not", "doing", "well"], "hardship"),
        (["werent", "doing", "well"], "hardship"), (["arent", "doing", "well"], "hardship"),
        (["looked", "after"], "cared"), (["look", "after"], "cared"), (["taken", "care", "of"], "cared"),
        (["fall", "out"], "conflict"), (["falling", "out"], "conflict"), (["fell", "out"], "conflict"),
        (["make", "up"], "reconcile"), (["making", "up"], "reconcile"), (["find", "your", "way", "back"], "reconcile"),
        (["come", "to", "terms"], "accept"), (["get", "to", "know"], "learn"), (["getting", "to", "know"], "learn"),
        // "you'd love to" asks what "you'd like to" asks; "like" is then left out with the common words.
        (["youd", "love"], "like"), (["id", "love"], "like"), (["wed", "love"], "like"), (["theyd", "love"], "like"),
        (["would", "love"], "like"),
    ]

    /// Words that mean the same in a prompt, folded to one.
    static let sameWords: [String: String] = {
        let groups: [String: [String]] = [
            "hardship": ["hard", "harder", "hardest", "worst", "lowest", "tough", "toughest", "rough", "difficult",
                         "struggle", "struggling", "struggles"],
            "cared": ["cared", "loved", "desired", "valued", "cherished"],
            "conflict": ["disagree", "disagreed", "disagreement", "disagreements", "argue", "argued", "arguing", "argument", "arguments",
                         "squabble", "squabbles", "quarrel", "quarrels", "fight", "fights", "wobble", "wobbles"],
            "reconcile": ["reconcile", "reconciled"],
            "accept": ["accept", "accepting", "admit", "admitted", "admitting"],
            "learn": ["learn", "learned", "learnt", "learning"],
        ]
        var map: [String: String] = [:]
        for (meaning, words) in groups { for word in words { map[word] = meaning } }
        return map
    }()

    /// Words so common in prompts that sharing them says nothing: grammar, question words, the
    /// words every prompt about two people uses ("together", "them", "feel", "help"), and "share"
    /// from the gentle opt-out many deeper prompts carry ("if you'd like to share").
    static let stopWords: Set<String> = Set("""
        a an the and or but if of to in on at for with from by about as into than then so that this these those it its is are was were
        be been being do does did done have has had having will would could should can may might must shall
        i me my mine myself you your yours we us our ours ourselves they them their theirs themselves he she him her his hers one ones
        what whats which who whom whose when where why how there here
        not no nor only just even still ever never very really more most much many some any all each every both either other others
        own same such too also something someone anything anyone thing things way ways time times
        im youre youve youd youll theyre theyve theyd theyll weve its thats theres dont didnt doesnt isnt arent wasnt werent cant wont wouldnt
        feel feels felt feeling like want wants wanted make makes made get gets got getting go going goes went
        together partner partners couple two people close help helps find finds share
        """.split(whereSeparator: \.isWhitespace).map(String.init))

    static func replacing(_ phrase: [String], with meaning: String, in words: [String]) -> [String] {
        guard words.count >= phrase.count else { return words }
        var result: [String] = []
        var index = 0
        while index < words.count {
            if index + phrase.count <= words.count, Array(words[index..<index + phrase.count]) == phrase {
                result.append(meaning)
                index += phrase.count
            } else {
                result.append(words[index])
                index += 1
            }
        }
        return result
    }

    /// "noticed" → "notic", "listening" → "listen"; short words stay whole.
    static func trimmedEnding(_ word: String) -> String {
        for ending in ["ing", "ed", "ly", "es", "s"] where word.hasSuffix(ending) && word.count - ending.count >= 4 {
            return String(word.dropLast(ending.count))
        }
        return word
    }
}
