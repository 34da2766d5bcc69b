import CorridorDomain
import CorridorRules
import CorridorStore
import Foundation
import GRDB

/// The embedded default store: one SQLite file in WAL mode, through GRDB.
///
/// Every append runs in one immediate transaction: records are validated with ``StateRules``
/// against the projections as they stand (including the records before them in the same
/// call), written to `events` with their hash, and projected. Any error rolls the whole call
/// back. `synchronous=FULL`: a committed append of records survives a crash or power loss.
/// Batches of system events (`appendSystemEvents`, the server's read log) commit with
/// `synchronous=NORMAL`: they survive a process crash, and a power loss can lose only the last
/// moments of the read log, never a record or the chain's integrity.
public final class SQLiteEventStore: EventStore, TokenStore {
    package let writer: any DatabaseWriter
    /// Where the database lives (`:memory:` for a scratch store).
    public let path: String

    /// Opens (creating if needed) the database at `path` and migrates it.
    public init(path: String) throws {
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // Reads of a large store: map the file (no read() per page) and keep 64 MiB of pages.
            try db.execute(sql: "PRAGMA mmap_size = 1073741824")
            try db.execute(sql: "PRAGMA cache_size = -65536")
        }
        self.path = path
        do {
            writer = try DatabasePool(path: path, configuration: config)
        } catch {
            throw StoreError(code: .databaseUnavailable, message: "\(path): cannot open the database", details: "\(error)")
        }
        try migrate()
    }

    /// A store in memory, for scratch replays and tests.
    public init(inMemory: Void = ()) throws {
        path = ":memory:"
        writer = try DatabaseQueue()
        try migrate()
    }

    private func migrate() throws {
        do {
            try SQLiteSchema.migrator().migrate(writer)
        } catch {
            throw StoreError(code: .databaseUnavailable, message: "\(path): not a Corridor database, or it cannot be migrated", details: "\(error)")
        }
    }

    // MARK: Append

    /// Runs `body` in one immediate transaction on GRDB's writer (appends are serialised by
    /// the writer and by SQLite's write lock; the caller's task suspends meanwhile), committed
    /// when it returns and rolled back when it throws. `relaxed` commits with
    /// `synchronous=NORMAL` (the read log's batches; see the type's comment).
    private func transaction<Result: Sendable>(
        relaxed: Bool = false,
        _ body: @Sendable (inout SQLiteProjectionWriter) throws -> Result
    ) async throws -> Result {
        try await faults("writing") {
            try await writer.writeWithoutTransaction { db in
                if relaxed {
                    // Statements cached per connection: the server commits reads thousands of times a second.
                    try db.cachedStatement(sql: "PRAGMA synchronous = NORMAL").execute()
                }
                defer { if relaxed { try? db.cachedStatement(sql: "PRAGMA synchronous = FULL").execute() } }
                var result: Result?
                try db.inTransaction(.immediate) {
                    var transaction = SQLiteProjectionWriter(db: db)
                    result = try body(&transaction)
                    return .commit
                }
                return result!
            }
        }
    }

    /// Reports a database error as a storage fault (see ``StoreError/storageFault(_:while:)``);
    /// every other error (a refused record, the caller's own) passes through.
    private func faults<Result>(_ action: String, _ body: () async throws -> Result) async throws -> Result {
        do { return try await body() } catch let error as DatabaseError {
            throw StoreError.storageFault(error, while: action)
        }
    }

    /// A read in one transaction (one consistent snapshot over several statements).
    private func read<Result: Sendable>(_ body: @Sendable (Database) throws -> Result) async throws -> Result {
        try await faults("reading") { try await writer.read(body) }
    }

    /// A single-statement read without BEGIN/COMMIT (see "Reads" below).
    private func unsafeRead<Result: Sendable>(_ body: @Sendable (Database) throws -> Result) async throws -> Result {
        try await faults("reading") { try await writer.unsafeRead(body) }
    }

    public func append(context: AppendContext, _ produce: @Sendable ((SourcedRecord) throws -> Void) throws -> Void) async throws -> AppendReceipt {
        try await transaction { try EventChain.appendRecords(in: &$0, context: context, produce) }
    }

    static func head(_ db: Database) throws -> ChainHead {
        if let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1")) {
            return ChainHead(seq: row[0], hash: row[1])
        }
        return .genesis
    }

    static let changeKey = "change.seq"

    static func markChange(_ db: Database, _ seq: Int64) throws {
        try db.cachedStatement(sql: "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)").execute(arguments: [changeKey, String(seq)])
    }

    public func changeMarker() async throws -> Int64 {
        try await unsafeRead { db in
            try String.fetchOne(db.cachedStatement(sql: "SELECT value FROM settings WHERE key = ?"), arguments: [SQLiteEventStore.changeKey]).flatMap
            { Int64($0) } ?? 0
        }
    }

    // MARK: Reads

    // Single-statement reads run without an explicit transaction (`unsafeRead`): one
    // statement already sees one consistent snapshot, and skipping BEGIN/COMMIT halves their cost.

    public func head() async throws -> ChainHead {
        try await unsafeRead { try SQLiteEventStore.head($0) }
    }

    public func events(from seq: Int64, limit: Int) async throws -> [Event] {
        try await unsafeRead { db in
            let rows = try Row.fetchAll(
                db.cachedStatement(sql: "SELECT seq, type, payload, actor, recorded_at, prev, hash FROM events WHERE seq >= ? ORDER BY seq LIMIT ?"),
                arguments: [seq, limit])
            return try rows.map { row in
                let recordedText: String = row[4]
                guard let recordedAt = Instant(rfc3339: recordedText) else {
                    throw StoreError(
                        code: .corruptEvent, message: "event \(row[0] as Int64): recorded_at '\(recordedText)' is not an RFC 3339 instant")
                }
                return Event(seq: row[0], type: row[1], payload: row[2], actor: row[3], recordedAt: recordedAt, prev: row[5], hash: row[6])
            }
        }
    }

    public func networkEvents() async throws -> [Event] {
        try await read { try SQLiteQueries.networkEvents(db: $0) }
    }

    public func summary() async throws -> StoreSummary {
        try await read { db in
            func count(_ table: String) throws -> Int { try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0 }
            return StoreSummary(
                events: try SQLiteEventStore.head(db).seq, countries: try count("countries"),
                arrangements: try count("arrangements"), cases: try count("cases"),
                courtOrders: try count("court_orders"), transfers: try count("transfers"))
        }
    }

    public func caseEvents(_ id: CaseRecord.ID) async throws -> [Event] {
        try await unsafeRead { try SQLiteQueries.caseEvents(id, db: $0) }
    }

    public func setting(_ key: String) async throws -> String? {
        try await unsafeRead { try SQLiteQueries.setting(key, db: $0) }
    }

    public func appendSystemEvents(_ events: [(event: SystemEvent, actor: String)], at recordedAt: Instant) async throws {
        try await transaction(relaxed: true) { _ = try EventChain.appendSystemEvents(events, at: recordedAt, marksChange: false, in: &$0) }
    }

    // MARK: Tokens

    public func createToken(id: String, name: String, role: Role, counsel: String?, hash: String, context: AppendContext) async throws -> TokenInfo {
        try await transaction { transaction in
            try transaction.db.execute(
                sql: "INSERT INTO tokens (id, name, role, hash, created_at, counsel) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [id, name, role.rawValue, hash, context.recordedAt.epochMilliseconds, counsel])
            try EventChain.appendSystemEvents(
                [(TokenEvents.created(id: id, name: name, role: role, counsel: counsel), context.actor)], at: context.recordedAt,
                marksChange: true, in: &transaction)
            return TokenInfo(id: id, name: name, role: role, counsel: counsel, createdAt: context.recordedAt, revokedAt: nil)
        }
    }

    public func token(hash: String) async throws -> TokenInfo? {
        try await unsafeRead { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT id, name, role, created_at, counsel FROM tokens WHERE hash = ? AND revoked_at IS NULL"),
                arguments: [hash]
            ).flatMap { row in
                Role(rawValue: row[2]).map {
                    TokenInfo(id: row[0], name: row[1], role: $0, counsel: row[4], createdAt: Instant(epochMilliseconds: row[3]), revokedAt: nil)
                }
            }
        }
    }

    public func tokens() async throws -> [TokenInfo] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT id, name, role, created_at, revoked_at, counsel FROM tokens ORDER BY created_at, id").compactMap {
                row in
                Role(rawValue: row[2]).map {
                    TokenInfo(
                        id: row[0], name: row[1], role: $0, counsel: row[5], createdAt: Instant(epochMilliseconds: row[3]),
                        revokedAt: (row[4] as Int64?).map { Instant(epochMilliseconds: $0) })
                }
            }
        }
    }

    public func revokeToken(id: String, context: AppendContext) async throws -> Bool {
        try await transaction { transaction in
            try transaction.db.execute(
                sql: "UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                arguments: [context.recordedAt.epochMilliseconds, id])
            guard transaction.db.changesCount > 0 else { return false }
            try EventChain.appendSystemEvents(
                [(TokenEvents.revoked(id: id), context.actor)], at: context.recordedAt, marksChange: true, in: &transaction)
            return true
        }
    }

    @discardableResult
    public func appendSystemEvent(
        type: String, payload: JSONValue, context: AppendContext, setting: (key: String, value: String)?
    ) async throws -> Event {
        try await transaction { transaction in
            try EventChain.appendSystemEvents(
                [(SystemEvent(type: type, payload: payload), context.actor)], at: context.recordedAt, marksChange: true,
                setting: setting, in: &transaction)!
        }
    }

    /// Keyset pages on `seq` (the `cases_by_seq` index; `case_facts.seq` is its rowid), each
    /// page a single statement: no read transaction stays open between pages.
    public func caseload(through seq: Int64?, from cursor: CaseloadCursor, limit: Int) async throws -> CaseloadPage {
        let limit = max(1, limit)
        let through = seq ?? Int64.max
        return try await read { db in
            var records: [CorridorDomain.Record] = []
            var cursor = cursor
            while true {
                let sql =
                    cursor.phase == .cases
                    ? "SELECT c.seq, e.payload FROM cases c JOIN events e ON e.seq = c.seq WHERE c.seq > ? AND c.seq <= ? ORDER BY c.seq LIMIT ?"
                    : "SELECT f.seq, e.payload FROM case_facts f JOIN events e ON e.seq = f.seq WHERE f.seq > ? AND f.seq <= ? ORDER BY f.seq LIMIT ?"
                let wanted = limit - records.count
                let cursorRows = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: [cursor.lowerBound, through, wanted])
                var fetched = 0
                while let row = try cursorRows.next() {
                    let payload: String = row[1]
                    do throws(CorridorDomain.RecordError) { records.append(try CorridorDomain.Record.parse(payload)) } catch {
                        throw StoreError(code: .corruptEvent, message: "event \(row[0] as Int64) no longer decodes: \(error)")
                    }
                    cursor.afterSeq = row[0]
                    fetched += 1
                }
                if fetched == wanted { return CaseloadPage(records: records, next: cursor) }
                guard cursor.phase == .cases else { return CaseloadPage(records: records, next: nil) }
                cursor = cursor.factsPhase
            }
        }
    }

    // MARK: Caseload image

    /// All parts in one read transaction (one snapshot: never parts of two saves), each read
    /// with SQLite's incremental blob I/O straight into the image's buffer, sized first from the
    /// parts' lengths: memory is the image and nothing more.
    public func caseloadImage() async throws -> CaseloadImage? {
        try await read { db in try SQLiteCaseloadImage.read(db) }
    }

    /// One write transaction: delete every part, insert the new ones. Committed with
    /// `synchronous=NORMAL` like the read log: the image is derived, and a power loss that
    /// loses it (never the log) only means it is rebuilt.
    public func saveCaseloadImage(_ image: CaseloadImage) async throws {
        try await transaction(relaxed: true) { transaction in
            try image.check(head: SQLiteEventStore.head(transaction.db).seq)
            try SQLiteCaseloadImage.replace(with: image, db: transaction.db)
        }
    }

    public func discardCaseloadImage() async throws {
        try await transaction(relaxed: true) { transaction in try transaction.db.execute(sql: "DELETE FROM caseload_image") }
    }

    // MARK: Derived values

    public func derivedValue(_ key: String) async throws -> [UInt8]? {
        try await unsafeRead { db in
            try Data.fetchOne(db.cachedStatement(sql: "SELECT bytes FROM derived_values WHERE key = ?"), arguments: [key]).map { [UInt8]($0) }
        }
    }

    /// One upsert on the writer, committed with `synchronous=NORMAL` like the image: a power
    /// loss that loses a derived value (never the log) only means it is recomputed.
    public func saveDerivedValue(_ key: String, _ bytes: [UInt8]) async throws {
        try DerivedValue.check(key: key, bytes: bytes)
        try await transaction(relaxed: true) { transaction in
            let upsert = try RawStatement(
                cached: transaction.db, "INSERT INTO derived_values (key, bytes) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET bytes = excluded.bytes"
            )
            upsert.bind(1, key)
            bytes.withUnsafeBytes { upsert.bind(2, bytes: $0) }
            try upsert.run()
        }
    }

    public func discardDerivedValue(_ key: String) async throws {
        try await transaction(relaxed: true) { transaction in
            try transaction.db.execute(sql: "DELETE FROM derived_values WHERE key = ?", arguments: [key])
        }
    }

    public func transfers() async throws -> [TransferView] {
        try await read { try SQLiteQueries.transfers(db: $0) }
    }

    public func familyMembers(_ unit: String) async throws -> [CaseRecord.ID] {
        try await unsafeRead { try SQLiteQueries.familyMembers(unit, db: $0) }
    }

    public func transferHistory(_ id: TransferRecord.ID) async throws -> [Event] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT e.seq, e.type, e.payload, e.actor, e.recorded_at, e.prev, e.hash
                    FROM transfer_history h JOIN events e ON e.seq = h.seq WHERE h.transfer = ? ORDER BY h.seq
                    """, arguments: [id.rawValue]
            ).map { row in
                Event(
                    seq: row[0], type: row[1], payload: row[2], actor: row[3], recordedAt: Instant(rfc3339: row[4]) ?? Instant(epochMilliseconds: 0),
                    prev: row[5], hash: row[6])
            }
        }
    }

    // MARK: Digest

    public func stateDigest() async throws -> StateDigest {
        try await read { db in
            var tables: [String: StateDigest.Table] = [:]
            for (name, sql) in SQLiteEventStore.digestQueries {
                var builder = StateDigest.Builder()
                let instantColumns: Set<Int> = name == "transfers" ? [2, 5, 6, 7, 8] : []
                let cursor = try Row.fetchCursor(db, sql: sql)
                while let row = try cursor.next() {
                    builder.add(
                        row.databaseValues.enumerated().map { index, value in
                            switch value.storage {
                            case .null: ""
                            case .string(let text): text
                            case .int64(let number):
                                instantColumns.contains(index) ? Instant(epochMilliseconds: number).description : String(number)
                            case .double(let number): String(number)
                            case .blob(let data): String(decoding: data, as: UTF8.self)
                            }
                        })
                }
                tables[name] = builder.finish()
            }
            return StateDigest(tables: tables)
        }
    }

    /// Rows in the order and shape ``StateDigest`` documents. Instants are stored as epoch
    /// milliseconds and rendered back to RFC 3339 while digesting.
    static let digestQueries: [(String, String)] = [
        ("countries", "SELECT c.code, e.payload FROM countries c JOIN events e ON e.seq = c.seq ORDER BY c.code"),
        ("arrangements", "SELECT a.id, a.partner, e.payload FROM arrangements a JOIN events e ON e.seq = a.seq ORDER BY a.id"),
        (
            "arrangement_statuses",
            "SELECT s.arrangement, s.status, s.on_day, e.payload FROM arrangement_statuses s JOIN events e ON e.seq = s.seq ORDER BY s.arrangement, s.seq"
        ),
        ("cases", "SELECT c.id, e.payload FROM cases c JOIN events e ON e.seq = c.seq ORDER BY c.id"),
        ("case_facts", "SELECT f.case_id, f.type, e.payload FROM case_facts f JOIN events e ON e.seq = f.seq ORDER BY f.case_id, f.seq"),
        (
            "court_orders",
            "SELECT o.id, o.issued_on, COALESCE(o.lifted_on, ''), e.payload, COALESCE(l.payload, '') FROM court_orders o JOIN events e ON e.seq = o.seq LEFT JOIN events l ON l.seq = o.lift_seq ORDER BY o.id"
        ),
        (
            "transfers",
            "SELECT t.id, t.destination, t.departs, t.seats, t.status, t.locked_at, t.departed_at, t.arrived_at, t.cancelled_at, e.payload FROM transfers t JOIN events e ON e.seq = t.seq ORDER BY t.id"
        ),
        ("manifest", "SELECT transfer, case_id, status FROM manifest ORDER BY transfer, case_id"),
        (
            "transfer_history",
            "SELECT h.transfer, e.type, e.payload FROM transfer_history h JOIN events e ON e.seq = h.seq ORDER BY h.transfer, h.seq"
        ),
    ]
}
