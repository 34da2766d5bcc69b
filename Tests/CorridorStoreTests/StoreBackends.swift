import CorridorPostgres
import CorridorPostgresTestSupport
import CorridorSQLiteTestSupport
import CorridorStore

/// The stores this module's contract tests run against: the in-memory and SQLite backends of
/// `CorridorSQLiteTestSupport`, and PostgreSQL when `CORRIDOR_TEST_DATABASE_URL` is set (each
/// test in a schema of its own). It shadows `CorridorSQLiteTestSupport.StoreBackend` here, so
/// every `arguments: StoreBackend.allCases` in this module includes PostgreSQL; without the
/// variable, `PostgresStoreTests.skipped` reports the skip.
enum StoreBackend: Sendable, CustomStringConvertible {
    case local(CorridorSQLiteTestSupport.StoreBackend)
    case postgres

    static var allCases: [StoreBackend] {
        CorridorSQLiteTestSupport.StoreBackend.allCases.map { .local($0) } + (PostgresTestDatabase.isAvailable ? [.postgres] : [])
    }

    var description: String {
        switch self {
        case .local(let backend): backend.description
        case .postgres: "postgres"
        }
    }

    func withStore<Result>(_ body: (any EventStore & TokenStore) async throws -> Result) async throws -> Result {
        switch self {
        case .local(let backend): try await backend.withStore(body)
        case .postgres: try await PostgresTestDatabase.withStore { try await body($0) }
        }
    }
}
