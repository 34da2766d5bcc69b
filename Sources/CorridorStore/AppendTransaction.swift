import CorridorDomain

/// One backend's open write transaction, as ``EventChain`` sees it: the only thing a store
/// writes itself to append. The backend begins it, serialises it against other appends
/// (SQLite: `BEGIN IMMEDIATE`; in memory: a lock), commits it when ``EventChain`` returns and
/// rolls it back when anything throws. Lookups (``StateReader``, ``StateSnapshot``) see the
/// changes made earlier in the same transaction, and throw only when the store cannot answer.
public protocol AppendTransaction: StateReader, StateSnapshot {
    /// The newest event as the transaction began.
    func chainHead() throws -> ChainHead

    /// Writes one event, already numbered, linked and hashed by ``EventChain``.
    /// `recordedAtText` is `event.recordedAt` as stored and hashed (RFC 3339).
    mutating func insert(_ event: Event, recordedAtText: String) throws

    /// Applies one change a record makes to the projections (`seq` is the record's event).
    mutating func apply(_ change: ProjectionChange, seq: Int64) throws

    /// Sets a store setting.
    mutating func putSetting(_ key: String, _ value: String) throws

    /// Notes that what readers see changed with event `seq` (see ``EventStore/changeMarker()``).
    mutating func markChange(_ seq: Int64) throws
}
