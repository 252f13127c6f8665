import Foundation

/// Where a request came from, as the sign-in throttle counts it.
public enum ClientAddress {
    /// The client behind `hops` trusted proxies: each proxy appends the address it received
    /// the request from to `X-Forwarded-For`, so the client is the entry `hops` from the end —
    /// across every `X-Forwarded-For` header, in order. Anything before it was written by the
    /// client itself and proves nothing. nil when there are fewer entries than proxies.
    public static func forwarded(_ headerValues: [String], hops: Int) -> String? {
        guard hops > 0 else { return nil }
        let entries = headerValues.flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard entries.count >= hops else { return nil }
        return entries[entries.count - hops]
    }

    /// The key the throttle counts by: an IPv4 address as it is, an IPv6 address by its /64 —
    /// one home or phone usually holds a whole /64, so counting single addresses would let one
    /// client try from billions of them.
    public static func throttleKey(_ address: String) -> String {
        let bare = address.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        guard bare.contains(":"), let groups = expandIPv6(bare) else { return address }
        return groups.prefix(4).joined(separator: ":") + "::/64"
    }

    /// The eight 16-bit groups of an IPv6 address, or nil if it is not one.
    static func expandIPv6(_ text: String) -> [String]? {
        let withoutZone = text.split(separator: "%", maxSplits: 1).first.map(String.init) ?? text
        let halves = withoutZone.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [String]? {
            if part.isEmpty { return [] }
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard pieces.allSatisfy({ (1...4).contains($0.count) && $0.allSatisfy(\.isHexDigit) }) else { return nil }
            return pieces.map { String(repeating: "0", count: 4 - $0.count) + $0.lowercased() }
        }
        guard let head = groups(halves[0]) else { return nil }
        if halves.count == 1 { return head.count == 8 ? head : nil }
        guard let tail = groups(halves[1]), head.count + tail.count < 8 else { return nil }
        return head + Array(repeating: "0000", count: 8 - head.count - tail.count) + tail
    }
}
