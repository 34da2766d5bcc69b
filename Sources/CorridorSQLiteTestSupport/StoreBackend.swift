import CorridorSQLite
import CorridorStore

/// The ``EventStore`` implementations a contract test runs against. A backend is something
/// that makes an empty `EventStore & TokenStore` and cleans up after the test (a third store
/// adds a case here, or a type with the same `withStore`).
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
    public func withStore<Result>(_ body: (any EventStore & TokenStore) async throws -> Result) async throws -> Result {
        switch self {
        case .inMemory:
            return try await body(InMemoryEventStore())
        case .sqliteMemory:
            return try await body(try SQLiteEventStore())
        case .sqliteFile:
            let temporary = try TemporarySQLiteStore()
            defer { withExtendedLifetime(temporary) {} }
            return try await body(temporary.store)
        }
    }
}
