/// One problem with one field of a submitted form or JSON body.
///
/// The same list drives the web form (message beside the field) and the API
/// (`422` problem with an `errors` array), so both say the same thing.
public struct FieldError: Error, Equatable, Sendable, Codable {
    public let field: String
    public let message: String

    public init(_ field: String, _ message: String) {
        self.field = field
        self.message = message
    }
}

extension Array where Element == FieldError {
    /// The first message for a field, for showing beside that field.
    public func message(for field: String) -> String? {
        first { $0.field == field }?.message
    }
}
