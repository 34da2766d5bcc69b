import CorridorDomain
import CorridorPostgres
import CorridorPostgresTestSupport
import CorridorSQLiteTestSupport
import CorridorStore
import CorridorTestSupport
import Foundation
import PostgresNIO
import Testing

/// What only the PostgreSQL store must show besides the contract suite (which runs it beside
/// the in-memory and SQLite stores): the URL and its secrecy, the schema's migrations, the
/// writer's prefetch, one chain through several stores at once, tampering, outages, and moving
/// a SQLite deployment. Tests that need a database run when `CORRIDOR_TEST_DATABASE_URL` is set.
struct PostgresStoreTests {
    typealias R = TestRecords

    // MARK: Without a database

    /// Says, in the test report, why the PostgreSQL tests did not run; enabled only then.
    @Test("PostgreSQL tests are skipped without CORRIDOR_TEST_DATABASE_URL (and say so)", .enabled(if: !PostgresTestDatabase.isAvailable))
    func skipped() {
        print("◇ \(PostgresTestDatabase.skipReason)")
        #expect(PostgresTestDatabase.url == nil)
    }

    @Test("A database URL parses host, port, user, database and sslmode; bad ones are refused naming the part")
    func urls() throws {
        let url = try PostgresURL("postgres://officer:s3cret%21@db.example:6543/corridor?sslmode=verify-full")
        #expect(url.host == "db.example")
        #expect(url.port == 6543)
        #expect(url.username == "officer")
        #expect(url.password == "s3cret!")
        #expect(url.database == "corridor")
        #expect(url.sslMode == .verifyFull)
        #expect(try PostgresURL("postgresql://u@h/d").sslMode == .prefer)
        #expect(try PostgresURL("postgres://u@h/d").port == 5432)
        for (text, why) in [
            ("postgres://u@h/d?sslmode=sometimes", "sslmode 'sometimes'"),
            ("postgres://h/d", "names no user"),
            ("postgres://u@h", "names no database"),
            ("postgres://u:pw@h/d?color=blue", "unknown parameter 'color'"),
            ("mysql://u@h/d", "must begin postgres://"),
        ] {
            let error = #expect(throws: StoreError.self) { try PostgresURL(text) }
            #expect(error?.code == .invalidArgument)
            #expect(error?.message.contains(why) == true, "\(error?.message ?? "")")
            #expect(error?.message.contains("pw") == false)
        }
    }

    @Test("The password never appears in the URL's description, its errors or the unreachable message")
    func passwordNeverShown() async throws {
        let secret = "Hunter2-never-print"
        let url = try PostgresURL("postgres://corridor:\(secret)@127.0.0.1:1/corridor?sslmode=disable")
        #expect(!url.description.contains(secret))
        #expect(!PostgresURL.redacted("postgres://corridor:\(secret)@h/d?sslmode=x").contains(secret))
        let bad = #expect(throws: StoreError.self) { try PostgresURL("postgres://corridor:\(secret)@h/d?sslmode=x") }
        #expect(bad.map { !"\($0)\(String(reflecting: $0))".contains(secret) } == true)

        // Nothing listens on port 1: opening fails at once, naming host and port, never the password.
        let error = await #expect(throws: StoreError.self) { _ = try await PostgresEventStore.open(url) }
        #expect(error?.code == .databaseUnavailable)
        #expect(error?.message.contains("127.0.0.1:1") == true, "\(error?.message ?? "")")
        #expect(error.map { !"\($0.message) \($0.details ?? "") \(String(reflecting: $0))".contains(secret) } == true)
    }

    // MARK: With a database

    @Test("Migrations are versioned, idempotent, required, and a newer schema is refused", .enabled(if: PostgresTestDatabase.isAvailable))
    func migrations() async throws {
        try await PostgresTestDatabase.withSchema { url in
            // A command that does not migrate refuses an unmigrated database, saying what to run.
            let unmigrated = await #expect(throws: StoreError.self) { try await PostgresEventStore.withRunning(url, migrate: false) { _ in } }
            #expect(unmigrated?.message.contains("corridor migrate") == true, "\(unmigrated?.message ?? "")")

            let store = PostgresEventStore(url: url, maximumConnections: 1)
            #expect(try await store.schemaVersion() == 0)
            #expect(try await store.migrate() == [1, 2, 3, 4])
            await store.close()
            try await PostgresEventStore.withRunning(url, migrate: true) { store async throws in
                #expect(try await store.migrate().isEmpty)
                #expect(try await store.schemaVersion() == 4)
            }
            try await PostgresTestDatabase.admin(url) { connection in
                try await connection.query(
                    "INSERT INTO schema_migrations (version, name) VALUES (99, 'from a newer build')", logger: .init(label: "test"))
            }
            let newer = await #expect(throws: StoreError.self) { try await PostgresEventStore.withRunning(url, migrate: true) { _ in } }
            #expect(newer?.message.contains("newer than this build") == true, "\(newer?.message ?? "")")
        }
    }

    @Test(
        "sslmode=require talks TLS to the server and the store works over it; verify-full refuses a certificate nothing trusts",
        .enabled(if: PostgresTestDatabase.isAvailable))
    func tls() async throws {
        try await PostgresTestDatabase.withSchema { url in
            let logger = Logger(label: "test")
            let offered = try await PostgresTestDatabase.admin(url) { connection in
                var value = ""
                for try await setting in try await connection.query("SHOW ssl", logger: logger).decode(String.self) { value = setting }
                return value == "on"
            }
            guard offered else {
                // scripts/pg.sh's clusters offer TLS (CI's does); a database of one's own may not.
                print("◇ TLS was not checked: the test database does not offer it (SHOW ssl is off)")
                return
            }
            var required = url
            required.sslMode = .require
            let encrypted = try await PostgresTestDatabase.admin(required) { connection in
                var value = false
                for try await ssl in try await connection.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", logger: logger)
                    .decode(Bool.self)
                { value = ssl }
                return value
            }
            #expect(encrypted, "sslmode=require connected without TLS")
            try await PostgresEventStore.withRunning(required, migrate: true) { store async throws in
                #expect(try await store.head() == .genesis)
            }

            // The cluster's certificate is self-signed: verify-full must refuse it, naming the
            // server and never the password.
            var verified = url
            verified.sslMode = .verifyFull
            verified.password = "not-to-be-shown-\(UUID().uuidString)"
            let refused = await #expect(throws: StoreError.self) {
                try await PostgresEventStore.withRunning(verified, migrate: true) { store async throws in _ = try await store.head() }
            }
            #expect(refused?.message.contains(verified.address) == true, "\(refused?.message ?? "")")
            #expect(refused.map { !"\($0.message) \($0.details ?? "")".contains(verified.password!) } == true)
        }
    }

    @Test(
        "The writer's prefetch answers every state-rule scenario's lookups: no fallback query", .enabled(if: PostgresTestDatabase.isAvailable),
        arguments: try StateRuleScenario.load())
    func prefetchCoversTheScenarios(scenario: StateRuleScenario) async throws {
        try await PostgresTestDatabase.withStore { store in
            try await store.append(records: scenario.setup)
            if !scenario.given.isEmpty { try await store.append(records: scenario.given) }
            _ = try? await store.append(records: scenario.batch + [scenario.record])
            #expect(store.fallbackLookups == 0, "\(scenario.name): \(store.fallbackLookups) lookups missed the prefetch")
        }
    }

    @Test(
        "Two stores on one database: one holds a subscription's lease until it runs out or is given up",
        .enabled(if: PostgresTestDatabase.isAvailable))
    func leaseAcrossStores() async throws {
        try await PostgresTestDatabase.withSchema { url in
            try await PostgresEventStore.withRunning(url, maximumConnections: 2) { first in
                try await PostgresEventStore.withRunning(url, maximumConnections: 2) { second in
                    try await first.createSubscription(SubscriptionStoreContractTests.subscription("sub_shared"))
                    let now = TestClock.instant, later = now.adding(milliseconds: 30_000)
                    // Both instances ask at once, again and again: exactly one wins each round, and
                    // it is the same one while its lease has not run out.
                    var firstWon: Bool?
                    for round in 0..<20 {
                        let t = now.adding(milliseconds: Int64(round) * 100)
                        async let a = first.lease("sub_shared", holder: "instance-a", until: later, now: t)
                        async let b = second.lease("sub_shared", holder: "instance-b", until: later, now: t)
                        let (wonA, wonB) = try await (a, b)
                        #expect(wonA != wonB, "round \(round): a \(wonA), b \(wonB)")
                        if let firstWon {
                            #expect(wonA == firstWon, "round \(round): the lease changed hands before it ran out")
                        } else {
                            firstWon = wonA
                        }
                    }
                    let holderIsA = try #require(firstWon)
                    let (holder, holderStore, other, otherStore): (String, PostgresEventStore, String, PostgresEventStore) =
                        holderIsA ? ("instance-a", first, "instance-b", second) : ("instance-b", second, "instance-a", first)
                    #expect(try await holderStore.lease("sub_shared", holder: holder, until: later, now: now), "the holder renews")
                    #expect(try await !otherStore.lease("sub_shared", holder: other, until: later, now: now.adding(milliseconds: 29_999)))
                    // Run out: the other takes it over, and the first may not take it back.
                    #expect(try await otherStore.lease("sub_shared", holder: other, until: now.adding(milliseconds: 90_000), now: later))
                    #expect(try await !holderStore.lease("sub_shared", holder: holder, until: now.adding(milliseconds: 90_000), now: later))
                    // Given up by someone who does not hold it: nothing changes; by its holder: free at once.
                    try await holderStore.releaseLease("sub_shared", holder: holder)
                    #expect(try await !holderStore.lease("sub_shared", holder: holder, until: now.adding(milliseconds: 90_000), now: later))
                    try await otherStore.releaseLease("sub_shared", holder: other)
                    #expect(try await holderStore.lease("sub_shared", holder: holder, until: now.adding(milliseconds: 90_000), now: later))
                }
            }
        }
    }

    @Test("Appends through two stores at once on one database form one chain, every record once", .enabled(if: PostgresTestDatabase.isAvailable))
    func twoStoresOneChain() async throws {
        try await PostgresTestDatabase.withSchema { url in
            try await PostgresEventStore.withRunning(url, maximumConnections: 2) { first in
                try await PostgresEventStore.withRunning(url, maximumConnections: 2) { second in
                    try await first.append(records: R.smallWorld)
                    let before = try await first.head().seq
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        for writer in 0..<16 {
                            let store = writer % 2 == 0 ? first : second
                            group.addTask {
                                for n in 0..<10 {
                                    let id = "W\(writer)-\(n)"
                                    try await store.append(records: [R.caseRecord(id), R.order(id)])
                                    try await store.appendSystemEvents(
                                        [(SystemEvent(type: "system.read", payload: .string(id)), "reader")],
                                        at: Instant(epochMilliseconds: 1_760_000_000_000))
                                }
                            }
                        }
                        try await group.waitForAll()
                    }
                    let verification = try await second.verifyChain()
                    #expect(verification.isIntact)
                    #expect(verification.head.seq == before + 16 * 10 * 3)
                    #expect(try await first.summary().cases == (try await second.summary().cases))
                    for writer in 0..<16 { #expect(try await first.caseRecords(CaseRecord.ID("W\(writer)-9")).count == 2) }
                }
            }
        }
    }

    @Test("The database refuses edits and deletes of events; a changed event is named by seq", .enabled(if: PostgresTestDatabase.isAvailable))
    func tamper() async throws {
        try await PostgresTestDatabase.withSchema { url in
            try await PostgresEventStore.withRunning(url) { store in try await store.append(records: R.smallWorld) }
            let logger = Logger(label: "test")
            try await PostgresTestDatabase.admin(url) { connection in
                for sql in ["UPDATE events SET actor = 'mallory' WHERE seq = 2", "DELETE FROM events WHERE seq = 2", "TRUNCATE events"] {
                    await #expect(throws: PSQLError.self) { try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger) }
                }
                // Someone with the database's keys can still do it: audit verify then names the event.
                try await connection.query("ALTER TABLE events DISABLE TRIGGER events_append_only", logger: logger)
                try await connection.query("UPDATE events SET actor = 'mallory' WHERE seq = 2", logger: logger)
            }
            try await PostgresEventStore.withRunning(url) { store async throws in
                let verification = try await store.verifyChain()
                #expect(verification.firstBad?.seq == 2)
            }
        }
    }

    @Test("Caseload image parts that do not make one image (another seq, a gap) read as no image", .enabled(if: PostgresTestDatabase.isAvailable))
    func mixedImageParts() async throws {
        try await PostgresTestDatabase.withSchema { url in
            let image = CaseloadImage(seq: 2, bytes: [UInt8](repeating: 7, count: CaseloadImage.partSize * 2 + 1))
            try await PostgresEventStore.withRunning(url) { store in
                try await store.append(records: R.smallWorld)
                try await store.saveCaseloadImage(image)
                #expect(try await store.caseloadImage() == image)
            }
            let logger = Logger(label: "test")
            for (tamper, undo) in [
                ("UPDATE caseload_image SET seq = 3 WHERE part = 1", "UPDATE caseload_image SET seq = 2 WHERE part = 1"),
                ("UPDATE caseload_image SET part = 5 WHERE part = 1", "UPDATE caseload_image SET part = 1 WHERE part = 5"),
            ] {
                try await PostgresTestDatabase.admin(url) { try await $0.query(PostgresQuery(unsafeSQL: tamper), logger: logger) }
                try await PostgresEventStore.withRunning(url) { store async throws in #expect(try await store.caseloadImage() == nil, "\(tamper)") }
                try await PostgresTestDatabase.admin(url) { try await $0.query(PostgresQuery(unsafeSQL: undo), logger: logger) }
                try await PostgresEventStore.withRunning(url) { store async throws in #expect(try await store.caseloadImage() == image) }
            }
        }
    }

    @Test("A commit is announced to every listening store with its change marker", .enabled(if: PostgresTestDatabase.isAvailable))
    func notifications() async throws {
        try await PostgresTestDatabase.withSchema { url in
            try await PostgresEventStore.withRunning(url, maximumConnections: 2) { listener in
                try await PostgresEventStore.withRunning(url, maximumConnections: 2) { writer in
                    let changes = listener.changes()
                    let running = Task { try await listener.run() }
                    defer { running.cancel() }
                    var iterator = changes.makeAsyncIterator()
                    #expect(await iterator.next() == 0)  // listening: "look now"
                    let receipt = try await writer.append(records: [R.country("USA")])
                    let started = ContinuousClock.now
                    var heard: Int64?
                    while heard != receipt.lastSeq, ContinuousClock.now - started < .seconds(5) { heard = await iterator.next() }
                    #expect(heard == receipt.lastSeq)
                    #expect(ContinuousClock.now - started < .seconds(1))
                }
            }
        }
    }

    @Test("Moving a deployment: export from SQLite, import into PostgreSQL, the same state digest", .enabled(if: PostgresTestDatabase.isAvailable))
    func moveFromSQLite() async throws {
        let directory = try TemporaryDirectory()
        let file = directory.path("all.jsonl")
        let sqliteDigest = try await CorridorSQLiteTestSupport.StoreBackend.sqliteFile.withStore { sqlite in
            _ = try await Seeding.seedReference(into: sqlite, context: .test)
            _ = try await Seeding.seedSynthetic(count: 300, seed: 7, into: sqlite, context: .test)
            try await sqlite.append(records: R.smallWorld)
            var lines = ""
            _ = try await sqlite.exportRecords { lines += $0 + "\n" }
            try lines.write(toFile: file, atomically: true, encoding: .utf8)
            return try await sqlite.stateDigest()
        }
        try await PostgresTestDatabase.withStore { postgres in
            let receipt = try await RecordImport.importFiles([file], into: postgres, context: .test)
            #expect(receipt.count > 300)
            let digest = try await postgres.stateDigest()
            #expect(digest == sqliteDigest, "tables that differ: \(digest.differences(from: sqliteDigest))")
        }
    }
}
