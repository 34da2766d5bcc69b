import CorridorDomain
import CorridorRules
import CorridorSQLiteTestSupport
import CorridorServices
import CorridorStore
import CorridorTestSupport
import Testing

/// An arrangement's places are counted from departures; the arrangement gate waits for next
/// month, or fails for good, once they are used.
@Suite("Arrangement capacity")
struct CapacityTests {
    static func instant(_ text: String) async throws -> Instant { try await #require(Instant(dateOrInstant: text)) }

    /// T1 (V1, V2) departs 2025-07-01 and arrives; T2 (C1) departs 2025-07-10; T3 (FA, FB, FC)
    /// is locked but never leaves; T4 (G1, Guatemala) names no arrangement.
    static func departures(_ store: some EventStore) async throws {
        try await store.append(records: [
            Fixture.transfer("T1", to: "SLV", departs: "2025-07-01T10:00:00Z", arrangement: "arr-slv"),
            TestRecords.manifestAdd("T1", "V1"), TestRecords.manifestAdd("T1", "V2"),
            Fixture.step(.lock, "T1", at: "2025-06-28T12:00:00Z"),
            Fixture.step(.depart, "T1", at: "2025-07-01T10:00:00Z"),
            Fixture.step(.arrive, "T1", at: "2025-07-01T14:00:00Z"),
            Fixture.transfer("T2", to: "SLV", departs: "2025-07-10T10:00:00Z", arrangement: "arr-slv"),
            TestRecords.manifestAdd("T2", "C1"),
            Fixture.step(.lock, "T2", at: "2025-07-08T12:00:00Z"),
            Fixture.step(.depart, "T2", at: "2025-07-10T10:00:00Z"),
            Fixture.transfer("T3", to: "SLV", departs: "2025-08-10T10:00:00Z", arrangement: "arr-slv"),
            TestRecords.manifestAdd("T3", "FA"), TestRecords.manifestAdd("T3", "FB"), TestRecords.manifestAdd("T3", "FC"),
            Fixture.step(.lock, "T3", at: "2025-07-12T12:00:00Z"),
        ])
    }

    @Test("CapacityUsage counts the people on departed and arrived transfers, by departure date", arguments: StoreBackend.allCases)
    func usageCountedFromDepartures(backend: StoreBackend) async throws {
        try await ScenarioWorld.withStore(backend) { store in
            try await Self.departures(store)
            let usage = CapacityUsage(transfers: try await store.transfers())
            let arrangement: ArrangementRecord.ID = "arr-slv"
            #expect(usage.total(arrangement, through: try await #require(Day("2025-06-30"))) == 0)
            #expect(usage.total(arrangement, through: try await #require(Day("2025-07-01"))) == 2)
            #expect(usage.total(arrangement, through: try await #require(Day("2025-12-31"))) == 3)
            #expect(usage.month(arrangement, of: try await #require(Day("2025-07-31"))) == 3)
            #expect(usage.month(arrangement, of: try await #require(Day("2025-08-31"))) == 0, "a locked transfer uses no places")
            #expect(usage.departures["arr-cri"] == nil)
            #expect(try await Services.capacityUsage(store).total(arrangement, through: try await #require(Day("2025-12-31"))) == 3)
        }
    }

    @Test("the arrangement gate turns pending until next month once the month's places are used", arguments: StoreBackend.allCases)
    func monthlyPlacesUsed(backend: StoreBackend) async throws {
        try await ScenarioWorld.withStore(backend, capacityPerMonth: 3) { store in
            try await Self.departures(store)
            try await store.append(records: [
                Fixture.person("V3", "VEN"), TestRecords.order("V3", kind: "final", on: "2025-01-10"),
                Fixture.notice("V3", "SLV"),
            ])
            let july = try await Services.check(store, "V3", to: "SLV", at: try await Self.instant("2025-07-20T10:00:00Z"))
            #expect(july.verdict == .pending)
            let gate = try await #require(july.finding(.arrangement))
            #expect(gate.result == .pending)
            #expect(gate.clears == (try await Self.instant("2025-08-01")))
            #expect(july.clears == (try await Self.instant("2025-08-01")))

            // Before the second departure a place was left; in August the month starts afresh.
            #expect(try await Services.check(store, "V3", to: "SLV", at: try await Self.instant("2025-07-05T10:00:00Z")).verdict == .allowed)
            #expect(try await Services.check(store, "V3", to: "SLV", at: try await Self.instant("2025-08-01T10:00:00Z")).verdict == .allowed)
        }
    }

    @Test("the arrangement gate fails once the total places are used", arguments: StoreBackend.allCases)
    func totalPlacesUsed(backend: StoreBackend) async throws {
        try await ScenarioWorld.withStore(backend, capacityTotal: 3) { store in
            try await Self.departures(store)
            try await store.append(records: [
                Fixture.person("V3", "VEN"), TestRecords.order("V3", kind: "final", on: "2025-01-10"),
                Fixture.notice("V3", "SLV"),
            ])
            let later = try await Services.check(store, "V3", to: "SLV", at: try await Self.instant("2025-09-01T10:00:00Z"))
            #expect(later.verdict == .blocked)
            #expect(later.finding(.arrangement)?.result == .fail)
            #expect(later.finding(.arrangement)?.reason.contains("3 of 3 places used") == true)
            #expect(try await Services.check(store, "V3", to: "SLV", at: try await Self.instant("2025-07-05T10:00:00Z")).verdict == .allowed)

            // The locked family cannot depart now: a departure is refused, naming the gate.
            let error = try await expectRefusal(in: store, code: "departure-refused") {
                try await store.append(record: Fixture.step(.depart, "T3", at: "2025-08-10T10:00:00Z"))
            }
            #expect(error?.message.contains("arrangement fail") == true)
        }
    }

    @Test("places are never overdrawn, even when a departure is recorded after a later-dated one", arguments: StoreBackend.allCases)
    func placesNeverOverdrawnByBackdatedDeparture(backend: StoreBackend) async throws {
        try await ScenarioWorld.withStore(backend, capacityTotal: 3, capacityPerMonth: 3) { store in
            // Three people leave on 2025-07-20, using every place (total and July) …
            try await store.append(records: [
                Fixture.transfer("T1", to: "SLV", departs: "2025-07-20T10:00:00Z", arrangement: "arr-slv"),
                TestRecords.manifestAdd("T1", "FA"), TestRecords.manifestAdd("T1", "FB"), TestRecords.manifestAdd("T1", "FC"),
                Fixture.step(.lock, "T1", at: "2025-07-15T12:00:00Z"),
                Fixture.step(.depart, "T1", at: "2025-07-20T10:00:00Z"),
                Fixture.transfer("T2", to: "SLV", departs: "2025-07-05T10:00:00Z", arrangement: "arr-slv"),
                TestRecords.manifestAdd("T2", "V1"),
                Fixture.step(.lock, "T2", at: "2025-07-01T12:00:00Z"),
            ])
            // … so a departure dated earlier in July, recorded afterwards, has no place left.
            do {
                try await expectRefusal(in: store, code: "departure-refused") {
                    try await store.append(record: Fixture.step(.depart, "T2", at: "2025-07-05T10:00:00Z"))
                }
            }
            let usage = CapacityUsage(transfers: try await store.transfers())
            let endOfYear = try await #require(Day("2025-12-31")), endOfJuly = try await #require(Day("2025-07-31"))
            do {
                #expect(usage.total("arr-slv", through: endOfYear) <= 3)
                #expect(usage.month("arr-slv", of: endOfJuly) <= 3)
            }
        }
    }
}
