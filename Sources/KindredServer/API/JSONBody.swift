import Foundation
import KindredCore
import Vapor

/// Any JSON value, decoded strictly (a number is never a boolean, nor the reverse).
enum JSONValue: Decodable, Equatable {
    case null, bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }
}

/// A request body read as a loose JSON object, so that malformed JSON (400) and
/// missing or wrong fields (422, one error per field) get different, precise answers —
/// which decoding straight into a `Codable` type cannot give.
struct JSONBody {
    let object: [String: JSONValue]
    private(set) var errors: [FieldError] = []

    /// An empty body reads as `{}`, so each required field is named as missing — unless
    /// the operation needs a body at all (`required`), when its absence is a 400.
    init(_ req: Request, required: Bool = false) throws {
        guard let buffer = req.body.data, buffer.readableBytes > 0 else {
            if required { throw Problem(status: .badRequest, detail: "Send a JSON object in the body.") }
            object = [:]
            return
        }
        let parsed: JSONValue
        do {
            parsed = try JSONDecoder().decode(JSONValue.self, from: Data(buffer.readableBytesView))
        } catch {
            throw Problem(status: .badRequest, detail: "The body is not valid JSON.")
        }
        guard case .object(let dictionary) = parsed else {
            throw Problem(status: .badRequest, detail: "The body must be a JSON object.")
        }
        object = dictionary
    }

    func has(_ field: String) -> Bool { object[field] != nil }

    /// A required string; records "is required" or "must be a string".
    mutating func string(_ field: String) -> String {
        guard has(field) else {
            errors.append(FieldError(field, "\(field) is required."))
            return ""
        }
        return optionalString(field) ?? ""
    }

    /// An optional string. Absent means nil; `null` means nil only where the contract
    /// allows it (`nullable`), and is otherwise a mistake worth naming.
    mutating func optionalString(_ field: String, nullable: Bool = false) -> String? {
        switch object[field] {
        case nil: return nil
        case .null? where nullable: return nil
        case .string(let value)?: return value
        default:
            errors.append(FieldError(field, "\(field) must be a string."))
            return nil
        }
    }

    mutating func optionalBool(_ field: String) -> Bool? {
        switch object[field] {
        case nil: return nil
        case .bool(let value)?: return value
        default:
            errors.append(FieldError(field, "\(field) must be true or false."))
            return nil
        }
    }

    /// Adds problems found by domain rules, keeping only the first per field.
    mutating func add(_ more: [FieldError]) {
        for error in more where !errors.contains(where: { $0.field == error.field }) {
            errors.append(error)
        }
    }

    /// Throws a 422 naming every field with a problem, if there is any.
    func validate() throws {
        if !errors.isEmpty { throw Problem.invalid(errors) }
    }
}
