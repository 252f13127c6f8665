import Foundation

/// SVG charts drawn on the server, so they work without JavaScript. Each has a title and
/// description for screen readers; pages also show the same figures as a table. Colours
/// come from CSS classes (no inline style, which the Content-Security-Policy forbids).
public enum Charts {
    public struct Point: Sendable, Equatable {
        public var date: Date
        public var value: Double
        public init(date: Date, value: Double) {
            self.date = date
            self.value = value
        }
    }

    public struct Bar: Sendable, Equatable {
        public var label: String
        public var value: Double
        /// The bar's own scale: 0…maximum (items on different scales can share a chart).
        public var minimum: Double
        public var maximum: Double
        public init(label: String, value: Double, minimum: Double = 0, maximum: Double = 100) {
            self.label = label
            self.value = value
            self.minimum = minimum
            self.maximum = maximum
        }
    }

    /// A line over time, from `minimum` to `maximum` on the vertical axis.
    public static func line(
        id: String, title: String, description: String, points: [Point],
        minimum: Double, maximum: Double, width: Double = 320, height: Double = 160
    ) -> String {
        let left = 34.0, right = 10.0, top = 10.0, bottom = 24.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let sorted = points.sorted { $0.date < $1.date }
        let span = max(1, (sorted.last?.date.timeIntervalSince1970 ?? 0) - (sorted.first?.date.timeIntervalSince1970 ?? 0))
        func x(_ point: Point) -> Double {
            guard sorted.count > 1, let first = sorted.first else { return left + plotWidth / 2 }
            return left + (point.date.timeIntervalSince1970 - first.date.timeIntervalSince1970) / span * plotWidth
        }
        func y(_ value: Double) -> Double {
            let range = max(maximum - minimum, 0.0001)
            let clamped = min(max(value, minimum), maximum)
            return top + (1 - (clamped - minimum) / range) * plotHeight
        }
        var svg = open(id: id, title: title, description: description, width: width, height: height)
        for value in [minimum, (minimum + maximum) / 2, maximum] {
            svg += #"<line class="chart-grid" x1="\#(f(left))" y1="\#(f(y(value)))" x2="\#(f(width - right))" y2="\#(f(y(value)))"/>"#
            svg += #"<text class="chart-label" x="\#(f(left - 6))" y="\#(f(y(value) + 4))" text-anchor="end">\#(f(value))</text>"#
        }
        if sorted.count > 1 {
            let path = sorted.map { "\(f(x($0))),\(f(y($0.value)))" }.joined(separator: " ")
            svg += #"<polyline class="chart-line" fill="none" points="\#(path)"/>"#
        }
        for point in sorted {
            svg += #"<circle class="chart-point" cx="\#(f(x(point)))" cy="\#(f(y(point.value)))" r="4"/>"#
        }
        if let first = sorted.first, let last = sorted.last {
            svg += #"<text class="chart-label" x="\#(f(left))" y="\#(f(height - 6))">\#(escape(day(first.date)))</text>"#
            if sorted.count > 1 {
                svg += #"<text class="chart-label" x="\#(f(width - right))" y="\#(f(height - 6))" text-anchor="end">\#(escape(day(last.date)))</text>"#
            }
        }
        return svg + "</svg>"
    }

    /// Horizontal bars, each drawn between its own minimum and maximum (a profile such as the six signs).
    public static func bars(id: String, title: String, description: String, bars: [Bar], width: Double = 320) -> String {
        let rowHeight = 34.0, labelHeight = 14.0
        let height = Double(bars.count) * rowHeight + 4
        var svg = open(id: id, title: title, description: description, width: width, height: height)
        for (index, bar) in bars.enumerated() {
            let top = Double(index) * rowHeight
            let range = max(bar.maximum - bar.minimum, 0.0001)
            let length = max(0, min(bar.value - bar.minimum, range)) / range * (width - 44)
            svg += #"<text class="chart-label" x="0" y="\#(f(top + labelHeight - 2))">\#(escape(bar.label))</text>"#
            svg += #"<rect class="chart-track" x="0" y="\#(f(top + labelHeight))" width="\#(f(width - 44))" height="12" rx="6"/>"#
            svg += #"<rect class="chart-bar" x="0" y="\#(f(top + labelHeight))" width="\#(f(length))" height="12" rx="6"/>"#
            svg += #"<text class="chart-value" x="\#(f(width))" y="\#(f(top + labelHeight + 11))" text-anchor="end">\#(f(bar.value))</text>"#
        }
        return svg + "</svg>"
    }

    // MARK: - Helpers

    private static func open(id: String, title: String, description: String, width: Double, height: Double) -> String {
        let safe = escape(id)
        return #"<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 \#(f(width)) \#(f(height))" role="img" aria-labelledby="\#(safe)-title \#(safe)-desc">"#
            + #"<title id="\#(safe)-title">\#(escape(title))</title><desc id="\#(safe)-desc">\#(escape(description))</desc>"#
    }

    /// Numbers without trailing zeros, so the SVG is small and stable.
    static func f(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }

    static func day(_ date: Date) -> String {
        var style = Date.FormatStyle(date: .abbreviated, time: .omitted, locale: Locale(identifier: "en_GB"))
        style.timeZone = TimeZone(identifier: "UTC")!
        return date.formatted(style)
    }

    public static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
