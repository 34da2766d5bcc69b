import CorridorDomain
import CorridorRules
import CorridorServices
import CorridorStore
import Logging
import Metrics
import Synchronization

/// Everything the routes share: the store, a live in-memory view of it, the read log, the
/// clock, and caches keyed by the view's version.
public final class AppState<Store: EventStore>: Sendable {
    public let store: Store
    public let live: LiveView<Store>
    let readLog: ReadAuditLog<Store>
    public let clock: @Sendable () -> Instant
    let logger: Logger
    private let contexts = Mutex<[String: DestinationContext]>([:])

    public init(store: Store, clock: @escaping @Sendable () -> Instant, logger: Logger) throws {
        self.store = store
        self.live = try LiveView(store: store)
        self.readLog = ReadAuditLog(store: store, clock: clock)
        self.clock = clock
        self.logger = logger
    }

    /// A destination context, shared between requests asking about the same destination,
    /// instant and profile while the network is unchanged.
    func destination(_ code: CountryCode, at instant: Instant, policy: PolicyProfile, state: LiveView<Store>.State) -> DestinationContext {
        let key = "\(code.rawValue)|\(instant.epochMilliseconds)|\(policy.id)|\(state.version)"
        if let cached = contexts.withLock({ $0[key] }) { return cached }
        let context = DestinationContext(destination: code, instant: instant, policy: policy, network: state.network, capacity: state.capacity)
        contexts.withLock { cache in
            if cache.count > 512 { cache.removeAll(keepingCapacity: true) }
            cache[key] = context
        }
        return context
    }

    /// Counts decisions per gate outcome for the metrics endpoint.
    func count(_ decision: Decision) {
        for finding in decision.gates where finding.result != .pass {
            Counter(label: "corridor_gate_results_total", dimensions: [("gate", finding.gate.rawValue), ("result", finding.result.rawValue)]).increment()
        }
        Counter(label: "corridor_decisions_total", dimensions: [("verdict", decision.verdict.rawValue)]).increment()
    }
}
