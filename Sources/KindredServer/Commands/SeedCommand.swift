import Fluent
import KindredCore
import Vapor

/// `kindred seed --bonds N --days D`: fills an empty database with N active bonds whose
/// history spans D days, for the benchmark. Prints one JSON line with a bearer token of a
/// member of the first bond, so the benchmark can call that bond's hot endpoints.
/// Each later feature adds its own history here, so the benchmark measures real sizes.
struct SeedCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "bonds", help: "How many bonds (default 2000).")
        var bonds: Int?
        @Option(name: "days", help: "How many days of history each bond has (default 365).")
        var days: Int?
    }

    var help: String { "Fill an empty database with synthetic bonds and history (for scripts/bench)." }

    static let password = "bench passphrase for kindred"

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let bondCount = max(1, signature.bonds ?? 2000)
        let days = max(1, signature.days ?? 365)
        let db = app.db
        guard try await User.query(on: db).count() == 0 else {
            throw Abort(.conflict, reason: "The database is not empty; seed a fresh one.")
        }
        // One real bcrypt hash, shared: hashing thousands at cost 12 would take an hour.
        let hash = try await app.kindred.passwords.hash(Self.password)
        let now = app.kindred.now
        let start = now.addingTimeInterval(-Double(days) * 86_400)
        let batch = 250
        var firstBondID: UUID?
        var firstUserID: UUID?
        let progress = ProgressLine()
        for batchStart in stride(from: 0, to: bondCount, by: batch) {
            progress.show("Seeding bonds", done: Int64(batchStart), total: Int64(bondCount))
            let range = batchStart..<min(bondCount, batchStart + batch)
            let firstIDs = try await db.transaction { tx -> (bond: UUID?, user: UUID?) in
                var users: [User] = []
                var bonds: [Bond] = []
                for n in range {
                    for side in ["a", "b"] {
                        let user = User(email: "bench-\(n)-\(side)@example.org", displayName: "Bench \(n)\(side)",
                                        passwordHash: hash, timeZone: n % 2 == 0 ? "Europe/London" : "America/New_York", now: start)
                        user.id = UUID()
                        users.append(user)
                    }
                    let bond = try Bond(kind: BondKind.allCases[n % 3], name: n % 4 == 0 ? "Bond \(n)" : nil, cipher: app.kindred.cipher, now: start)
                    bonds.append(bond)
                }
                try await users.create(on: tx)
                try await bonds.create(on: tx)
                var members: [BondMember] = []
                var invites: [Invite] = []
                for (index, bond) in bonds.enumerated() {
                    let a = users[index * 2].id!, b = users[index * 2 + 1].id!
                    members.append(BondMember(bondID: bond.id!, userID: a, slot: 1, now: start))
                    members.append(BondMember(bondID: bond.id!, userID: b, slot: 2, now: start.addingTimeInterval(3600)))
                    let invite = Invite(bondID: bond.id!, createdBy: a, codeHash: Secrets.sha256(UUID().uuidString), now: start)
                    invite.usedAt = start.addingTimeInterval(3600)
                    invite.usedBy = b
                    invites.append(invite)
                }
                try await members.create(on: tx)
                try await invites.create(on: tx)
                for chunk in try history(bonds: bonds, users: users, from: start, days: days, content: app.kindred.content, cipher: app.kindred.cipher).chunked(500) {
                    try await chunk.create(on: tx)
                }
                return (bonds.first?.id, users.first?.id)
            }
            if firstBondID == nil { (firstBondID, firstUserID) = firstIDs }
        }
        progress.finish()
        guard let firstUserID, let firstBondID, let user = try await User.find(firstUserID, on: db) else { return }
        let (token, _) = try await AccountService(db: db, services: app.kindred).createToken(for: user, name: "bench")
        let line = #"{"token":"\#(token)","bondId":"\#(firstBondID.uuidString.lowercased())","bonds":\#(bondCount),"days":\#(days),"email":"\#(user.email)","password":"\#(Self.password)"}"#
        context.console.print(line)
    }

    /// A year (or `days`) of measuring for each bond, as people really use it: the six-signs
    /// pulse weekly, the EIS and the balance check monthly, CSI-4 and SWLS quarterly, about
    /// half of it shared, and a monthly prediction of the other member's EIS.
    func history(bonds: [Bond], users: [User], from start: Date, days: Int, content: ContentLibrary, cipher: TextCipher) throws -> [Assessment] {
        var generator = SeededGenerator(seed: UInt64(bonds.count) &* 2_654_435_761)
        var results: [Assessment] = []
        let cadence: [(key: String, every: Int)] = [("six-signs", 7), ("eis", 30), ("intimacy-balance", 30), ("csi4", 91), ("swls", 91)]
        for (index, bond) in bonds.enumerated() {
            let people = [users[index * 2], users[index * 2 + 1]]
            for (key, every) in cadence {
                guard let instrument = content.instrument(key), instrument.applies(to: bond.kind) else { continue }
                let items = instrument.items(for: bond.kind)
                for day in stride(from: every, through: days, by: every) {
                    for (side, person) in people.enumerated() {
                        var answers: [String: Int] = [:]
                        for item in items {
                            let scale = instrument.scale(of: item)!
                            answers[item.id] = Int(generator.next() % UInt64(scale.maximum - scale.minimum + 1)) + scale.minimum
                        }
                        let score = try Scorer.score(answers, for: instrument, kind: bond.kind)
                        let takenAt = start.addingTimeInterval(Double(day) * 86_400 + Double(side) * 3_600)
                        let mode: ResultSummary.Mode = key == "eis" && side == 1 && day % 60 == 0 ? .predict : .self
                        results.append(try Assessment(
                            bondID: bond.id!, userID: person.id!, instrument: instrument, mode: mode,
                            shared: mode == .self && generator.next() % 2 == 0, takenAt: takenAt, answers: answers, score: score, cipher: cipher
                        ))
                    }
                }
            }
        }
        return results
    }
}

/// A small deterministic generator, so two seeded databases hold the same history.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed | 1 }
    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }
}

extension Array {
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
