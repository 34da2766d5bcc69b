import CorridorSQLite
import CorridorStore
import CorridorTestSupport
import GRDB

/// A ``SQLiteEventStore`` on a file in its own ``TemporaryDirectory``; the directory (database,
/// WAL and shared-memory files) is removed when the value is no longer used.
public struct TemporarySQLiteStore: Sendable {
    public let directory: TemporaryDirectory
    public let store: SQLiteEventStore

    /// The database file's path.
    public var path: String { store.path }

    public init(fileName: String = "corridor.sqlite") throws {
        directory = try TemporaryDirectory(prefix: "corridor-sqlite")
        store = try SQLiteEventStore(path: directory.path(fileName))
    }

    /// A second, independent store on the same database file (as another process would open it).
    public func reopen() throws -> SQLiteEventStore {
        try SQLiteEventStore(path: path)
    }
}

extension SQLiteEventStore {
    /// The writer connection's `wal_autocheckpoint` (0 while a ``WALCheckpointer`` runs).
    public func writerAutocheckpoint() async throws -> Int {
        try await writer.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint") ?? -1 }
    }
}
