import CorridorDomain
import CorridorSQLiteTestSupport
import CorridorStore
import CorridorTestSupport
import GRDB
import Testing

@testable import CorridorSQLite

/// The derived values every store keeps beside the log (caches keyed by name: saved, replaced
/// and discarded whole, never part of the log, the chain or the digest).
struct DerivedValueContractTests {
    typealias R = TestRecords

    @Test("A value reads back exactly as saved (empty, small, at the limit); a key never saved reads as nil", arguments: StoreBackend.allCases)
    func roundTrip(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            #expect(try await store.derivedValue("home.figures") == nil, "a new store keeps no derived value")
            try await store.saveDerivedValue("home.figures", [0, 1, 2, 254, 255])
            try await store.saveDerivedValue("empty", [])
            let largest = CaseloadImageContractTests.patterned(DerivedValue.maximumValueBytes)
            let longestKey = String(repeating: "k", count: DerivedValue.maximumKeyBytes - 2) + "é"  // 200 UTF-8 bytes
            try await store.saveDerivedValue(longestKey, largest)

            #expect(try await store.derivedValue("home.figures") == [0, 1, 2, 254, 255])
            #expect(try await store.derivedValue("empty") == [], "an empty value read back as something else")
            #expect(try await store.derivedValue(longestKey) == largest)
            #expect(try await store.derivedValue("home.Figures") == nil, "keys are matched exactly")
            #expect(try await store.derivedValue("nothing here") == nil)
        }
    }

    @Test("Saving under a key replaces its value and leaves the other keys alone", arguments: StoreBackend.allCases)
    func replace(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await store.saveDerivedValue("a", CaseloadImageContractTests.patterned(100_000))
            try await store.saveDerivedValue("b", [2])
            try await store.saveDerivedValue("a", [1, 1])
            #expect(try await store.derivedValue("a") == [1, 1], "the older, longer value was kept")
            #expect(try await store.derivedValue("b") == [2])
        }
    }

    @Test("Discarding removes only that key's value (and discarding none is harmless)", arguments: StoreBackend.allCases)
    func discard(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await store.discardDerivedValue("never saved")
            try await store.saveDerivedValue("a", [1])
            try await store.saveDerivedValue("b", [2])
            try await store.discardDerivedValue("a")
            #expect(try await store.derivedValue("a") == nil)
            #expect(try await store.derivedValue("b") == [2])
            try await store.saveDerivedValue("a", [3])
            #expect(try await store.derivedValue("a") == [3], "a key discarded could not be saved again")
        }
    }

    @Test(
        "An empty key, a key over 200 bytes or a value over 4 MiB is refused with a message naming the limit, and nothing changes",
        arguments: StoreBackend.allCases)
    func limits(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await store.saveDerivedValue("kept", [1, 2, 3])
            let longKey = String(repeating: "k", count: DerivedValue.maximumKeyBytes - 1) + "é"  // 201 UTF-8 bytes
            for (key, bytes, why) in [
                ("", [UInt8]([9]), "the key is empty"),
                (longKey, [9], "201 bytes is longer than the limit of 200 bytes"),
                ("kept", [UInt8](repeating: 9, count: DerivedValue.maximumValueBytes + 1), "larger than the limit of 4194304 bytes (4 MiB)"),
            ] {
                let error = await #expect(throws: StoreError.self) { try await store.saveDerivedValue(key, bytes) }
                #expect(error?.code == .invalidArgument)
                #expect(error?.message.contains(why) == true, "\(error?.message ?? "")")
            }
            #expect(try await store.derivedValue("kept") == [1, 2, 3], "a refused value replaced the kept one")
            #expect(try await store.derivedValue(longKey) == nil)
        }
    }

    @Test(
        "Derived values are not state: saving or discarding them leaves the log, the head, the change marker and the digest alone",
        arguments: StoreBackend.allCases)
    func notState(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await store.append(records: R.smallWorld + [R.order("C1")])
            let digest = try await store.stateDigest()
            let events = try await store.allEvents()
            let head = try await store.head()
            let marker = try await store.changeMarker()

            try await store.saveDerivedValue("home.figures", CaseloadImageContractTests.patterned(50_000))
            try await store.saveDerivedValue("home.figures", [1])
            try await store.saveDerivedValue("other", [2])
            try await store.discardDerivedValue("other")
            #expect(try await store.stateDigest() == digest)
            #expect(try await store.allEvents() == events)
            #expect(try await store.head() == head)
            #expect(try await store.changeMarker() == marker)
            #expect(try await store.verifyChain().isIntact)

            try await store.append(records: [R.caseRecord("C3")])
            #expect(try await store.derivedValue("home.figures") == [1], "appending changed a derived value")
        }
    }
}

/// What only the SQLite store shows: derived values are on disk, and files of the schema before them gain the table.
struct SQLiteDerivedValueTests {
    typealias R = TestRecords

    @Test("Derived values survive closing the database and opening it again")
    func survivesReopening() async throws {
        let temporary = try TemporarySQLiteStore()
        try await temporary.store.append(records: R.smallWorld)
        let value = CaseloadImageContractTests.patterned(300_000)
        try await temporary.store.saveDerivedValue("home.figures", value)
        try await temporary.store.saveDerivedValue("gone", [1])
        try await temporary.store.discardDerivedValue("gone")
        let reopened = try temporary.reopen()
        #expect(try await reopened.derivedValue("home.figures") == value)
        #expect(try await reopened.derivedValue("gone") == nil)
    }

    @Test("A database of the schema before derived values (v5) opens, gains the table, and keeps its log and image")
    func olderFileMigrates() async throws {
        let directory = try TemporaryDirectory(prefix: "corridor-derived")
        // A fresh v5 file, as the build before derived values made it, migrates.
        do {
            let queue = try DatabaseQueue(path: directory.path("fresh-v5.sqlite"))
            try SQLiteSchema.migrator().migrate(queue, upTo: "v5: the caseload image")
            #expect(try await queue.read { db in try db.tableExists("derived_values") } == false)
            let store = try SQLiteEventStore(path: directory.path("fresh-v5.sqlite"))
            try await store.saveDerivedValue("k", [1])
            #expect(try await store.derivedValue("k") == [1])
        }
        // A v5 file holding a log and an image: v6 only adds the table, so taking it away again gives v5's layout.
        let path = directory.path("v5.sqlite")
        let events: [Event]
        let image: CaseloadImage
        do {
            let store = try SQLiteEventStore(path: path)
            try await store.append(records: R.smallWorld + [R.order("C1")])
            events = try await store.allEvents()
            image = CaseloadImage(seq: events.last!.seq, bytes: [4, 5, 6])
            try await store.saveCaseloadImage(image)
            try await store.writer.write { db in
                try db.execute(sql: "DROP TABLE derived_values")
                try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = ?", arguments: ["v6: derived values"])
            }
        }
        let store = try SQLiteEventStore(path: path)
        #expect(try await store.allEvents() == events)
        #expect(try await store.verifyChain().isIntact)
        #expect(try await store.caseloadImage() == image)
        #expect(try await store.derivedValue("home.figures") == nil)
        try await store.saveDerivedValue("home.figures", [7, 8])
        #expect(try await store.derivedValue("home.figures") == [7, 8])
        let applied = try await store.writer.read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") }
        #expect(applied.last == "v6: derived values")
    }
}
