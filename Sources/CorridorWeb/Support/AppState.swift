import CorridorDomain
import CorridorRules
import CorridorServices
import CorridorStore
import Dispatch
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
    private struct ContextKey: Hashable {
        var destination: CountryCode
        var instant: Int64
        var policy: String
        var version: Int64
    }

    private let contexts = Mutex<[ContextKey: DestinationContext]>([:])
    let tokens: TokenCache<Store>
    /// Failed authentications per client address (429 past the limit).
    let authFailures: AuthFailureLimiter
    /// The `/simulate` page's runs, kept off the threads that answer requests.
    public let simulations: SimulationRunner
    /// Whether the caseload and the home figures are in memory (see ``Readiness``).
    public let readiness = Readiness()
    /// How event streams pace themselves (tests shorten the heartbeat).
    public let streams: EventStreamSettings
    /// Where webhook subscriptions live (nil for a store that keeps none).
    public let subscriptions: (any SubscriptionStore)?
    /// Where webhooks may go and how they are retried.
    public let webhooks: WebhookSettings
    /// Each counsel's clients, as of the live view's `seq` (see `AppState+Scope.swift`).
    let clientSets = Mutex<[String: (seq: Int64, ids: Set<CaseRecord.ID>)]>([:])

    /// - Parameter staleness: how long (nanoseconds) the in-memory view may answer without
    ///   asking the store whether another process wrote (writes through this server are seen
    ///   at once). The production server uses a few milliseconds; tests use zero.
    /// - Parameter authFailuresPerMinute: failed authentications an address may make in a
    ///   minute before it is answered 429 (0 turns the limit off; see ``AuthFailureLimiter``).
    public init(
        store: Store, tokens: some TokenStore, clock: @escaping @Sendable () -> Instant, logger: Logger, staleness: UInt64 = 0,
        simulations: SimulationRunner = SimulationRunner(), authFailuresPerMinute: Int = AuthFailureLimiter.Policy.standard.failures,
        streams: EventStreamSettings = EventStreamSettings(), webhooks: WebhookSettings = WebhookSettings()
    ) async throws {
        self.store = store
        self.streams = streams
        self.webhooks = webhooks
        // Every store Corridor ships keeps subscriptions; a store without them serves no webhooks.
        self.subscriptions = store as? any SubscriptionStore
        self.live = try await LiveView(store: store, staleness: staleness)
        self.readLog = ReadAuditLog(store: store, clock: clock, logger: logger)
        self.clock = clock
        self.logger = logger
        self.tokens = TokenCache(store: tokens, live: live)
        self.simulations = simulations
        var policy = AuthFailureLimiter.Policy.standard
        policy.failures = authFailuresPerMinute
        self.authFailures = AuthFailureLimiter(policy: policy)
    }

    /// State over a store that keeps its own tokens.
    public convenience init(
        store: Store, clock: @escaping @Sendable () -> Instant, logger: Logger, staleness: UInt64 = 0,
        simulations: SimulationRunner = SimulationRunner(),
        authFailuresPerMinute: Int = AuthFailureLimiter.Policy.standard.failures,
        streams: EventStreamSettings = EventStreamSettings(), webhooks: WebhookSettings = WebhookSettings()
    ) async throws where Store: TokenStore {
        try await self.init(
            store: store, tokens: store, clock: clock, logger: logger, staleness: staleness, simulations: simulations,
            authFailuresPerMinute: authFailuresPerMinute, streams: streams, webhooks: webhooks)
    }

    /// A destination context, shared between requests asking about the same destination,
    /// instant and profile while the network is unchanged.
    func destination(_ code: CountryCode, at instant: Instant, policy: PolicyProfile, state: LiveView<Store>.State) -> DestinationContext {
        let key = ContextKey(destination: code, instant: instant.epochMilliseconds, policy: policy.id, version: state.version)
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
            DecisionCounters.shared.gates[DecisionCounters.Key(gate: finding.gate, result: finding.result)]?.increment()
        }
        DecisionCounters.shared.verdicts[decision.verdict]?.increment()
    }
}

/// Authenticated tokens, remembered for a second so a request does not cost a database lookup.
/// A revocation recorded in the log (by this process or another) empties the cache at the next
/// request, so a revoked token stops working at once.
final class TokenCache<Store: EventStore>: Sendable {
    let store: any TokenStore
    private let live: LiveView<Store>
    private let entries = Mutex<(epoch: Int64, byHash: [String: (info: TokenInfo, checked: UInt64)])>((0, [:]))
    static var lifetimeNanoseconds: UInt64 { 1_000_000_000 }

    init(store: any TokenStore, live: LiveView<Store>) {
        self.store = store
        self.live = live
    }

    /// Whether the token with this id is still live (a stream checks after a revocation).
    func isLive(id: String) async throws -> Bool {
        try await store.tokens().contains { $0.id == id && $0.revokedAt == nil }
    }

    func authenticate(_ secret: String) async throws -> TokenInfo? {
        guard secret.hasPrefix("cor_"), secret.utf8.count == 68 else { return nil }
        let hash = Tokens.hash(secret)
        let now = DispatchTime.now().uptimeNanoseconds
        let store = self.store, live = self.live
        // In the server the live view is usually fresh: then this costs no thread hop.
        let epoch: Int64
        if let fresh = live.peek() { epoch = fresh.tokenEpoch } else { epoch = try await live.current().tokenEpoch }
        if let hit = entries.withLock({ cache -> TokenInfo? in
            if cache.epoch != epoch { cache = (epoch, [:]) }
            guard let entry = cache.byHash[hash], now &- entry.checked < Self.lifetimeNanoseconds else { return nil }
            return entry.info
        }) {
            return hit
        }
        guard let info = try await store.token(hash: hash) else { return nil }
        entries.withLock { cache in
            if cache.byHash.count > 10_000 { cache.byHash.removeAll() }
            cache.byHash[hash] = (info, now)
        }
        return info
    }
}

/// The decision counters, made once (making a swift-metrics counter looks it up in the registry
/// under a lock; per request that showed in profiles).
final class DecisionCounters: Sendable {
    static let shared = DecisionCounters()
    struct Key: Hashable {
        var gate: GateID
        var result: GateResult
    }

    let gates: [Key: Counter]
    let verdicts: [Verdict: Counter]

    private init() {
        var gates: [Key: Counter] = [:]
        for gate in GateID.allCases {
            for result in [GateResult.fail, .pending] {
                gates[Key(gate: gate, result: result)] = Counter(
                    label: "corridor_gate_results_total",
                    dimensions: [("gate", gate.rawValue), ("result", result.rawValue)])
            }
        }
        self.gates = gates
        verdicts = Dictionary(
            uniqueKeysWithValues: Verdict.allCases.map { ($0, Counter(label: "corridor_decisions_total", dimensions: [("verdict", $0.rawValue)])) })
    }
}
