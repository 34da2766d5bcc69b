import CorridorPostgresTestSupport
import CorridorSQLiteTestSupport
import CorridorStore

/// Every store the contract tests run against: the in-memory and SQLite backends of
/// `CorridorSQLiteTestSupport`, and PostgreSQL when `CORRIDOR_TEST_DATABASE_URL` is set (each
/// test in a schema of its own). A test module that runs its suites on every store declares
/// `typealias StoreBackend = EveryStoreBackend`, which shadows
/// `CorridorSQLiteTestSupport.StoreBackend`, so each `arguments: StoreBackend.allCases`
/// includes PostgreSQL; without the variable, `PostgresStoreTests.skipped` reports the skip.
public enum EveryStoreBackend: String, Hashable, Sendable, CustomStringConvertible {
    case inMemory = "in-memory"
    case sqliteFile = "sqlite-file"
    case sqliteMemory = "sqlite-memory"
    case postgres

    public static var allCases: [EveryStoreBackend] {
        [.inMemory, .sqliteFile, .sqliteMemory] + (PostgresTestDatabase.isAvailable ? [.postgres] : [])
    }

    public var description: String { rawValue }

    public func withStore<Result>(_ body: (any EventStore & TokenStore) async throws -> Result) async throws -> Result {
        switch self {
        case .inMemory: try await CorridorSQLiteTestSupport.StoreBackend.inMemory.withStore(body)
        case .sqliteFile: try await CorridorSQLiteTestSupport.StoreBackend.sqliteFile.withStore(body)
        case .sqliteMemory: try await CorridorSQLiteTestSupport.StoreBackend.sqliteMemory.withStore(body)
        case .postgres: try await PostgresTestDatabase.withStore { try await body($0) }
        }
    }
}
