import CorridorDomain
import CorridorRules
import CorridorSQLiteTestSupport
import CorridorServices
import CorridorStore
import CorridorTestSupport
import Testing

/// After departure: arrival, what happened to each person, chain-refoulement incidents, and the
/// operations report's figures.
@Suite("Arrival, dispositions and the operations report")
struct ArrivalAndReportTests {
    /// T1 to El Salvador under arr-slv (seats 4, cost 20,000 USD) carries V1, V2 and C1 and
    /// arrives. `V1` holds withholding against Venezuela (granted 2024-03-01); `V2` has an asylum
    /// claim against Venezuela pending since 2025-02-01.
    static func arrived(_ store: some EventStore) async throws {
        try await store.append(records: [
            TestRecords.claim("V1", "withholding", against: "VEN", status: "granted", on: "2024-03-01"),
            TestRecords.claim("V2", "asylum", against: "VEN", status: "pending", on: "2025-02-01"),
            Fixture.transfer("T1", to: "SLV", departs: ScenarioWorld.departs, seats: 4, arrangement: "arr-slv", costUSD: 20_000),
            TestRecords.manifestAdd("T1", "V1"), TestRecords.manifestAdd("T1", "V2"), TestRecords.manifestAdd("T1", "C1"),
            Fixture.step(.lock, "T1", at: ScenarioWorld.lockAt),
            Fixture.step(.depart, "T1", at: ScenarioWorld.departAt),
            Fixture.step(.arrive, "T1", at: "2025-07-01T15:00:00Z"),
        ])
    }

    @Test("a disposition needs a departure; arrival needs a departed transfer", arguments: StoreBackend.allCases)
    func dispositionNeedsDeparture(backend: StoreBackend) async throws {
        try await ScenarioWorld.withStore(backend) { store in
            try await store.append(records: [
                Fixture.transfer("T1", to: "SLV", arrangement: "arr-slv"), TestRecords.manifestAdd("T1", "V1"),
                Fixture.step(.lock, "T1", at: ScenarioWorld.lockAt),
            ])
            try await expectRefusal(in: store, code: "state-conflict") {
                try await store.append(record: TestRecords.disposition("V1", outcome: "detained", on: "2025-07-02"))
            }
            try await expectRefusal(in: store, code: "state-conflict") {
                try await store.append(record: Fixture.step(.arrive, "T1", at: "2025-07-01T15:00:00Z"))
            }
            try await store.append(record: Fixture.step(.depart, "T1", at: ScenarioWorld.departAt))
            try await store.append(record: Fixture.step(.arrive, "T1", at: "2025-07-01T15:00:00Z"))
            try await store.append(record: TestRecords.disposition("V1", outcome: "detained", on: "2025-07-02"))
            #expect(try await store.transfer("T1")?.status == .arrived)
        }
    }

    @Test("repatriation to a country the person is protected against is a chain-refoulement incident", arguments: StoreBackend.allCases)
    func chainRefoulementIncident(backend: StoreBackend) async throws {
        try await ScenarioWorld.withStore(backend) { store in
            try await Self.arrived(store)
            let events = try await store.record(TestRecords.disposition("V1", outcome: "repatriated", on: "2025-08-15", to: "VEN"))
            #expect(events.map(\.type) == ["disposition", "system.incident"])
            let incident = try await #require(events.last)
            #expect(incident.string("kind") == "chain-refoulement")
            #expect(incident.string("case") == "V1")
            #expect(incident.string("to") == "VEN")
            #expect(incident.string("on") == "2025-08-15")
            #expect(incident.string("transfer") == "T1")
            #expect(incident.string("host") == "SLV")
            #expect(incident.string("arrangement") == "arr-slv")
            #expect(incident.string("protection")?.contains("withholding against VEN granted 2024-03-01") == true)
        }
    }

    @Test("repatriation while a claim against that country is pending is a suspected chain refoulement", arguments: StoreBackend.allCases)
    func suspectedChainRefoulement(backend: StoreBackend) async throws {
        try await ScenarioWorld.withStore(backend) { store in
            try await Self.arrived(store)
            let events = try await store.record(TestRecords.disposition("V2", outcome: "repatriated", on: "2025-08-15", to: "VEN"))
            #expect(events.map(\.type) == ["disposition", "system.incident"])
            #expect(events.last?.string("kind") == "suspected-chain-refoulement")
            #expect(events.last?.string("protection")?.contains("pending since 2025-02-01") == true)

            // Repatriation without protection or a pending claim, and other outcomes, are not incidents.
            #expect(
                try await store.record(TestRecords.disposition("C1", outcome: "repatriated", on: "2025-08-15", to: "CUB")).map(\.type) == [
                    "disposition"
                ])
            #expect(try await store.record(TestRecords.disposition("V1", outcome: "detained", on: "2025-07-02")).map(\.type) == ["disposition"])
        }
    }

    @Test(
        "the operations report counts people moved, costs, load factor, onward returns and incidents per arrangement",
        arguments: StoreBackend.allCases)
    func operationsReport(backend: StoreBackend) async throws {
        try await ScenarioWorld.withStore(backend) { store in
            try await Self.arrived(store)
            try await store.append(records: [
                // A second arr-slv flight: seats 2, cost 10,000 USD, one person.
                Fixture.person("V3", "VEN"), TestRecords.order("V3", kind: "final", on: "2025-01-10"), Fixture.notice("V3", "SLV"),
                Fixture.transfer("T2", to: "SLV", departs: "2025-07-20T10:00:00Z", seats: 2, arrangement: "arr-slv", costUSD: 10_000),
                TestRecords.manifestAdd("T2", "V3"),
                Fixture.step(.lock, "T2", at: "2025-07-15T12:00:00Z"),
                Fixture.step(.depart, "T2", at: "2025-07-20T10:00:00Z"),
                // A removal to Guatemala under no arrangement: seats 5, cost 5,000 USD.
                Fixture.transfer("T3", to: "GTM", departs: "2025-07-03T10:00:00Z", seats: 5, costUSD: 5_000),
                TestRecords.manifestAdd("T3", "G1"),
                Fixture.step(.lock, "T3", at: "2025-07-02T12:00:00Z"),
                Fixture.step(.depart, "T3", at: "2025-07-03T10:00:00Z"),
                // Never departs: neither its seats nor its cost count.
                Fixture.transfer("T4", to: "SLV", departs: "2025-08-20T10:00:00Z", seats: 30, arrangement: "arr-slv", costUSD: 99_000),
                Fixture.transfer("T5", to: "SLV", departs: "2025-08-21T10:00:00Z", seats: 30, arrangement: "arr-slv", costUSD: 99_000),
                Fixture.step(.cancel, "T5", at: "2025-08-01T10:00:00Z", policy: nil),
                // After arrival: V1 repatriated against protection (incident), V2 repatriated with a
                // pending claim (suspected), C1 detained, then released.
                TestRecords.disposition("V1", outcome: "repatriated", on: "2025-08-15", to: "VEN"),
                TestRecords.disposition("V2", outcome: "repatriated", on: "2025-08-16", to: "VEN"),
                TestRecords.disposition("C1", outcome: "detained", on: "2025-07-02"),
                TestRecords.disposition("C1", outcome: "released", on: "2025-09-01"),
            ])

            let report = try await OperationsReport.build(store: store)
            let slv = try await #require(report.lines.first { $0.arrangement == "arr-slv" })
            #expect(slv.partner == "SLV")
            #expect(slv.transfers == 2)
            #expect(slv.peopleMoved == 4)
            #expect(slv.seats == 6)
            #expect(slv.lumpSumUSD == 1_000_000)
            #expect(slv.perPersonCostUSD == 4 * 5_000)
            #expect(slv.transferCostUSD == 30_000)
            #expect(slv.totalCostUSD == 1_000_000 + 4 * 5_000 + 30_000)
            #expect(slv.costPerPersonMovedUSD == 1_050_000.0 / 4)
            #expect(slv.loadFactor == 4.0 / 6.0)
            #expect(slv.loadFactors == [3.0 / 4.0, 1.0 / 2.0])
            #expect(slv.onwardReturns == 2)
            #expect(slv.onwardReturnRate == 2.0 / 4.0)
            #expect(slv.incidents == 1)
            #expect(slv.suspectedIncidents == 1)

            // Costa Rica moved nobody but its lump sum is spent.
            let cri = try await #require(report.lines.first { $0.arrangement == "arr-cri" })
            #expect(cri.peopleMoved == 0)
            #expect(cri.totalCostUSD == 250_000)
            #expect(cri.costPerPersonMovedUSD == nil)
            #expect(cri.loadFactor == nil)
            #expect(cri.onwardReturnRate == nil)

            let adHoc = try await #require(report.lines.first { $0.arrangement == nil })
            #expect(adHoc.transfers == 1)
            #expect(adHoc.peopleMoved == 1)
            #expect(adHoc.seats == 5)
            #expect(adHoc.totalCostUSD == 5_000)
            #expect(adHoc.loadFactor == 1.0 / 5.0)
            #expect(adHoc.onwardReturns == 0)

            #expect(report.lines.count == 3)
            #expect(report.total.peopleMoved == 5)
            #expect(report.total.seats == 11)
            #expect(report.total.transfers == 3)
            #expect(report.total.totalCostUSD == 1_050_000 + 250_000 + 5_000)
            #expect(report.total.costPerPersonMovedUSD == 1_305_000.0 / 5)
            #expect(report.total.onwardReturns == 2)
            #expect(report.total.onwardReturnRate == 2.0 / 5.0)
            #expect(report.total.incidents == 1)
            #expect(report.total.suspectedIncidents == 1)

            #expect(report.incidents.map(\.kind) == [.chainRefoulement, .suspected])
            #expect(report.incidents.map(\.caseID) == ["V1", "V2"])
            #expect(report.incidents.allSatisfy { $0.to == "VEN" })
        }
    }
}
