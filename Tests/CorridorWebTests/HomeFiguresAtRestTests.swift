import CorridorDomain
import CorridorStore
import CorridorTestSupport
import Foundation
import Testing

@testable import CorridorWeb

/// The home page's figures are kept at rest, so that a restart on the same day starts from them
/// instead of judging the whole caseload at every partner again — but only while they still
/// hold: not on another day, not after a change to the network, transfers or profile, and
/// brought up to date after new records about people.
struct HomeFiguresAtRestTests {
    static func restart(_ store: InMemoryEventStore, at instant: Instant = TestClock.instant) async throws -> AppState<InMemoryEventStore> {
        try await AppState(store: store, clock: { instant }, logger: WebWorld<InMemoryEventStore>.logger)
    }

    @Test("A restart starts from the figures at rest while they hold, and works them out again when they do not")
    func figuresAtRest() async throws {
        let store = InMemoryEventStore()
        try await store.append(records: Scenario.records)

        let first = try await Self.restart(store)
        let nothingYet = try await HomeFigures.startFromRest(first)
        #expect(!nothingYet.used)
        let figures = try await HomeFigures.current(first)
        #expect(figures.total > 0 && !figures.partners.isEmpty)
        #expect(try await store.derivedValue(HomeFigures.AtRest.key) != nil, "the figures were not kept at rest")

        // A restart, nothing changed: the same figures, from rest.
        let second = try await Self.restart(store)
        let rest = try await HomeFigures.startFromRest(second)
        #expect(rest.used && !rest.stale)
        #expect(try await HomeFigures.current(second) == figures)

        // Another day: worked out again.
        let tomorrow = Instant(epochMilliseconds: TestClock.instant.epochMilliseconds + 86_400_000)
        #expect(!(try await HomeFigures.startFromRest(try await Self.restart(store, at: tomorrow))).used)

        // A new person: served from rest, marked stale, and brought up to date.
        try await store.append(records: [TestRecords.caseRecord("NEW-1", nationalities: ["VEN"]), TestRecords.order("NEW-1")])
        let third = try await Self.restart(store)
        let afterPerson = try await HomeFigures.startFromRest(third)
        #expect(afterPerson.used && afterPerson.stale)
        try await HomeFigures.recompute(third)
        let updated = try await HomeFigures.current(third)
        #expect(updated.total == figures.total + 1)
        #expect(try await HomeFigures.AtRest.read(from: store)?.figures == updated)

        // A change to the network: never served from rest.
        try await store.append(records: [TestRecords.arrangementStatus("arr-cri", "suspended", on: "2025-05-01")])
        let fourth = try await Self.restart(store)
        #expect(!(try await HomeFigures.startFromRest(fourth)).used)
        let recomputed = try await HomeFigures.current(fourth)
        #expect(recomputed.partners.count == updated.partners.count - 1, "CRI's suspension should leave one partner fewer")

        // Worked out ahead of a server (what `seed` does): the next start uses them.
        try await HomeFiguresAtRest.prepare(store, clock: { TestClock.instant }, logger: WebWorld<InMemoryEventStore>.logger)
        let fifth = try await Self.restart(store)
        let prepared = try await HomeFigures.startFromRest(fifth)
        #expect(prepared.used && !prepared.stale)
        #expect(try await HomeFigures.current(fifth) == recomputed)

        // Unreadable bytes at rest are ignored, not trusted.
        try await store.saveDerivedValue(HomeFigures.AtRest.key, Array("{\"day\":".utf8))
        #expect(!(try await HomeFigures.startFromRest(try await Self.restart(store))).used)
    }
}
