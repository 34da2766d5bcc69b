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
    private func seed(_ store: some EventStore) throws -> Int {
        let network = try Seeding.seedReference(into: store, context: .test(actor: "seed"))
        let caseload = try Seeding.seedSynthetic(count: Self.syntheticCases, seed: Self.seed, into: store, context: .test(actor: "seed"))
        return network.count + caseload.count
    }

    @Test("Exported records re-imported into an empty store give the same state")
    func exportAndReimport() throws {
        let source = try TemporarySQLiteStore()
        let seeded = try seed(source.store)
        let files = try TemporaryDirectory(prefix: "corridor-export")

        var lines: [String] = []
        let exported = try source.store.exportRecords { lines.append($0) }
        #expect(exported == seeded)
        #expect(try source.store.summary().cases == Self.syntheticCases)
        let path = try files.write("export.jsonl", text: lines.joined(separator: "\n") + "\n")

        let target = try TemporarySQLiteStore()
        let receipt = try RecordImport.importFiles([path], into: target.store, context: .test(actor: "import"))
        #expect(receipt.count == exported)
        #expect(try target.store.stateDigest() == (try source.store.stateDigest()))
        #expect(try target.store.summary() == (try source.store.summary()))

        // Exporting again yields the same lines: the payloads are canonical.
        var again: [String] = []
        _ = try target.store.exportRecords { again.append($0) }
        #expect(again == lines)
    }

    @Test("The in-memory and SQLite stores fed the same records have equal digests")
    func backendsAgreeOnALargeCaseload() throws {
        let memory = InMemoryEventStore()
        let sqlite = try TemporarySQLiteStore()
        #expect(try seed(memory) == (try seed(sqlite.store)))
        let a = try memory.stateDigest(), b = try sqlite.store.stateDigest()
        #expect(a.differences(from: b).isEmpty, "\(a)\n---\n\(b)")
        #expect(a.tables["cases"]?.rows == Self.syntheticCases)
        #expect((a.tables["case_facts"]?.rows ?? 0) > Self.syntheticCases)
        #expect(try memory.summary() == (try sqlite.store.summary()))
        #expect(try memory.head() == (try sqlite.store.head()))
    }

    @Test("Audit replay of a healthy store matches its projections", arguments: [StoreBackend.inMemory, .sqliteFile])
    func replayMatches(backend: StoreBackend) throws {
        try backend.withStore { store in
            let seeded = try seed(store)
            let report = try AuditReplay.run(store)
            #expect(report.matches, "\(report.differingTables)")
            #expect(report.eventsReplayed == seeded)
            #expect(report.live == report.rebuilt)
            #expect(try store.verifyChain().eventsChecked == Int64(seeded))
        }
    }

    @Test("A log with transfers, court orders and system events re-imports and replays to the same state",
          arguments: StoreBackend.allCases)
    func transfersRoundTrip(backend: StoreBackend) throws {
        let setup = try StateRuleScenario.load()[0].setup
        let files = try TemporaryDirectory(prefix: "corridor-export")
        try backend.withStore { source in
            try source.append(records: setup)
            try source.appendSystemEvent(type: "system.read", payload: ["case": "C1"], context: .test, setting: nil)
            try source.append(records: [
                TestRecords.courtOrder("CO-CASES", issuedOn: "2025-06-01", scope: ["cases": ["C1"]]),
                TestRecords.step(.arrive, "T-GONE", at: "2025-03-16T04:00:00Z"),
                TestRecords.disposition("C3", outcome: "repatriated", on: "2025-06-01", to: "VEN"),
            ])
            let replay = try AuditReplay.run(source)
            #expect(replay.matches, "\(replay.differingTables)")
            #expect(replay.eventsReplayed == setup.count + 3)

            var lines: [String] = []
            #expect(try source.exportRecords { lines.append($0) } == setup.count + 3)
            let path = try files.write("export.jsonl", text: lines.joined(separator: "\n") + "\n")
            let target = try TemporarySQLiteStore()
            try RecordImport.importFiles([path], into: target.store, context: .test(actor: "import"))
            #expect(try target.store.stateDigest() == source.stateDigest())
            #expect(try target.store.summary().cases == source.summary().cases)
        }
    }
}
