import Foundation

/// A typed identifier, so a user id can never be passed where a bond id is expected.
public struct Identifier<Owner>: Hashable, Codable, Sendable, CustomStringConvertible {
    public let rawValue: UUID

    public init(_ rawValue: UUID) { self.rawValue = rawValue }
    public init?(string: String) {
        guard let uuid = UUID(uuidString: string) else { return nil }
        self.rawValue = uuid
    }

    public var description: String { rawValue.uuidString.lowercased() }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(UUID.self)
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

public enum UserTag {}
public enum BondTag {}
public enum InviteTag {}

public typealias UserID = Identifier<UserTag>
public typealias BondID = Identifier<BondTag>
public typealias InviteID = Identifier<InviteTag>
