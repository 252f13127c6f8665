import Fluent
import Foundation
import KindredCore
import SQLKit

/// Models read field by field from a hand-written statement's row (issue 15). Fluent's own
/// decoding finds a model's fields by reflection on every row, which was the largest single
/// cost of the hot reads; these fill each field by name instead. `RowDecodableTests` holds
/// each equal to Fluent's reading, so a column added to a model and not here fails there.
protocol RowDecodable: Model {
    func fill(from columns: Columns) throws
}

/// One row's columns, under a prefix (`b_id`) or their own names.
struct Columns {
    let row: any SQLRow
    let prefix: String

    func callAsFunction<T: Decodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        try row.decode(column: prefix + column, as: T.self)
    }
}

extension RowDecodable {
    init(columns: Columns) throws {
        self.init()
        try fill(from: columns)
        // As Fluent marks a model it read: it exists, so an update or delete is a real one.
        _$id.exists = true
    }
}

struct UnknownValue: Error, CustomStringConvertible {
    let column: String
    var description: String { "\(column) holds a value Kindred does not know" }
}

extension APIToken: RowDecodable {
    func fill(from c: Columns) throws {
        id = try c("id"); $user.id = try c("user_id"); name = try c("name"); tokenHash = try c("token_hash")
        createdAt = try c("created_at"); lastUsedAt = try c("last_used_at"); idleDays = try c("idle_days")
        expiresAt = try c("expires_at"); device = try c("device")
    }
}

extension User: RowDecodable {
    func fill(from c: Columns) throws {
        id = try c("id"); email = try c("email"); displayName = try c("display_name"); passwordHash = try c("password_hash")
        timeZone = try c("time_zone"); wakeAt = try c("wake_at"); sleepAt = try c("sleep_at")
        adultConfirmedAt = try c("adult_confirmed_at"); roleName = try c("role"); practiceName = try c("practice_name")
        credentials = try c("credentials"); createdAt = try c("created_at"); updatedAt = try c("updated_at")
        quickExitSignsOut = try c("quick_exit_signs_out")
    }
}

extension Bond: RowDecodable {
    func fill(from c: Columns) throws {
        id = try c("id")
        guard let kind = BondKind(rawValue: try c("kind")) else { throw UnknownValue(column: "bonds.kind") }
        self.kind = kind
        sealedName = try c("name"); createdAt = try c("created_at"); endedAt = try c("ended_at")
        themeDecks = try c("theme_decks"); themeDepth = try c("theme_depth"); dayClock = try c("day_clock")
        longDistance = try c("long_distance")
    }
}

extension BondMember: RowDecodable {
    func fill(from c: Columns) throws {
        id = try c("id"); $bond.id = try c("bond_id"); $user.id = try c("user_id"); slot = try c("slot")
        joinedAt = try c("joined_at"); homeSeenAt = try c("home_seen_at")
    }
}

extension DailyQuestion: RowDecodable {
    func fill(from c: Columns) throws {
        id = try c("id"); $bond.id = try c("bond_id"); day = try c("day"); promptID = try c("prompt_id")
        createdAt = try c("created_at"); swappedBy = try c("swapped_by"); swappedPromptID = try c("swapped_prompt_id")
    }
}

extension DailyAnswer: RowDecodable {
    func fill(from c: Columns) throws {
        id = try c("id"); $bond.id = try c("bond_id"); day = try c("day"); $user.id = try c("user_id")
        sealedText = try c("text"); createdAt = try c("created_at"); updatedAt = try c("updated_at")
    }
}

extension DailyPass: RowDecodable {
    func fill(from c: Columns) throws {
        id = try c("id"); $bond.id = try c("bond_id"); day = try c("day"); $user.id = try c("user_id"); createdAt = try c("created_at")
    }
}

extension DailyReply: RowDecodable {
    func fill(from c: Columns) throws {
        id = try c("id"); $bond.id = try c("bond_id"); day = try c("day"); $user.id = try c("user_id")
        sealedText = try c("text"); createdAt = try c("created_at")
    }
}

extension ReactionRow: RowDecodable {
    func fill(from c: Columns) throws {
        id = try c("id"); $bond.id = try c("bond_id"); $user.id = try c("user_id"); targetKind = try c("target_kind")
        targetKey = try c("target_key"); sealedReaction = try c("reaction"); createdAt = try c("created_at"); updatedAt = try c("updated_at")
    }
}

extension Assessment: RowDecodable {
    func fill(from c: Columns) throws {
        id = try c("id"); $bond.id = try c("bond_id"); $user.id = try c("user_id"); instrumentKey = try c("instrument_key")
        instrumentVersion = try c("instrument_version"); mode = try c("mode"); shared = try c("shared"); sharedAt = try c("shared_at")
        takenAt = try c("taken_at"); sealedAnswers = try c("answers"); total = try c("total"); sealedScore = try c("score")
        comparedWith = try c("compared_with")
    }
}
