import CorridorDomain
import CorridorStore
import Logging
import ServiceLifecycle
import Synchronization

/// Logs reads of personal records as chained `system.read` events before the response is
/// sent, committing many reads in one transaction (group commit): under load, one disk flush
/// serves every request that arrived while the previous one was being written.
///
/// One flusher task at a time drains the pending reads, a batch per store call (it suspends
/// while the store commits; reads arriving meanwhile form the next batch). As a `Service` it
/// outlives the server in the group: at a graceful shutdown it waits for the flusher, which
/// commits every read still pending, before it returns.
final class ReadAuditLog<Store: EventStore>: Service, Sendable {
    private struct Pending {
        var event: SystemEvent
        var actor: String
        var continuation: CheckedContinuation<Void, any Error>
    }

    private let store: Store
    private let clock: @Sendable () -> Instant
    private let logger: Logger
    /// A commit slower than this is logged as a warning: every logged read waits for it.
    private let slowCommit: Duration
    /// Reads waiting for a commit, and the task committing them (nil when there is none).
    private let pending = Mutex<(items: [Pending], flusher: Task<Void, Never>?)>(([], nil))

    init(store: Store, clock: @escaping @Sendable () -> Instant, logger: Logger, slowCommit: Duration = .milliseconds(100)) {
        self.store = store
        self.clock = clock
        self.logger = logger
        self.slowCommit = slowCommit
    }

    /// Records that `principal` read `caseID` through `route`; returns once it is committed.
    func record(_ principal: Principal, caseID: CaseRecord.ID, route: String, detail: [String: JSONValue] = [:]) async throws {
        var payload = detail
        payload["case"] = .string(caseID.rawValue)
        payload["route"] = .string(route)
        payload["role"] = .string(principal.role.rawValue)
        payload["token"] = .string(principal.tokenID)
        let event = SystemEvent(type: "system.read", payload: .object(payload))
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            pending.withLock { state in
                state.items.append(Pending(event: event, actor: principal.actor, continuation: continuation))
                // Started under the lock, so the flusher cannot look before it is registered.
                if state.flusher == nil { state.flusher = Task { await self.flush() } }
            }
        }
    }

    /// Waits for the group's graceful shutdown, then for every pending read to be committed.
    func run() async throws {
        try? await gracefulShutdown()
        // The flusher under way commits everything that arrived before it finds nothing left.
        while let flusher = pending.withLock({ $0.flusher }) { await flusher.value }
    }

    private func flush() async {
        while true {
            let batch = pending.withLock { state -> [Pending] in
                let items = state.items
                state.items = []
                if items.isEmpty { state.flusher = nil }
                return items
            }
            guard !batch.isEmpty else { return }
            do {
                let started = ContinuousClock.now
                try await store.appendSystemEvents(batch.map { ($0.event, $0.actor) }, at: clock())
                let elapsed = ContinuousClock.now - started
                if elapsed > slowCommit {
                    logger.warning(
                        "slow read-log commit: the reads waiting for it were delayed",
                        metadata: [
                            "ms": "\(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)",
                            "reads": "\(batch.count)",
                        ])
                }
                for item in batch { item.continuation.resume() }
            } catch {
                for item in batch { item.continuation.resume(throwing: error) }
            }
        }
    }
}
