import CorridorPostgres
import CorridorPostgresTestSupport
import CorridorSQLiteTestSupport
import CorridorStore

/// The stores this module's contract tests run against: the in-memory and SQLite backends of
/// `CorridorSQLiteTestSupport`, and PostgreSQL when `CORRIDOR_TEST_DATABASE_URL` is set (each
/// test in a schema of its own). It shadows `CorridorSQLiteTestSupport.StoreBackend` here, so
/// every `arguments: StoreBackend.allCases` in this module includes PostgreSQL; without the
/// variable, `PostgresStoreTests.skipped` reports the skip.
enum StoreBackend: String, Hashable, Sendable, CustomStringConvertible {
    case inMemory = "in-memory"
    case sqliteFile = "sqlite-file"
    case sqliteMemory = "sqlite-memory"
    case postgres

    static var allCases: [StoreBackend] {
        [.inMemory, .sqliteFile, .sqliteMemory] + (PostgresTestDatabase.isAvailable ? [.postgres] : [])
    }

    var description: String { rawValue }

    func withStore<Result>(_ body: (any EventStore & TokenStore) async throws -> Result) async throws -> Result {
        switch self {
        case .inMemory: try await CorridorSQLiteTestSupport.StoreBackend.inMemory.withStore(body)
        case .sqliteFile: try await CorridorSQLiteTestSupport.StoreBackend.sqliteFile.withStore(body)
        case .sqliteMemory: try await CorridorSQLiteTestSupport.StoreBackend.sqliteMemory.withStore(body)
        case .postgres: try await PostgresTestDatabase.withStore { try await body($0) }
        }
    }
}
