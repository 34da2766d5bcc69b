import CorridorDomain
import CorridorStore
import Dispatch
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Synchronization

/// The store's one writer: a serial dispatch queue (its own thread, like GRDB's writer queue)
/// holding one connection, on which every write transaction runs synchronously (ADR 7). Callers
/// suspend; no event-loop thread and no thread of the cooperative pool ever waits on the database.
///
/// Each transaction takes the append lock (`pg_advisory_xact_lock`) first, so appends from every
/// instance on the database form one chain. A lost connection is dropped and made anew by the
/// next transaction, so the writer recovers by itself when the database returns.
final class PostgresWriter: Sendable {
    private let queue = DispatchQueue(label: "corridor.postgres.writer")
    private let url: PostgresURL
    private let logger: Logger
    /// Touched only on `queue`.
    private nonisolated(unsafe) var connection: BlockingConnection?
    private let nextID = Atomic<Int>(1)
    /// Lookups the prefetch missed, summed over every transaction (for the tests that prove it covers the legal cases).
    let fallbackLookups = Atomic<Int>(0)
    /// Told when the database cannot be reached (the store's reads then fail fast).
    private let onUnavailable: @Sendable () -> Void

    init(url: PostgresURL, logger: Logger, onUnavailable: @escaping @Sendable () -> Void = {}) {
        self.url = url
        self.logger = logger
        self.onUnavailable = onUnavailable
    }

    /// Runs `body` on the writer's queue with a live connection (not in a transaction).
    func run<Result: Sendable>(_ action: String, _ body: @escaping @Sendable (BlockingConnection) throws -> Result) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Swift.Result { try self.withConnection(action, body) })
            }
        }
    }

    /// Runs `body` in one transaction holding the append lock: committed when it returns (after
    /// its pending changes are flushed and readers are notified), rolled back when it throws.
    func transaction<Result: Sendable>(_ body: @escaping @Sendable (PostgresTransaction) throws -> Result) async throws -> Result {
        try await run("writing") { db in
            try db.execute("BEGIN")
            do {
                try db.execute(PostgresSchema.appendLock)
                let transaction = PostgresTransaction(db: db)
                let result = try body(transaction)
                try transaction.flush()
                self.fallbackLookups.add(transaction.fallbackLookups, ordering: .relaxed)
                if let seq = transaction.changedSeq {
                    // Delivered to every listener when (and only if) the transaction commits.
                    try db.query("SELECT pg_notify(\(PostgresEventStore.channel(for: self.url)), \(String(seq)))")
                }
                try db.execute("COMMIT")
                return result
            } catch {
                if !db.isClosed { try? db.execute("ROLLBACK") }
                throw error
            }
        }
    }

    private func withConnection<Result>(_ action: String, _ body: (BlockingConnection) throws -> Result) throws -> Result {
        let db = try connected()
        do {
            return try body(db)
        } catch {
            if db.isClosed {
                connection = nil
                try? db.connection.close().wait()
            }
            let mapped = PostgresFault.map(error, while: action, url: url)
            if let store = mapped as? StoreError, store.code == .databaseUnavailable { onUnavailable() }
            throw mapped
        }
    }

    private func connected() throws -> BlockingConnection {
        if let connection, !connection.isClosed { return connection }
        connection = nil
        do {
            let made = try PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.any(), configuration: url.connectionConfiguration(),
                id: nextID.add(1, ordering: .relaxed).oldValue, logger: logger
            ).wait()
            let db = BlockingConnection(connection: made, logger: logger)
            connection = db
            return db
        } catch {
            onUnavailable()
            throw PostgresFault.unreachable(error, url: url)
        }
    }

    deinit {
        // A store dropped without close() (a CLI command ending): close the connection, and keep
        // it until the channel has closed (PostgresNIO requires a connection be closed before it goes).
        if let db = connection {
            db.connection.close().whenComplete { _ in _ = db }
        }
    }

    /// Closes the connection (at shutdown).
    func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async {
                if let db = self.connection { try? db.connection.close().wait() }
                self.connection = nil
                continuation.resume()
            }
        }
    }
}
