import CorridorDomain
import CorridorRules
import CorridorSQLiteTestSupport
import CorridorServices
import CorridorStore
import CorridorTestSupport
import Testing

/// The issue's scenario: an order issued after a manifest is locked puts the people it covers on
/// hold, visibly, and blocks the departure until it is lifted or they are struck.
@Suite("A court order issued after lock")
struct CourtOrderAfterLockTests {
    static let order = Fixture.courtOrder("K1", issuedOn: "2025-06-29", scope: ["nationalities": ["VEN"], "thirdCountryOnly": true])

    /// T1 to El Salvador with `V1`, `V2` (Venezuela) and `C1` (Cuba), locked; T2 to Guatemala
    /// with `G1`, locked; then the order K1 (Venezuelans, third countries only, block).
    static func lockedThenOrdered(_ store: some EventStore) async throws -> [Event] {
        try await store.append(records: [
            Fixture.transfer("T1", to: "SLV", departs: ScenarioWorld.departs, arrangement: "arr-slv"),
            TestRecords.manifestAdd("T1", "V1"), TestRecords.manifestAdd("T1", "V2"), TestRecords.manifestAdd("T1", "C1"),
            Fixture.step(.lock, "T1", at: ScenarioWorld.lockAt),
            Fixture.transfer("T2", to: "GTM", departs: ScenarioWorld.departs),
            TestRecords.manifestAdd("T2", "G1"),
            Fixture.step(.lock, "T2", at: ScenarioWorld.lockAt),
        ])
        #expect(try await store.events(ofType: "system.verdict").allSatisfy { $0.string("verdict") == "allowed" })
        return try await store.record(order)
    }

    @Test("one system.hold per covered person on the locked manifest, naming the order", arguments: StoreBackend.allCases)
    func orderPlacesHolds(backend: StoreBackend) async throws {
        try await ScenarioWorld.withStore(backend) { store in
            let events = try await Self.lockedThenOrdered(store)
            #expect(events.map(\.type) == ["court-order", "system.hold", "system.hold"])
            let holds = events.filter { $0.type == "system.hold" }
            #expect(Set(holds.compactMap { $0.string("case") }) == ["V1", "V2"])
            for hold in holds {
                #expect(hold.string("order") == "K1")
                #expect(hold.string("transfer") == "T1")
                #expect(hold.string("court") == "D. Mass.")
                #expect(hold.string("citation") == "No. 25-cv-10676")
            }

            let detail = try await #require(try await Services.detail(store, "T1"))
            let byCase = Dictionary(uniqueKeysWithValues: detail.passengers.map { ($0.caseID, $0) })
            #expect(byCase["V1"]?.holds.map(\.id) == ["K1"])
            #expect(byCase["V2"]?.holds.map(\.id) == ["K1"])
            #expect(byCase["C1"]?.holds.isEmpty == true)
            #expect(byCase["V1"]?.decision?.verdict == .blocked)
            #expect(byCase["V1"]?.decision?.finding(.courtOrder)?.result == .fail)
            #expect(byCase["C1"]?.decision?.verdict == .allowed)
            // Nobody is struck silently.
            #expect(detail.transfer.onBoard == ["C1", "V1", "V2"])

            // Guatemala is G1's own country: the order covers third countries only.
            let home = try await #require(try await Services.detail(store, "T2"))
            #expect(home.passengers.allSatisfy { $0.holds.isEmpty && $0.decision?.verdict == .allowed })
        }
    }

    @Test("departure is refused naming the court-order gate, and allowed once the order is lifted", arguments: StoreBackend.allCases)
    func liftReleasesHolds(backend: StoreBackend) async throws {
        try await ScenarioWorld.withStore(backend) { store in
            _ = try await Self.lockedThenOrdered(store)
            let depart = Fixture.step(.depart, "T1", at: ScenarioWorld.departAt)
            let error = try await expectRefusal(in: store, code: "departure-refused") { try await store.append(record: depart) }
            let message = error?.message ?? ""
            #expect(message.contains("V1 is blocked (court-order fail: blocked by D. Mass. order K1"))
            #expect(message.contains("V2 is blocked (court-order fail"))
            #expect(!message.contains("C1 is"))

            // The other transfer is untouched by the order.
            try await store.append(record: Fixture.step(.depart, "T2", at: ScenarioWorld.departAt))

            let lift = try await store.record(TestRecords.courtOrderLift("K1", on: "2025-06-30"))
            #expect(lift.map(\.type) == ["court-order-lift", "system.hold-lift", "system.hold-lift"])
            #expect(Set(lift.dropFirst().compactMap { $0.string("case") }) == ["V1", "V2"])
            #expect(
                lift.dropFirst().allSatisfy { $0.string("order") == "K1" && $0.string("liftedOn") == "2025-06-30" && $0.string("transfer") == "T1" })

            let detail = try await #require(try await Services.detail(store, "T1"))
            #expect(detail.passengers.allSatisfy { $0.holds.isEmpty })
            #expect(detail.passengers.allSatisfy { $0.decision?.verdict == .allowed })

            let events = try await store.record(depart)
            #expect(events.last?.strings("allowed") == ["C1", "V1", "V2"])
        }
    }

    @Test("striking the held people with a reason lets the rest depart", arguments: StoreBackend.allCases)
    func strikingHeldPeople(backend: StoreBackend) async throws {
        try await ScenarioWorld.withStore(backend) { store in
            _ = try await Self.lockedThenOrdered(store)
            let depart = Fixture.step(.depart, "T1", at: ScenarioWorld.departAt)
            try await expectRefusal(in: store, code: "departure-refused") { try await store.append(record: depart) }

            try await store.append(record: TestRecords.manifestStrike("T1", "V1", reason: "covered by K1"))
            try await expectRefusal(in: store, code: "departure-refused") { try await store.append(record: depart) }
            try await store.append(record: TestRecords.manifestStrike("T1", "V2", reason: "covered by K1"))

            let events = try await store.record(depart)
            #expect(events.map(\.type) == ["transfer-depart", "system.departure-check"])
            #expect(events.last?.strings("allowed") == ["C1"])
            let transfer = try await #require(try await store.transfer("T1"))
            #expect(transfer.status == .departed)
            #expect(transfer.onBoard == ["C1"])
            let history = try await #require(try await Services.detail(store, "T1")).history
            #expect(
                history.filter { $0.type == "manifest-strike" }.map { "\($0.string("case") ?? ""): \($0.string("reason") ?? "")" }
                    == ["V1: covered by K1", "V2: covered by K1"])
        }
    }

    @Test("an order that requires notice days holds the people it covers until their notice is old enough", arguments: StoreBackend.allCases)
    func noticeDaysOrder(backend: StoreBackend) async throws {
        try await ScenarioWorld.withStore(backend) { store in
            try await store.append(records: [
                Fixture.transfer("T1", to: "SLV", departs: ScenarioWorld.departs, arrangement: "arr-slv"),
                TestRecords.manifestAdd("T1", "V1"),
                Fixture.step(.lock, "T1", at: ScenarioWorld.lockAt),
            ])
            // V1's notice was served 2025-06-01: 45 days are needed, so not before 2025-07-16.
            let events = try await store.record(
                Fixture.courtOrder("K2", issuedOn: "2025-06-29", scope: ["cases": ["V1"]], effect: ["noticeDays": 45]))
            #expect(events.filter { $0.type == "system.hold" }.compactMap { $0.string("case") } == ["V1"])
            let error = try await expectRefusal(in: store, code: "departure-refused") {
                try await store.append(record: Fixture.step(.depart, "T1", at: ScenarioWorld.departAt))
            }
            #expect(error?.message.contains("court-order pending") == true)
            try await store.append(record: Fixture.step(.depart, "T1", at: "2025-07-16T09:00:00Z"))
            #expect(try await store.transfer("T1")?.status == .departed)
        }
    }
}
