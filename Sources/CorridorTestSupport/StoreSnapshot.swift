import CorridorStore

/// What a store looks like from outside: its chain head, its counts and its state digest.
/// Equal snapshots before and after a refused append prove the store was left unchanged.
public struct StoreSnapshot: Sendable, Equatable, CustomStringConvertible {
    public var head: ChainHead
    public var summary: StoreSummary
    public var digest: StateDigest

    public init(of store: some EventStore) async throws {
        head = try await store.head()
        summary = try await store.summary()
        digest = try await store.stateDigest()
    }

    public var description: String {
        "head \(head.seq) \(head.hash.prefix(12))…, \(summary.events) events, \(summary.cases) cases\n\(digest)"
    }
}

extension EventStore {
    /// The store's current ``StoreSnapshot``.
    public func snapshot() async throws -> StoreSnapshot { try await StoreSnapshot(of: self) }

    /// Every event of the log, in order.
    public func allEvents() async throws -> [Event] {
        var events: [Event] = []
        for try await event in self.events(from: 1) { events.append(event) }
        return events
    }
}
