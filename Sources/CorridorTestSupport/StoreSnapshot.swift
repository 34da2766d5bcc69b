import CorridorStore

/// What a store looks like from outside: its chain head, its counts and its state digest.
/// Equal snapshots before and after a refused append prove the store was left unchanged.
public struct StoreSnapshot: Sendable, Equatable, CustomStringConvertible {
    public var head: ChainHead
    public var summary: StoreSummary
    public var digest: StateDigest

    public init(of store: some EventStore) throws {
        head = try store.head()
        summary = try store.summary()
        digest = try store.stateDigest()
    }

    public var description: String {
        "head \(head.seq) \(head.hash.prefix(12))…, \(summary.events) events, \(summary.cases) cases\n\(digest)"
    }
}

extension EventStore {
    /// The store's current ``StoreSnapshot``.
    public func snapshot() throws -> StoreSnapshot { try StoreSnapshot(of: self) }

    /// Every event of the log, in order.
    public func allEvents() throws -> [Event] {
        var events: [Event] = []
        try forEachEvent(from: 1) { events.append($0) }
        return events
    }
}
