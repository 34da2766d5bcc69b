import CorridorDomain
import CorridorRules
import CorridorStore
import Synchronization

/// An in-memory view of the store kept current by reading only the events appended since it
/// last looked: the network, the transfers, the active profile and (once asked for) the whole
/// caseload. A server answers from it without re-reading the database per request, and sees
/// writes made by any process.
public final class LiveView<Store: EventStore>: Sendable {
    public struct State: Sendable {
        public var seq: Int64 = 0
        public var network = Network()
        public var transfers: [TransferView] = []
        public var capacity = CapacityUsage()
        public var policy: PolicyProfile
        /// Bumped whenever the network, transfers or policy change: keys derived caches.
        public var version: Int64 = 0
        public var caseload: Caseload?
    }

    public let store: Store
    private let state: Mutex<State>
    private let refreshing = Mutex(())

    public init(store: Store) throws {
        self.store = store
        let policy = try PolicyLibrary.profile(try store.setting(TransferRules.activePolicyKey) ?? PolicyLibrary.defaultID)
        state = Mutex(State(policy: policy))
        try refresh()
    }

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
        let head = try store.head()
        guard force || head.seq != state.withLock({ $0.seq }) else { return }
        try refreshing.withLock { _ in
            var working = state.withLock { $0 }
            guard force || head.seq != working.seq else { return }
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
