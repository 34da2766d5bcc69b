import CorridorDomain
import CorridorStore
import NIOCore
import PostgresNIO

/// PostgreSQL's errors as the store reports them: a database that cannot be reached is
/// `database-unavailable` (the server answers 503 with Retry-After and recovers when it
/// returns), any other database error a `storage-fault`. Messages name the host and port,
/// never the password; the driver's own words go to ``StoreError/details`` for the operator.
enum PostgresFault {
    static func map(_ error: any Error, while action: String, url: PostgresURL) -> any Error {
        switch error {
        case is RecordError, is StoreError:
            return error
        case let error as PSQLError:
            let state = error.serverInfo?[.sqlState] ?? ""
            // Connection loss, or the server shutting down or starting (57P01–57P03, class 08).
            if isConnectionLoss(error) || state.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(state) {
                return unreachable(error, url: url)
            }
            let message = error.serverInfo?[.message] ?? "\(error.code)"
            if state == "23505", message.contains("tokens") {
                return StoreError(code: .duplicateToken, message: "a token with this id or secret exists")
            }
            let what: String
            switch state {
            case "53100": what = "the database server's disk is full"
            case "25006": what = "the database is read-only (a standby?)"
            case "57014": what = "the statement was cancelled"
            case "40P01": what = "a deadlock was detected"
            case let s where s.hasPrefix("53"): what = "the database server is out of resources"
            case let s where s.hasPrefix("42"): what = "the database schema is not what this build expects (run `corridor migrate`)"
            default: what = "the database failed (SQLSTATE \(state.isEmpty ? "unknown" : state))"
            }
            return StoreError(code: .storageFault, message: "storage fault while \(action): \(what)", details: "\(url): \(message)")
        case is ChannelError:
            return unreachable(error, url: url)
        default:
            // Anything else is the caller's own (a producer's error): it passes through unchanged.
            return error
        }
    }

    static func isConnectionLoss(_ error: PSQLError) -> Bool {
        switch error.code {
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed: true
        default: false
        }
    }

    /// The database cannot be reached (refused, timed out, closed, authentication refused).
    static func unreachable(_ error: any Error, url: PostgresURL) -> StoreError {
        var reason = "\(error)"
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] {
                reason = message
            } else if let underlying = error.underlying {
                reason = "\(underlying)"
            } else {
                reason = "\(error.code)"
            }
        }
        let lowered = reason.lowercased()
        if lowered.contains("connection refused") {
            reason = "connection refused (is PostgreSQL running and listening there?)"
        } else if lowered.contains("timed out") || lowered.contains("timeout") {
            reason = "the connection timed out"
        } else if lowered.contains("could not resolve") || lowered.contains("name or service not known") {
            reason = "the host name does not resolve"
        }
        return StoreError(
            code: .databaseUnavailable, message: "cannot reach PostgreSQL at \(url.address) (database \(url.database)): \(reason)",
            details: "\(url)")
    }
}
