import Foundation
import Yams

/// Kindred's content — instruments now, decks and resources later — loaded from YAML files:
/// the built-in ones shipped in this module, then an optional operator folder whose files
/// add to them or replace them by key.
public struct ContentLibrary: Sendable {
    public private(set) var instruments: [Instrument] = []

    public init(instruments: [Instrument] = []) {
        self.instruments = instruments
    }

    public func instrument(_ key: String) -> Instrument? { instruments.first { $0.key == key } }

    /// The content that ships with Kindred.
    public static var builtInDirectory: URL? {
        Bundle.module.url(forResource: "Content", withExtension: nil)
    }

    /// Loads every file; every problem in every file is reported, not only the first.
    public static func load(directories: [URL]) -> Result<ContentLibrary, ContentProblems> {
        var problems: [String] = []
        var byKey: [String: Instrument] = [:]
        var order: [String] = []
        for directory in directories {
            let folder = directory.appendingPathComponent("instruments")
            for file in yamlFiles(in: folder) {
                do {
                    let text = try String(contentsOf: file, encoding: .utf8)
                    let instrument = try YAMLDecoder().decode(Instrument.self, from: text)
                    let fileProblems = InstrumentValidator.problems(in: instrument)
                    problems += fileProblems.map { "\(file.lastPathComponent): \($0)" }
                    if byKey[instrument.key] == nil { order.append(instrument.key) }
                    byKey[instrument.key] = instrument
                } catch {
                    problems.append("\(file.lastPathComponent): cannot be read — \(describe(error))")
                }
            }
        }
        guard problems.isEmpty else { return .failure(ContentProblems(problems: problems)) }
        return .success(ContentLibrary(instruments: order.compactMap { byKey[$0] }))
    }

    static func yamlFiles(in folder: URL) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted().map { folder.appendingPathComponent($0) }
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case let DecodingError.keyNotFound(key, context):
            "missing \"\(key.stringValue)\"\(path(context))"
        case let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context):
            "\(context.debugDescription)\(path(context))"
        case let DecodingError.dataCorrupted(context):
            "\(context.debugDescription)\(path(context))"
        default:
            "\(error)"
        }
    }

    private static func path(_ context: DecodingError.Context) -> String {
        let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        return path.isEmpty ? "" : " at \(path)"
    }
}

public struct ContentProblems: Error, Equatable, Sendable, CustomStringConvertible {
    public let problems: [String]
    public var description: String { problems.joined(separator: "\n") }
}
