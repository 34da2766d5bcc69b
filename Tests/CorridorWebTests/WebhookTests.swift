import CorridorDomain
import CorridorSQLite
import CorridorSQLiteTestSupport
import CorridorStore
import CorridorTestSupport
import CorridorWeb
import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// Issue #15: webhook subscriptions, signed per Standard Webhooks, delivered at least once in
/// seq order, retried with backoff, resumed after a restart, and never sent to internal addresses.
@Suite("Webhooks")
struct WebhookTests {
    // MARK: Pure parts

    @Test("Signatures match the Standard Webhooks specification's own test vector")
    func signatureVector() {
        let signature = WebhookSignature.sign(
            id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: Array(#"{"test": 2432232314}"#.utf8),
            secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        #expect(signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        let secret = WebhookSignature.newSecret()
        #expect(secret.hasPrefix("whsec_") && WebhookSignature.key(secret)?.count == 32)
        #expect(WebhookSignature.sign(id: "1", timestamp: 1, body: [], secret: "not-a-secret") == nil)
    }

    @Test(
        "Address ranges: loopback, private, link-local and metadata are refused unless allowed; public addresses pass",
        arguments: [
            ("127.0.0.1", false), ("10.0.0.1", false), ("169.254.169.254", false), ("172.16.5.4", false), ("192.168.1.1", false),
            ("100.64.0.1", false), ("0.0.0.0", false), ("::1", false), ("fe80::1", false), ("fd00:ec2::254", false),
            ("::ffff:10.0.0.1", false), ("::ffff:127.0.0.1", false), ("224.0.0.1", false),
            ("93.184.215.14", true), ("8.8.8.8", true), ("2606:4700::1111", true), ("172.32.0.1", true),
        ])
    func addressPolicy(_ address: String, _ permitted: Bool) throws {
        let bytes = try #require(IPAddress.parse(address), "\(address) does not parse")
        #expect((WebhookAddressPolicy().refusal(bytes) == nil) == permitted, "\(address)")
        if !permitted {
            let loopbackAllowed = WebhookAddressPolicy(allowed: [AddressRange("127.0.0.0/8")!, AddressRange("::1")!])
            let isLoopback = ["127.0.0.1", "::1", "::ffff:127.0.0.1"].contains(address)
            #expect((loopbackAllowed.refusal(bytes) == nil) == isLoopback, "\(address) with loopback allowed")
        }
    }

    @Test("CIDR text is parsed strictly")
    func cidr() {
        #expect(AddressRange("10.0.0.0/8")?.description == "10.0.0.0/8")
        #expect(AddressRange("10.1.2.3/8")?.description == "10.0.0.0/8")
        #expect(AddressRange("fe80::/10")?.contains(IPAddress.parse("fe80::abcd")!) == true)
        for bad in ["", "10.0.0.0/33", "10.0.0/8", "::/129", "localhost", "10.0.0.0/-1", "10.0.0.0/8/8", "10.0.0.0/ 8"] {
            #expect(AddressRange(bad) == nil, "'\(bad)'")
        }
    }

    @Test("Retries back off exponentially with jitter, up to the maximum")
    func backoff() {
        let settings = WebhookSettings(initialDelay: .seconds(1), maximumDelay: .seconds(60))
        #expect(settings.delay(afterFailures: 1, random: 0.999) <= .seconds(1) && settings.delay(afterFailures: 1, random: 0) == .milliseconds(500))
        #expect(settings.delay(afterFailures: 4, random: 0.999) <= .seconds(8) && settings.delay(afterFailures: 4, random: 0) == .seconds(4))
        #expect(settings.delay(afterFailures: 40, random: 0.999) <= .seconds(60) && settings.delay(afterFailures: 40, random: 0) == .seconds(30))
        #expect(settings.delay(afterFailures: 1_000_000, random: 0.5) <= .seconds(60))
    }

    @Test("A subscription's lease lets one holder deliver at a time, until it is given up or runs out", arguments: [true, false])
    func lease(_ sqlite: Bool) async throws {
        let temporary = try TemporarySQLiteStore()
        let store: any SubscriptionStore = sqlite ? temporary.store : InMemoryEventStore()
        let owner = Subscription.Owner(tokenID: "tok_x", name: "x", role: .monitor, counsel: nil)
        try await store.createSubscription(
            Subscription(
                id: "sub_lease", url: "https://example.org/", types: nil, cases: nil,
                secret: WebhookSignature.newSecret(), owner: owner, createdAt: TestClock.instant,
                progress: .init(acknowledged: 0)))
        let now = TestClock.instant
        #expect(try await store.lease("sub_lease", holder: "a", until: now.adding(milliseconds: 30_000), now: now))
        #expect(try await !store.lease("sub_lease", holder: "b", until: now.adding(milliseconds: 30_000), now: now))
        #expect(try await store.lease("sub_lease", holder: "a", until: now.adding(milliseconds: 30_000), now: now), "the holder renews")
        #expect(
            try await store.lease("sub_lease", holder: "b", until: now.adding(milliseconds: 90_000), now: now.adding(milliseconds: 30_000)),
            "a lease that ran out is taken over")
        try await store.releaseLease("sub_lease", holder: "a")  // not a's any more: nothing changes
        #expect(try await !store.lease("sub_lease", holder: "a", until: now.adding(milliseconds: 60_000), now: now.adding(milliseconds: 40_000)))
        try await store.releaseLease("sub_lease", holder: "b")
        #expect(try await store.lease("sub_lease", holder: "a", until: now.adding(milliseconds: 60_000), now: now.adding(milliseconds: 40_000)))
    }

    // MARK: Subscriptions

    @Test(
        "A subscription to an internal address is refused (422, naming why) and nothing is stored",
        arguments: [
            "http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/", "http://127.0.0.1:9/hook", "http://[::1]/hook",
            "http://[::ffff:10.0.0.1]/", "http://localhost/hook", "http://0.0.0.0/",
        ])
    func ssrfRefused(_ url: String) async throws {
        let world = try await Worlds.scenario()
        try await world.test { caller in
            let before = try await world.store.head()
            let reply = try await caller.send(.post, "/api/v1/subscriptions", as: .role(.counsel), json: ["url": .string(url)])
            expectProblem(reply, .unprocessableContent, code: "forbidden-address", url)
            #expect(reply.detail?.contains("--webhook-allow") == true, "\(reply)")
            #expect(try await world.store.head() == before)
            #expect(try await world.state.subscriptions!.subscriptions().isEmpty)
        }
    }

    @Test(
        "Bad subscription bodies are refused naming the field",
        arguments: [
            (#"{"url": "ftp://example.org/"}"#, "invalid-url"), (#"{"url": "http://user:pw@example.org/"}"#, "invalid-url"),
            (#"{"url": "not a url"}"#, "invalid-url"), (#"{}"#, "invalid-field"),
            (#"{"url": "https://example.org/", "types": ["nonsense"]}"#, "invalid-field"),
            (#"{"url": "https://example.org/", "cases": ["C1"]}"#, "invalid-field"),
            (#"{"url": "https://example.org/", "extra": 1}"#, "invalid-field"),
            (#"{"url": "https://example.org/", "types": []}"#, "invalid-field"),
        ])
    func badBodies(_ body: String, _ code: String) async throws {
        let world = try await Worlds.scenario()
        try await world.test { caller in
            let reply = try await caller.send(.post, "/api/v1/subscriptions", as: .role(.counsel), text: body)
            expectProblem(reply, .unprocessableContent, code: code, body)
        }
    }

    // MARK: Delivery to a real receiver

    static let allowLoopback = WebhookSettings(
        addresses: WebhookAddressPolicy(allowed: [AddressRange("127.0.0.0/8")!]),
        initialDelay: .milliseconds(100), maximumDelay: .milliseconds(400), poll: .milliseconds(30),
        connectTimeout: .seconds(2), requestTimeout: .seconds(3))

    static func wallClock() -> Instant { Instant(epochMilliseconds: Int64((Date().timeIntervalSince1970 * 1_000).rounded(.down))) }

    /// Runs a delivery worker over `state` until `body` returns (as `serve` runs it, then stopped).
    static func withDeliverer<Store: EventStore, T: Sendable>(
        _ state: AppState<Store>, settings: WebhookSettings = allowLoopback,
        _ body: () async throws -> T
    ) async throws -> T {
        let deliverer = WebhookDeliverer(
            state: state, subscriptions: state.subscriptions!, settings: settings, now: { wallClock() },
            logger: WebWorld<Store>.logger)
        let task = Task { try await deliverer.run() }
        defer { task.cancel() }
        let result = try await body()
        task.cancel()
        _ = await task.result
        return result
    }

    /// Waits (up to 10 s) until the store records delivery through `seq`.
    static func waitForAcknowledgement<Store: EventStore>(_ state: AppState<Store>, _ id: String, through seq: Int64) async throws {
        for _ in 0..<200 {
            if let saved = try await state.subscriptions!.subscription(id: id), saved.progress.acknowledged >= seq { return }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Whether `delivery` is signed with `secret` as Standard Webhooks says (recomputed here with
    /// swift-crypto, not with the server's own code).
    static func verify(_ delivery: WebhookReceiver.Delivery, secret: String) -> Bool {
        guard let key = Data(base64Encoded: String(secret.dropFirst("whsec_".count))) else { return false }
        let mac = HMAC<SHA256>.authenticationCode(
            for: Data("\(delivery.id).\(delivery.timestamp).\(delivery.body)".utf8), using: SymmetricKey(data: key))
        return delivery.signature == "v1," + Data(mac).base64EncodedString()
    }

    @Test(
        "A counsel's subscription gets their client's manifest addition, signed; a receiver failing twice gets it on the third try; a restart repeats nothing acknowledged and loses nothing"
    )
    func deliveryRetryAndRestart() async throws {
        let temporary = try TemporarySQLiteStore()
        let world = try await Worlds.scenario(temporary.store, webhooks: Self.allowLoopback)
        let receiver = WebhookReceiver(port: try freeLoopbackPort(), answers: [500, 500])
        try await receiver.start()
        let (subscription, secret) = try await world.test { caller -> (String, String) in
            let reply = try await caller.send(
                .post, "/api/v1/subscriptions", as: .role(.counsel),
                json: ["url": .string("http://127.0.0.1:\(receiver.port)/hook")])
            #expect(reply.status == .created, "\(reply)")
            let json = try #require(reply.json)
            return (try #require(json["id"]?.stringValue), try #require(json["secret"]?.stringValue))
        }
        #expect(secret.hasPrefix("whsec_"))

        // Through the API, as a supervisor would: the counsel's client V3 onto T1.
        let added = try await world.test { caller in
            try await caller.send(.post, "/api/v1/records", as: .role(.supervisor), json: TestRecords.manifestAdd("T1", "V3"))
        }
        #expect(added.status == .created, "\(added)")
        let seq = try await #require(try await world.store.allEvents().last { $0.type == "manifest-add" }?.seq)

        let first = try await Self.withDeliverer(world.state) {
            let received = try await receiver.waitFor(3)
            // Stopped only once the third answer is recorded as acknowledged (a stop before that
            // would rightly deliver it again: at least once).
            try await Self.waitForAcknowledgement(world.state, subscription, through: seq)
            return received
        }
        try #require(first.count == 3, "deliveries: \(first.map(\.answered))")
        #expect(first.map(\.answered) == [500, 500, 200])
        #expect(Set(first.map(\.id)) == [String(seq)], "webhook-id is the event's seq on every try")
        #expect(first.allSatisfy { Self.verify($0, secret: secret) }, "a delivery is not signed with the subscription's secret")
        let body = try #require(try? JSONParser.parse(first[2].body))
        #expect(body["type"] == "manifest-add" && body["data"]?["cases"] == ["V3"] && body["data"]?["transfer"]?["id"] == "T1")
        #expect(body["data"]?["verdict"]?["verdict"] != nil, "the delivery carries the person's verdict: \(body)")

        let status = try await world.test { caller in try await caller.getJSON("/api/v1/subscriptions", as: .role(.counsel)) }
        let listed = try #require(status["subscriptions"]?.arrayValue?.first)
        #expect(listed["id"] == .string(subscription) && listed["acknowledged"] == .number(Double(seq)) && listed["status"] == "active")
        #expect(listed["deliveries"]?.arrayValue?.map { $0["status"] ?? .null } == [.number(200), .number(500), .number(500)], "\(listed)")
        #expect(listed["secret"] == nil, "the secret is shown only at creation")

        // Down: the receiver stops; meanwhile more happens to the client (and to someone else).
        await receiver.stop()
        try await world.store.append(records: [
            Scenario.notice("V3", "SLV", servedOn: "2025-06-20T09:00:00Z"),
            Scenario.notice("C1", "CRI", servedOn: "2025-06-20T09:00:00Z"),
            TestRecords.manifestStrike("T1", "V3", reason: "withdrawn pending the notice period"),
        ])
        let expected = try await world.store.allEvents().filter {
            $0.seq > seq && ["notice", "manifest-strike"].contains($0.type) && $0.payload.contains("\"V3\"")
        }.map(\.seq)
        try #require(expected.count == 2)

        // A new process over the same file: the worker fails while the receiver is down, then delivers when it is back.
        let reopened = try SQLiteEventStore(path: temporary.store.path)
        let state = try await AppState(
            store: reopened, clock: { TestClock.instant }, logger: WebWorld<SQLiteEventStore>.logger, webhooks: Self.allowLoopback)
        let second = try await Self.withDeliverer(state) {
            // A refused connection fails an attempt once the client gives up connecting (its connect timeout).
            var failed: [DeliveryAttempt] = []
            for _ in 0..<200 where failed.isEmpty {
                try await Task.sleep(for: .milliseconds(50))
                failed = try await state.subscriptions!.deliveries(subscription: subscription, limit: 50).filter {
                    !$0.acknowledged && $0.seq == expected[0]
                }
            }
            #expect(!failed.isEmpty && failed.allSatisfy { $0.status == nil }, "attempts while the receiver was down are logged as failures")
            try await receiver.start()
            let received = try await receiver.waitFor(5)
            try await Self.waitForAcknowledgement(state, subscription, through: expected[1])
            return received
        }
        let after = second.dropFirst(3)
        #expect(after.map(\.id) == expected.map(String.init), "after the restart: \(after.map(\.id)); expected \(expected)")
        #expect(!after.contains { $0.id == String(seq) }, "an acknowledged delivery was repeated")
        #expect(!after.contains { $0.body.contains("\"C1\"") }, "someone else's notice was delivered to counsel")
        #expect(after.allSatisfy { Self.verify($0, secret: secret) })
        let saved = try await state.subscriptions!.subscription(id: subscription)
        #expect((saved?.progress.acknowledged ?? 0) >= expected[1] && saved?.progress.failingSince == nil)
        await receiver.stop()
    }

    @Test("Every delivery checks the address again: a subscription made while loopback was allowed is refused once it is not, and nothing is sent")
    func refusedAtDelivery() async throws {
        let world = try await Worlds.scenario(InMemoryEventStore(), webhooks: Self.allowLoopback)
        let receiver = WebhookReceiver(port: try freeLoopbackPort())
        try await receiver.start()
        let id = try await world.test { caller -> String in
            let reply = try await caller.send(
                .post, "/api/v1/subscriptions", as: .role(.monitor), json: ["url": .string("http://127.0.0.1:\(receiver.port)/hook")])
            return try #require(reply.json?["id"]?.stringValue, "\(reply)")
        }
        try await world.store.append(records: [Scenario.notice("V3", "SLV", servedOn: "2025-06-20T09:00:00Z")])
        var strict = Self.allowLoopback
        strict.addresses = WebhookAddressPolicy()
        try await Self.withDeliverer(world.state, settings: strict) { try await Task.sleep(for: .milliseconds(500)) }
        #expect(receiver.deliveries.isEmpty)
        let attempts = try await world.state.subscriptions!.deliveries(subscription: id, limit: 10)
        #expect(!attempts.isEmpty && attempts.allSatisfy { $0.error?.contains("loopback") == true }, "\(attempts)")
        await receiver.stop()
    }

    @Test("Subscriptions belong to their token: others cannot see or delete them; deleting stops deliveries")
    func ownership() async throws {
        let world = try await Worlds.scenario(InMemoryEventStore(), webhooks: Self.allowLoopback)
        try await world.test { caller in
            let made = try await caller.send(
                .post, "/api/v1/subscriptions", as: .role(.counsel), json: ["url": "http://127.0.0.1:9/hook", "cases": ["V1"]])
            let id = try #require(made.json?["id"]?.stringValue, "\(made)")
            #expect(try await caller.getJSON("/api/v1/subscriptions", as: .role(.officer))["count"] == .number(0))
            expectProblem(try await caller.send(.delete, "/api/v1/subscriptions/\(id)", as: .role(.officer)), .notFound, code: "unknown-subscription")
            #expect(try await caller.getJSON("/api/v1/subscriptions", as: .role(.admin))["count"] == .number(1))
            #expect(try await caller.send(.delete, "/api/v1/subscriptions/\(id)", as: .role(.counsel)).status == .noContent)
            #expect(try await caller.getJSON("/api/v1/subscriptions", as: .role(.counsel))["count"] == .number(0))
            #expect(try await world.store.allEvents().suffix(2).map(\.type) == ["system.subscription-created", "system.subscription-deleted"])
        }
    }
}
