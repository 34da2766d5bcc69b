import CorridorDomain
import CorridorSQLite
import CorridorStore
import CorridorTestSupport
import Foundation
import GRDB
import Testing

struct SQLiteDurabilityTests {
    typealias R = TestRecords

    @Test("After an append returns, a fresh store on the same file sees it")
    func freshStoreSeesAppend() throws {
        let temporary = try TemporarySQLiteStore()
        try temporary.store.append(records: R.smallWorld)
        let expected = try temporary.store.snapshot()
        let events = try temporary.store.allEvents()

        let other = try temporary.reopen()
        #expect(try other.snapshot() == expected)
        #expect(try other.allEvents() == events)

        // And the other way round: the second store appends, the first sees it.
        try other.append(record: R.order("C1"))
        #expect(try temporary.store.head().seq == expected.head.seq + 1)
        #expect(try temporary.store.caseRecords("C1").count == 2)
    }

    @Test("A store closed and opened again has everything that was acknowledged")
    func survivesClose() throws {
        let directory = try TemporaryDirectory(prefix: "corridor-durable")
        let path = directory.path("corridor.sqlite")
        let expected: StoreSnapshot
        do {
            let store = try SQLiteEventStore(path: path)
            try store.append(records: R.smallWorld)
            try store.append(record: R.order("C1"))
            expected = try store.snapshot()
        }
        let reopened = try SQLiteEventStore(path: path)
        #expect(try reopened.snapshot() == expected)
        #expect(try reopened.verifyChain().isIntact)
        // Appending continues the same chain.
        let receipt = try reopened.append(record: R.order("C2"))
        #expect(receipt.firstSeq == expected.head.seq + 1)
        #expect(try reopened.allEvents().last?.prev == expected.head.hash)
    }

    @Test("The database is in WAL mode")
    func walMode() throws {
        let temporary = try TemporarySQLiteStore()
        try temporary.store.append(records: R.smallWorld)
        let mode = try DatabaseQueue(path: temporary.path).read { db in
            try String.fetchOne(db, sql: "PRAGMA journal_mode")
        }
        #expect(mode?.lowercased() == "wal")
        #expect(FileManager.default.fileExists(atPath: temporary.path + "-wal"))
    }

    @Test("A refused append is not visible to another connection either")
    func refusedNotVisible() throws {
        let temporary = try TemporarySQLiteStore()
        try temporary.store.append(records: R.smallWorld)
        let before = try temporary.store.snapshot()
        #expect(throws: CorridorDomain.RecordError.self) {
            try temporary.store.append(records: [R.caseRecord("C3"), R.order("NOBODY")])
        }
        #expect(try temporary.reopen().snapshot() == before)
    }

    @Test("A file that is not a Corridor database is refused with a clear error")
    func notADatabase() throws {
        let directory = try TemporaryDirectory(prefix: "corridor-durable")
        let path = try directory.write("notes.sqlite", text: String(repeating: "this is not a database\n", count: 200))
        let error = #expect(throws: StoreError.self) { try SQLiteEventStore(path: path) }
        #expect(error?.code == "database-unavailable")
        #expect(error?.message.contains(path) == true)
    }
}
