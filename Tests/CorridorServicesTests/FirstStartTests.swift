import CorridorDomain
import CorridorPostgres
import CorridorPostgresTestSupport
import CorridorServices
import CorridorStore
import Synchronization
import Testing

/// What `corridor serve` does on its first start: an empty store is seeded once, a seeded one
/// is left alone, and instances started at once on one empty PostgreSQL database seed it once.
struct FirstStartTests {
    static let cases = 400
    static let now = Instant(epochMilliseconds: 1_767_225_600_000)  // 2026-01-01T00:00:00Z
    static func context(_ actor: String) -> AppendContext { AppendContext(actor: actor, recordedAt: now) }

    @Test("First start seeds an empty store once; a second start finds it seeded and records nothing", arguments: StoreBackend.allCases)
    func seedsOnce(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let seeded = try await FirstStart.seedIfEmpty(store, cases: Self.cases, now: { Self.now }, context: Self.context)
            #expect(seeded?.adminSecret.isEmpty == false)
            #expect(seeded?.demoTransfers.isEmpty == false)
            let after = try await store.summary()
            #expect(after.cases == Self.cases)
            #expect(try await store.tokens().map(\.role) == [.admin])

            var announced = false
            let again = try await FirstStart.seedIfEmpty(store, cases: Self.cases, now: { Self.now }, context: Self.context) { announced = true }
            #expect(again == nil)
            #expect(!announced)
            #expect(try await store.head().seq == after.events)
        }
    }

    @Test(
        "Two instances starting at once on one empty PostgreSQL database: one seeds, the other waits and finds it seeded; one chain",
        .enabled(if: PostgresTestDatabase.isAvailable))
    func twoInstancesSeedOnce() async throws {
        try await PostgresTestDatabase.withSchema { url in
            try await PostgresEventStore.withRunning(url, maximumConnections: 2) { first in
                try await PostgresEventStore.withRunning(url, maximumConnections: 2) { second in
                    let announcements = Announcements()
                    let outcomes = try await withThrowingTaskGroup(of: FirstStart.Seeded?.self) { group in
                        for store in [first, second] {
                            group.addTask {
                                try await FirstStart.seedIfEmpty(store, cases: Self.cases, now: { Self.now }, context: Self.context) {
                                    announcements.count.add(1, ordering: .relaxed)
                                }
                            }
                        }
                        return try await group.reduce(into: []) { $0.append($1) }
                    }
                    #expect(outcomes.compactMap { $0 }.count == 1, "exactly one instance seeds")
                    #expect(announcements.count.load(ordering: .relaxed) == 1)

                    // One reference network, one caseload, one admin token, one intact chain.
                    let alone = InMemoryEventStore()
                    _ = try await FirstStart.seedIfEmpty(alone, cases: Self.cases, now: { Self.now }, context: Self.context)
                    let expected = try await alone.summary()
                    let summary = try await second.summary()
                    #expect(summary.countries == expected.countries)
                    #expect(summary.arrangements == expected.arrangements)
                    #expect(summary.cases == Self.cases)
                    #expect(summary.events == expected.events)
                    #expect(try await first.tokens().count == 1)
                    let verification = try await first.verifyChain()
                    #expect(verification.isIntact)
                    #expect(verification.head.seq == summary.events)
                }
            }
        }
    }

    @Test("The setup lock is released when the instance holding it fails, so another can seed", .enabled(if: PostgresTestDatabase.isAvailable))
    func lockReleasedOnFailure() async throws {
        struct Interrupted: Error {}
        try await PostgresTestDatabase.withSchema { url in
            try await PostgresEventStore.withRunning(url, maximumConnections: 2) { first in
                await #expect(throws: Interrupted.self) { try await first.withExclusiveSetup { throw Interrupted() } }
                try await PostgresEventStore.withRunning(url, maximumConnections: 2) { second in
                    let seeded = try await FirstStart.seedIfEmpty(second, cases: Self.cases, now: { Self.now }, context: Self.context)
                    #expect(seeded != nil)
                }
            }
        }
    }
}

/// How many instances announced that they were seeding.
private final class Announcements: Sendable {
    let count = Atomic<Int>(0)
}
