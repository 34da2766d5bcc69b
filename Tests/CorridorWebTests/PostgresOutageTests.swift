import CorridorDomain
import CorridorPostgres
import CorridorPostgresTestSupport
import CorridorStore
import CorridorTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import PostgresNIO
import Testing

/// The server over PostgreSQL when the database goes away: requests that need it answer 503
/// with `Retry-After` (never a 500, never the database's address), and the same server answers
/// again by itself when the database returns. The outage is real: the test's own database stops
/// accepting connections and its sessions are ended.
@Suite("PostgreSQL outage through the API")
struct PostgresOutageTests {
    @Test("The database refusing connections is 503 with Retry-After; the server recovers by itself", .enabled(if: PostgresTestDatabase.isAvailable))
    func outage() async throws {
        let base = try #require(PostgresTestDatabase.url)
        let name = "outage_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        let logger = Logger(label: "test")
        try await PostgresTestDatabase.admin(base) { try await $0.query("CREATE DATABASE \(unescaped: name)", logger: logger) }
        do {
            try await run(base: base, name: name, logger: logger)
        } catch {
            try? await drop(name, base: base, logger: logger)
            throw error
        }
        try await drop(name, base: base, logger: logger)
    }

    private func drop(_ name: String, base: PostgresURL, logger: Logger) async throws {
        try await PostgresTestDatabase.admin(base) { try await $0.query("DROP DATABASE IF EXISTS \(unescaped: name) WITH (FORCE)", logger: logger) }
    }

    private func run(base: PostgresURL, name: String, logger: Logger) async throws {
        let url = base.with(database: name, schema: nil)
        let store = try await PostgresEventStore.open(url)
        let world = try await Worlds.scenario(store)
        @Sendable func setConnections(_ allowed: Bool) async throws {
            try await PostgresTestDatabase.admin(base) { connection in
                try await connection.query(
                    "ALTER DATABASE \(unescaped: name) WITH ALLOW_CONNECTIONS \(unescaped: allowed ? "true" : "false")", logger: logger)
                if !allowed {
                    try await connection.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = \(name)", logger: logger)
                }
            }
        }
        @Sendable func record(_ id: String) -> JSONValue {
            [TestRecords.caseRecord(id, nationalities: ["CUB"]), TestRecords.order(id, kind: "final", on: "2025-02-01")]
        }

        try await world.test { caller in
            #expect(try await caller.send(.post, "/api/v1/records", as: .role(.officer), json: record("UP-1")).status == .created)

            try await setConnections(false)
            let down = try await caller.send(.post, "/api/v1/records", as: .role(.officer), json: record("DOWN-1"))
            #expect(down.status == .serviceUnavailable, "\(down)")
            #expect(down.isProblem)
            #expect(down.code == "store-unavailable")
            #expect(down.headers[.retryAfter] != nil)
            for leak in ["127.0.0.1", name, "postgres", "PSQL"] {
                #expect(!down.text.contains(leak), "the body reveals '\(leak)': \(down.text)")
            }

            try await setConnections(true)
            var status = HTTPResponse.Status.serviceUnavailable
            let started = ContinuousClock.now
            while status != .created, ContinuousClock.now - started < .seconds(15) {
                try await Task.sleep(for: .milliseconds(200))
                status = try await caller.send(.post, "/api/v1/records", as: .role(.officer), json: record("BACK-1")).status
            }
            #expect(status == .created, "the server did not recover within 15 s of the database's return")
        }
        #expect(try await store.verifyChain().isIntact)
        #expect(try await store.caseEvents("DOWN-1").isEmpty)
        await store.close()
    }
}
