import CorridorStore
import Logging
import NIOCore
import PostgresNIO

/// One PostgreSQL connection used synchronously, from the store's writer queue only (never from
/// an event loop or the cooperative pool): each query waits for its result, so
/// ``EventChain``'s synchronous transaction can run over it (ADR 7).
final class BlockingConnection {
    let connection: PostgresConnection
    let logger: Logger
    /// Round trips made, for tests and the prefetch's accounting.
    private(set) var roundTrips = 0

    init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    var isClosed: Bool { connection.isClosed }

    @discardableResult
    func query(_ query: PostgresQuery) throws -> PostgresQueryResult {
        roundTrips += 1
        return try connection.query(query, logger: logger).wait()
    }

    func execute(_ sql: String) throws {
        try query(PostgresQuery(unsafeSQL: sql))
    }
}
