import CorridorDomain
import CorridorSQLite
import CorridorSQLiteTestSupport
import CorridorStore
import CorridorTestSupport
import Testing

/// The log rebuilds the state: export and re-import, cross-backend equality, audit replay.
/// Uses the reference network and 2,000 synthetic cases (the 100k check is a benchmark).
struct ExportReplayTests {
    static let syntheticCases = 2_000
    static let seed: UInt64 = 20_250_601

    /// Seeds `store` with the reference network and the synthetic caseload.
    private func seed(_ store: some EventStore) async throws -> Int {
        let network = try await Seeding.seedReference(into: store, context: .test(actor: "seed"))
        let caseload = try await Seeding.seedSynthetic(count: Self.syntheticCases, seed: Self.seed, into: store, context: .test(actor: "seed"))
        return network.count + caseload.count
    }

    @Test("Exported records re-imported into an empty store give the same state")
    func exportAndReimport() async throws {
        let source = try TemporarySQLiteStore()
        let seeded = try await seed(source.store)
        let files = try TemporaryDirectory(prefix: "corridor-export")

        var lines: [String] = []
        let exported = try await source.store.exportRecords { lines.append($0) }
        #expect(exported == seeded)
        #expect(try await source.store.summary().cases == Self.syntheticCases)
        let path = try files.write("export.jsonl", text: lines.joined(separator: "\n") + "\n")

        let target = try TemporarySQLiteStore()
        let receipt = try await RecordImport.importFiles([path], into: target.store, context: .test(actor: "import"))
        #expect(receipt.count == exported)
        #expect(try await target.store.stateDigest() == (try await source.store.stateDigest()))
        #expect(try await target.store.summary() == (try await source.store.summary()))

        // Exporting again yields the same lines: the payloads are canonical.
        var again: [String] = []
        _ = try await target.store.exportRecords { again.append($0) }
        #expect(again == lines)
    }

    @Test("The in-memory and SQLite stores fed the same records have equal digests")
    func backendsAgreeOnALargeCaseload() async throws {
        let memory = InMemoryEventStore()
        let sqlite = try TemporarySQLiteStore()
        #expect(try await seed(memory) == (try await seed(sqlite.store)))
        let a = try await memory.stateDigest(), b = try await sqlite.store.stateDigest()
        #expect(a.differences(from: b).isEmpty, "\(a)\n---\n\(b)")
        #expect(a.tables["cases"]?.rows == Self.syntheticCases)
        #expect((a.tables["case_facts"]?.rows ?? 0) > Self.syntheticCases)
        #expect(try await memory.summary() == (try await sqlite.store.summary()))
        #expect(try await memory.head() == (try await sqlite.store.head()))
    }

    @Test("Audit replay of a healthy store matches its projections", arguments: [StoreBackend.inMemory, .sqliteFile])
    func replayMatches(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let seeded = try await seed(store)
            let report = try await AuditReplay.run(store)
            #expect(report.matches, "\(report.differingTables)")
            #expect(report.eventsReplayed == seeded)
            #expect(report.live == report.rebuilt)
            #expect(try await store.verifyChain().eventsChecked == Int64(seeded))
        }
    }

    @Test(
        "A log with transfers, court orders and system events re-imports and replays to the same state",
        arguments: StoreBackend.allCases)
    func transfersRoundTrip(backend: StoreBackend) async throws {
        let setup = try StateRuleScenario.load()[0].setup
        let files = try TemporaryDirectory(prefix: "corridor-export")
        try await backend.withStore { source in
            try await source.append(records: setup)
            try await source.appendSystemEvent(type: "system.read", payload: ["case": "C1"], context: .test, setting: nil)
            try await source.append(records: [
                TestRecords.courtOrder("CO-CASES", issuedOn: "2025-06-01", scope: ["cases": ["C1"]]),
                TestRecords.step(.arrive, "T-GONE", at: "2025-03-16T04:00:00Z"),
                TestRecords.disposition("C3", outcome: "repatriated", on: "2025-06-01", to: "VEN"),
            ])
            let replay = try await AuditReplay.run(source)
            #expect(replay.matches, "\(replay.differingTables)")
            #expect(replay.eventsReplayed == setup.count + 3)

            var lines: [String] = []
            #expect(try await source.exportRecords { lines.append($0) } == setup.count + 3)
            let path = try files.write("export.jsonl", text: lines.joined(separator: "\n") + "\n")
            let target = try TemporarySQLiteStore()
            _ = try await RecordImport.importFiles([path], into: target.store, context: .test(actor: "import"))
            #expect(try await target.store.stateDigest() == source.stateDigest())
            #expect(try await target.store.summary().cases == source.summary().cases)
        }
    }
}
