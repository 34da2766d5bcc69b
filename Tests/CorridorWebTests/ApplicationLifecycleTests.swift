import CorridorDomain
import CorridorSQLite
import CorridorSQLiteTestSupport
import CorridorStore
import CorridorTestSupport
import CorridorWeb
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// The application `serve` runs, run whole: the server on a real socket with its services (a
/// WAL checkpointer, the read log, the caseload warmer) in one service group, stopped by the
/// graceful shutdown a SIGTERM triggers.
@Suite("The whole application")
struct ApplicationLifecycleTests {
    @Test("Run whole and stopped gracefully, the application answers, keeps the logged read, and hands checkpoints back to SQLite")
    func gracefulStop() async throws {
        let temporary = try TemporarySQLiteStore()
        let store = temporary.store
        try await store.append(records: Scenario.records)
        let tokens = try await TestTokens.issue(in: store, roles: [.officer])
        let checkpointer = try WALCheckpointer(store: store, interval: .milliseconds(5)) { _ in }
        let app = try await buildApplication(
            store: store, configuration: ServerConfiguration(host: "127.0.0.1", port: 0),
            logger: WebWorld<SQLiteEventStore>.logger, clock: { TestClock.instant }, services: [checkpointer])
        let before = try await store.head()

        let status = try await app.test(.live) { client in
            // While the server runs, the checkpointer has taken checkpoints over from the writer.
            var running = try await store.writerAutocheckpoint()
            for _ in 0..<200 where running != 0 {
                try await Task.sleep(for: .milliseconds(10))
                running = try await store.writerAutocheckpoint()
            }
            #expect(running == 0, "the checkpointer service is not running")
            return try await client.execute(
                uri: "/api/v1/cases/V1/records", method: .get,
                headers: [.authorization: "Bearer \(tokens[.officer])"]
            ) { $0.status }
        }

        #expect(status == .ok)
        let appended = try await store.allEvents().filter { $0.seq > before.seq }
        #expect(appended.map(\.type) == ["system.read"], "the logged read was committed before the answer: \(appended.map(\.type))")
        #expect(try await store.verifyChain().isIntact)
        #expect(try await store.writerAutocheckpoint() == 1000, "the stopped checkpointer handed checkpoints back to the writer")
        checkpointer.stop()  // idempotent after the group stopped it
    }
}
