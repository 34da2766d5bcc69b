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
    private func seededStore() throws -> TemporarySQLiteStore {
        let temporary = try TemporarySQLiteStore()
        try temporary.store.append(records: R.smallWorld)
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
    func importOnFullDisk() throws {
        let temporary = try seededStore()
        let files = try TemporaryDirectory(prefix: "corridor-fault")
        let cases = (1...3_000).map { R.caseRecord("F\($0)", nationalities: ["GTM"]) }
        let path = try files.write("cases.jsonl", records: cases)
        let before = try temporary.store.snapshot()
        try temporary.store.inject(.diskFull)

        let error = #expect(throws: StoreError.self) {
            try RecordImport.importFiles([path], into: temporary.store, context: .test)
        }
        expectStorageFault(error, naming: "the disk is full")
        #expect(try temporary.store.snapshot() == before)
        #expect(try temporary.reopen().snapshot() == before, "a second connection sees nothing of the failed import")
    }

    @Test("On a read-only file every kind of write is a storage fault naming it, and keeps nothing")
    func readOnlyWrites() throws {
        let temporary = try seededStore()
        let store = temporary.store
        let before = try store.snapshot()
        try store.inject(.readOnly)
        let writes: [(String, () throws -> Void)] = [
            ("records", { _ = try store.append(records: [R.caseRecord("C9"), R.order("C9")]) }),
            ("a system event", { try store.appendSystemEvent(type: "system.policy", payload: ["id": "x"], context: .test, setting: ("policy.active", "x")) }),
            ("a batch of reads", { try store.appendSystemEvents([(SystemEvent(type: "system.read", payload: ["case": "C1"]), "test")], at: TestClock.instant) }),
            ("a token", { _ = try Tokens.issue(name: "fault", role: .officer, in: store, context: .test) }),
        ]
        for (what, write) in writes {
            let error = #expect(throws: StoreError.self, "writing \(what)") { try write() }
            expectStorageFault(error, naming: "the database file is read-only")
        }
        #expect(try store.snapshot() == before)
        #expect(try store.tokens().isEmpty)
    }

    @Test("A lookup the database cannot answer is a storage fault, not an unknown reference, and keeps nothing")
    func failedLookup() throws {
        let temporary = try seededStore()
        let store = temporary.store
        let head = try store.head()
        try store.inject(.missingTable("cases"))

        // C1 is recorded: before, the failed lookup read as "no case 'C1' has been recorded".
        let error = #expect(throws: StoreError.self) { _ = try store.append(record: R.order("C1")) }
        expectStorageFault(error, naming: "while writing")
        #expect(try store.head() == head)
        #expect(try store.verifyChain().eventsChecked == head.seq)
    }

    @Test("A read the database cannot answer is a storage fault")
    func failedRead() throws {
        let temporary = try seededStore()
        try temporary.store.inject(.missingTable("cases"))
        let error = #expect(throws: StoreError.self) { try temporary.store.caseEvents("C1") }
        expectStorageFault(error, naming: "while reading")
    }
}
