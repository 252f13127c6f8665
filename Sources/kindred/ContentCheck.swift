import Foundation
import KindredCore
import KindredServer

/// `kindred content check [folder]`: validates the built-in content plus the operator's
/// folder (`KINDRED_CONTENT_DIR`, or the folder given), printing every problem.
enum ContentCheck {
    static func run(arguments: [String], configuration: KindredConfiguration) -> Int32 {
        guard arguments.first == "check" else {
            print("Usage: kindred content check [folder]")
            return 2
        }
        var configuration = configuration
        if let folder = arguments.dropFirst().first { configuration.contentDirectory = folder }
        let directories = configuration.contentDirectories
        print("Checking content in: " + directories.map(\.path).joined(separator: ", "))
        switch configuration.loadContent() {
        case .success(let library):
            for instrument in library.instruments {
                let label = instrument.validated ? "validated" : Instrument.notValidatedLabel
                print("  ✓ instrument \(instrument.key) v\(instrument.version): \(instrument.items.count) items (\(label))")
                // Notes for operators, never shown to people: what is still to be checked.
                if let verify = instrument.verify { print("      to verify: \(verify)") }
            }
            for deck in library.decks {
                let depths = (1...3).map { depth in deck.prompts.filter { $0.depth == depth }.count }
                print("  ✓ deck \(deck.key): \(deck.prompts.count) prompts (depth 1/2/3: \(depths.map(String.init).joined(separator: "/")))")
            }
            if let conversation = library.conversation {
                print("  ✓ deep conversation: \(conversation.sets.count) sets, \(conversation.questions.count) questions")
            }
            if let checkin = library.checkin { print("  ✓ weekly check-in: \(checkin.items.count) items") }
            print("  ✓ appreciation starters: \(library.appreciationStarters.count)")
            if let desires = library.desires {
                print("  ✓ needs and desires: \(desires.order.count) items in \(desires.groups.count) groups")
            }
            if let repair = library.repair { print("  ✓ repair guidance: \(repair.steps.count) steps") }
            if let safety = library.safety { print("  ✓ safety check: \(safety.items.count) items") }
            print("  ✓ resources: " + library.resources.map { "\($0.country) (\($0.services.count))" }.joined(separator: ", "))
            for resources in library.resources { if let verify = resources.verify { print("      \(resources.country) to verify: \(verify)") } }
            print("Content is valid.")
            return 0
        case .failure(let problems):
            for problem in problems.problems { print("  ✗ \(problem)") }
            print("\(problems.problems.count) problem(s) found.")
            return 1
        }
    }
}
