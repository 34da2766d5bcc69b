import CorridorDomain
import CorridorStore
import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// The store for several Corridor instances on one PostgreSQL database (ADR 7).
///
/// Writes run on one serialised writer per store (``PostgresWriter``: its own thread and
/// connection), each in a transaction that first takes a transaction-scoped advisory lock, so
/// appends from every instance form one chain; they go through ``EventChain`` like every store.
/// Reads run through a `PostgresClient` pool. Every commit that changes what readers see sends
/// `NOTIFY corridor_changes, '<seq>'`, which ``changes()`` streams to this instance's live view.
///
/// The pool runs from ``init`` until ``close()``. As a `Service`, ``run()`` runs the change
/// listener until the service group shuts down, then closes the store. CLI commands use
/// ``open(_:logger:migrate:)`` or ``withRunning(_:logger:migrate:maximumConnections:_:)``. Webhook
/// subscriptions: `PostgresEventStore+Subscriptions.swift`.
public final class PostgresEventStore: EventStore, TokenStore, Service {
    /// The channel commits notify on: `corridor_changes`, or `corridor_changes_<schema>` for
    /// a store in a schema of its own (stores in other schemas of the database are not told).
    public static func channel(for url: PostgresURL) -> String {
        "corridor_changes" + (url.schema.map { "_" + $0 } ?? "")
    }
    /// How long a read waits for the database before it is reported unavailable.
    static let readTimeout: Duration = .seconds(30)
    /// How long a read waits before checking that the server can be reached at all.
    static let probeAfter: Duration = .seconds(1)
    /// While the database is unreachable, reads fail at once for this long before one of them
    /// tries to connect again (so a request answers 503 at once, not after a timeout).
    static let outageRetry: Duration = .seconds(1)

    public let url: PostgresURL
    let client: PostgresClient
    let writer: PostgresWriter
    let logger: Logger
    private let listeners = Mutex<[Int: AsyncStream<Int64>.Continuation]>([:])
    private let nextListener = Atomic<Int>(0)
    private let pool: Task<Void, Never>
    /// When the database was last found unreachable; nil while it answers.
    private let outage: Outage

    public init(url: PostgresURL, logger: Logger = Logger(label: "corridor.postgres"), maximumConnections: Int = 8) {
        self.url = url
        self.logger = logger
        // The pool logs each failed connection attempt at info level, once a second while the
        // database is down; the store reports the outage itself (503, /readyz), so keep warnings.
        var poolLogger = logger
        poolLogger.logLevel = max(logger.logLevel, .warning)
        let client = PostgresClient(configuration: url.clientConfiguration(maximumConnections: maximumConnections), backgroundLogger: poolLogger)
        self.client = client
        let outage = Outage()
        self.outage = outage
        writer = PostgresWriter(url: url, logger: logger) { outage.since.withLock { $0 = $0 ?? ContinuousClock.now } }
        pool = Task { await client.run() }
    }

    deinit { pool.cancel() }

    /// A store on `url` whose database was reached and whose schema is this build's: migrated
    /// with `migrate` (what `serve` and `migrate` do), otherwise checked.
    public static func open(
        _ url: PostgresURL, logger: Logger = Logger(label: "corridor.postgres"), migrate: Bool = true
    ) async throws -> PostgresEventStore {
        let store = PostgresEventStore(url: url, logger: logger)
        do {
            if migrate { _ = try await store.migrate() } else { try await store.checkSchema() }
            return store
        } catch {
            await store.close()
            throw error
        }
    }

    /// Stops the pool and closes the writer's connection; the store answers nothing after.
    public func close() async {
        pool.cancel()
        await writer.close()
        listeners.withLock { all in
            for continuation in all.values { continuation.finish() }
            all = [:]
        }
    }

    /// Runs `body` with a store whose pool runs for as long as `body` does (for CLI commands),
    /// after checking the database can be reached and, with `migrate`, bringing its schema up
    /// to date (otherwise refusing a database whose schema is older than this build).
    @discardableResult
    public static func withRunning<Result>(
        _ url: PostgresURL, logger: Logger = Logger(label: "corridor.postgres"), migrate: Bool = true,
        maximumConnections: Int = 8,
        _ body: (PostgresEventStore) async throws -> Result
    ) async throws -> Result {
        let store = PostgresEventStore(url: url, logger: logger, maximumConnections: maximumConnections)
        do {
            if migrate { _ = try await store.migrate() } else { try await store.checkSchema() }
            let result = try await body(store)
            await store.close()
            return result
        } catch {
            await store.close()
            throw error
        }
    }

    // MARK: Service

    /// Runs the change listener until the task is cancelled or the service group shuts down,
    /// then closes the store.
    public func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.listen() }
            // Returns at graceful shutdown or when this task is cancelled.
            try? await gracefulShutdown()
            group.cancelAll()
        }
        await close()
    }

    /// The change markers other instances (and this one) commit, as they arrive; a marker of
    /// 0 after a reconnection means "look again" (notifications may have been missed meanwhile).
    public func changes() -> AsyncStream<Int64> {
        let (stream, continuation) = AsyncStream.makeStream(of: Int64.self, bufferingPolicy: .bufferingNewest(1))
        let id = nextListener.add(1, ordering: .relaxed).oldValue
        listeners.withLock { $0[id] = continuation }
        continuation.onTermination = { [weak self] _ in self?.listeners.withLock { _ = $0.removeValue(forKey: id) } }
        return stream
    }

    private func broadcast(_ seq: Int64) {
        listeners.withLock { all in for continuation in all.values { continuation.yield(seq) } }
    }

    /// LISTEN on one pooled connection; after a lost connection, wait and listen again, telling
    /// listeners to look (their poll of the chain head covers the gap).
    private func listen() async {
        var delay: Duration = .milliseconds(250)
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: Self.channel(for: url)) { notifications in
                        delay = .milliseconds(250)
                        self.broadcast(0)
                        for try await notification in notifications {
                            self.broadcast(Int64(notification.payload) ?? 0)
                        }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                logger.debug("change listener lost its connection", metadata: ["db": "\(url)"])
            }
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(5))
        }
    }

    // MARK: Schema

    /// Applies the migrations the database lacks, one instance at a time; returns the versions applied.
    @discardableResult
    public func migrate() async throws -> [Int] {
        try await writer.run("migrating") { db in
            try db.execute("BEGIN")
            do {
                try db.execute(PostgresSchema.migrationLock)
                try db.execute(PostgresSchema.createMigrationsTable)
                let present = Set(try db.query("SELECT version FROM schema_migrations").rows.map { Int(try $0.decode(Int32.self)) })
                if let newest = present.max(), newest > PostgresSchema.latestVersion {
                    throw StoreError(
                        code: .databaseUnavailable,
                        message:
                            "the database \(self.url.database) has schema version \(newest), newer than this build knows (\(PostgresSchema.latestVersion)); upgrade Corridor"
                    )
                }
                var applied: [Int] = []
                for migration in PostgresSchema.migrations where !present.contains(migration.version) {
                    for statement in migration.sql { try db.execute(statement) }
                    try db.query("INSERT INTO schema_migrations (version, name) VALUES (\(Int32(migration.version)), \(migration.name))")
                    applied.append(migration.version)
                }
                try db.execute("COMMIT")
                return applied
            } catch {
                if !db.isClosed { try? db.execute("ROLLBACK") }
                throw error
            }
        }
    }

    /// The schema version this build migrates to.
    public static var latestSchemaVersion: Int { PostgresSchema.latestVersion }

    /// The schema version the database is at (0 before the first migration).
    public func schemaVersion() async throws -> Int {
        try await writer.run("reading") { db in
            let exists = try db.query("SELECT to_regclass('schema_migrations') IS NOT NULL").rows.first.map { try $0.decode(Bool.self) } ?? false
            guard exists else { return 0 }
            return try db.query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").rows.first.map { Int(try $0.decode(Int32.self)) } ?? 0
        }
    }

    /// Refuses a database whose schema is not this build's (run `corridor migrate`).
    public func checkSchema() async throws {
        let version = try await schemaVersion()
        guard version == PostgresSchema.latestVersion else {
            throw StoreError(
                code: .databaseUnavailable,
                message:
                    "the database \(url.database) at \(url.address) is at schema version \(version), this build needs \(PostgresSchema.latestVersion): run `corridor migrate --db \(url)`"
            )
        }
    }

    /// Whether the database answers now (for `/readyz`).
    public func isReachable() async -> Bool {
        (try? await rows("SELECT 1", timeout: .seconds(2))) != nil
    }

    /// Lookups the writer's prefetch did not cover since the store was made (tests prove the
    /// legal cases need none).
    public var fallbackLookups: Int { writer.fallbackLookups.load(ordering: .relaxed) }

    // MARK: Setup

    /// Runs `body` holding the setup lock: a session advisory lock on a connection of its own,
    /// kept for the length of `body` (whose appends go through the writer as usual) and released
    /// when that connection closes — also when this process dies. An instance that finds the lock
    /// taken says so and waits for it.
    public func withExclusiveSetup<Result>(_ body: () async throws -> Result) async throws -> Result {
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(configuration: url.connectionConfiguration(), id: 0, logger: logger)
        } catch {
            throw PostgresFault.unreachable(error, url: url)
        }
        do {
            do {
                var took = false
                for try await row in try await connection.query(PostgresQuery(unsafeSQL: PostgresSchema.trySetupLock), logger: logger) {
                    took = try row.decode(Bool.self)
                }
                if !took {
                    logger.notice("another instance is setting up this store; waiting for it", metadata: ["db": "\(url)"])
                    for try await _ in try await connection.query(PostgresQuery(unsafeSQL: PostgresSchema.setupLock), logger: logger) {}
                }
            } catch {
                throw PostgresFault.map(error, while: "waiting for the setup lock", url: url)
            }
            let result = try await body()
            try? await connection.close()  // releases the lock
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }

    // MARK: Reads

    /// Runs `query` through the pool, collecting its rows; a database that does not answer
    /// within the timeout is `database-unavailable`.
    func rows(_ query: PostgresQuery, timeout: Duration = PostgresEventStore.readTimeout) async throws -> [PostgresRow] {
        try await throughPool("reading", timeout: timeout) { client, logger in
            var rows: [PostgresRow] = []
            for try await row in try await client.query(query, logger: logger) { rows.append(row) }
            return rows
        }
    }

    /// Runs `body` on the pool (reads, and writes that are not appends), with the outage
    /// handling of every pooled query: during an outage it fails at once, and a database that
    /// does not answer within the timeout is `database-unavailable`.
    func throughPool<Value: Sendable>(
        _ action: String, timeout: Duration = PostgresEventStore.readTimeout,
        _ body: @escaping @Sendable (PostgresClient, Logger) async throws -> Value
    ) async throws -> Value {
        try await checkAvailable()
        let client = self.client, logger = self.logger, url = self.url
        do {
            return try await withThrowingTaskGroup(of: Value?.self) { group in
                group.addTask { try await body(client, logger) }
                group.addTask {
                    // The pool keeps a query waiting while it cannot connect. If the answer is
                    // slow, look whether the server is there at all: a refused connection is an
                    // outage now (503 at once), not after the timeout; a slow server is waited for.
                    try await Task.sleep(for: Self.probeAfter)
                    do {
                        let connection = try await PostgresConnection.connect(configuration: url.connectionConfiguration(), id: 0, logger: logger)
                        try? await connection.close()
                    } catch {
                        throw PostgresFault.unreachable(error, url: url)
                    }
                    try await Task.sleep(for: timeout - Self.probeAfter)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let value = first else {
                    throw StoreError(
                        code: .databaseUnavailable, message: "PostgreSQL at \(url.address) did not answer within \(timeout)", details: "\(url)")
                }
                return value
            }
        } catch {
            let mapped = PostgresFault.map(error, while: action, url: url)
            if let store = mapped as? StoreError, store.code == .databaseUnavailable {
                outage.since.withLock { $0 = ContinuousClock.now }
            }
            throw mapped
        }
    }

    /// During an outage, fails at once — except once per ``outageRetry``, when it connects
    /// to see whether the database is back (and ends the outage when it is).
    private func checkAvailable() async throws {
        enum Decision { case proceed, failFast, probe }
        let now = ContinuousClock.now
        let decision = outage.since.withLock { since -> Decision in
            guard let last = since else { return .proceed }
            if now - last < Self.outageRetry { return .failFast }
            since = now  // other reads fail fast while this one looks
            return .probe
        }
        switch decision {
        case .proceed: return
        case .failFast:
            throw StoreError(code: .databaseUnavailable, message: "PostgreSQL at \(url.address) cannot be reached; retrying", details: "\(url)")
        case .probe: break
        }
        do {
            let connection = try await PostgresConnection.connect(configuration: url.connectionConfiguration(), id: 0, logger: logger)
            try? await connection.close()
            outage.since.withLock { $0 = nil }
        } catch {
            throw PostgresFault.unreachable(error, url: url)
        }
    }

    public func head() async throws -> ChainHead {
        try PostgresQueries.head(try await rows(PostgresQueries.headQuery))
    }

    public func events(from seq: Int64, limit: Int) async throws -> [Event] {
        try await rows(PostgresQueries.eventsQuery(from: seq, limit: max(1, limit))).map(PostgresQueries.event)
    }

    public func caseload(through seq: Int64?, from cursor: CaseloadCursor, limit: Int) async throws -> CaseloadPage {
        let limit = max(1, limit)
        let through = seq ?? Int64.max
        var records: [Record] = []
        var cursor = cursor
        while true {
            let wanted = limit - records.count
            let page = try await rows(PostgresQueries.caseloadQuery(cursor.phase, after: cursor.lowerBound, through: through, limit: wanted))
            for row in page {
                let (rowSeq, payload) = try row.decode((Int64, String).self)
                records.append(try PostgresQueries.decode(payload, seq: rowSeq))
                cursor.afterSeq = rowSeq
            }
            if page.count == wanted { return CaseloadPage(records: records, next: cursor) }
            guard cursor.phase == .cases else { return CaseloadPage(records: records, next: nil) }
            cursor = cursor.factsPhase
        }
    }

    public func stateDigest() async throws -> StateDigest {
        var tables: [String: StateDigest.Table] = [:]
        for (name, sql) in PostgresQueries.digestQueries {
            var builder = StateDigest.Builder()
            for row in try await rows(PostgresQuery(unsafeSQL: sql), timeout: .seconds(600)) {
                builder.add(try PostgresQueries.digestFields(row, table: name))
            }
            tables[name] = builder.finish()
        }
        return StateDigest(tables: tables)
    }

    public func networkEvents() async throws -> [Event] {
        try await rows(PostgresQueries.networkEventsQuery).map(PostgresQueries.event)
    }

    public func transfers() async throws -> [TransferView] {
        async let manifest = rows(PostgresQueries.manifestQuery)
        async let transfers = rows(PostgresQueries.transfersQuery)
        return try PostgresQueries.transfers(manifest: try await manifest, transfers: try await transfers)
    }

    public func familyMembers(_ unit: String) async throws -> [CaseRecord.ID] {
        try await rows(PostgresQueries.familyMembersQuery(unit)).map { CaseRecord.ID(try $0.decode(String.self)) }
    }

    public func transferHistory(_ id: TransferRecord.ID) async throws -> [Event] {
        try await rows(PostgresQueries.transferHistoryQuery(id)).map(PostgresQueries.event)
    }

    public func changeMarker() async throws -> Int64 {
        try await setting(PostgresQueries.changeKey).flatMap { Int64($0) } ?? 0
    }

    public func setting(_ key: String) async throws -> String? {
        try await rows(PostgresQueries.settingQuery(key)).first.map { try $0.decode(String.self) }
    }

    public func summary() async throws -> StoreSummary {
        guard let row = try await rows(PostgresQueries.summaryQuery).first else {
            throw StoreError(code: .storageFault, message: "the summary query returned nothing")
        }
        return try PostgresQueries.summary(row)
    }

    public func caseEvents(_ id: CaseRecord.ID) async throws -> [Event] {
        try await rows(PostgresQueries.caseEventsQuery(id)).map(PostgresQueries.event)
    }

    // MARK: Appends

    /// Records per prefetch: what the next this-many records refer to is loaded in one round
    /// trip per table before ``EventChain`` validates them.
    static let chunkSize = 2_000

    public func append(
        context: AppendContext, _ produce: @Sendable (_ emit: (SourcedRecord) throws -> Void) throws -> Void
    ) async throws -> AppendReceipt {
        // `produce` runs on the writer's queue while this task waits for it (the continuation
        // does not resume before the transaction ends), so it never outlives this call. The
        // queue's block may outlive the call by a moment, so it holds `produce` through a box
        // emptied before `withoutActuallyEscaping` checks that nothing kept it.
        try await withoutActuallyEscaping(produce) { produce in
            let box = ProducerBox(produce)
            defer { box.produce = nil }
            return try await writer.transaction { transaction in
                guard let produce = box.produce else { throw CancellationError() }
                var chain = transaction
                return try EventChain.appendRecords(in: &chain, context: context) { emit in
                    try Self.inChunks(produce, prefetching: transaction, emit)
                }
            }
        }
    }

    /// Passes what `produce` emits on to `emit` in chunks, prefetching each chunk's references
    /// first. Errors come in the order a store validating record by record would report them:
    /// when `produce` fails, the records it emitted before are still validated first.
    static func inChunks(
        _ produce: (_ emit: (SourcedRecord) throws -> Void) throws -> Void, prefetching transaction: PostgresTransaction,
        _ emit: (SourcedRecord) throws -> Void
    ) throws {
        try withoutActuallyEscaping(emit) { emit in try inChunks(produce, transaction, emit) }
    }

    private static func inChunks(
        _ produce: (_ emit: (SourcedRecord) throws -> Void) throws -> Void, _ transaction: PostgresTransaction,
        _ emit: @escaping (SourcedRecord) throws -> Void
    ) throws {
        var buffer: [SourcedRecord] = []
        buffer.reserveCapacity(chunkSize)
        var drainFailed = false
        func drain() throws {
            do {
                try transaction.prefetch(buffer.lazy.map(\.record))
                for sourced in buffer { try emit(sourced) }
            } catch {
                drainFailed = true
                throw error
            }
            buffer.removeAll(keepingCapacity: true)
            // Keep memory bounded on large imports: this chunk's rows go to the database now.
            try transaction.flush()
        }
        do {
            try produce { sourced in
                buffer.append(sourced)
                if buffer.count >= chunkSize { try drain() }
            }
        } catch {
            if !drainFailed, !buffer.isEmpty { try drain() }
            throw error
        }
        try drain()
    }

    public func appendSystemEvents(_ events: [(event: SystemEvent, actor: String)], at recordedAt: Instant) async throws {
        let events = UncheckedEvents(events)
        try await writer.transaction { transaction in
            var chain = transaction
            _ = try EventChain.appendSystemEvents(events.value, at: recordedAt, marksChange: false, in: &chain)
        }
    }

    @discardableResult
    public func appendSystemEvent(
        type: String, payload: JSONValue, context: AppendContext, setting: (key: String, value: String)?
    ) async throws -> Event {
        let setting = setting.map { [$0.key, $0.value] }
        return try await writer.transaction { transaction in
            var chain = transaction
            return try EventChain.appendSystemEvents(
                [(SystemEvent(type: type, payload: payload), context.actor)], at: context.recordedAt, marksChange: true,
                setting: setting.map { ($0[0], $0[1]) }, in: &chain)!
        }
    }

    // MARK: Tokens

    public func createToken(id: String, name: String, role: Role, counsel: String?, hash: String, context: AppendContext) async throws -> TokenInfo {
        try await writer.transaction { transaction in
            try transaction.db.query(
                """
                INSERT INTO tokens (id, name, role, hash, created_at, counsel)
                VALUES (\(id), \(name), \(role.rawValue), \(hash), \(context.recordedAt.epochMilliseconds), \(counsel))
                """)
            var chain = transaction
            try EventChain.appendSystemEvents(
                [(TokenEvents.created(id: id, name: name, role: role, counsel: counsel), context.actor)],
                at: context.recordedAt, marksChange: true, in: &chain)
            return TokenInfo(id: id, name: name, role: role, counsel: counsel, createdAt: context.recordedAt, revokedAt: nil)
        }
    }

    public func token(hash: String) async throws -> TokenInfo? {
        try await rows(PostgresQueries.tokenQuery(hash: hash)).first.flatMap { row in
            let (id, name, role, created, counsel) = try row.decode((String, String, String, Int64, String?).self)
            return Role(rawValue: role).map {
                TokenInfo(id: id, name: name, role: $0, counsel: counsel, createdAt: Instant(epochMilliseconds: created), revokedAt: nil)
            }
        }
    }

    public func tokens() async throws -> [TokenInfo] {
        try await rows(PostgresQueries.tokensQuery).compactMap { row in
            let (id, name, role, created, revoked, counsel) = try row.decode((String, String, String, Int64, Int64?, String?).self)
            return Role(rawValue: role).map {
                TokenInfo(
                    id: id, name: name, role: $0, counsel: counsel, createdAt: Instant(epochMilliseconds: created),
                    revokedAt: revoked.map { Instant(epochMilliseconds: $0) })
            }
        }
    }

    public func revokeToken(id: String, context: AppendContext) async throws -> Bool {
        try await writer.transaction { transaction in
            let revoked = try transaction.db.query(
                """
                UPDATE tokens SET revoked_at = \(context.recordedAt.epochMilliseconds) WHERE id = \(id) AND revoked_at IS NULL RETURNING id
                """
            ).rows.count
            guard revoked > 0 else { return false }
            var chain = transaction
            try EventChain.appendSystemEvents([(TokenEvents.revoked(id: id), context.actor)], at: context.recordedAt, marksChange: true, in: &chain)
            return true
        }
    }
}

/// System events (whose payloads are immutable JSON values) carried to the writer's queue.
private struct UncheckedEvents: @unchecked Sendable {
    let value: [(event: SystemEvent, actor: String)]
    init(_ value: [(event: SystemEvent, actor: String)]) { self.value = value }
}

/// The caller's producer, lent to the writer's queue for the length of one append.
private final class ProducerBox: @unchecked Sendable {
    var produce: (@Sendable (_ emit: (SourcedRecord) throws -> Void) throws -> Void)?
    init(_ produce: @escaping @Sendable (_ emit: (SourcedRecord) throws -> Void) throws -> Void) { self.produce = produce }
}

/// When the database was last found unreachable; nil while it answers.
private final class Outage: Sendable {
    let since = Mutex<ContinuousClock.Instant?>(nil)
}
