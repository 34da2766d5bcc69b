import ArgumentParser
import CorridorDomain
import CorridorSQLite
import CorridorStore
import Foundation

/// Options every command that touches the store shares.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The SQLite database file.", valueName: "path"))
    var db: String = "./corridor.sqlite"

    func open() throws -> SQLiteEventStore {
        do { return try SQLiteEventStore(path: db) } catch let error as StoreError {
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
