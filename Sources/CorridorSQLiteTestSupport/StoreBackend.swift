import CorridorSQLite
import CorridorStore

/// The ``EventStore`` implementations a contract test runs against.
public enum StoreBackend: String, CaseIterable, Sendable, CustomStringConvertible {
    /// ``InMemoryEventStore``.
    case inMemory = "in-memory"
    /// ``SQLiteEventStore`` on a temporary file (a `DatabasePool` in WAL mode).
    case sqliteFile = "sqlite-file"
    /// ``SQLiteEventStore`` in memory (a `DatabaseQueue`), as `audit replay` uses.
    case sqliteMemory = "sqlite-memory"

    public var description: String { rawValue }

    /// Calls `body` with a new, empty store of this kind; a file-backed store's directory is
    /// removed afterwards.
    public func withStore<Result>(_ body: (any EventStore) throws -> Result) throws -> Result {
        switch self {
        case .inMemory:
            return try body(InMemoryEventStore())
        case .sqliteMemory:
            return try body(try SQLiteEventStore())
        case .sqliteFile:
            let temporary = try TemporarySQLiteStore()
            return try withExtendedLifetime(temporary) { try body(temporary.store) }
        }
    }
}
