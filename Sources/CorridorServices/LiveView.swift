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
        /// The caseload holds every case record and fact up to this seq (it may run ahead of
        /// `seq` when it was loaded after the view last looked).
        public var caseloadSeq: Int64 = 0
        /// How the caseload was loaded (nil until it is).
        public var caseloadSource: CaseloadAtRest.Loaded.Source?
        /// Whether the load was exact (see ``CaseloadAtRest/Loaded/exact``): only then is the
        /// caseload written as an image.
        public var caseloadExact = false
        /// The seq of the newest caseload image this view wrote or started from.
        public var imageSeq: Int64?
    }

    public let store: Store
    /// The state readers see: swapped whole under the lock, never held across a read of the store.
    private let state: Mutex<State>
    /// The last update queued (see ``serially(_:)``): updates run one after another, outside the lock.
    private let tail = Mutex<Task<Void, Never>?>(nil)
    /// When the store was last asked whether anything changed (uptime nanoseconds).
    private let lastLook = Atomic<UInt64>(0)
    /// How long (nanoseconds) an answer may be reused before asking the store again. Writes
    /// made through this process call ``invalidate()``; other processes' writes are seen within
    /// this window (and within a second by ``follow(every:)``). Zero asks every time.
    public let staleness: UInt64

    /// Reads the network, transfers and active profile.
    public init(store: Store, staleness: UInt64 = 0) async throws {
        self.store = store
        self.staleness = staleness
        let policy = try PolicyLibrary.profile(try await store.setting(TransferRules.activePolicyKey) ?? PolicyLibrary.defaultID)
        state = Mutex(State(policy: policy))
        try await refresh()
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
    public func current() async throws -> State {
        try await refresh()
        return state.withLock { $0 }
    }

    /// The current state with the caseload loaded (loading it on first use, from the caseload
    /// at rest when the store keeps an image).
    public func withCaseload() async throws -> State {
        try await refresh()
        if state.withLock({ $0.caseload == nil }) {
            try await serially {
                guard self.state.withLock({ $0.caseload == nil }) else { return }
                // Updates are serial, so nothing else changes the state while this loads. A load
                // that a concurrent `case` record made inexact is tried once more.
                var loaded = try await CaseloadAtRest.load(self.store)
                for _ in 0..<2 where !loaded.exact { loaded = try await CaseloadAtRest.load(self.store) }
                let result = loaded
                self.state.withLock {
                    $0.caseload = result.caseload
                    $0.caseloadSeq = result.seq
                    $0.caseloadSource = result.source
                    $0.caseloadExact = result.exact
                    if case .image(let imageSeq, _) = result.source { $0.imageSeq = imageSeq }
                }
            }
            try await refresh(force: true)
        }
        return state.withLock { $0 }
    }

    /// Writes the caseload in memory as the store's image when the records since the last image
    /// (or a rebuild from the log) make one worth writing; returns the image's seq when it
    /// wrote one. The server calls it once ready and then from time to time.
    @discardableResult
    public func writeImageIfDue(tailLimit: Int = CaseloadAtRest.tailLimit) async throws -> Int64? {
        let view = state.withLock { $0 }
        guard let caseload = view.caseload, view.caseloadSeq == view.seq else { return nil }
        if let imageSeq = view.imageSeq, view.caseloadSeq - imageSeq <= Int64(tailLimit) { return nil }
        // The view's caseload is exact at its seq only if the load was (see ``CaseloadAtRest``);
        // a view whose first load was not exact never writes.
        guard view.caseloadExact else { return nil }
        try await CaseloadAtRest.save(caseload, seq: view.caseloadSeq, to: store)
        state.withLock { $0.imageSeq = view.caseloadSeq }
        return view.caseloadSeq
    }

    /// Follows writes made by other processes: asks the store every `interval` whether
    /// anything changed, until the task is cancelled (the server runs it as a service).
    public func follow(every interval: Duration = .seconds(1)) async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: interval) } catch { return }
            // A failed look (the store briefly unavailable) is retried on the next tick; the
            // requests that need the store report the fault themselves.
            try? await refresh()
        }
    }

    /// Runs `work` after every update queued before it: updates never overlap, and none holds
    /// a lock while it reads the store. A caller that is cancelled stops waiting; the update
    /// itself still completes (a half-applied update is never kept: each swaps in whole).
    private func serially(_ work: @escaping @Sendable () async throws -> Void) async throws {
        let task: Task<Void, any Error> = tail.withLock { tail in
            let previous = tail
            let task = Task {
                await previous?.value
                try await work()
            }
            tail = Task { _ = try? await task.value }
            return task
        }
        try await task.value
    }

    /// Applies the events appended since the last look (the first look loads in bulk).
    public func refresh(force: Bool = false) async throws {
        let now = DispatchTime.now().uptimeNanoseconds
        if !force, now &- lastLook.load(ordering: .relaxed) < staleness { return }
        lastLook.store(now, ordering: .relaxed)
        // Reads of personal records are logged as events too; they change nothing a reader
        // sees, so the cheap change marker (which ignores them) decides whether to look.
        let marker = try await store.changeMarker()
        guard force || marker != state.withLock({ $0.marker }) else { return }
        try await serially {
            guard force || marker != self.state.withLock({ $0.marker }) else { return }
            try await self.update(marker: marker)
        }
    }

    /// Reads what changed into a copy of the state and swaps it in (only `serially`).
    private func update(marker: Int64) async throws {
        var working = state.withLock { $0 }
        let head = try await store.head()
        working.marker = marker
        if working.seq == 0 {
            working.network = try await store.network()
            working.transfers = try await store.transfers()
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
        // Changed below while the published state still shares it: the changes land in the
        // caseload's own overflow and chunked arrays, so sharing costs a chunk, not a copy.
        working.caseload = nil
        for try await event in store.events(from: working.seq + 1) {
            working.seq = event.seq
            if event.type == "system.policy-use" { policyChanged = true; continue }
            if event.type == "system.token-revoked" { working.tokenEpoch += 1; continue }
            guard let kind = Record.Kind(rawValue: event.type) else { continue }
            switch kind {
            case .country, .arrangement, .arrangementStatus, .courtOrder, .courtOrderLift:
                networkChanged = true
                working.network.apply(try event.record())
            case .transfer, .manifestAdd, .manifestStrike, .transferLock, .transferDepart, .transferArrive, .transferCancel:
                transfersChanged = true
            case .caseRecord, .order, .claim, .designation, .notice, .fear, .screening, .disposition:
                // Records the caseload already holds (it was loaded after the view last looked) are skipped.
                guard caseload != nil, event.seq > working.caseloadSeq else { continue }
                caseload!.apply(try event.record())
                working.caseloadSeq = event.seq
            }
        }
        if transfersChanged {
            working.transfers = try await store.transfers()
            working.capacity = CapacityUsage(transfers: working.transfers)
        }
        if policyChanged {
            working.policy = try PolicyLibrary.profile(try await store.setting(TransferRules.activePolicyKey) ?? PolicyLibrary.defaultID)
        }
        if transfersChanged || networkChanged || policyChanged { working.version += 1 }
        if caseload != nil { working.caseloadSeq = Swift.max(working.caseloadSeq, working.seq) }
        working.caseload = caseload
        state.withLock { $0 = working }
    }
}
