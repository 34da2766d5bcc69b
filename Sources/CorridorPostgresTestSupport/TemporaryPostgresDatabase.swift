import CorridorPostgres
import CorridorStore
import Foundation
import Logging
import PostgresNIO

/// The PostgreSQL database tests run against: the one `CORRIDOR_TEST_DATABASE_URL` names
/// (`scripts/pg.sh start` prints one). Each test gets a schema of its own, made for it and
/// dropped after it, so tests run in parallel on one database without seeing each other.
/// When the variable is unset, PostgreSQL tests are skipped and say so (``skipReason``).
public enum PostgresTestDatabase {
    public static let environmentKey = "CORRIDOR_TEST_DATABASE_URL"

    /// The database, or nil when PostgreSQL tests are skipped. A malformed URL stops the run:
    /// a suite that silently skipped would hide it.
    public static let url: PostgresURL? = {
        guard let text = ProcessInfo.processInfo.environment[environmentKey], !text.isEmpty else { return nil }
        do { return try PostgresURL(text) } catch { fatalError("\(environmentKey): \(error)") }
    }()

    public static var isAvailable: Bool { url != nil }

    public static let skipReason = "PostgreSQL was skipped: \(environmentKey) is not set (scripts/pg.sh start prints a URL to set it to)"

    /// At most this many tests hold a schema (and its connections) at once: Swift Testing runs
    /// every test case in parallel, and the contract suite alone would open more connections
    /// than a throwaway cluster allows (`max_connections`).
    static let slots = TestSlots(16)

    /// Calls `body` with the URL of a new, empty schema, dropped afterwards.
    @discardableResult
    public static func withSchema<Result>(_ body: (PostgresURL) async throws -> Result) async throws -> Result {
        guard let url else { throw StoreError(code: .databaseUnavailable, message: skipReason) }
        await slots.acquire()
        defer { Task { await slots.release() } }
        let schema = "test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try await admin(url) { try await $0.query("CREATE SCHEMA \(unescaped: schema)", logger: logger) }
        do {
            let result = try await body(url.with(schema: schema))
            try await drop(schema, url)
            return result
        } catch {
            try? await drop(schema, url)
            throw error
        }
    }

    /// Calls `body` with a running, migrated store in a new, empty schema.
    @discardableResult
    public static func withStore<Result>(_ body: (PostgresEventStore) async throws -> Result) async throws -> Result {
        try await withSchema { url in
            try await PostgresEventStore.withRunning(url, logger: logger, migrate: true, maximumConnections: 3, body)
        }
    }

    static let logger = Logger(label: "corridor.postgres.tests")

    private static func drop(_ schema: String, _ url: PostgresURL) async throws {
        try await admin(url) { try await $0.query("DROP SCHEMA \(unescaped: schema) CASCADE", logger: logger) }
    }

    /// Runs `body` on a connection of its own (schema management, tampering in tests).
    @discardableResult
    public static func admin<Result>(_ url: PostgresURL, _ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        let connection = try await PostgresConnection.connect(configuration: url.testConnectionConfiguration(), id: 0, logger: logger)
        do {
            let result = try await body(connection)
            try await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }
}

/// A counting semaphore for tasks.
actor TestSlots {
    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(_ count: Int) { free = count }

    func acquire() async {
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty { free += 1 } else { waiting.removeFirst().resume() }
    }
}
