import Fluent
import Foundation
import SQLKit

/// Every sealed column, and where the parts of its place (`SealedPlace`) are kept in its row.
/// The migration that binds and seals, and `kindred keys rotate`, walk these; the README's
/// security section lists them, and what stays plain.
struct SealedColumn: Sendable {
    enum Before: Sendable {
        /// Sealed for its purpose only (`kc1`), before issue 11.
        case legacySealed
        /// Plain JSON before issue 11.
        case plain
        /// Sealed and bound from the day its column was made.
        case bornSealed
    }

    let table: String
    let column: String
    let purpose: String
    let owner: String?
    let bond: String?
    let period: String?
    let before: Before

    /// Every sealed column there is. A later issue that seals a new column adds it here; the
    /// issue-11 migration keeps its own list, so it never reaches for a column made after it.
    static let all: [SealedColumn] = sealedInIssue11 + sealedInIssue12 + sealedInIssue13

    /// Rituals (issue 12): sealed from the start.
    static let sealedInIssue12: [SealedColumn] = [
        .init(table: "rituals", column: "title", purpose: Ritual.titlePurpose, owner: nil, bond: "bond_id", period: nil, before: .bornSealed),
        .init(table: "rituals", column: "description", purpose: Ritual.descriptionPurpose, owner: nil, bond: "bond_id", period: nil, before: .bornSealed),
        .init(table: "rituals", column: "schedule", purpose: Ritual.schedulePurpose, owner: nil, bond: "bond_id", period: nil, before: .bornSealed),
        .init(table: "ritual_marks", column: "mark", purpose: RitualMark.purpose, owner: "user_id", bond: "bond_id", period: "day", before: .bornSealed),
        .init(table: "plans", column: "title", purpose: Plan.titlePurpose, owner: nil, bond: "bond_id", period: nil, before: .bornSealed),
        .init(table: "plan_notes", column: "text", purpose: PlanNote.purpose, owner: "user_id", bond: "bond_id", period: nil, before: .bornSealed),
    ]

    /// Repairs and needs and desires (issue 13): sealed from the start.
    static let sealedInIssue13: [SealedColumn] = RepairRow.columns.map {
        .init(table: "repairs", column: $0, purpose: RepairRow.purpose($0), owner: nil, bond: "bond_id", period: nil, before: .bornSealed)
    } + [
        .init(table: "desire_marks", column: "mark", purpose: DesireMark.purpose, owner: "user_id", bond: "bond_id", period: "item_id", before: .bornSealed),
    ]

    /// The columns as issue 11 left them (fixed: the migration that sealed them walks exactly these).
    static let sealedInIssue11: [SealedColumn] = [
        .init(table: "daily_answers", column: "text", purpose: TodayService.answerPurpose, owner: "user_id", bond: "bond_id", period: "day", before: .legacySealed),
        .init(table: "daily_replies", column: "text", purpose: TodayService.replyPurpose, owner: "user_id", bond: "bond_id", period: "day", before: .legacySealed),
        .init(table: "appreciations", column: "text", purpose: AppreciationService.purpose, owner: "from_user_id", bond: "bond_id", period: nil, before: .legacySealed),
        .init(table: "checkins", column: "note", purpose: CheckinService.purpose, owner: "user_id", bond: "bond_id", period: "week", before: .legacySealed),
        .init(table: "checkins", column: "ratings", purpose: CheckinService.ratingsPurpose, owner: "user_id", bond: "bond_id", period: "week", before: .plain),
        .init(table: "saved_safety_checks", column: "sealed", purpose: SafetyService.purpose, owner: "user_id", bond: nil, period: nil, before: .legacySealed),
        .init(table: "assessments", column: "answers", purpose: Assessment.answersPurpose, owner: "user_id", bond: "bond_id", period: nil, before: .plain),
        .init(table: "reactions", column: "reaction", purpose: ReactionRow.purpose, owner: "user_id", bond: "bond_id", period: "target_key", before: .plain),
        .init(table: "bonds", column: "name", purpose: Bond.namePurpose, owner: nil, bond: "id", period: nil, before: .plain),
        .init(table: "assessments", column: "score", purpose: Assessment.scorePurpose, owner: "user_id", bond: "bond_id", period: nil, before: .plain),
    ]

    /// Why this node cannot open what the database holds, if it cannot: a value sealed under a
    /// key that is not configured. One value per column is looked at.
    static func missingKey(on db: any Database, cipher: TextCipher, configuration: KindredConfiguration) async throws -> String? {
        guard let sql = db as? any SQLDatabase else { return nil }
        struct Value: Decodable { let value: String }
        let known = Set(cipher.keys.map(\.id))
        for sealed in all {
            let rows = try await sql.select().column(SQLAlias(SQLIdentifier(sealed.column), as: SQLIdentifier("value")))
                .from(sealed.table).where(SQLIdentifier(sealed.column), .like, SQLBind("kc_:%")).limit(1).all(decoding: Value.self)
            guard let value = rows.first?.value, let id = TextCipher.keyID(of: value), !known.contains(id) else { continue }
            let source = configuration.encryptionKeys == nil
                ? "the key file \((configuration.keyDirectory as NSString).appendingPathComponent(KeyStore.fileName))"
                : "KINDRED_ENCRYPTION_KEY"
            return "The database holds what people wrote sealed under key \(id), which \(source) does not have "
                + "(it has \(known.sorted().joined(separator: ", "))). Kindred will not start: put back the key file from your backup "
                + "(or set KINDRED_KEY_DIR to where it is). If Kindred has just made a new key file there, replace it."
        }
        return nil
    }

    struct Row: Decodable, Sendable {
        let id: UUID
        let value: String?
        let owner: UUID?
        let bond: UUID?
        let period: String?
    }

    func place(of row: Row) -> SealedPlace {
        SealedPlace(purpose: purpose, row: row.id, owner: row.owner, bond: row.bond, period: row.period)
    }

    /// Every row, a page at a time in id order, so a large table never sits in memory at once.
    /// With `skipping`, rows whose value starts with it are left out by the database itself,
    /// so a pass over values already in the wanted form reads almost nothing.
    func walk(on sql: any SQLDatabase, skipping prefix: String? = nil, pageSize: Int = 500, _ body: (Row) async throws -> Void) async throws {
        var after: UUID?
        while true {
            let select = sql.select()
                .column(SQLIdentifier("id"))
                .column(SQLAlias(SQLIdentifier(column), as: SQLIdentifier("value")))
                .column(SQLAlias(owner.map { SQLIdentifier($0) as any SQLExpression } ?? SQLLiteral.null, as: SQLIdentifier("owner")))
                .column(SQLAlias(bond.map { SQLIdentifier($0) as any SQLExpression } ?? SQLLiteral.null, as: SQLIdentifier("bond")))
                .column(SQLAlias(period.map { SQLIdentifier($0) as any SQLExpression } ?? SQLLiteral.null, as: SQLIdentifier("period")))
                .from(table)
                .orderBy("id")
                .limit(pageSize)
            if let after { select.where(SQLIdentifier("id"), .greaterThan, SQLBind(after)) }
            if prefix == TextCipher.prefix + ":" {
                // Start-up's question, "anything not in today's form?", is its partial index's own.
                select.where(SQLRaw(notBound))
            } else if let prefix {
                select.where(SQLIdentifier(column), .notLike, SQLBind(prefix + "%"))
            }
            let rows = try await select.all(decoding: Row.self)
            for row in rows { try await body(row) }
            guard rows.count == pageSize, let last = rows.last else { return }
            after = last.id
        }
    }

    /// Compare-and-set: writes `new` only if the row still holds `old`, so an edit made in the
    /// meantime is never overwritten. Whether it wrote.
    func replace(_ id: UUID, old: String, new: String, on sql: any SQLDatabase) async throws -> Bool {
        struct Changed: Decodable { let id: UUID }
        let changed = try await sql.update(table)
            .set(SQLIdentifier(column), to: SQLBind(new))
            .where(SQLIdentifier("id"), .equal, SQLBind(id))
            .where(SQLIdentifier(column), .equal, SQLBind(old))
            .returning(SQLIdentifier("id"))
            .all(decoding: Changed.self)
        return !changed.isEmpty
    }
}
