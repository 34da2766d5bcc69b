import CorridorPostgres
import CorridorSQLite
import CorridorStore
import Foundation
import Logging
import ServiceLifecycle

/// Where `--db` (or `CORRIDOR_DATABASE_URL`) puts the store: a SQLite file, or a PostgreSQL
/// database named by a `postgres://` URL.
enum StoreLocation {
    case sqlite(String)
    case postgres(PostgresURL)

    static let environmentKey = "CORRIDOR_DATABASE_URL"
    static let defaultPath = "./corridor.sqlite"

    /// `--db` when given, else `CORRIDOR_DATABASE_URL`, else ./corridor.sqlite. A bad URL is
    /// refused naming what is wrong (never its password).
    static func resolve(_ option: String?) throws -> StoreLocation {
        let text = option ?? ProcessInfo.processInfo.environment[environmentKey].flatMap { $0.isEmpty ? nil : $0 } ?? defaultPath
        guard PostgresURL.isPostgres(text) else { return .sqlite(text) }
        do { return .postgres(try PostgresURL(text)) } catch let error as StoreError { throw CLIError(error.message) }
    }

    /// For messages, logs and `status`: the path, or the URL without its password.
    var description: String {
        switch self {
        case .sqlite(let path): path
        case .postgres(let url): url.description
        }
    }
}

/// What `serve` runs beside the server for its store: SQLite's WAL checkpointer, or the
/// PostgreSQL store itself (its change listener) with the stream of other instances' commits.
struct ServedStore {
    let store: AnyStore
    /// Services to run before the server's own (so they stop after it).
    let services: [any Service]
    /// Change markers other instances commit (PostgreSQL's NOTIFY), for the live view.
    let changes: AsyncStream<Int64>?
    /// Called when serving ends.
    let stop: @Sendable () -> Void

    /// Opens the store for serving: PostgreSQL is migrated first (instances starting together
    /// migrate one at a time); a database that cannot be reached is one message naming host and port.
    static func open(_ location: StoreLocation, logger: Logger) async throws -> ServedStore {
        do {
            switch location {
            case .sqlite(let path):
                let store = try SQLiteEventStore(path: path)
                // Checkpoints run on their own connection, so no request waits for the disk to
                // flush the log into the database (see WALCheckpointer).
                let checkpointer = try WALCheckpointer(store: store) { problem in logger.warning("\(problem)") }
                return ServedStore(store: AnyStore(store), services: [checkpointer], changes: nil, stop: { checkpointer.stop() })
            case .postgres(let url):
                let store = try await PostgresEventStore.open(url, logger: logger, migrate: true)
                return ServedStore(store: AnyStore(store), services: [store], changes: store.changes(), stop: {})
            }
        } catch let error as StoreError {
            throw CLIError(error.forOperator)
        }
    }
}
