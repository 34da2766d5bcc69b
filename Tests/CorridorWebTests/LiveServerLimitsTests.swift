import CorridorDomain
import CorridorStore
import CorridorTestSupport
import CorridorWeb
import Dispatch
import Foundation
import Hummingbird
import Logging
import Synchronization
import Testing

/// The real server (`buildApplication`, as `corridor serve` runs it) on a loopback port, under
/// the attacks of an adversarial review: idle and half-sent connections, one client holding
/// many connections, maximal simulations at once, and a request that once crashed it. Through
/// each, `/healthz` keeps answering.
@Suite(.serialized)
struct LiveServerLimitsTests {
    /// Runs `body` with the port of a live server over `store`.
    static func withLiveServer<Store: EventStore & TokenStore, T: Sendable>(
        _ store: Store, simulations: SimulationRunner = SimulationRunner(), logger: Logger = WebWorld<Store>.logger,
        configure: (inout ServerConfiguration) -> Void = { _ in }, _ body: @escaping @Sendable (Int) async throws -> T
    ) async throws -> T {
        let port = try freeLoopbackPort()
        var configuration = ServerConfiguration(host: "127.0.0.1", port: port)
        configure(&configuration)
        let app = try await buildApplication(
            store: store, configuration: configuration, logger: logger,
            clock: { TestClock.instant }, simulations: simulations)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await app.runService(gracefulShutdownSignals: [])
                return nil
            }
            group.addTask {
                var up = false
                for _ in 0..<400 where !up {
                    up = (try? await offPool { try RawHTTP.get(port: port, "/ping", timeout: 2) })?.status == 200
                    if !up { try await Task.sleep(for: .milliseconds(25)) }
                }
                guard up else { throw RawSocket.Failure(description: "the server did not start on port \(port)") }
                return try await body(port)
            }
            defer { group.cancelAll() }
            while let result = try await group.next() {
                if let result { return result }
            }
            throw RawSocket.Failure(description: "the server stopped before the test finished")
        }
    }

    @Test("A connection that sends nothing, or half a request head, is closed after the idle timeout; others are served")
    func idleAndHalfSentConnectionsClose() async throws {
        let world = try await Worlds.scenario()
        try await Self.withLiveServer(world.store, configure: { $0.idleTimeout = .seconds(1) }) { port in
            let (silentClosed, halfClosed, seconds) = try await offPool {
                let started = ContinuousClock.now
                let silent = try RawSocket(port: port, receiveTimeout: 8)
                let half = try RawSocket(port: port, receiveTimeout: 8)
                try half.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
                let first = silent.readUntilClosed(), second = half.readUntilClosed()
                return (first.closed && first.bytes.isEmpty, second.closed, (ContinuousClock.now - started).components.seconds)
            }
            #expect(silentClosed, "a connection sending nothing stayed open")
            #expect(halfClosed, "a connection that sent half a request head stayed open")
            #expect(seconds < 5, "closed after \(seconds) s with a 1 s idle timeout")
            let health = try await offPool { try RawHTTP.get(port: port, "/healthz") }
            #expect(health.status == 200)
        }
    }

    @Test("One client address holding its limit of connections is refused more; another address is served at once")
    func perClientLimit() async throws {
        let world = try await Worlds.scenario()
        let monitor = try #require(world.tokens.secrets[.monitor])
        try await Self.withLiveServer(world.store, configure: { $0.maximumConnectionsPerClient = 4 }) { port in
            try await offPool {
                // The attacker, on 127.0.0.2, opens its four and then a fifth.
                var held = try (0..<4).map { _ in try RawSocket(port: port, source: "127.0.0.2", receiveTimeout: 3) }
                Thread.sleep(forTimeInterval: 0.2)  // the server has counted them
                let extra = try RawSocket(port: port, source: "127.0.0.2", receiveTimeout: 3)
                let started = ContinuousClock.now
                let refused = extra.readUntilClosed()
                #expect(refused.closed && refused.bytes.isEmpty, "a fifth connection from one address was kept open")
                #expect(ContinuousClock.now - started < .seconds(2))
                // Everyone else is still served.
                let health = try RawHTTP.get(port: port, "/healthz")
                #expect(health.status == 200)
                #expect(health.seconds < 0.5)
                // Once one of the four closes, that address may connect again.
                held.removeLast()  // closes it
                var served = false
                for _ in 0..<40 where !served {
                    Thread.sleep(forTimeInterval: 0.05)
                    let again = try RawSocket(port: port, source: "127.0.0.2", receiveTimeout: 3)
                    try again.send("GET /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    served = String(decoding: again.readUntilClosed().bytes, as: UTF8.self).hasPrefix("HTTP/1.1 200")
                }
                #expect(served)
                withExtendedLifetime(held) {}
                // The refusal is counted where operators look.
                let metrics = try RawHTTP.get(port: port, "/metrics", bearer: monitor)
                #expect(metrics.body.contains("corridor_connections_refused_total{reason=\"per-client-limit\"}"), "\(metrics.body.prefix(300))")
            }
        }
    }

    @Test("The request that once crashed the server is a 400, and the server answers afterwards")
    func auditCursorOverflowOnALiveServer() async throws {
        let world = try await Worlds.scenario()
        let monitor = try #require(world.tokens.secrets[.monitor])
        try await Self.withLiveServer(world.store) { port in
            let refused = try await offPool { try RawHTTP.get(port: port, "/api/v1/audit/events?after=9223372036854775807", bearer: monitor) }
            #expect(refused.status == 400)
            #expect(refused.body.contains("query parameter 'after' must be a whole number from 0 to"))
            let health = try await offPool { try RawHTTP.get(port: port, "/healthz") }
            #expect(health.status == 200)
        }
    }

    @Test("Eight maximal simulations at once: a few run, the rest are told to retry, none passes its deadline, /healthz stays fast")
    func simulationsDoNotStallTheServer() async throws {
        let world = try await Worlds.scenario()
        let runner = SimulationRunner(concurrency: 1, queueLength: 2, timeLimit: .seconds(3))
        let (answers, health) = try await Self.withLiveServer(world.store, simulations: runner) { port in
            let path = "/simulate?run=1&runs=20&horizonDays=3650&injunctionsPerYear=52&seed=7"
            // The same probe for a second before, as the baseline of this machine's load.
            let baseline: [Double] = try await offPool {
                var times: [Double] = []
                let until = ContinuousClock.now + .seconds(1)
                while ContinuousClock.now < until {
                    times.append(try RawHTTP.get(port: port, "/healthz").seconds)
                    Thread.sleep(forTimeInterval: 0.05)
                }
                return times
            }
            let probing = ProbeFlag()
            async let healthTimes: [Double] = offPool {
                var times: [Double] = []
                while probing.running {
                    let answer = try RawHTTP.get(port: port, "/healthz")
                    #expect(answer.status == 200)
                    times.append(answer.seconds)
                    Thread.sleep(forTimeInterval: 0.05)
                }
                return times
            }
            let answers = try await withThrowingTaskGroup(of: RawHTTP.Answer.self) { group in
                for _ in 0..<8 { group.addTask { try await offPool { try RawHTTP.get(port: port, path) } } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            probing.stop()
            return (answers, (baseline: baseline, during: try await healthTimes))
        }
        let busy = answers.filter { $0.status == 503 }
        #expect(busy.count == 5, "statuses: \(answers.map(\.status))")
        for answer in busy { #expect(answer.headers.contains("Retry-After: 3") || answer.headers.contains("retry-after: 3")) }
        for answer in answers {
            #expect([200, 400, 503].contains(answer.status), "\(answer.status): \(answer.body.prefix(300))")
            #expect(answer.seconds < 4.5, "a simulation answered after \(answer.seconds) s with a 3 s limit")
        }
        #expect(health.during.count >= 10)
        // A stall is seconds (19 s before the runner). The suite's other tests share the two
        // cores, so probes also wait on the scheduler (single probes of 1.2 s were seen in full
        // runs with PostgreSQL on the same cores): the 95th percentile while simulating must stay
        // under 250 ms or within three times the same probe's just before, and none reach 3 s.
        func p95(_ times: [Double]) -> Double {
            let sorted = times.sorted()
            return sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.95))]
        }
        let before = p95(health.baseline), during = p95(health.during)
        #expect(during < max(0.25, 3 * before), "/healthz p95 \(during) s while simulating, \(before) s before (\(health.during.count) probes)")
        #expect((health.during.max() ?? 0) < 3, "/healthz took up to \(health.during.max() ?? 0) s while the simulations ran")
    }
}

/// Runs blocking socket work on a thread of its own: never on Swift's cooperative pool, nor on
/// Dispatch's global queues, whose few threads the server under test needs to answer.
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread {
            do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
        }.start()
    }
}

/// Set while a background probe should keep going.
final class ProbeFlag: Sendable {
    private let flag = Atomic<Bool>(true)
    var running: Bool { flag.load(ordering: .relaxed) }
    func stop() { flag.store(false, ordering: .relaxed) }
}
