import CorridorDomain
import CorridorRules
import CorridorStore
import Dispatch
import Synchronization

/// An in-memory view of the store kept current by reading only the events appended since it
/// last looked: the network, the transfers, the active profile and (once asked for) the whole
/// caseload. A server answers from it without re-reading the database per request, and sees
/// writes made by any process.
public final class LiveView<Store: EventStore>: Sendable {
    public struct State: Sendable {
        public var seq: Int64 = 0
        /// The store's change marker when the view was last brought up to date.
        public var marker: Int64 = -1
        public var network = Network()
        public var transfers: [TransferView] = []
        public var capacity = CapacityUsage()
        public var policy: PolicyProfile
        /// Bumped whenever the network, transfers or policy change: keys derived caches.
        public var version: Int64 = 0
        /// Bumped whenever a token is revoked: keys token caches.
        public var tokenEpoch: Int64 = 0
        public var caseload: Caseload?
    }

    public let store: Store
    private let state: Mutex<State>
    private let refreshing = Mutex(())
    /// When the store was last asked whether anything changed (uptime nanoseconds).
    private let lastLook = Atomic<UInt64>(0)
    /// How long (nanoseconds) an answer may be reused before asking the store again. Writes
    /// made through this process call ``invalidate()``; other processes' writes are seen within
    /// this window. Zero asks every time.
    public let staleness: UInt64

    public init(store: Store, staleness: UInt64 = 0) throws {
        self.store = store
        self.staleness = staleness
        let policy = try PolicyLibrary.profile(try store.setting(TransferRules.activePolicyKey) ?? PolicyLibrary.defaultID)
        state = Mutex(State(policy: policy))
        try refresh()
    }

    /// The state without asking the store, when the last look is recent enough (within
    /// ``staleness``); nil when the caller must ``current()`` (which may read the store).
    public func peek() -> State? {
        guard staleness > 0, DispatchTime.now().uptimeNanoseconds &- lastLook.load(ordering: .relaxed) < staleness else { return nil }
        return state.withLock { $0 }
    }

    /// Makes the next read ask the store (after a write made through this process).
    public func invalidate() { lastLook.store(0, ordering: .relaxed) }

    /// The current state (refreshing first if the log has grown).
    public func current() throws -> State {
        try refresh()
        return state.withLock { $0 }
    }

    /// The current state with the caseload loaded (loading it on first use).
    public func withCaseload() throws -> State {
        try refresh()
        if state.withLock({ $0.caseload == nil }) {
            try refreshing.withLock { _ in
                guard state.withLock({ $0.caseload == nil }) else { return }
                // Load exactly what the view has seen; later records arrive with the next refresh.
                let seen = state.withLock { $0.seq }
                let loaded = try RulesService(store: store).loadCaseload(through: seen)
                state.withLock { $0.caseload = loaded }
            }
            try refresh()
        }
        return state.withLock { $0 }
    }

    /// Applies the events appended since the last look (the first look loads in bulk).
    public func refresh(force: Bool = false) throws {
        let now = DispatchTime.now().uptimeNanoseconds
        if !force, now &- lastLook.load(ordering: .relaxed) < staleness { return }
        lastLook.store(now, ordering: .relaxed)
        // Reads of personal records are logged as events too; they change nothing a reader
        // sees, so the cheap change marker (which ignores them) decides whether to look.
        let marker = try store.changeMarker()
        guard force || marker != state.withLock({ $0.marker }) else { return }
        try refreshing.withLock { _ in
            var working = state.withLock { $0 }
            guard force || marker != working.marker else { return }
            let head = try store.head()
            working.marker = marker
            if working.seq == 0 {
                working.network = try store.network()
                working.transfers = try store.transfers()
                working.capacity = CapacityUsage(transfers: working.transfers)
                working.seq = head.seq
                working.version += 1
                state.withLock { $0 = working }
                return
            }
            var transfersChanged = false
            var networkChanged = false
            var policyChanged = false
            var caseload = working.caseload
            working.caseload = nil  // so the caseload is not copied when it is modified below
            try store.forEachEvent(from: working.seq + 1) { event in
                working.seq = event.seq
                if event.type == "system.policy-use" { policyChanged = true; return }
                if event.type == "system.token-revoked" { working.tokenEpoch += 1; return }
                guard let kind = Record.Kind(rawValue: event.type) else { return }
                switch kind {
                case .country, .arrangement, .arrangementStatus, .courtOrder, .courtOrderLift:
                    networkChanged = true
                    working.network.apply(try event.record())
                case .transfer, .manifestAdd, .manifestStrike, .transferLock, .transferDepart, .transferArrive, .transferCancel:
                    transfersChanged = true
                case .caseRecord:
                    guard caseload != nil, case .caseRecord(let person) = try event.record() else { return }
                    if var existing = caseload!.facts(person.id) {
                        existing.person = person
                        caseload!.insert(existing)
                    } else {
                        caseload!.insert(CaseFacts(person: person))
                    }
                case .order, .claim, .designation, .notice, .fear, .screening, .disposition:
                    guard caseload != nil else { return }
                    caseload!.add(try event.record())
                }
            }
            if transfersChanged {
                working.transfers = try store.transfers()
                working.capacity = CapacityUsage(transfers: working.transfers)
            }
            if policyChanged {
                working.policy = try PolicyLibrary.profile(try store.setting(TransferRules.activePolicyKey) ?? PolicyLibrary.defaultID)
            }
            if transfersChanged || networkChanged || policyChanged { working.version += 1 }
            working.caseload = caseload
            state.withLock { $0 = working }
        }
    }
}
