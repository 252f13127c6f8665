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
        for batchStart in stride(from: 0, to: bondCount, by: batch) {
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
                    let bond = Bond(kind: BondKind.allCases[n % 3], name: n % 4 == 0 ? "Bond \(n)" : nil, now: start)
                    bond.id = UUID()
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
                return (bonds.first?.id, users.first?.id)
            }
            if firstBondID == nil { (firstBondID, firstUserID) = firstIDs }
        }
        guard let firstUserID, let firstBondID, let user = try await User.find(firstUserID, on: db) else { return }
        let (token, _) = try await AccountService(db: db, services: app.kindred).createToken(for: user, name: "bench")
        let line = #"{"token":"\#(token)","bondId":"\#(firstBondID.uuidString.lowercased())","bonds":\#(bondCount),"days":\#(days),"email":"\#(user.email)","password":"\#(Self.password)"}"#
        context.console.print(line)
    }
}
