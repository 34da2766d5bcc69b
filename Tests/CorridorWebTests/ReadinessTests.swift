import CorridorDomain
import CorridorSQLite
import CorridorSQLiteTestSupport
import CorridorStore
import CorridorTestSupport
import CorridorWeb
import Hummingbird
import HummingbirdTesting
import Testing

/// `/readyz` tells a load balancer when an instance answers at full speed; `/healthz` stays
/// liveness throughout.
struct ReadinessTests {
    @Test("Before the caseload is in memory /readyz is a 503 problem with Retry-After; once ready, 200; a store it cannot read, 503 again")
    func readinessStates() async throws {
        let temporary = try await TemporarySQLiteStore()
        let world = try await Worlds.scenario(temporary.store)
        // The router alone, without the application's services: nothing warms the caseload
        // until the test says so.
        let state = try await AppState(store: temporary.store, clock: { TestClock.instant }, logger: WebWorld<SQLiteEventStore>.logger)
        let app = Application(router: buildRouter(state: state), logger: WebWorld<SQLiteEventStore>.logger)
        try await app.test(.router) { client in
            let caller = Caller(client: client, tokens: world.tokens, revokedSecret: world.revokedSecret)
            let loading = try await caller.get("/readyz", as: .anonymous)
            #expect(loading.status == .serviceUnavailable)
            #expect(loading.code == "not-ready")
            #expect(loading.headers[.retryAfter] == "1")
            expectWellFormedProblem(loading, "GET /readyz while loading")
            #expect(try await caller.get("/healthz", as: .anonymous).status == .ok)

            state.readiness.markReady()
            let ready = try await caller.get("/readyz", as: .anonymous)
            #expect(ready.status == .ok)
            #expect(ready.json?["status"] == "ready")
            #expect(ready.json?["events"] == .number(Double(try await world.store.head().seq)))

            try await temporary.store.inject(.missingTable("events"))
            let broken = try await caller.get("/readyz", as: .anonymous)
            #expect(broken.status == .serviceUnavailable)
            #expect(broken.code == "store-unavailable")
            #expect(!broken.text.contains("events"), "the body names the store's internals: \(broken.text)")
        }
    }

    @Test("A live server becomes ready by itself once its caseload and figures are in memory")
    func liveServerBecomesReady() async throws {
        let world = try await Worlds.scenario()
        try await LiveServerLimitsTests.withLiveServer(world.store) { port in
            var status = 0
            for _ in 0..<200 where status != 200 {
                status = try await offPool { try RawHTTP.get(port: port, "/readyz") }.status
                #expect(status == 200 || status == 503)
                if status != 200 { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(status == 200, "not ready after 10 s")
        }
    }
}
