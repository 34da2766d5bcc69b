import CorridorDomain
import CorridorRules
import CorridorSQLiteTestSupport
import CorridorServices
import CorridorStore
import CorridorTestSupport
import Testing

/// Family units travel together: the answer to "may this person go there today?" looks at the
/// whole unit, and every way of asking it (one check from the store or from memory, the
/// whole-caseload pass, a manifest's departure) gives the same answer, naming the member and
/// the gate that holds them and nothing else of their record.
@Suite("Family units")
struct FamilyUnitTests {
    static let at = Instant(rfc3339: ScenarioWorld.departs)!

    /// The store's answer for one person and the in-memory caseload's, which must agree.
    static func decisions(_ store: some EventStore, _ id: CaseRecord.ID, policy: String? = nil) async throws -> (stored: Decision, memory: Decision?)
    {
        let rules = RulesService(store: store)
        let context = try await rules.destination("SLV", at: at, policy: try await rules.profile(policy))
        return (try await rules.check(id, to: "SLV", at: at, policy: policy), try await rules.loadCaseload().decide(id, context))
    }

    static func eligibility(_ store: some EventStore) async throws -> Eligibility {
        let rules = RulesService(store: store)
        return try await rules.loadCaseload().eligibility(try await rules.destination("SLV", at: at, policy: try await rules.profile(nil)))
    }

    @Test(
        "while one member holds protection against the destination, the others are blocked too, in check and in eligible",
        arguments: StoreBackend.allCases)
    func blockedMemberHoldsTheUnit(backend: StoreBackend) async throws {
        try await ScenarioWorld.withStore(backend) { store in
            try await store.append(record: TestRecords.claim("FC", "cat", against: "SLV", status: "granted", on: "2025-04-01"))
            for id: CaseRecord.ID in ["FA", "FB"] {
                let (stored, memory) = try await Self.decisions(store, id)
                #expect(stored.verdict == .blocked, "\(id)")
                let finding = try await #require(stored.finding(.vulnerability))
                #expect(finding.result == .fail)
                #expect(finding.reason.contains("FC (protection)"), "\(finding.reason)")
                #expect(!finding.reason.contains("cat") && !finding.reason.contains("2025-04-01"), "reveals FC's record: \(finding.reason)")
                #expect(memory?.gates == stored.gates, "\(id): the in-memory caseload answers differently")
            }
            // FC is blocked by their own protection; the unit is no further reason.
            #expect(try await Self.decisions(store, "FC").stored.finding(.vulnerability)?.result == .pass)

            let eligibility = try await Self.eligibility(store)
            #expect(Set(eligibility.allowed) == ["V1", "V2", "C1"])
            #expect(eligibility.failing[.vulnerability] == 2)
            #expect(eligibility.failing[.protection] == 1)
        }
    }

    @Test("while one member waits for a final order, the others wait with them", arguments: StoreBackend.allCases)
    func waitingMemberHoldsTheUnit(backend: StoreBackend) async throws {
        try await ScenarioWorld.withStore(backend) { store in
            // FB's case is reopened: the order in force is no longer final.
            try await store.append(record: TestRecords.order("FB", kind: "pending", on: "2025-05-01"))
            let (stored, memory) = try await Self.decisions(store, "FA")
            #expect(stored.verdict == .pending)
            #expect(stored.finding(.vulnerability)?.result == .pending)
            #expect(stored.finding(.vulnerability)?.reason.contains("FB (final-order)") == true)
            #expect(memory?.gates == stored.gates)

            let eligibility = try await Self.eligibility(store)
            #expect(Set(eligibility.allowed) == ["V1", "V2", "C1"])
            #expect(eligibility.pendingCount == 3)
            #expect(eligibility.waiting[.vulnerability] == 2)
        }
    }

    @Test(
        "the whole unit on the transfer but one member blocked: departure is refused naming each, and who holds the others",
        arguments: StoreBackend.allCases)
    func departureWithBlockedMember(backend: StoreBackend) async throws {
        try await ScenarioWorld.withStore(backend) { store in
            try await store.append(records: [
                TestRecords.claim("FC", "cat", against: "SLV", status: "granted", on: "2025-04-01"),
                Fixture.transfer("T1", to: "SLV", departs: ScenarioWorld.departs, arrangement: "arr-slv"),
                TestRecords.manifestAdd("T1", "FA"), TestRecords.manifestAdd("T1", "FB"), TestRecords.manifestAdd("T1", "FC"),
                Fixture.step(.lock, "T1", at: ScenarioWorld.lockAt),
            ])
            let error = try await expectRefusal(in: store, code: "departure-refused") {
                try await store.append(record: Fixture.step(.depart, "T1", at: ScenarioWorld.departAt))
            }
            #expect(error?.message.contains("3 of 3 on the manifest are not allowed") == true, "\(error?.message ?? "")")
            #expect(error?.message.contains("vulnerability fail: family unit FAM-1: FC (protection) is blocked") == true, "\(error?.message ?? "")")

            let detail = try await #require(try await Services.detail(store, "T1"))
            for passenger in detail.passengers {
                #expect(passenger.decision?.verdict == .blocked, "\(passenger.caseID)")
            }
        }
    }
}
