import Crypto
import Foundation
import NIOConcurrencyHelpers
import NIOPosix
import SQLKit
import Vapor
import KindredCore

/// The dependencies every handler reaches through `req.kindred`: configuration, the
/// clock and password hashing. Tests swap the clock to walk through time (session
/// timeouts, invite expiry) without waiting.
public final class KindredServices: Sendable {
    public let configuration: KindredConfiguration
    public let clock: Clock
    public let passwords: PasswordService
    public let sessionPolicy: SessionPolicy
    public let tokenPolicy = TokenPolicy()
    public let throttle: SignInThrottle
    /// Instruments, decks and the rest of the content, checked at start-up.
    public let content: ContentLibrary
    /// Seals and opens everything people write.
    public let cipher: TextCipher
    /// Email and Web Push.
    let delivery: Delivery
    /// Wakes this node's reminder scheduler when a notice is queued, so it goes out at once.
    let scheduler = SchedulerSignal()
    /// What `/metrics` reports for this node.
    let metrics = KindredMetrics()
    /// Group commit for answers to the question of the day on SQLite (`GroupCommit`).
    let answerWrites = GroupCommit(lockStatement: KindredServices.answerWritesLock)
    /// Dashboards already built, each under the bond's measure version (`DashboardCards`).
    let dashboards = DashboardCards(capacity: 2048)
    /// Takes SQLite's writer lock for a batch of answers, changing nothing.
    static var answerWritesLock: SQLQueryString { "UPDATE daily_questions SET prompt_id = prompt_id WHERE 1 = 0" }

    /// Loads the Web Push key (and makes it on first run) beside the configuration's data.
    public convenience init(
        configuration: KindredConfiguration, content: ContentLibrary, cipher: TextCipher,
        clock: Clock = .system, throttle: SignInThrottle = .init()
    ) throws {
        self.init(configuration: configuration, content: content, cipher: cipher, clock: clock, throttle: throttle,
                  delivery: try Delivery.live(configuration))
    }

    init(
        configuration: KindredConfiguration, content: ContentLibrary, cipher: TextCipher,
        clock: Clock, throttle: SignInThrottle, delivery: Delivery
    ) {
        self.delivery = delivery
        self.configuration = configuration
        self.content = content
        self.cipher = cipher
        self.clock = clock
        self.passwords = PasswordService(cost: configuration.bcryptCost, queueLimit: configuration.passwordQueueLimit)
        self.sessionPolicy = SessionPolicy(
            idleTimeout: TimeInterval(configuration.sessionIdleMinutes * 60),
            absoluteTimeout: TimeInterval(configuration.sessionAbsoluteHours * 3600)
        )
        self.throttle = throttle
    }

    public var now: Date { clock.now() }
}

/// "Now", injectable. The system clock in production; a settable one in tests.
public struct Clock: Sendable {
    public let now: @Sendable () -> Date
    public init(now: @escaping @Sendable () -> Date) { self.now = now }
    public static let system = Clock { Date() }
}

/// bcrypt on its own threads: hashing takes a quarter of a second at cost 12, and
/// running it on the event loop — or on the pool SQLite uses — would stall everyone.
public final class PasswordService: Sendable {
    private let pool: NIOThreadPool
    private let cost: Int
    /// Hashes waiting or running at most: beyond it, callers are told to come back (503)
    /// rather than queued behind a flood, so sign-ins keep their place.
    private let queueLimit: Int
    private let inFlight = NIOLockedValueBox(0)
    private let made = NIOLockedValueBox(0)
    /// Hashes made since start: every sign-up makes one, whatever its email (a test checks it).
    public var hashesMade: Int { made.withLockedValue { $0 } }
    /// Verified against when the email is unknown, so both paths take as long.
    private let decoyHash: String

    /// bcrypt reads only the first 72 bytes of what it is given, and passwords may be
    /// 128 characters (up to 512 bytes): it is given the password's SHA-256 in base64
    /// (44 bytes) instead, and the stored hash says so with this prefix. A hash without
    /// the prefix is from before and is checked against the password itself.
    static let prehashedPrefix = "sha256$"

    /// Thrown when the hashing queue is full.
    public struct Busy: Error {}

    init(cost: Int, queueLimit: Int = 64) {
        self.cost = cost
        self.queueLimit = queueLimit
        self.pool = NIOThreadPool(numberOfThreads: max(1, System.coreCount))
        self.pool.start()
        self.decoyHash = (try? Self.prehashedPrefix + Bcrypt.hash(Self.prehash("kindred-decoy-password"), cost: cost)) ?? ""
    }

    static func prehash(_ password: String) -> String {
        Data(SHA256.hash(data: Data(password.utf8))).base64EncodedString()
    }

    public func hash(_ password: String) async throws -> String {
        let cost = self.cost
        made.withLockedValue { $0 += 1 }
        return try await queued { try await self.pool.runIfActive { try Self.prehashedPrefix + Bcrypt.hash(Self.prehash(password), cost: cost) } }
    }

    /// Runs one bcrypt, or throws `Busy` when `queueLimit` are already waiting or running.
    private func queued<T: Sendable>(_ work: () async throws -> T) async throws -> T {
        let admitted = inFlight.withLockedValue { count -> Bool in
            guard count < queueLimit else { return false }
            count += 1
            return true
        }
        guard admitted else { throw Busy() }
        defer { inFlight.withLockedValue { $0 -= 1 } }
        return try await work()
    }

    public func verify(_ password: String, against hash: String?) async throws -> Bool {
        let stored = hash ?? decoyHash
        let matched = try await queued { try await self.pool.runIfActive {
            if stored.hasPrefix(Self.prehashedPrefix) {
                return try Bcrypt.verify(Self.prehash(password), created: String(stored.dropFirst(Self.prehashedPrefix.count)))
            }
            return try Bcrypt.verify(password, created: stored)
        } }
        return matched && hash != nil
    }

    func shutdown() async {
        try? await pool.shutdownGracefully()
    }
}

extension Application {
    private struct ServicesKey: StorageKey { typealias Value = KindredServices }

    public var kindred: KindredServices {
        get {
            guard let services = storage[ServicesKey.self] else { fatalError("configure(_:) has not run") }
            return services
        }
        set { storage[ServicesKey.self] = newValue }
    }
}

extension Request {
    public var kindred: KindredServices { application.kindred }
}
