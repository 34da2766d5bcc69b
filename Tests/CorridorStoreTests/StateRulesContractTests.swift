import CorridorDomain
import CorridorSQLiteTestSupport
import CorridorStore
import CorridorTestSupport
import Testing

/// The state rules (references and state), through every ``EventStore``: one scenario table,
/// run once per backend. A refusal must name its code and field and leave the store unchanged.
struct StateRulesContractTests {
    @Test("State rule", arguments: StoreBackend.allCases, try StateRuleScenario.load())
    func stateRule(backend: StoreBackend, scenario: StateRuleScenario) throws {
        try backend.withStore { store in try check(scenario, on: store) }
    }

    private func check(_ scenario: StateRuleScenario, on store: some EventStore) throws {
        try store.append(records: scenario.setup)
        if !scenario.given.isEmpty { try store.append(records: scenario.given) }
        let before = try store.snapshot()
        let call = scenario.batch + [scenario.record]

        switch scenario.expectation {
        case .accepted:
            let exportedBefore = try recordCount(store)
            let receipt = try store.append(records: call)
            #expect(receipt.count == call.count)
            #expect(receipt.firstSeq == before.head.seq + 1)
            let after = try store.snapshot()
            // Records, plus any system events the rules add after them (verdicts, holds).
            #expect(try recordCount(store) == exportedBefore + call.count)
            #expect(after.head.seq >= before.head.seq + Int64(call.count))
            #expect(after.head.hash == receipt.headHash)
            #expect(after.digest != before.digest)
            #expect(try store.verifyChain().isIntact)

        case .refused(let code, let field, let message):
            let error = #expect(throws: RecordError.self) { try store.append(records: call) }
            #expect(error?.code == code, "\(error.map(String.init(describing:)) ?? "")")
            #expect(error?.field == field, "\(error.map(String.init(describing:)) ?? "")")
            #expect(error?.message.contains(message) == true, "message was: \(error?.message ?? "-")")
            let after = try store.snapshot()
            #expect(after == before, "the refused append changed the store")
            #expect(after.digest.differences(from: before.digest).isEmpty)
            // And the store still takes a good record afterwards.
            try store.append(record: TestRecords.caseRecord("AFTER-REFUSAL"))
            #expect(try store.head().seq == before.head.seq + 1)
        }
    }

    private func recordCount(_ store: some EventStore) throws -> Int {
        try store.exportRecords { _ in }
    }

    @Test("The scenario table is loaded and names each scenario once")
    func scenarioTable() throws {
        let scenarios = try StateRuleScenario.load()
        #expect(scenarios.count >= 60)
        #expect(Set(scenarios.map(\.name)).count == scenarios.count)
        let refusedKinds = Set(scenarios.compactMap { scenario -> String? in
            if case .refused = scenario.expectation { return scenario.record["type"]?.stringValue }
            return nil
        })
        for kind in ["order", "claim", "designation", "notice", "fear", "screening", "disposition", "arrangement",
                     "arrangement-status", "court-order", "court-order-lift", "transfer", "manifest-add", "manifest-strike",
                     "transfer-lock", "transfer-depart", "transfer-arrive", "transfer-cancel"] {
            #expect(refusedKinds.contains(kind), "no refusal scenario for \(kind)")
        }
    }
}
