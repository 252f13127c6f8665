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
            }
            print("Content is valid.")
            return 0
        case .failure(let problems):
            for problem in problems.problems { print("  ✗ \(problem)") }
            print("\(problems.problems.count) problem(s) found.")
            return 1
        }
    }
}
