import CorridorDomain
import CorridorSQLiteTestSupport
import CorridorStore
import CorridorTestSupport
import Foundation
import GRDB
import Synchronization
import Testing

@testable import CorridorSQLite

struct SQLiteDurabilityTests {
    typealias R = TestRecords

    @Test("After an append returns, a fresh store on the same file sees it")
    func freshStoreSeesAppend() async throws {
        let temporary = try await TemporarySQLiteStore()
        try await temporary.store.append(records: R.smallWorld)
        let expected = try await temporary.store.snapshot()
        let events = try await temporary.store.allEvents()

        let other = try await temporary.reopen()
        #expect(try await other.snapshot() == expected)
        #expect(try await other.allEvents() == events)

        // And the other way round: the second store appends, the first sees it.
        try await other.append(record: R.order("C1"))
        #expect(try await temporary.store.head().seq == expected.head.seq + 1)
        #expect(try await temporary.store.caseRecords("C1").count == 2)
    }

    @Test("A store closed and opened again has everything that was acknowledged")
    func survivesClose() async throws {
        let directory = try TemporaryDirectory(prefix: "corridor-durable")
        let path = directory.path("corridor.sqlite")
        let expected: StoreSnapshot
        do {
            let store = try await SQLiteEventStore(path: path)
            try await store.append(records: R.smallWorld)
            try await store.append(record: R.order("C1"))
            expected = try await store.snapshot()
        }
        let reopened = try await SQLiteEventStore(path: path)
        #expect(try await reopened.snapshot() == expected)
        #expect(try await reopened.verifyChain().isIntact)
        // Appending continues the same chain.
        let receipt = try await reopened.append(record: R.order("C2"))
        #expect(receipt.firstSeq == expected.head.seq + 1)
        #expect(try await reopened.allEvents().last?.prev == expected.head.hash)
    }

    @Test("The database is in WAL mode")
    func walMode() async throws {
        let temporary = try await TemporarySQLiteStore()
        try await temporary.store.append(records: R.smallWorld)
        let mode = try await DatabaseQueue(path: temporary.path).read { db in
            try String.fetchOne(db, sql: "PRAGMA journal_mode")
        }
        #expect(mode?.lowercased() == "wal")
        #expect(FileManager.default.fileExists(atPath: temporary.path + "-wal"))
    }

    @Test("A refused append is not visible to another connection either")
    func refusedNotVisible() async throws {
        let temporary = try await TemporarySQLiteStore()
        try await temporary.store.append(records: R.smallWorld)
        let before = try await temporary.store.snapshot()
        await #expect(throws: CorridorDomain.RecordError.self) {
            try await temporary.store.append(records: [R.caseRecord("C3"), R.order("NOBODY")])
        }
        #expect(try await temporary.reopen().snapshot() == before)
    }

    @Test("A file that is not a Corridor database is refused with a clear error")
    func notADatabase() async throws {
        let directory = try TemporaryDirectory(prefix: "corridor-durable")
        let path = try await directory.write("notes.sqlite", text: String(repeating: "this is not a database\n", count: 200))
        let error = await #expect(throws: StoreError.self) { try await SQLiteEventStore(path: path) }
        #expect(error?.code == .databaseUnavailable)
        #expect(error?.message.contains(path) == true)
    }
}

/// The server's background checkpointer: it keeps the WAL from growing while commits never copy
/// it themselves, and loses nothing.
struct WALCheckpointerTests {
    /// The log's frames and how many are checkpointed, as a fresh connection sees them.
    static func walFrames(_ path: String) async throws -> (log: Int, checkpointed: Int) {
        let queue = try await DatabaseQueue(path: path)
        return try await queue.writeWithoutTransaction { db in
            let row = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)")!
            return (row[1], row[2])
        }
    }

    @Test("Under continuous single-event commits the log restarts from its beginning; every event is kept and the chain verifies")
    func boundedAndLossless() async throws {
        let directory = try TemporaryDirectory(prefix: "corridor-wal")
        let path = directory.path("corridor.sqlite")
        let store = try await SQLiteEventStore(path: path)
        try await store.append(records: TestRecords.smallWorld)
        let problems = Mutex<[String]>([])
        let checkpointer = try await WALCheckpointer(store: store, interval: .milliseconds(5), restartFrames: 64) { problem in
            problems.withLock { $0.append(problem) }
        }
        let running = Task { try await checkpointer.run() }
        let before = try await store.head().seq
        let walPath = path + "-wal"
        var largest: UInt64 = 0
        for index in 0..<6_000 {
            try await store.appendSystemEvents(
                [(SystemEvent(type: "system.read", payload: ["case": .string("C\(index)")]), "test")], at: TestClock.instant)
            if index % 100 == 0 {
                largest = max(largest, (try FileManager.default.attributesOfItem(atPath: walPath)[.size] as? UInt64) ?? 0)
                try await Task.sleep(for: .milliseconds(2))
            }
        }
        // The service ends as a service group ends it (cancelled here): checkpoints go back to
        // the writer once run() returns.
        running.cancel()
        try await running.value
        checkpointer.stop()  // idempotent
        #expect(problems.withLock { $0 }.isEmpty, "\(problems.withLock { $0 })")
        // With the writer's own checkpoints off and no working checkpointer, 6,000 commits
        // leave a log of about 10 MiB; with it the file stays a fraction of that.
        #expect(largest < 5 * 1024 * 1024, "the log grew to \(largest) bytes")
        #expect(try await store.head().seq == before + 6_000)
        #expect(try await store.verifyChain().isIntact)
        // After stop the writer checkpoints on its own again (the default 1,000 pages).
        let autocheckpoint = try await store.writer.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint") }
        #expect(autocheckpoint == 1000)
        let reopened = try await SQLiteEventStore(path: path)
        #expect(try await reopened.head() == store.head())
    }

    @Test("A store that is not a WAL file is refused with a message naming it")
    func refusesNonWAL() async throws {
        let store = try await SQLiteEventStore(inMemory: ())
        await #expect(throws: StoreError.self) { _ = try await WALCheckpointer(store: store) { _ in } }
    }
}

extension WALCheckpointerTests {
    @Test("A failing checkpoint is reported once, again after the interval with a count, and its recovery once")
    func problemReports() {
        var reports = ProblemReports(interval: .seconds(60))
        let start = ContinuousClock.now
        #expect(reports.succeeded() == nil, "a success with no failure before is not news")
        #expect(reports.failed("disk full", at: start) == "disk full")
        for second in 1...59 { #expect(reports.failed("disk full", at: start + .seconds(second)) == nil, "repeated at \(second) s") }
        #expect(reports.failed("disk full", at: start + .seconds(61)) == "disk full (and 59 more times since the last report)")
        #expect(reports.failed("database locked", at: start + .seconds(62)) == "database locked", "a different problem is reported at once")
        #expect(reports.succeeded() == "WAL checkpoints succeed again after: database locked")
        #expect(reports.succeeded() == nil)
    }
}
