import CorridorDomain
import CorridorSQLiteTestSupport
import CorridorStore
import CorridorTestSupport
import Testing

/// The small network the scenario tests start from.
///
/// - Countries: USA; Venezuela and Cuba refuse returns (so a third country is permitted for
///   their nationals); Guatemala accepts returns; El Salvador and Costa Rica are partners.
/// - `arr-slv`: El Salvador, active since 2025-03-01, takes any nationality, detains and
///   repatriates, no non-return assurances; lump sum 1,000,000 USD and 5,000 USD per person.
///   Capacity is given per test.
/// - `arr-cri`: Costa Rica, active, lump sum 250,000 USD, nobody moved unless a test does.
/// - Cases with final orders: `V1`, `V2` (Venezuela), `C1` (Cuba), `G1` (Guatemala), and the
///   family unit `FAM-1`: `FA`, `FB`, `FC` (Cuba). Everyone but `G1` was served written notice
///   naming El Salvador, in Spanish, on 2025-06-01 — 30 days before the transfer, so the
///   default profile (`us-dvd-2025`, 10 days) is satisfied.
///
/// With it, everyone but `G1` is `allowed` to El Salvador on 2025-07-01 under `us-dvd-2025`,
/// and `G1` is `allowed` to Guatemala (a removal to the country of nationality).
enum ScenarioWorld {
    static let departs = "2025-07-01T10:00:00Z"
    static let departAt = "2025-07-01T09:00:00Z"
    static let lockAt = "2025-06-28T12:00:00Z"
    static let thirdCountryCases = ["V1", "V2", "C1", "FA", "FB", "FC"]

    static func slvTerms(capacityTotal: Int? = nil, capacityPerMonth: Int? = nil) -> JSONValue {
        var terms: [String: JSONValue] = [
            "nationalities": "any",
            "hostHandling": ["detention", "repatriation"],
            "assurances": ["nonReturn": false],
            "payment": ["lumpSumUSD": 1_000_000, "perPersonUSD": 5_000],
        ]
        if let capacityTotal { terms["capacityTotal"] = .number(Double(capacityTotal)) }
        if let capacityPerMonth { terms["capacityPerMonth"] = .number(Double(capacityPerMonth)) }
        return .object(terms)
    }

    static func records(capacityTotal: Int? = nil, capacityPerMonth: Int? = nil) -> [JSONValue] {
        var records: [JSONValue] = [
            Fixture.country("USA"),
            Fixture.country("VEN", returns: "refuses", risk: 0.85),
            Fixture.country("CUB", returns: "refuses", risk: 0.8),
            Fixture.country("GTM", returns: "accepts", risk: 0.45),
            Fixture.country("SLV", returns: "accepts", risk: 0.55),
            Fixture.country("CRI", returns: "accepts", risk: 0.1),
            Fixture.arrangement("arr-slv", partner: "SLV", terms: slvTerms(capacityTotal: capacityTotal, capacityPerMonth: capacityPerMonth)),
            TestRecords.arrangementStatus("arr-slv", "active", on: "2025-03-01"),
            Fixture.arrangement(
                "arr-cri", partner: "CRI", kind: "transit",
                terms: ["nationalities": "any", "hostHandling": ["release"], "payment": ["lumpSumUSD": 250_000]]),
            TestRecords.arrangementStatus("arr-cri", "active", on: "2025-02-20"),
            Fixture.person("V1", "VEN"), Fixture.person("V2", "VEN"), Fixture.person("C1", "CUB"), Fixture.person("G1", "GTM"),
            Fixture.person("FA", "CUB", extra: ["familyUnit": "FAM-1"]),
            Fixture.person("FB", "CUB", extra: ["familyUnit": "FAM-1"]),
            Fixture.person("FC", "CUB", extra: ["familyUnit": "FAM-1"]),
        ]
        for id in thirdCountryCases + ["G1"] { records.append(TestRecords.order(id, kind: "final", on: "2025-01-10")) }
        for id in thirdCountryCases { records.append(Fixture.notice(id, "SLV")) }
        return records
    }

    /// A store of `backend` holding the scenario world, handed to `body`.
    static func withStore<Result>(
        _ backend: StoreBackend, capacityTotal: Int? = nil, capacityPerMonth: Int? = nil,
        _ body: (any EventStore) async throws -> Result
    ) async throws -> Result {
        try await backend.withStore { store in
            try await store.append(records: records(capacityTotal: capacityTotal, capacityPerMonth: capacityPerMonth))
            return try await body(store)
        }
    }
}
