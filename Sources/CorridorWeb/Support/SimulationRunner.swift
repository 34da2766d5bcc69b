import Dispatch
import Synchronization

/// Runs the `/simulate` page's simulations apart from everything else the server does: at most
/// `concurrency` at once, each on one thread of its own (never Swift's cooperative pool, which
/// answers requests), a short queue behind them, and a refusal beyond it. Eight maximal runs
/// at once once took 17–28 s each while `/healthz` waited 19 s; now the ninth visitor is told
/// to come back, and nobody else waits.
public final class SimulationRunner: Sendable {
    /// Simulations running at once (each on one thread).
    public let concurrency: Int
    /// Simulations waiting for a turn; more are refused with ``Busy``.
    public let queueLength: Int
    /// How long a page request may take from its arrival, waiting included.
    public let timeLimit: Duration

    /// All slots and the queue are taken.
    public struct Busy: Error {
        /// Seconds after which a retry is likely to get a turn.
        public var retryAfterSeconds: Int
    }

    private struct State {
        var running = 0
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())
    /// A queue of the runner's own: unlike Dispatch's global queues (about one thread per core,
    /// shared with the server's store reads), it gets a thread of its own for each run.
    public let queue = DispatchQueue(label: "corridor.simulations", qos: .userInitiated, attributes: .concurrent)

    public init(concurrency: Int = 1, queueLength: Int = 2, timeLimit: Duration = .seconds(10)) {
        precondition(concurrency >= 1 && queueLength >= 0)
        self.concurrency = concurrency
        self.queueLength = queueLength
        self.timeLimit = timeLimit
    }

    /// Runs `body` once a slot is free; throws ``Busy`` at once when every slot and the queue are taken.
    public func run<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await acquire()
        defer { release() }
        return try await body()
    }

    /// Running and waiting simulations, for tests and metrics.
    public var load: (running: Int, waiting: Int) { state.withLock { ($0.running, $0.waiting.count) } }

    private enum Admission { case run, wait, refuse }

    private func acquire() async throws {
        let busy = Busy(retryAfterSeconds: Int(timeLimit.components.seconds))
        // Decide under the lock; suspend outside it, registering the continuation under it again
        // (a release in between finds the slot still counted as running for us).
        let admission: Admission = state.withLock { state in
            if state.running < concurrency {
                state.running += 1
                return .run
            }
            return state.waiting.count < queueLength ? .wait : .refuse
        }
        switch admission {
        case .run: return
        case .refuse: throw busy
        case .wait:
            var refused = false
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let enqueued = state.withLock { state -> Bool in
                    if state.running < concurrency {
                        state.running += 1
                        return false
                    }
                    guard state.waiting.count < queueLength else { refused = true; return false }
                    state.waiting.append(continuation)
                    return true
                }
                if !enqueued { continuation.resume() }
            }
            if refused { throw busy }
        }
    }

    /// Hands the slot to the first waiter, or frees it.
    private func release() {
        let next: CheckedContinuation<Void, Never>? = state.withLock { state in
            if state.waiting.isEmpty {
                state.running -= 1
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.resume()
    }
}
