import CorridorDomain
import CorridorSQLiteTestSupport
import CorridorServices
import CorridorStore
import CorridorTestSupport
import Testing

/// Building a manifest: who may be added, seats, strikes with reasons and family flags.
@Suite("Manifests")
struct ManifestTests {
    @Test("manifest-add refuses a case that is closed", arguments: StoreBackend.allCases)
    func refusesClosedCase(backend: StoreBackend) async throws {
        try await ScenarioWorld.withStore(backend) { store in
            try await store.append(records: [
                Fixture.person("V2", "VEN", extra: ["closedOn": "2025-06-10"]),
                Fixture.transfer("T1", to: "SLV", arrangement: "arr-slv"),
            ])
            let error = try await expectRefusal(in: store, code: "state-conflict") {
                try await store.append(record: TestRecords.manifestAdd("T1", "V2"))
            }
            #expect(error?.field == "case")
            #expect(error?.message.contains("closed on 2025-06-10") == true)
            #expect(try await store.transfer("T1")?.manifest.isEmpty == true)
        }
    }

    @Test("manifest-add refuses a case that has already departed", arguments: StoreBackend.allCases)
    func refusesDepartedCase(backend: StoreBackend) async throws {
        try await ScenarioWorld.withStore(backend) { store in
            try await store.append(records: [
                Fixture.transfer("T1", to: "SLV", arrangement: "arr-slv"),
                TestRecords.manifestAdd("T1", "V1"),
                Fixture.step(.lock, "T1", at: ScenarioWorld.lockAt),
                Fixture.step(.depart, "T1", at: ScenarioWorld.departAt),
                Fixture.transfer("T2", to: "SLV", departs: "2025-07-15T10:00:00Z", arrangement: "arr-slv"),
            ])
            let error = try await expectRefusal(in: store, code: "state-conflict") {
                try await store.append(record: TestRecords.manifestAdd("T2", "V1"))
            }
            #expect(error?.message.contains("already departed") == true)

            // Arrival does not make them addable again either.
            try await store.append(record: Fixture.step(.arrive, "T1", at: "2025-07-01T15:00:00Z"))
            try await expectRefusal(in: store, code: "state-conflict") {
                try await store.append(record: TestRecords.manifestAdd("T2", "V1"))
            }
        }
    }

    @Test("manifest-add refuses a case on another open manifest until struck there", arguments: StoreBackend.allCases)
    func refusesCaseOnAnotherOpenManifest(backend: StoreBackend) async throws {
        try await ScenarioWorld.withStore(backend) { store in
            try await store.append(records: [
                Fixture.transfer("T1", to: "SLV", arrangement: "arr-slv"),
                Fixture.transfer("T2", to: "SLV", departs: "2025-07-15T10:00:00Z", arrangement: "arr-slv"),
                TestRecords.manifestAdd("T1", "V1"),
                Fixture.step(.lock, "T1", at: ScenarioWorld.lockAt),
            ])
            let error = try await expectRefusal(in: store, code: "state-conflict") {
                try await store.append(record: TestRecords.manifestAdd("T2", "V1"))
            }
            #expect(error?.message.contains("open manifest of transfer 'T1'") == true)

            try await store.append(record: TestRecords.manifestStrike("T1", "V1", reason: "moved to a later flight"))
            try await store.append(record: TestRecords.manifestAdd("T2", "V1"))
            #expect(try await store.transfer("T2")?.onBoard == ["V1"])
            #expect(try await store.transfer("T1")?.onBoard == [])
        }
    }

    @Test("manifest-add never exceeds the seats", arguments: StoreBackend.allCases)
    func seatsAreNeverExceeded(backend: StoreBackend) async throws {
        try await ScenarioWorld.withStore(backend) { store in
            try await store.append(records: [
                Fixture.transfer("T1", to: "SLV", seats: 2, arrangement: "arr-slv"),
                TestRecords.manifestAdd("T1", "V1"),
                TestRecords.manifestAdd("T1", "V2"),
            ])
            let error = try await expectRefusal(in: store, code: "state-conflict") {
                try await store.append(record: TestRecords.manifestAdd("T1", "C1"))
            }
            #expect(error?.message.contains("no seats left") == true)

            // A batch that would overfill is refused whole.
            try await store.append(record: TestRecords.manifestStrike("T1", "V2", reason: "hearing scheduled"))
            try await expectRefusal(in: store, code: "state-conflict") {
                try await store.append(records: [TestRecords.manifestAdd("T1", "C1"), TestRecords.manifestAdd("T1", "V2")])
            }
            try await store.append(record: TestRecords.manifestAdd("T1", "C1"))
            let transfer = try await #require(try await store.transfer("T1"))
            #expect(transfer.onBoard == ["C1", "V1"])
            #expect(transfer.onBoard.count <= transfer.record.seats)
        }
    }

    @Test(
        "manifest-strike requires a reason, and the strike and its reason appear in the transfer's history",
        arguments: StoreBackend.allCases)
    func strikeRequiresReasonAndIsInHistory(backend: StoreBackend) async throws {
        try await ScenarioWorld.withStore(backend) { store in
            try await store.append(records: [
                Fixture.transfer("T1", to: "SLV", arrangement: "arr-slv"),
                TestRecords.manifestAdd("T1", "V1"),
                TestRecords.manifestAdd("T1", "V2"),
            ])
            let noReason: JSONValue = ["type": "manifest-strike", "transfer": "T1", "case": "V2"]
            let error = try await expectRefusal(in: store, code: "missing-field") { try await store.append(record: noReason) }
            #expect(error?.field == "reason")

            try await store.append(record: TestRecords.manifestStrike("T1", "V2", reason: "stay of removal requested"))

            let history = try await store.transferHistory("T1")
            #expect(history.map(\.type) == ["transfer", "manifest-add", "manifest-add", "manifest-strike"])
            let strike = try await #require(history.last)
            #expect(strike.string("case") == "V2")
            #expect(strike.string("reason") == "stay of removal requested")

            let detail = try await #require(try await Services.detail(store, "T1"))
            #expect(detail.history.map(\.seq) == history.map(\.seq))
            #expect(detail.passengers.first { $0.caseID == "V2" }?.status == .struck)
            #expect(detail.passengers.first { $0.caseID == "V2" }?.decision == nil)
            #expect(detail.transfer.onBoard == ["V1"])
        }
    }

    @Test("striking one member of a family unit flags the others still on the manifest", arguments: StoreBackend.allCases)
    func strikingFamilyMemberFlagsOthers(backend: StoreBackend) async throws {
        try await ScenarioWorld.withStore(backend) { store in
            try await store.append(records: [
                Fixture.transfer("T1", to: "SLV", arrangement: "arr-slv"),
                TestRecords.manifestAdd("T1", "FA"),
                TestRecords.manifestAdd("T1", "FB"),
                TestRecords.manifestAdd("T1", "FC"),
                TestRecords.manifestAdd("T1", "V1"),
                Fixture.step(.lock, "T1", at: ScenarioWorld.lockAt),
            ])

            let events = try await store.record(TestRecords.manifestStrike("T1", "FA", reason: "medical hold"))
            #expect(events.map(\.type) == ["manifest-strike", "system.family-flag"])
            let flag = try await #require(events.last)
            #expect(flag.string("transfer") == "T1")
            #expect(flag.string("familyUnit") == "FAM-1")
            #expect(flag.string("struck") == "FA")
            #expect(flag.strings("members") == ["FB", "FC"])

            // Only the members still on the manifest are named.
            let second = try await store.record(TestRecords.manifestStrike("T1", "FB", reason: "travels with FA"))
            #expect(second.last?.strings("members") == ["FC"])

            // The last member leaves no one to flag; a person without a family flags nothing.
            #expect(try await store.record(TestRecords.manifestStrike("T1", "FC", reason: "travels with FA")).map(\.type) == ["manifest-strike"])
            #expect(try await store.record(TestRecords.manifestStrike("T1", "V1", reason: "counsel filed")).map(\.type) == ["manifest-strike"])
        }
    }
}
