import CorridorDomain
import CorridorRules
import CorridorSQLiteTestSupport
import CorridorServices
import CorridorStore
import CorridorTestSupport
import Testing

/// `impact --order FILE`: who a proposed order would cover and which open transfers it touches,
/// without recording anything.
@Suite("Court-order impact")
struct CourtOrderImpactTests {
    static func proposed(_ value: JSONValue) async throws -> CourtOrderRecord {
        guard case .courtOrder(let order) = try Fixture.decode(value) else {
            Issue.record("not a court order")
            throw RecordError(code: "test", message: "not a court order")
        }
        return order
    }

    /// T1 (scheduled, V1 and C1) and T2 (locked, V2) go to El Salvador; T3 (V3) has departed
    /// there; T4 (V4) is a removal to Venezuela, V4's own country.
    static func transfers(_ store: some EventStore) async throws {
        try await store.append(records: [
            Fixture.person("V3", "VEN"), TestRecords.order("V3", kind: "final", on: "2025-01-10"), Fixture.notice("V3", "SLV"),
            Fixture.person("V4", "VEN"),
            Fixture.transfer("T1", to: "SLV", departs: "2025-07-10T10:00:00Z", arrangement: "arr-slv"),
            TestRecords.manifestAdd("T1", "V1"), TestRecords.manifestAdd("T1", "C1"),
            Fixture.transfer("T2", to: "SLV", departs: "2025-07-05T10:00:00Z", arrangement: "arr-slv"),
            TestRecords.manifestAdd("T2", "V2"),
            Fixture.step(.lock, "T2", at: "2025-07-01T12:00:00Z"),
            Fixture.transfer("T3", to: "SLV", departs: "2025-06-20T10:00:00Z", arrangement: "arr-slv"),
            TestRecords.manifestAdd("T3", "V3"),
            Fixture.step(.lock, "T3", at: "2025-06-18T12:00:00Z"),
            Fixture.step(.depart, "T3", at: "2025-06-20T10:00:00Z"),
            Fixture.transfer("T4", to: "VEN", departs: "2025-07-12T10:00:00Z"),
            TestRecords.manifestAdd("T4", "V4"),
        ])
    }

    @Test(
        "a proposed order lists the cases it covers and the open transfers whose manifests hold them, and records nothing",
        arguments: StoreBackend.allCases)
    func proposedOrderImpact(backend: StoreBackend) async throws {
        try await ScenarioWorld.withStore(backend) { store in
            try await Self.transfers(store)
            let before = try await store.snapshot()
            let order = try await Self.proposed(
                Fixture.courtOrder(
                    "K9", issuedOn: "2025-07-01",
                    scope: ["nationalities": ["VEN"], "thirdCountryOnly": true]))
            let impact = CourtOrderImpact.of(order, caseload: try await Services.caseload(store), transfers: try await store.transfers())

            #expect(impact.order.id == "K9")
            #expect(impact.coveredCases.sorted() == ["V1", "V2", "V3", "V4"])
            let touched = Dictionary(uniqueKeysWithValues: impact.transfers.map { ($0.transfer.id, $0.covered) })
            #expect(touched.keys.sorted() == ["T1", "T2"], "T3 has left; T4 takes V4 to their own country")
            #expect(touched["T1"] == ["V1"])
            #expect(touched["T2"] == ["V2"])

            #expect(try await store.snapshot() == before)
            #expect(try await store.network().courtOrders.isEmpty)
            #expect(try await store.events(ofType: "system.hold").isEmpty)
        }
    }

    @Test("an order naming one case touches only that person's open transfer", arguments: StoreBackend.allCases)
    func individualOrderImpact(backend: StoreBackend) async throws {
        try await ScenarioWorld.withStore(backend) { store in
            try await Self.transfers(store)
            let order = try await Self.proposed(Fixture.courtOrder("K10", issuedOn: "2025-07-01", scope: ["cases": ["C1"]]))
            let impact = CourtOrderImpact.of(order, caseload: try await Services.caseload(store), transfers: try await store.transfers())
            #expect(impact.coveredCases == ["C1"])
            #expect(impact.transfers.map(\.transfer.id) == ["T1"])
            #expect(impact.transfers.first?.covered == ["C1"])
        }
    }

    @Test("the impact of an order matches the holds it places once recorded", arguments: StoreBackend.allCases)
    func impactMatchesHolds(backend: StoreBackend) async throws {
        try await ScenarioWorld.withStore(backend) { store in
            try await Self.transfers(store)
            let value = Fixture.courtOrder("K9", issuedOn: "2025-07-01", scope: ["nationalities": ["VEN"], "thirdCountryOnly": true])
            let impact = CourtOrderImpact.of(
                try await Self.proposed(value), caseload: try await Services.caseload(store),
                transfers: try await store.transfers())
            let holds = try await store.record(value).filter { $0.type == "system.hold" }
            let predicted = Set(impact.transfers.flatMap { touched in touched.covered.map { "\(touched.transfer.id)/\($0)" } })
            #expect(Set(holds.map { "\($0.string("transfer") ?? "")/\($0.string("case") ?? "")" }) == predicted)
        }
    }
}
