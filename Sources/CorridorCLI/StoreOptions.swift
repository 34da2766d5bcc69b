import ArgumentParser
import CorridorDomain
import CorridorPostgres
import CorridorSQLite
import CorridorStore
import Foundation

/// Options every command that touches the store shares.
struct StoreOptions: ParsableArguments {
    @Option(
        name: .customLong("db"),
        help: ArgumentHelp(
            "The store: a SQLite database file, or a PostgreSQL database as postgres://user[:password]@host[:port]/database[?sslmode=disable|prefer|require|verify-full]. Default: $CORRIDOR_DATABASE_URL, else ./corridor.sqlite.",
            valueName: "path-or-url"))
    var dbOption: String?

    /// Where the store is: `--db`, else `CORRIDOR_DATABASE_URL`, else ./corridor.sqlite.
    func location() throws -> StoreLocation { try StoreLocation.resolve(dbOption) }

    /// The store's name for messages and logs: the file, or the URL without its password.
    var db: String { (try? location().description) ?? dbOption ?? StoreLocation.defaultPath }

    /// Opens the store. A PostgreSQL database must be reachable and migrated (`corridor
    /// migrate`; `serve` migrates by itself); failures name the host and port, never the password.
    func open() async throws -> AnyStore {
        do {
            switch try location() {
            case .sqlite(let path): return AnyStore(try SQLiteEventStore(path: path))
            case .postgres(let url): return AnyStore(try await PostgresEventStore.open(url, migrate: false))
            }
        } catch let error as StoreError {
            throw CLIError(error.forOperator)
        }
    }
}

/// A failure to report to the person at the terminal: printed as `corridor: message`, exit 1.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

/// The clock and identity at the edge: commands stamp what they record with these.
enum Edge {
    static func now() -> Instant { Instant(epochMilliseconds: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))) }

    static func context(actor: String? = nil) -> AppendContext {
        let user = ProcessInfo.processInfo.environment["USER"] ?? ProcessInfo.processInfo.userName
        return AppendContext(actor: actor ?? "cli:\(user)", recordedAt: now())
    }

    /// Writes to standard error.
    static func printError(_ message: String) {
        FileHandle.standardError.write(Data((TerminalText.escaped(message) + "\n").utf8))
    }
}

/// Progress lines on standard error.
struct StderrProgress: ProgressReporter {
    func report(_ message: String) { Edge.printError(message) }
}

/// Runs store work, turning refusals into messages that say nothing was recorded.
func reportingRefusals<T>(_ action: String, _ body: () async throws -> T) async throws -> T {
    do { return try await body() } catch let error as RecordError {
        throw CLIError("\(action) refused, nothing was recorded: \(error.description)")
    } catch let error as StoreError {
        throw CLIError("\(action) failed, nothing was recorded: \(error.forOperator)")
    }
}

extension StoreError {
    /// The message with the internals behind it (SQLite's own words): the person at the terminal
    /// runs the store, so they get what the server would only log.
    var forOperator: String { details.map { "\(message) (\($0))" } ?? message }
}
