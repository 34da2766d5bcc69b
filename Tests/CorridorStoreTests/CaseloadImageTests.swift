import CorridorDomain
import CorridorSQLiteTestSupport
import CorridorStore
import CorridorTestSupport
import GRDB
import Testing

@testable import CorridorSQLite

/// The caseload image every store keeps beside the log (derived state: saved whole, read whole,
/// never part of the chain or the digest), and the caseload's tail after it.
struct CaseloadImageContractTests {
    typealias R = TestRecords

    /// `count` bytes whose value depends on the position within the part and on the part, so a
    /// part lost, repeated or read out of order changes the image.
    static func patterned(_ count: Int, salt: UInt8 = 0) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ ($0 >> 11) &+ ($0 / CaseloadImage.partSize) &* 7) ^ salt }
    }

    @Test("An image reads back exactly as saved: empty, small, and in several parts", arguments: StoreBackend.allCases)
    func roundTrip(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            #expect(try await store.caseloadImage() == nil, "a new store keeps no image")
            let empty = CaseloadImage(seq: 0, bytes: [])
            try await store.saveCaseloadImage(empty)
            #expect(try await store.caseloadImage() == empty)

            let head = try await store.append(records: R.smallWorld).lastSeq!
            let small = CaseloadImage(seq: head, bytes: [0, 1, 2, 254, 255])
            try await store.saveCaseloadImage(small)
            #expect(try await store.caseloadImage() == small)

            // 20 MB: two full parts and a short third one.
            let large = CaseloadImage(seq: head - 2, bytes: Self.patterned(20_000_003))
            #expect(large.partRanges.count == 3, "the image no longer spans several parts")
            try await store.saveCaseloadImage(large)
            let read = try #require(try await store.caseloadImage())
            #expect(read.seq == large.seq)
            #expect(read.bytes.count == large.bytes.count)
            #expect(read == large, "the parts did not read back in order")
        }
    }

    @Test("Saving replaces the image whole: only the newest is kept, none of an older one's parts", arguments: StoreBackend.allCases)
    func replaceKeepsNewest(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let head = try await store.append(records: R.smallWorld).lastSeq!
            try await store.saveCaseloadImage(CaseloadImage(seq: 3, bytes: Self.patterned(CaseloadImage.partSize * 2 + 10)))
            let newer = CaseloadImage(seq: head, bytes: Self.patterned(1_000, salt: 0x5A))
            try await store.saveCaseloadImage(newer)
            #expect(try await store.caseloadImage() == newer)
            let last = CaseloadImage(seq: head, bytes: Self.patterned(CaseloadImage.partSize + 1, salt: 0xA5))
            try await store.saveCaseloadImage(last)
            #expect(try await store.caseloadImage() == last)
        }
    }

    @Test("Discarding removes the image (and discarding none is harmless)", arguments: StoreBackend.allCases)
    func discard(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await store.discardCaseloadImage()
            let head = try await store.append(records: R.smallWorld).lastSeq!
            try await store.saveCaseloadImage(CaseloadImage(seq: head, bytes: Self.patterned(CaseloadImage.partSize + 5)))
            try await store.discardCaseloadImage()
            #expect(try await store.caseloadImage() == nil)
            // And a later save works as on a store that never had one.
            let again = CaseloadImage(seq: head, bytes: [7])
            try await store.saveCaseloadImage(again)
            #expect(try await store.caseloadImage() == again)
        }
    }

    @Test(
        "An image beyond the head, or at a negative seq, is refused with a message naming it, and the kept one stays",
        arguments: StoreBackend.allCases)
    func refusesImpossibleSeq(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let head = try await store.append(records: R.smallWorld).lastSeq!
            let kept = CaseloadImage(seq: head, bytes: [1, 2, 3])
            try await store.saveCaseloadImage(kept)

            let beyond = await #expect(throws: StoreError.self) {
                try await store.saveCaseloadImage(CaseloadImage(seq: head + 1, bytes: [9]))
            }
            #expect(beyond?.code == .invalidArgument)
            #expect(beyond?.message.contains("seq \(head + 1)") == true, "\(beyond?.message ?? "")")
            #expect(beyond?.message.contains("head (seq \(head))") == true, "\(beyond?.message ?? "")")

            let negative = await #expect(throws: StoreError.self) {
                try await store.saveCaseloadImage(CaseloadImage(seq: -1, bytes: [9]))
            }
            #expect(negative?.code == .invalidArgument)
            #expect(negative?.message.contains("seq -1") == true, "\(negative?.message ?? "")")

            #expect(try await store.caseloadImage() == kept)
            #expect(try await store.head().seq == head, "a refused image touched the log")
        }
    }

    @Test(
        "The image is not state: saving or discarding it leaves the log, the chain and the digest alone, and appends leave it alone",
        arguments: StoreBackend.allCases)
    func notState(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let head = try await store.append(records: R.smallWorld + [R.order("C1")]).lastSeq!
            let digest = try await store.stateDigest()
            let events = try await store.allEvents()
            let marker = try await store.changeMarker()

            let image = CaseloadImage(seq: head, bytes: Self.patterned(CaseloadImage.partSize + 100))
            try await store.saveCaseloadImage(image)
            #expect(try await store.stateDigest() == digest)
            #expect(try await store.allEvents() == events)
            #expect(try await store.changeMarker() == marker)
            #expect(try await store.verifyChain().isIntact)

            try await store.append(records: [R.caseRecord("C3"), R.order("C2"), R.caseRecord("C1", nationalities: ["GTM", "MEX"])])
            try await store.appendSystemEvents([(SystemEvent(type: "system.read", payload: ["n": 1]), "test")], at: TestClock.instant)
            #expect(try await store.caseloadImage() == image, "appending changed the image")

            let after = try await store.stateDigest()
            try await store.discardCaseloadImage()
            #expect(try await store.stateDigest() == after)
        }
    }

    /// seq 1–9 the small world (C1 at 8, C2 at 9), then: 10 order C1, 11 claim C1 | 12 C2
    /// re-recorded, 13 order C2, 14 case C3, 15 order C3, 16 C1 re-recorded.
    static let tailWorld: [JSONValue] =
        R.smallWorld + [
            R.order("C1"), R.claim("C1"),
            R.caseRecord("C2", nationalities: ["HND", "SLV"]), R.order("C2"), R.caseRecord("C3"), R.order("C3"),
            R.caseRecord("C1", nationalities: ["GTM", "MEX"]),
        ]

    @Test(
        "The tail after a floor is the latest case records, then the facts, with seq above it (and at most `through`)",
        arguments: StoreBackend.allCases)
    func tailRead(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await store.append(records: Self.tailWorld)
            let events = try await store.allEvents()
            #expect(events.count == 16, "the tail world changed; the seqs below no longer hold")
            func expected(_ seqs: [Int64]) throws -> [String] { try seqs.map { "\(try events[Int($0) - 1].record())" } }
            func read(_ sequence: CaseloadSequence) async throws -> [String] {
                var all: [String] = []
                for try await record in sequence { all.append("\(record)") }
                return all
            }

            #expect(try await read(store.caseload(after: 11)) == expected([12, 14, 16, 13, 15]))
            #expect(try await read(store.caseload(after: 11, through: 14)) == expected([12, 14, 13]))
            #expect(try await read(store.caseload(after: 12, through: 12)).isEmpty)
            #expect(try await read(store.caseload(after: 16)).isEmpty)
            #expect(try await read(store.caseload(after: 0)) == (try await read(store.caseload())))
            // The facts phase restarts at the floor, not at 0, whatever the page size.
            for size in [1, 2, 3, 4] {
                let paged = CaseloadSequence(store: store, through: nil, from: .start(after: 11), pageSize: size)
                #expect(try await read(paged) == expected([12, 14, 16, 13, 15]), "page size \(size)")
            }
            #expect(try await read(store.caseload(after: 9)) == expected([12, 14, 16, 10, 11, 13, 15]))
        }
    }
}

/// What only the SQLite store shows: the image is on disk, and files of the schema before it gain its table.
struct SQLiteCaseloadImageTests {
    typealias R = TestRecords

    @Test("The image survives closing the database and opening it again")
    func survivesReopening() async throws {
        let temporary = try TemporarySQLiteStore()
        let head = try await temporary.store.append(records: R.smallWorld).lastSeq!
        let image = CaseloadImage(seq: head, bytes: CaseloadImageContractTests.patterned(CaseloadImage.partSize + 12_345))
        try await temporary.store.saveCaseloadImage(image)
        let reopened = try temporary.reopen()
        #expect(try await reopened.caseloadImage() == image)
    }

    @Test("Parts that do not make one image (another seq, a gap) read as no image, so it is rebuilt")
    func mixedParts() async throws {
        let temporary = try TemporarySQLiteStore()
        let head = try await temporary.store.append(records: R.smallWorld).lastSeq!
        let image = CaseloadImage(seq: head, bytes: CaseloadImageContractTests.patterned(CaseloadImage.partSize * 2 + 1))
        try await temporary.store.saveCaseloadImage(image)
        for (tamper, undo) in [
            ("UPDATE caseload_image SET seq = seq - 1 WHERE part = 1", "UPDATE caseload_image SET seq = seq + 1 WHERE part = 1"),
            ("UPDATE caseload_image SET part = 5 WHERE part = 1", "UPDATE caseload_image SET part = 1 WHERE part = 5"),
        ] {
            try await temporary.store.writer.write { try $0.execute(sql: tamper) }
            #expect(try await temporary.store.caseloadImage() == nil, "\(tamper)")
            try await temporary.store.writer.write { try $0.execute(sql: undo) }
            #expect(try await temporary.store.caseloadImage() == image)
        }
    }

    @Test("A database of the schema before the image opens, gains the table, and keeps its log")
    func olderFileMigrates() async throws {
        let directory = try TemporaryDirectory(prefix: "corridor-image")
        let path = directory.path("v4.sqlite")
        // A fresh v4 file, as the build before the image made it, migrates.
        do {
            let queue = try DatabaseQueue(path: directory.path("fresh-v4.sqlite"))
            try SQLiteSchema.migrator().migrate(queue, upTo: "v4: webhook subscriptions and their delivery log")
            #expect(try await queue.read { db in try db.tableExists("caseload_image") } == false)
            let store = try SQLiteEventStore(path: directory.path("fresh-v4.sqlite"))
            try await store.saveCaseloadImage(CaseloadImage(seq: 0, bytes: [1]))
            #expect(try await store.caseloadImage() == CaseloadImage(seq: 0, bytes: [1]))
        }
        // A v4 file holding a log: v5 only adds the table, so taking it away again gives v4's layout.
        let events: [Event]
        do {
            let store = try SQLiteEventStore(path: path)
            try await store.append(records: R.smallWorld + [R.order("C1")])
            events = try await store.allEvents()
            try await store.writer.write { db in
                try db.execute(sql: "DROP TABLE caseload_image")
                try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = ?", arguments: ["v5: the caseload image"])
            }
        }
        let store = try SQLiteEventStore(path: path)
        #expect(try await store.allEvents() == events)
        #expect(try await store.verifyChain().isIntact)
        #expect(try await store.caseloadImage() == nil)
        let image = CaseloadImage(seq: events.last!.seq, bytes: [4, 5, 6])
        try await store.saveCaseloadImage(image)
        #expect(try await store.caseloadImage() == image)
        let applied = try await store.writer.read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") }
        #expect(applied.last == "v5: the caseload image")
    }
}
