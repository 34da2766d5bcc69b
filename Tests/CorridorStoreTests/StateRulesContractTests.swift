import CorridorDomain
import CorridorSQLiteTestSupport
import CorridorStore
import CorridorTestSupport
import Testing

/// The state rules (references and state), through every ``EventStore``: one scenario table,
/// run once per backend. A refusal must name its code and field and leave the store unchanged.
struct StateRulesContractTests {
    @Test("State rule", arguments: StoreBackend.allCases, try StateRuleScenario.load())
    func stateRule(backend: StoreBackend, scenario: StateRuleScenario) async throws {
        try await backend.withStore { store in try await check(scenario, on: store) }
    }

    private func check(_ scenario: StateRuleScenario, on store: some EventStore) async throws {
        try await store.append(records: scenario.setup)
        if !scenario.given.isEmpty { try await store.append(records: scenario.given) }
        let before = try await store.snapshot()
        let call = scenario.batch + [scenario.record]

        switch scenario.expectation {
        case .accepted:
            let exportedBefore = try await recordCount(store)
            let receipt = try await store.append(records: call)
            #expect(receipt.count == call.count)
            #expect(receipt.firstSeq == before.head.seq + 1)
            let after = try await store.snapshot()
            // Records, plus any system events the rules add after them (verdicts, holds).
            #expect(try await recordCount(store) == exportedBefore + call.count)
            #expect(after.head.seq >= before.head.seq + Int64(call.count))
            #expect(after.head.hash == receipt.headHash)
            #expect(after.digest != before.digest)
            #expect(try await store.verifyChain().isIntact)

        case .refused(let code, let field, let message):
            let error = await #expect(throws: RecordError.self) { try await store.append(records: call) }
            #expect(error?.code == code, "\(error.map(String.init(describing:)) ?? "")")
            #expect(error?.field == field, "\(error.map(String.init(describing:)) ?? "")")
            #expect(error?.message.contains(message) == true, "message was: \(error?.message ?? "-")")
            let after = try await store.snapshot()
            #expect(after == before, "the refused append changed the store")
            #expect(after.digest.differences(from: before.digest).isEmpty)
            // And the store still takes a good record afterwards.
            try await store.append(record: TestRecords.caseRecord("AFTER-REFUSAL"))
            #expect(try await store.head().seq == before.head.seq + 1)
        }
    }

    private func recordCount(_ store: some EventStore) async throws -> Int {
        try await store.exportRecords { _ in }
    }

    @Test("The scenario table is loaded and names each scenario once")
    func scenarioTable() async throws {
        let scenarios = try StateRuleScenario.load()
        #expect(scenarios.count >= 60)
        #expect(Set(scenarios.map(\.name)).count == scenarios.count)
        let refusedKinds = Set(
            scenarios.compactMap { scenario -> String? in
                if case .refused = scenario.expectation { return scenario.record["type"]?.stringValue }
                return nil
            })
        for kind in [
            "order", "claim", "designation", "notice", "fear", "screening", "disposition", "arrangement",
            "arrangement-status", "court-order", "court-order-lift", "transfer", "manifest-add", "manifest-strike",
            "transfer-lock", "transfer-depart", "transfer-arrive", "transfer-cancel",
        ] {
            #expect(refusedKinds.contains(kind), "no refusal scenario for \(kind)")
        }
    }
}
