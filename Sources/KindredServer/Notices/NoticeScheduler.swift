import Foundation
import NIOConcurrencyHelpers
import Vapor

/// The one scheduler each `kindred serve` runs: every few seconds (or at once when a notice
/// is queued on this node) it plans due daily reminders and sends what is due. Several nodes
/// on one PostgreSQL share the work through atomic claims; nothing is sent twice.
enum NoticeScheduler {
    /// This process, for claims (and for reading logs).
    static let node = "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"

    /// Plans and sends once. Returns how many notices went out; failures are logged, not thrown.
    @discardableResult
    static func runOnce(_ app: Application) async -> Int {
        let services = app.kindred
        let outbox = NoticeService(db: app.db, services: services)
        do {
            _ = try await outbox.planDailyReminders()
            let sent = try await NoticeSender(db: app.db, services: services, node: node, baseURL: app.baseURL).sendDue()
            return sent
        } catch {
            app.logger.warning("Reminders: this round failed and will be tried again: \(String(reflecting: error))")
            return 0
        }
    }

    /// Starts the loop; returns the task, cancelled at shutdown.
    static func start(_ app: Application) -> Task<Void, Never>? {
        let seconds = app.kindred.configuration.schedulerSeconds
        guard seconds > 0 else { return nil }
        let signal = app.kindred.scheduler
        return Task.detached {
            var rounds = 0
            while !Task.isCancelled {
                await runOnce(app)
                rounds += 1
                if rounds % 1000 == 1 { try? await NoticeService(db: app.db, services: app.kindred).prune() }
                // Ended sessions and tokens are already refused and unlisted; this only tidies.
                if rounds % 100 == 1 {
                    _ = try? await DeviceService(db: app.db, services: app.kindred).sweep()
                    _ = try? await SignupService(db: app.db, services: app.kindred).sweep()
                }
                await signal.wait(seconds: Double(seconds))
            }
        }
    }
}

/// Wakes a waiting scheduler early. A wake with nobody waiting is remembered once, so a
/// notice queued while a round runs is picked up by the next round at once.
final class SchedulerSignal: Sendable {
    private struct State {
        var pending = false
        var waiter: CheckedContinuation<Void, Never>?
        var generation = 0
    }

    private let state = NIOLockedValueBox(State())

    func wake() {
        let waiter = state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.pending = true
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Returns when woken or after `seconds`, whichever is first.
    func wait(seconds: Double) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let generation = state.withLockedValue { state -> Int? in
                if state.pending {
                    state.pending = false
                    return nil
                }
                state.waiter = continuation
                state.generation += 1
                return state.generation
            }
            guard let generation else { return continuation.resume() }
            Task {
                try? await Task.sleep(for: .seconds(seconds))
                // Only this wait's own timeout may end it, never a later wait's.
                let waiter = self.state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
                    guard state.generation == generation, let waiter = state.waiter else { return nil }
                    state.waiter = nil
                    return waiter
                }
                waiter?.resume()
            }
        }
    }
}
