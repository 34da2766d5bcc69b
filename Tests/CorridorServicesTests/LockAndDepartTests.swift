import CorridorDomain
import CorridorRules
import CorridorSQLiteTestSupport
import CorridorServices
import CorridorStore
import CorridorTestSupport
import Testing

/// Locking records a verdict per person; departure re-checks everyone and is refused, naming
/// them, unless all are allowed and the arrangement has places for all of them.
@Suite("Lock and depart")
struct LockAndDepartTests {
    /// T1 to El Salvador with `V1` (allowed), `V3` (never served notice: notice pending) and
    /// `C1` (withholding granted against El Salvador: protection fails).
    static func mixedWorld(_ store: some EventStore) async throws {
        try await store.append(records: [
            Fixture.person("V3", "VEN"),
            TestRecords.order("V3", kind: "final", on: "2025-01-10"),
            TestRecords.claim("C1", "withholding", against: "SLV", status: "granted", on: "2025-04-01"),
            Fixture.transfer("T1", to: "SLV", departs: ScenarioWorld.departs, arrangement: "arr-slv"),
            TestRecords.manifestAdd("T1", "V1"),
            TestRecords.manifestAdd("T1", "V3"),
            TestRecords.manifestAdd("T1", "C1"),
        ])
    }

    @Test(
        "transfer-lock records a verdict per person, judged at the scheduled departure under the active profile",
        arguments: StoreBackend.allCases)
    func lockRecordsVerdicts(backend: StoreBackend) async throws {
        try await ScenarioWorld.withStore(backend) { store in
            try await Self.mixedWorld(store)
            let events = try await store.record(Fixture.step(.lock, "T1", at: ScenarioWorld.lockAt))

            #expect(events.map(\.type) == ["transfer-lock", "system.verdict", "system.verdict", "system.verdict"])
            let lock = try await #require(events.first)
            #expect(lock.string("policy") == "us-dvd-2025")
            #expect(lock.string("policyVersion") == PolicyLibrary.profiles["us-dvd-2025"]?.version)

            let verdicts = Dictionary(uniqueKeysWithValues: events.dropFirst().map { ($0.string("case") ?? "?", $0) })
            #expect(Set(verdicts.keys) == ["V1", "V3", "C1"])
            for event in verdicts.values {
                #expect(event.string("transfer") == "T1")
                #expect(event.string("step") == "transfer-lock")
                #expect(event.string("at") == ScenarioWorld.departs, "judged at the scheduled departure, not at the lock instant")
                #expect(event.string("policy") == "us-dvd-2025")
            }
            #expect(verdicts["V1"]?.string("verdict") == "allowed")
            #expect(verdicts["V3"]?.string("verdict") == "pending")
            #expect(verdicts["V3"]?.fields["gates"]?["notice"] == "pending")
            #expect(verdicts["C1"]?.string("verdict") == "blocked")
            #expect(verdicts["C1"]?.fields["gates"]?["protection"] == "fail")

            // The recorded verdicts agree with a check at the scheduled departure.
            for id in ["V1", "V3", "C1"] {
                let decision = try await Services.check(
                    store, CaseRecord.ID(id), to: "SLV", at: try await #require(Instant(rfc3339: ScenarioWorld.departs)))
                #expect(verdicts[id]?.string("verdict") == decision.verdict.rawValue, "\(id)")
            }
        }
    }

    @Test("transfer-lock is stamped with the profile chosen by `policy use`", arguments: StoreBackend.allCases)
    func lockStampsActiveProfile(backend: StoreBackend) async throws {
        try await ScenarioWorld.withStore(backend) { store in
            try await store.append(records: [Fixture.transfer("T1", to: "SLV", arrangement: "arr-slv"), TestRecords.manifestAdd("T1", "V1")])
            let profile = try await Services.useProfile(store, "unhcr-2013")
            let events = try await store.record(Fixture.step(.lock, "T1", at: ScenarioWorld.lockAt))
            #expect(events.first?.string("policy") == "unhcr-2013")
            #expect(events.first?.string("policyVersion") == profile.version)
            // unhcr-2013 waits for an individual screening for every third country.
            #expect(events.last?.string("verdict") == "pending")
            #expect(events.last?.fields["gates"]?["human-rights-risk"] == "pending")
            #expect(events.last?.string("policy") == "unhcr-2013")
        }
    }

    @Test(
        "transfer-depart is refused naming each person not allowed and their gate; nothing changes; after strikes it departs",
        arguments: StoreBackend.allCases)
    func departureRefusedUntilStruck(backend: StoreBackend) async throws {
        try await ScenarioWorld.withStore(backend) { store in
            try await Self.mixedWorld(store)
            try await store.append(record: Fixture.step(.lock, "T1", at: ScenarioWorld.lockAt))
            let depart = Fixture.step(.depart, "T1", at: ScenarioWorld.departAt)

            let headBefore = try await store.head()
            let digestBefore = try await store.stateDigest()
            let error = await #expect(throws: RecordError.self) { try await store.append(record: depart) }
            #expect(error?.code == "departure-refused")
            #expect(error?.field == "transfer")
            let message = error?.message ?? ""
            #expect(message.contains("V3 is pending"))
            #expect(message.contains("notice pending"))
            #expect(message.contains("C1 is blocked"))
            #expect(message.contains("protection fail"))
            #expect(message.contains("2 of 3"))
            #expect(!message.contains("V1 is"), "an allowed person is not named")
            #expect(try await store.head() == headBefore)
            #expect(try await store.stateDigest() == digestBefore)
            #expect(try await store.transfer("T1")?.status == .locked)

            // Striking one is not enough.
            try await store.append(record: TestRecords.manifestStrike("T1", "C1", reason: "withholding granted against El Salvador"))
            let second = try await expectRefusal(in: store, code: "departure-refused") { try await store.append(record: depart) }
            #expect(second?.message.contains("V3") == true)
            #expect(second?.message.contains("C1") == false)

            try await store.append(record: TestRecords.manifestStrike("T1", "V3", reason: "no notice served"))
            let events = try await store.record(depart)
            #expect(events.map(\.type) == ["transfer-depart", "system.departure-check"])
            #expect(events[0].string("policy") == "us-dvd-2025")
            #expect(events[0].string("policyVersion") == PolicyLibrary.profiles["us-dvd-2025"]?.version)
            #expect(events[1].strings("allowed") == ["V1"])
            let transfer = try await #require(try await store.transfer("T1"))
            #expect(transfer.status == .departed)
            #expect(transfer.steps[.departed] == Instant(rfc3339: ScenarioWorld.departAt))
            #expect(transfer.onBoard == ["V1"])
            #expect(
                try await store.transferHistory("T1").filter { $0.type == "manifest-strike" }.compactMap { $0.string("reason") }
                    == ["withholding granted against El Salvador", "no notice served"])
        }
    }

    @Test("departure is judged at its own instant: a notice period that has not run blocks it", arguments: StoreBackend.allCases)
    func departureJudgedAtItsInstant(backend: StoreBackend) async throws {
        try await ScenarioWorld.withStore(backend) { store in
            // V3's notice is served 2025-06-25T09:00Z: under us-dvd-2025 (240 hours) it has run at
            // 2025-07-05T09:00Z, not before.
            try await store.append(records: [
                Fixture.person("V3", "VEN"),
                TestRecords.order("V3", kind: "final", on: "2025-01-10"),
                Fixture.notice("V3", "SLV", servedOn: "2025-06-25T09:00:00Z"),
                Fixture.transfer("T1", to: "SLV", departs: "2025-07-05T10:00:00Z", arrangement: "arr-slv"),
                TestRecords.manifestAdd("T1", "V3"),
                Fixture.step(.lock, "T1", at: ScenarioWorld.lockAt),
            ])
            let error = try await expectRefusal(in: store, code: "departure-refused") {
                try await store.append(record: Fixture.step(.depart, "T1", at: "2025-07-05T08:59:59Z"))
            }
            #expect(error?.message.contains("notice pending") == true)
            try await store.append(record: Fixture.step(.depart, "T1", at: "2025-07-05T09:00:00Z"))
            #expect(try await store.transfer("T1")?.status == .departed)
        }
    }

    @Test(
        "departure is refused when the arrangement has fewer places left in total than people on board",
        arguments: StoreBackend.allCases)
    func departureRefusedWithoutTotalPlaces(backend: StoreBackend) async throws {
        try await ScenarioWorld.withStore(backend, capacityTotal: 2) { store in
            try await store.append(records: [
                Fixture.transfer("T1", to: "SLV", arrangement: "arr-slv"),
                TestRecords.manifestAdd("T1", "V1"), TestRecords.manifestAdd("T1", "V2"), TestRecords.manifestAdd("T1", "C1"),
                Fixture.step(.lock, "T1", at: ScenarioWorld.lockAt),
            ])
            // Each person alone is allowed (no place is used yet) …
            #expect(try await store.events(ofType: "system.verdict").allSatisfy { $0.string("verdict") == "allowed" })
            // … but three do not fit in two places.
            let error = try await expectRefusal(in: store, code: "departure-refused") {
                try await store.append(record: Fixture.step(.depart, "T1", at: ScenarioWorld.departAt))
            }
            #expect(error?.message.contains("carries 3 people") == true)
            #expect(error?.message.contains("2 of 2 places left") == true)

            try await store.append(record: TestRecords.manifestStrike("T1", "C1", reason: "no place left under arr-slv"))
            try await store.append(record: Fixture.step(.depart, "T1", at: ScenarioWorld.departAt))
            #expect(try await store.transfer("T1")?.status == .departed)
        }
    }

    @Test(
        "departure is refused when the arrangement has fewer places left this calendar month than people on board",
        arguments: StoreBackend.allCases)
    func departureRefusedWithoutMonthlyPlaces(backend: StoreBackend) async throws {
        try await ScenarioWorld.withStore(backend, capacityPerMonth: 4) { store in
            try await store.append(records: [
                Fixture.transfer("T1", to: "SLV", departs: "2025-07-01T10:00:00Z", arrangement: "arr-slv"),
                TestRecords.manifestAdd("T1", "V1"), TestRecords.manifestAdd("T1", "V2"), TestRecords.manifestAdd("T1", "C1"),
                Fixture.step(.lock, "T1", at: "2025-06-28T12:00:00Z"),
                Fixture.step(.depart, "T1", at: "2025-07-01T10:00:00Z"),
                Fixture.transfer("T2", to: "SLV", departs: "2025-07-20T10:00:00Z", arrangement: "arr-slv"),
                TestRecords.manifestAdd("T2", "FA"), TestRecords.manifestAdd("T2", "FB"), TestRecords.manifestAdd("T2", "FC"),
                Fixture.step(.lock, "T2", at: "2025-07-18T12:00:00Z"),
            ])
            let error = try await expectRefusal(in: store, code: "departure-refused") {
                try await store.append(record: Fixture.step(.depart, "T2", at: "2025-07-20T10:00:00Z"))
            }
            #expect(error?.message.contains("1 of its 4 places left this month") == true)

            // In August the month's places are fresh again (the total is unlimited).
            try await store.append(record: Fixture.step(.depart, "T2", at: "2025-08-01T10:00:00Z"))
            #expect(try await store.transfer("T2")?.status == .departed)
        }
    }

    @Test("a departure that names its profile is judged under it and records the profile and its version", arguments: StoreBackend.allCases)
    func departureNamingItsProfile(backend: StoreBackend) async throws {
        try await ScenarioWorld.withStore(backend) { store in
            try await store.append(records: [
                Fixture.transfer("T1", to: "SLV", arrangement: "arr-slv"), TestRecords.manifestAdd("T1", "V1"),
                Fixture.step(.lock, "T1", at: ScenarioWorld.lockAt),
            ])
            // unhcr-2013 waits for an individual screening for El Salvador: refused, and named.
            let error = try await expectRefusal(in: store, code: "departure-refused") {
                try await store.append(record: Fixture.step(.depart, "T1", at: ScenarioWorld.departAt, policy: "unhcr-2013"))
            }
            #expect(error?.message.contains("under unhcr-2013") == true)
            #expect(error?.message.contains("human-rights-risk pending") == true)

            let events = try await store.record(Fixture.step(.depart, "T1", at: ScenarioWorld.departAt, policy: "us-dhs-2025"))
            #expect(events.first?.string("policy") == "us-dhs-2025")
            #expect(events.last?.string("policy") == "us-dhs-2025")
            do {
                #expect(events.first?.string("policyVersion") == PolicyLibrary.profiles["us-dhs-2025"]?.version)
            }
        }
    }

    @Test("a case closed after it was put on a manifest cannot depart", arguments: StoreBackend.allCases)
    func closedCaseCannotDepart(backend: StoreBackend) async throws {
        try await ScenarioWorld.withStore(backend) { store in
            try await store.append(records: [
                Fixture.transfer("T1", to: "SLV", arrangement: "arr-slv"),
                TestRecords.manifestAdd("T1", "V1"), TestRecords.manifestAdd("T1", "V2"),
                Fixture.step(.lock, "T1", at: ScenarioWorld.lockAt),
                Fixture.person("V2", "VEN", extra: ["closedOn": "2025-06-29"]),
            ])
            do {
                try await expectRefusal(in: store, code: "departure-refused") {
                    try await store.append(record: Fixture.step(.depart, "T1", at: ScenarioWorld.departAt))
                }
            }
        }
    }
}
