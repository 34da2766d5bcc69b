import CorridorPostgres
import CorridorStore
import Foundation

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
