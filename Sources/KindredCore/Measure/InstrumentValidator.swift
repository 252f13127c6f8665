import Foundation

/// Checks an instrument's content file for everything that would make it unusable or
/// misleading; each problem is a sentence naming what to fix.
public enum InstrumentValidator {
    public static func problems(in instrument: Instrument) -> [String] {
        var problems: [String] = []
        let key = instrument.key
        if key.isEmpty || key.range(of: "^[a-z0-9-]+$", options: .regularExpression) == nil {
            problems.append("key \"\(key)\" must be lower-case letters, digits and dashes")
        }
        if instrument.version < 1 { problems.append("version must be 1 or more") }
        for (name, text) in [("title", instrument.title), ("shortTitle", instrument.shortTitle), ("intro", instrument.intro),
                             ("meaning", instrument.meaning), ("licence", instrument.licence)] where text.trimmingCharacters(in: .whitespaces).isEmpty {
            problems.append("\(name) is empty")
        }
        if instrument.validated, (instrument.citation ?? "").isEmpty {
            problems.append("a validated instrument needs its citation")
        }
        if !instrument.validated, !instrument.licence.contains(Instrument.notValidatedLabel) {
            problems.append("Kindred's own checks must say \"\(Instrument.notValidatedLabel)\" in licence")
        }
        if instrument.bondKinds.isEmpty { problems.append("bondKinds is empty") }
        if instrument.helps.isEmpty { problems.append("helps is empty: say what tends to help") }
        if let days = instrument.cadenceDays, days < 1 { problems.append("cadenceDays must be 1 or more") }
        if let week = instrument.introducedInWeek, !(1...52).contains(week) { problems.append("introducedInWeek must be from 1 to 52") }

        for (name, scale) in instrument.scales {
            if scale.options.count < 2 { problems.append("scale \(name) needs at least two options") }
            let values = scale.options.map(\.value)
            if Set(values).count != values.count { problems.append("scale \(name) repeats a value") }
            if values != values.sorted() { problems.append("scale \(name) options must be in ascending order") }
            if let min = values.min(), let max = values.max(), values.count != max - min + 1 {
                problems.append("scale \(name) skips a value between \(min) and \(max)")
            }
            for option in scale.options where option.label.trimmingCharacters(in: .whitespaces).isEmpty {
                problems.append("scale \(name) option \(option.value) has no label")
            }
        }

        var seen = Set<String>()
        if instrument.items.isEmpty { problems.append("there are no items") }
        for item in instrument.items {
            if !seen.insert(item.id).inserted { problems.append("item id \(item.id) is used twice") }
            if item.text.trimmingCharacters(in: .whitespaces).isEmpty { problems.append("item \(item.id) has no text") }
            if instrument.scales[item.scale] == nil { problems.append("item \(item.id) uses unknown scale \(item.scale)") }
            if let kinds = item.bondKinds, !Set(kinds).isSubset(of: Set(instrument.bondKinds)) {
                problems.append("item \(item.id) names a bond kind the instrument does not apply to")
            }
        }
        for kind in instrument.bondKinds where instrument.items(for: kind).isEmpty {
            problems.append("no items apply to \(kind.rawValue) bonds")
        }

        let subscales = instrument.scoring.subscales ?? []
        var subscaleKeys = Set<String>()
        for subscale in subscales {
            if !subscaleKeys.insert(subscale.key).inserted { problems.append("subscale \(subscale.key) is defined twice") }
            if subscale.items.isEmpty { problems.append("subscale \(subscale.key) has no items") }
            for id in subscale.items where !seen.contains(id) {
                problems.append("subscale \(subscale.key) names unknown item \(id)")
            }
        }
        for id in instrument.scoring.totalItems ?? [] where !seen.contains(id) {
            problems.append("scoring.totalItems names unknown item \(id)")
        }

        if let bands = instrument.bands {
            if !instrument.validated { problems.append("bands are only for published instruments") }
            let sorted = bands.sorted { $0.min < $1.min }
            for band in bands where band.min > band.max {
                problems.append("band \(band.label) has min above max")
            }
            for (a, b) in zip(sorted, sorted.dropFirst()) where a.max >= b.min {
                problems.append("bands \(a.label) and \(b.label) overlap")
            }
        }
        return problems
    }
}
