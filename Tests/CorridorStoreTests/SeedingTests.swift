import CorridorDomain
import CorridorSQLiteTestSupport
import CorridorStore
import CorridorTestSupport
import Testing

struct SeedingTests {
    @Test("Seeding the reference network twice is refused, and the store is unchanged", arguments: StoreBackend.allCases)
    func referenceTwice(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            _ = try await Seeding.seedReference(into: store, context: .test)
            let before = try await store.snapshot()
            let error = await #expect(throws: StoreError.self) { try await Seeding.seedReference(into: store, context: .test) }
            #expect(error?.code == .alreadySeeded)
            #expect(error?.message.contains("reference network") == true)
            #expect(try await store.snapshot() == before)
        }
    }

    @Test("Seeding a synthetic caseload twice is refused with a clear error", arguments: StoreBackend.allCases)
    func syntheticTwice(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let receipt = try await Seeding.seedSynthetic(count: 50, seed: 1, into: store, context: .test(actor: "seed"))
            #expect(try await store.summary().cases == 50)
            #expect(receipt.count == Int(try await store.head().seq))
            let before = try await store.snapshot()
            for seed: UInt64 in [1, 2] {
                let error = await #expect(throws: StoreError.self) {
                    try await Seeding.seedSynthetic(count: 10, seed: seed, into: store, context: .test(actor: "seed"))
                }
                #expect(error?.code == .alreadySeeded)
                #expect(error?.message.contains("synthetic cases (SYN-") == true)
            }
            #expect(try await store.snapshot() == before)
        }
    }

    @Test("A synthetic caseload needs at least one case")
    func syntheticCountMustBePositive() async throws {
        let store = InMemoryEventStore()
        for count in [0, -5] {
            let error = await #expect(throws: StoreError.self) { try await Seeding.seedSynthetic(count: count, seed: 1, into: store, context: .test) }
            #expect(error?.code == .invalidArgument)
        }
        #expect(try await store.head() == .genesis)
    }

    @Test("A seeded caseload is exactly the generator's records, labelled synthetic")
    func seededRecordsAreTheGenerators() async throws {
        let store = InMemoryEventStore()
        _ = try await Seeding.seedSynthetic(count: 300, seed: 77, into: store, context: .test(actor: "seed"))
        let events = try await store.allEvents()
        let generated = SyntheticCaseload(count: 300, seed: 77).flatMap { $0 }.map(\.canonicalString)
        #expect(events.map(\.payload) == generated)
        #expect(events.allSatisfy { $0.actor == "seed" })
        for event in events {
            #expect(try event.record().caseID?.rawValue.hasPrefix("SYN-") == true)
        }
    }

    @Test("The same seed seeds the same state; another seed another state")
    func seededDigests() async throws {
        func digest(seed: UInt64) async throws -> StateDigest {
            let store = InMemoryEventStore()
            _ = try await Seeding.seedSynthetic(count: 200, seed: seed, into: store, context: .test)
            return try await store.stateDigest()
        }
        #expect(try await digest(seed: 5) == digest(seed: 5))
        #expect(try await digest(seed: 5) != digest(seed: 6))
    }

    @Test("Progress is reported for long seeding")
    func progress() async throws {
        final class Collector: ProgressReporter, @unchecked Sendable {
            var messages: [String] = []
            func report(_ message: String) { messages.append(message) }
        }
        // Progress is reported every 100,000 cases: none for a small caseload.
        let collector = Collector()
        _ = try await Seeding.seedSynthetic(count: 20, seed: 1, into: InMemoryEventStore(), context: .test, progress: collector)
        #expect(collector.messages.isEmpty)
    }
}
