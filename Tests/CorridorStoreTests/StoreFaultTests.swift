import CorridorDomain
import CorridorSQLite
import CorridorSQLiteTestSupport
import CorridorStore
import CorridorTestSupport
import Testing

/// A database or disk fault during a write or a read is reported as a storage fault that names
/// the kind of fault — never as a refused record or an unknown reference — and a failed write
/// keeps nothing.
struct StoreFaultTests {
    typealias R = TestRecords

    /// A SQLite store on a temporary file holding ``TestRecords/smallWorld``.
    private func seededStore() async throws -> TemporarySQLiteStore {
        let temporary = try await TemporarySQLiteStore()
        try await temporary.store.append(records: R.smallWorld)
        return temporary
    }

    /// Checks `error` is a storage fault whose message names `what` and nothing of SQLite's own
    /// words or the statement, which are in the details.
    private func expectStorageFault(_ error: StoreError?, naming what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(error?.code == .storageFault, "\(String(describing: error))", sourceLocation: sourceLocation)
        #expect(error?.message.contains(what) == true, "\(String(describing: error?.message))", sourceLocation: sourceLocation)
        #expect(error?.message.contains("SQLite error") == false, "\(String(describing: error?.message))", sourceLocation: sourceLocation)
        #expect(error?.message.contains("INSERT") == false, "\(String(describing: error?.message))", sourceLocation: sourceLocation)
        #expect(error?.details?.isEmpty == false, sourceLocation: sourceLocation)
    }

    @Test("A full disk during an import is a storage fault naming the full disk, and nothing of the import is kept")
    func importOnFullDisk() async throws {
        let temporary = try await seededStore()
        let files = try TemporaryDirectory(prefix: "corridor-fault")
        let cases = (1...3_000).map { R.caseRecord("F\($0)", nationalities: ["GTM"]) }
        let path = try await files.write("cases.jsonl", records: cases)
        let before = try await temporary.store.snapshot()
        try await temporary.store.inject(.diskFull)

        let error = await #expect(throws: StoreError.self) {
            try await RecordImport.importFiles([path], into: temporary.store, context: .test)
        }
        expectStorageFault(error, naming: "the disk is full")
        #expect(try await temporary.store.snapshot() == before)
        #expect(try await temporary.reopen().snapshot() == before, "a second connection sees nothing of the failed import")
    }

    @Test("On a read-only file every kind of write is a storage fault naming it, and keeps nothing")
    func readOnlyWrites() async throws {
        let temporary = try await seededStore()
        let store = temporary.store
        let before = try await store.snapshot()
        try await store.inject(.readOnly)
        let writes: [(String, () async throws -> Void)] = [
            ("records", { _ = try await store.append(records: [R.caseRecord("C9"), R.order("C9")]) }),
            (
                "a system event",
                { try await store.appendSystemEvent(type: "system.policy", payload: ["id": "x"], context: .test, setting: ("policy.active", "x")) }
            ),
            (
                "a batch of reads",
                { try await store.appendSystemEvents([(SystemEvent(type: "system.read", payload: ["case": "C1"]), "test")], at: TestClock.instant) }
            ),
            ("a token", { _ = try await Tokens.issue(name: "fault", role: .officer, in: store, context: .test) }),
        ]
        for (what, write) in writes {
            let error = await #expect(throws: StoreError.self, "writing \(what)") { try await write() }
            expectStorageFault(error, naming: "the database file is read-only")
        }
        #expect(try await store.snapshot() == before)
        #expect(try await store.tokens().isEmpty)
    }

    @Test("A lookup the database cannot answer is a storage fault, not an unknown reference, and keeps nothing")
    func failedLookup() async throws {
        let temporary = try await seededStore()
        let store = temporary.store
        let head = try await store.head()
        try await store.inject(.missingTable("cases"))

        // C1 is recorded: before, the failed lookup read as "no case 'C1' has been recorded".
        let error = await #expect(throws: StoreError.self) { _ = try await store.append(record: R.order("C1")) }
        expectStorageFault(error, naming: "while writing")
        #expect(try await store.head() == head)
        #expect(try await store.verifyChain().eventsChecked == head.seq)
    }

    @Test("A read the database cannot answer is a storage fault")
    func failedRead() async throws {
        let temporary = try await seededStore()
        try await temporary.store.inject(.missingTable("cases"))
        let error = await #expect(throws: StoreError.self) { try await temporary.store.caseEvents("C1") }
        expectStorageFault(error, naming: "while reading")
    }
}
