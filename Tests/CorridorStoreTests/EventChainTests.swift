import CorridorDomain
import CorridorSQLite
import CorridorSQLiteTestSupport
import CorridorStore
import CorridorTestSupport
import GRDB
import Testing

/// The log is hash-chained and append-only: tampering is detected and named.
struct EventChainTests {
    typealias R = TestRecords

    /// `smallWorld` plus a few facts: 13 events.
    private static let records: [JSONValue] =
        R.smallWorld + [
            R.order("C1"), R.claim("C1"), R.notice("C1", destination: "SLV"), R.order("C2"),
        ]

    private func filledSQLiteStore() async throws -> TemporarySQLiteStore {
        let temporary = try TemporarySQLiteStore()
        try await temporary.store.append(records: Array(Self.records.prefix(5)))
        try await temporary.store.append(records: Array(Self.records.dropFirst(5)), context: .test(actor: "officer"))
        return temporary
    }

    /// Opens the store's database file directly, as someone with the file could.
    private func rawDatabase(_ temporary: TemporarySQLiteStore) async throws -> DatabaseQueue {
        try DatabaseQueue(path: temporary.path)
    }

    @Test("Editing one payload in the SQLite file is reported at exactly that event")
    func sqlitePayloadTamper() async throws {
        let temporary = try await filledSQLiteStore()
        #expect(try await temporary.store.verifyChain().isIntact)
        let tampered = R.caseRecord("C1", nationalities: ["MEX"]).canonicalString

        try await rawDatabase(temporary).write { db in
            try db.execute(sql: "DROP TRIGGER events_no_update")
            try db.execute(sql: "UPDATE events SET payload = ? WHERE seq = 8", arguments: [tampered])
        }

        for store in [temporary.store, try temporary.reopen()] {
            let verification = try await store.verifyChain()
            #expect(!verification.isIntact)
            #expect(verification.firstBad?.seq == 8)
            #expect(verification.firstBad?.reason.contains("hash does not match") == true)
            #expect(verification.eventsChecked == 7)
            #expect(verification.head.seq == 7)
        }
    }

    @Test("Re-hashing a tampered event breaks the next link instead")
    func sqliteRehashTamper() async throws {
        let temporary = try await filledSQLiteStore()
        let events = try await temporary.store.allEvents()
        let target = events[4]
        let payload = R.country("MEX", name: "Mexico (edited)").canonicalString
        let hash = EventHash.compute(
            prev: target.prev, seq: target.seq, type: target.type, actor: target.actor,
            recordedAt: target.recordedAt.description, payload: payload)
        try await rawDatabase(temporary).write { db in
            try db.execute(sql: "DROP TRIGGER events_no_update")
            try db.execute(sql: "UPDATE events SET payload = ?, hash = ? WHERE seq = ?", arguments: [payload, hash, target.seq])
        }
        let verification = try await temporary.store.verifyChain()
        #expect(verification.firstBad?.seq == target.seq + 1)
        #expect(verification.firstBad?.reason.contains("prev does not match") == true)
    }

    @Test("Deleting an event leaves a gap that is reported")
    func sqliteDeletion() async throws {
        let temporary = try await filledSQLiteStore()
        try await rawDatabase(temporary).write { db in
            try db.execute(sql: "DROP TRIGGER events_no_delete")
            try db.execute(sql: "DELETE FROM events WHERE seq = 3")
        }
        let verification = try await temporary.store.verifyChain()
        #expect(verification.firstBad?.seq == 4)
        #expect(verification.firstBad?.reason.contains("sequence gap") == true)
        #expect(verification.eventsChecked == 2)
    }

    @Test(
        "Changing the actor, time or type of an event is detected",
        arguments: [
            ("actor", "'someone-else'"), ("recorded_at", "'2025-06-01T12:00:01Z'"), ("type", "'claim'"),
        ])
    func sqliteMetadataTamper(column: String, value: String) async throws {
        let temporary = try await filledSQLiteStore()
        try await rawDatabase(temporary).write { db in
            try db.execute(sql: "DROP TRIGGER events_no_update")
            try db.execute(sql: "UPDATE events SET \(column) = \(value) WHERE seq = 10")
        }
        #expect(try await temporary.store.verifyChain().firstBad?.seq == 10)
    }

    @Test(
        "The database refuses UPDATE and DELETE on events through SQL",
        arguments: [
            "UPDATE events SET payload = '{}' WHERE seq = 2",
            "UPDATE events SET actor = 'x'",
            "DELETE FROM events WHERE seq = 13",
            "DELETE FROM events",
        ])
    func appendOnlyTriggers(sql: String) async throws {
        let temporary = try await filledSQLiteStore()
        let before = try await temporary.store.snapshot()
        let error = await #expect(throws: DatabaseError.self) {
            try await rawDatabase(temporary).write { db in try db.execute(sql: sql) }
        }
        #expect(error?.message?.contains("the event log is append-only") == true)
        #expect(try await temporary.store.snapshot() == before)
        #expect(try await temporary.store.verifyChain().isIntact)
    }

    @Test("Tampering with the in-memory store is detected at that event")
    func inMemoryTamper() async throws {
        let store = InMemoryEventStore()
        try await store.append(records: Self.records)
        #expect(try await store.verifyChain().isIntact)
        store.tamper(seq: 11, payload: R.notice("C1", destination: "MEX").canonicalString)
        let verification = try await store.verifyChain()
        #expect(verification.firstBad?.seq == 11)
        #expect(verification.eventsChecked == 10)
    }

    @Test("A tampered record changes what replay rebuilds", arguments: [StoreBackend.inMemory, .sqliteFile])
    func replayNoticesTamper(backend: StoreBackend) async throws {
        // Event 5 records Mexico; rewritten as Brazil, the live projection still holds MEX
        // while a replay of the log rebuilds BRA.
        let tampered = R.country("BRA").canonicalString
        let report: ReplayReport
        switch backend {
        case .inMemory:
            let store = InMemoryEventStore()
            try await store.append(records: Self.records)
            #expect(try await AuditReplay.run(store).matches)
            store.tamper(seq: 5, payload: tampered)
            report = try await AuditReplay.run(store)
        default:
            let temporary = try await filledSQLiteStore()
            #expect(try await AuditReplay.run(temporary.store).matches)
            try await rawDatabase(temporary).write { db in
                try db.execute(sql: "DROP TRIGGER events_no_update")
                try db.execute(sql: "UPDATE events SET payload = ? WHERE seq = 5", arguments: [tampered])
            }
            report = try await AuditReplay.run(temporary.store)
        }
        #expect(!report.matches)
        #expect(report.differingTables == ["countries"])
    }

    @Test("Replay names an event that no longer decodes")
    func replayRefusesGarbage() async throws {
        let store = InMemoryEventStore()
        try await store.append(records: Self.records)
        store.tamper(seq: 9, payload: "{not json")
        let error = await #expect(throws: StoreError.self) { try await AuditReplay.run(store) }
        #expect(error?.code == .replayFailed)
        #expect(error?.message.contains("event 9") == true)

        let refused = InMemoryEventStore()
        try await refused.append(records: Self.records)
        refused.tamper(seq: 9, payload: R.order("NOBODY").canonicalString)
        let refusal = await #expect(throws: StoreError.self) { try await AuditReplay.run(refused) }
        #expect(refusal?.message.contains("event 9 is refused on replay") == true)
    }
}
