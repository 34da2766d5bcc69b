import CorridorDomain
import CorridorSQLite
import CorridorSQLiteTestSupport
import CorridorStore
import CorridorTestSupport
import Testing

/// The `SubscriptionStore` contract (issue #15), run against every store: what a webhook worker
/// needs to resume after a restart — subscriptions, where delivery stands, the delivery log —
/// and the lease that lets one instance at a time deliver a subscription.
@Suite("SubscriptionStore contract")
struct SubscriptionStoreContractTests {
    static func subscription(_ id: String, acknowledged: Int64 = 10) -> Subscription {
        Subscription(
            id: id, url: "https://example.org/hook", types: ["notice", "manifest-add"], cases: nil, secret: "whsec_c2VjcmV0",
            owner: .init(tokenID: "tok_c1", name: "counsel desk", role: .counsel, counsel: "Synthetic counsel 7"),
            createdAt: TestClock.instant, progress: .init(acknowledged: acknowledged))
    }

    static func store(_ backend: StoreBackend, _ body: (any SubscriptionStore) async throws -> Void) async throws {
        try await backend.withStore { store in
            let subscriptions = try #require(store as? any SubscriptionStore, "\(backend) keeps no subscriptions")
            try await body(subscriptions)
        }
    }

    @Test("A subscription is stored whole, listed until deleted, and read back deleted", arguments: StoreBackend.allCases)
    func lifecycle(_ backend: StoreBackend) async throws {
        try await Self.store(backend) { store in
            try await store.createSubscription(Self.subscription("sub_a"))
            try await store.createSubscription(Self.subscription("sub_b"))
            await #expect(throws: (any Error).self) { try await store.createSubscription(Self.subscription("sub_a")) }
            #expect(try await store.subscriptions().map(\.id) == ["sub_a", "sub_b"])
            #expect(try await store.subscription(id: "sub_a") == Self.subscription("sub_a"))
            #expect(try await store.deleteSubscription(id: "sub_a", at: TestClock.instant))
            #expect(try await !store.deleteSubscription(id: "sub_a", at: TestClock.instant), "deleted twice")
            #expect(try await store.subscriptions().map(\.id) == ["sub_b"])
            #expect(try await store.subscription(id: "sub_a")?.deletedAt == TestClock.instant)
            #expect(try await store.subscription(id: "sub_none") == nil)
        }
    }

    @Test("Progress and the attempt that made it are saved together; the log lists the newest first", arguments: StoreBackend.allCases)
    func progressAndLog(_ backend: StoreBackend) async throws {
        try await Self.store(backend) { store in
            try await store.createSubscription(Self.subscription("sub_p"))
            let failing = Subscription.Progress(
                acknowledged: 10, attempts: 1, failingSince: TestClock.instant,
                nextAttemptAt: TestClock.instant.adding(milliseconds: 1_000), lastError: "HTTP 500")
            try await store.saveProgress(
                id: "sub_p", failing,
                attempt: DeliveryAttempt(
                    subscription: "sub_p", seq: 11, attempt: 1, at: TestClock.instant,
                    status: 500, error: "HTTP 500", milliseconds: 12))
            let delivered = Subscription.Progress(acknowledged: 11)
            try await store.saveProgress(
                id: "sub_p", delivered,
                attempt: DeliveryAttempt(
                    subscription: "sub_p", seq: 11, attempt: 2,
                    at: TestClock.instant.adding(milliseconds: 1_000),
                    status: 204, error: nil, milliseconds: 8))
            #expect(try await store.subscription(id: "sub_p")?.progress == delivered)
            let log = try await store.deliveries(subscription: "sub_p", limit: 10)
            #expect(log.map(\.attempt) == [2, 1] && log.map(\.status) == [204, 500] && log.first?.acknowledged == true)
            #expect(try await store.deliveries(subscription: "sub_p", limit: 1).count == 1)
            await #expect(throws: (any Error).self) { try await store.saveProgress(id: "sub_none", delivered, attempt: nil) }
        }
    }

    @Test("On SQLite, where delivery stands survives reopening the file (a restart resumes from it)")
    func survivesRestart() async throws {
        let temporary = try TemporarySQLiteStore()
        try await temporary.store.createSubscription(Self.subscription("sub_r"))
        try await temporary.store.saveProgress(id: "sub_r", .init(acknowledged: 42), attempt: nil)
        let reopened = try temporary.reopen()
        #expect(try await reopened.subscription(id: "sub_r")?.progress.acknowledged == 42)
        #expect(try await reopened.subscription(id: "sub_r")?.owner.counsel == "Synthetic counsel 7")
    }
}
