import CorridorDomain
import CorridorStore
import CorridorTestSupport
import Foundation
import Hummingbird
import Logging
import Synchronization
import Testing

@testable import CorridorWeb

/// Issue 16, hardening: failed authentications are limited per client address — 429 with
/// `Retry-After` past the limit, for the API and the pages — in memory that stays bounded.
@Suite("Failed authentications are rate-limited per client address", .serialized)
struct AuthFailureLimitTests {
    /// A clock the test moves by hand.
    final class ManualClock: Sendable {
        private let nanoseconds = Atomic<UInt64>(1_000_000_000)
        var now: @Sendable () -> UInt64 { { [self] in nanoseconds.load(ordering: .relaxed) } }
        func advance(_ duration: Duration) {
            nanoseconds.add(
                UInt64(duration.components.seconds) * 1_000_000_000 + UInt64(duration.components.attoseconds / 1_000_000_000), ordering: .relaxed)
        }
    }

    @Test("A limit of 0 (serve --auth-failure-limit 0, behind a proxy that limits) never limits anyone")
    func limitOff() {
        let limiter = AuthFailureLimiter(policy: .init(failures: 0, window: .seconds(60), maximumAddresses: 100))
        for _ in 0..<1_000 { #expect(limiter.recordFailure("192.0.2.1").limitedNow == false) }
        #expect(limiter.retryAfter("192.0.2.1") == nil)
    }

    @Test("The limit's failure limits its address for the rest of the window (and says so once); other addresses are untouched")
    func limiterWindow() {
        let clock = ManualClock()
        let limiter = AuthFailureLimiter(policy: .init(failures: 3, window: .seconds(60), maximumAddresses: 100), now: clock.now)
        #expect(limiter.recordFailure("10.0.0.1") == .init(limitedNow: false, failures: 1, retryAfter: nil))
        clock.advance(.seconds(10))
        #expect(limiter.recordFailure("10.0.0.1").limitedNow == false)
        #expect(limiter.retryAfter("10.0.0.1") == nil, "limited before the limit")
        let third = limiter.recordFailure("10.0.0.1")
        #expect(third == .init(limitedNow: true, failures: 3, retryAfter: 50), "\(third)")
        #expect(limiter.recordFailure("10.0.0.1").limitedNow == false, "the limit was announced twice in one window")
        #expect(limiter.retryAfter("10.0.0.1") == 50)
        #expect(limiter.retryAfter("10.0.0.2") == nil, "another address is limited too")
        clock.advance(.milliseconds(49_500))
        #expect(limiter.retryAfter("10.0.0.1") == 1, "Retry-After rounds up")
        clock.advance(.seconds(1))
        #expect(limiter.retryAfter("10.0.0.1") == nil, "still limited after the window")
        #expect(limiter.recordFailure("10.0.0.1") == .init(limitedNow: false, failures: 1, retryAfter: nil), "a new window did not start afresh")
    }

    @Test("Memory is bounded: a flood of addresses keeps at most the maximum, and the newest failures still count")
    func limiterBounded() {
        let clock = ManualClock()
        let limiter = AuthFailureLimiter(policy: .init(failures: 2, window: .seconds(60), maximumAddresses: 64), now: clock.now)
        for index in 0..<5_000 {
            limiter.recordFailure("10.1.\(index / 256).\(index % 256)")
            clock.advance(.milliseconds(1))
        }
        #expect(limiter.count <= 64, "\(limiter.count) addresses remembered")
        limiter.recordFailure("10.9.9.9")
        limiter.recordFailure("10.9.9.9")
        #expect(limiter.retryAfter("10.9.9.9") != nil, "a fresh address over its limit is not limited while the table is full")
        // A window's end frees its address, whether or not the table made room since.
        clock.advance(.seconds(61))
        #expect(limiter.retryAfter("10.9.9.9") == nil)
        for index in 0..<64 { limiter.recordFailure("10.2.0.\(index)") }
        #expect(limiter.count <= 64, "\(limiter.count) addresses remembered")
        #expect(limiter.recordFailure("10.2.0.1").failures == 2, "a live address was dropped to make room for expired ones")
    }

    @Test("On the real server: the eleventh bad token from one address is a 429 problem with Retry-After, even with a good token; others are served")
    func liveAPI() async throws {
        let world = try await Worlds.scenario()
        let log = ServerLoggingTests.FileLog()
        let officer = world.tokens[.officer]
        let before = Self.counters()
        try await Self.withLiveServer(world.store, logger: log.logger(level: .info)) { port in
            try await offPool {
                let limit = AuthFailureLimiter.Policy.standard.failures
                for attempt in 1...limit {
                    let bearer = attempt == 1 ? nil : attempt % 2 == 0 ? TestTokens.neverIssued : world.revokedSecret
                    let answer = try RawRequest.send(port: port, source: "127.0.0.2", "GET /api/v1/cases/V1", bearer: bearer)
                    #expect(answer.status == 401, "attempt \(attempt): \(answer.status) \(answer.body)")
                }
                for bearer in [TestTokens.neverIssued, officer] {
                    let limited = try RawRequest.send(port: port, source: "127.0.0.2", "GET /api/v1/cases/V1", bearer: bearer)
                    #expect(limited.status == 429, "\(limited.status) \(limited.body)")
                    #expect(limited.header("content-type") == "application/problem+json")
                    #expect(limited.body.contains(#""code":"too-many-failed-authentications""#), "\(limited.body)")
                    let seconds = try #require(limited.header("retry-after").flatMap { Int($0) }, "no Retry-After: \(limited.head)")
                    #expect((1...60).contains(seconds))
                }
                // An open route without a credential is still served to that address.
                #expect(try RawRequest.send(port: port, source: "127.0.0.2", "GET /healthz").status == 200)
                // Another address, with the good token, is served at once.
                #expect(try RawRequest.send(port: port, source: "127.0.0.3", "GET /api/v1/cases/V1", bearer: officer).status == 200)
            }
        }
        let after = Self.counters()
        #expect(
            after.failures - before.failures >= Double(AuthFailureLimiter.Policy.standard.failures),
            "corridor_auth_failures_total: \(before) → \(after)")
        #expect(after.limited - before.limited >= 2, "corridor_auth_limited_total: \(before) → \(after)")
        log.sink.flushNow()
        let warnings = log.lines.filter { $0.contains("authentication failures limited") }
        #expect(warnings.count == 1, "\(warnings)")
        #expect(warnings.first?.contains("client=127.0.0.2") == true, "\(warnings)")
    }

    @Test("On the real server: pages answer a page — a revoked session cookie and failed sign-ins count; past the limit, 429 with Retry-After")
    func livePages() async throws {
        let world = try await Worlds.scenario()
        let revoked = "corridor_session=\(world.revokedSecret)"
        try await Self.withLiveServer(world.store) { port in
            try await offPool {
                // A browser without a session is only sent to the sign-in form: that is no failure.
                for _ in 0..<15 {
                    #expect(try RawRequest.send(port: port, source: "127.0.0.4", "GET /cases").status == 303)
                }
                // A revoked cookie on an open page is a failure, and the browser is told to forget it.
                let home = try RawRequest.send(port: port, source: "127.0.0.4", "GET /report", headers: ["Cookie: \(revoked)"])
                #expect(home.status == 200)
                #expect(home.head.lowercased().contains("set-cookie: corridor_session=;"), "the stale cookie is not cleared: \(home.head)")
                // Failed sign-ins through the form, with its pre-session cookie and CSRF value.
                let form = try RawRequest.send(port: port, source: "127.0.0.4", "GET /signin")
                let csrf = try #require(Caller.hiddenCSRF(form.body))
                let nonce = try #require(
                    form.head.components(separatedBy: "\r\n").first { $0.lowercased().hasPrefix("set-cookie: corridor_presession=") }
                )
                .split(separator: ":", maxSplits: 1)[1].split(separator: ";")[0].trimmingCharacters(in: .whitespaces)
                let limit = AuthFailureLimiter.Policy.standard.failures
                var statuses: [Int] = []
                for _ in 2...limit + 1 {
                    let body = "csrf=\(csrf)&token=\(TestTokens.neverIssued)&next=%2Fcases"
                    statuses.append(
                        try RawRequest.send(
                            port: port, source: "127.0.0.4", "POST /signin",
                            headers: ["Cookie: \(nonce)", "Content-Type: application/x-www-form-urlencoded"], body: body
                        ).status)
                }
                #expect(statuses == Array(repeating: 401, count: limit - 1) + [429], "\(statuses)")
                let good = "csrf=\(csrf)&token=\(world.tokens[.officer])&next=%2Fcases"
                let limited = try RawRequest.send(
                    port: port, source: "127.0.0.4", "POST /signin",
                    headers: ["Cookie: \(nonce)", "Content-Type: application/x-www-form-urlencoded"], body: good)
                #expect(limited.status == 429, "a good token signed in from a limited address: \(limited.status)")
                #expect(limited.header("content-type")?.hasPrefix("text/html") == true, "\(limited.head)")
                #expect(limited.body.contains("Too many failed sign-ins"), "\(limited.body)")
                #expect(limited.header("retry-after").flatMap { Int($0) } != nil, "\(limited.head)")
                #expect(!limited.head.lowercased().contains("set-cookie: corridor_session=cor_"), "a session was set")
            }
        }
    }

    @Test("The OpenAPI document tells every route that needs a token about the 429 and its Retry-After")
    func documented() async throws {
        let world = try await Worlds.scenario()
        let document = OpenAPIDocument.make(routeSpecs(state: world.state))
        var checked = 0
        for route in routeSpecs(state: world.state) where route.access != .anyone {
            let operation = document["paths"]?[route.path]?[route.method.rawValue.lowercased()]
            #expect(operation?["responses"]?["429"]?["headers"]?["Retry-After"] != nil, "\(RouteProbe.name(route))")
            checked += 1
        }
        #expect(checked > 20)
    }

    /// The process's failed-authentication counters, as /metrics shows them.
    static func counters() -> (failures: Double, limited: Double) {
        let samples = MetricsTests.parse(Observability.registry.emitToString())
        return (
            samples[.init(name: "corridor_auth_failures_total", labels: [:])] ?? 0,
            samples[.init(name: "corridor_auth_limited_total", labels: [:])] ?? 0
        )
    }

    /// Runs `body` with the port of the real server (`buildApplication`) over `store`.
    static func withLiveServer(
        _ store: InMemoryEventStore, logger: Logger = WebWorld<InMemoryEventStore>.logger,
        _ body: @escaping @Sendable (Int) async throws -> Void
    ) async throws {
        try await LiveServerLimitsTests.withLiveServer(store, logger: logger, body)
    }
}

/// One HTTP/1.1 request on a connection of its own, from a chosen loopback address.
enum RawRequest {
    struct Answer: Sendable {
        var status: Int
        var head: String
        var body: String

        /// The first value of a header field (name in any case).
        func header(_ name: String) -> String? {
            for line in head.components(separatedBy: "\r\n").dropFirst() {
                let parts = line.split(separator: ":", maxSplits: 1)
                if parts.count == 2, parts[0].lowercased() == name.lowercased() { return parts[1].trimmingCharacters(in: .whitespaces) }
            }
            return nil
        }
    }

    /// `line` is "METHOD /path".
    static func send(
        port: Int, source: String? = nil, _ line: String, bearer: String? = nil, headers: [String] = [], body: String? = nil
    ) throws -> Answer {
        let socket = try RawSocket(port: port, source: source, receiveTimeout: 30)
        var fields = ["Host: 127.0.0.1", "Connection: close"] + headers
        if let bearer { fields.append("Authorization: Bearer \(bearer)") }
        if let body { fields.append("Content-Length: \(body.utf8.count)") }
        try socket.send("\(line) HTTP/1.1\r\n" + fields.map { $0 + "\r\n" }.joined() + "\r\n" + (body ?? ""))
        let text = String(decoding: socket.readUntilClosed().bytes, as: UTF8.self)
        let parts = text.components(separatedBy: "\r\n\r\n")
        let head = parts.first ?? ""
        let status = head.split(separator: "\r\n").first.flatMap { $0.split(separator: " ").dropFirst().first }.flatMap { Int($0) } ?? 0
        return Answer(status: status, head: head, body: parts.dropFirst().joined(separator: "\r\n\r\n"))
    }
}
