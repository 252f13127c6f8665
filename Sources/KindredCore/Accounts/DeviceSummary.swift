/// A rough, human description of a browser or app from its User-Agent, so a person can
/// recognise their own sessions ("Firefox on Android") without us keeping more than that.
public enum DeviceSummary {
    public static func describe(userAgent: String?) -> String {
        guard let ua = userAgent, !ua.isEmpty else { return "Unknown device" }
        let browser: String? =
            if ua.contains("Edg/") { "Edge" }
            else if ua.contains("OPR/") { "Opera" }
            else if ua.contains("Firefox/") { "Firefox" }
            else if ua.contains("Chrome/") || ua.contains("Chromium/") { "Chrome" }
            else if ua.contains("Safari/") { "Safari" }
            else if ua.hasPrefix("curl/") { "curl" }
            else { nil }
        let system: String? =
            if ua.contains("Android") { "Android" }
            else if ua.contains("iPhone") || ua.contains("iPad") { "iOS" }
            else if ua.contains("Mac OS X") || ua.contains("Macintosh") { "macOS" }
            else if ua.contains("Windows") { "Windows" }
            else if ua.contains("CrOS") { "ChromeOS" }
            else if ua.contains("Linux") { "Linux" }
            else { nil }
        switch (browser, system) {
        case let (b?, s?): return "\(b) on \(s)"
        case let (b?, nil): return b
        case let (nil, s?): return "A browser on \(s)"
        default: return "Another app"
        }
    }
}
