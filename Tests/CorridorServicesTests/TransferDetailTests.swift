import CorridorDomain
import CorridorRules
import CorridorSQLiteTestSupport
import CorridorServices
import CorridorStore
import CorridorTestSupport
import Testing

/// `TransferService.detail`: the live verdicts supervisors see must be the ones the departure
/// guard will apply.
@Suite("Transfer detail")
struct TransferDetailTests {
    @Test("detail's verdicts at the departure instant are the departure guard's", arguments: StoreBackend.allCases)
    func detailAgreesWithGuard(backend: StoreBackend) async throws {
        try await ScenarioWorld.withStore(backend) { store in
            try await store.append(records: [
                TestRecords.claim("C1", "withholding", against: "SLV", status: "granted", on: "2025-04-01"),
                Fixture.transfer("T1", to: "SLV", departs: ScenarioWorld.departs, arrangement: "arr-slv"),
                TestRecords.manifestAdd("T1", "V1"), TestRecords.manifestAdd("T1", "C1"),
                Fixture.step(.lock, "T1", at: ScenarioWorld.lockAt),
            ])
            let detail = try await #require(try await Services.detail(store, "T1"))
            #expect(detail.judgedAt == Instant(rfc3339: ScenarioWorld.departs))
            #expect(detail.policy.id == "us-dvd-2025")
            #expect(detail.loadFactor == 2.0 / 10.0)
            let verdicts = try await store.events(ofType: "system.verdict")
            for passenger in detail.passengers {
                let recorded = verdicts.first { $0.string("case") == passenger.caseID.rawValue }?.string("verdict")
                #expect(passenger.decision?.verdict.rawValue == recorded, "\(passenger.caseID)")
            }
            #expect(detail.passengers.first { $0.caseID == "C1" }?.decision?.verdict == .blocked)
        }
    }

    @Test(
        "detail shows a family member blocked when part of the unit is not on the transfer, as the guard does",
        arguments: StoreBackend.allCases)
    func detailSeesWholeFamilyUnit(backend: StoreBackend) async throws {
        try await ScenarioWorld.withStore(backend) { store in
            // FC, the third member of FAM-1, is not on the manifest.
            try await store.append(records: [
                Fixture.transfer("T1", to: "SLV", departs: ScenarioWorld.departs, arrangement: "arr-slv"),
                TestRecords.manifestAdd("T1", "FA"), TestRecords.manifestAdd("T1", "FB"),
                Fixture.step(.lock, "T1", at: ScenarioWorld.lockAt),
            ])
            let verdicts = try await store.events(ofType: "system.verdict")
            #expect(verdicts.allSatisfy { $0.string("verdict") == "blocked" && $0.fields["gates"]?["vulnerability"] == "fail" })
            let error = try await expectRefusal(in: store, code: "departure-refused") {
                try await store.append(record: Fixture.step(.depart, "T1", at: ScenarioWorld.departAt))
            }
            #expect(error?.message.contains("vulnerability fail: family unit FAM-1: FC not on transfer T1") == true)

            let detail = try await #require(try await Services.detail(store, "T1"))
            do {
                for passenger in detail.passengers {
                    #expect(passenger.decision?.verdict == .blocked, "\(passenger.caseID)")
                    #expect(passenger.decision?.finding(.vulnerability)?.result == .fail, "\(passenger.caseID)")
                }
            }
        }
    }
}
