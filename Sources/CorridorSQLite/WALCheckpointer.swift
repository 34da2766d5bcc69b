import CorridorStore
import Dispatch
import GRDB
import GRDBSQLite
import ServiceLifecycle
import Synchronization

/// Checkpoints a WAL database from a connection and thread of its own, so that commits rarely
/// wait for a checkpoint.
///
/// By default SQLite checkpoints inside the commit that takes the log past 1,000 pages (4 MiB):
/// that commit copies the log into the database file and waits for the disk to flush it. Under
/// the server's read log that is several times a second, and every request waiting on the read
/// log waits for that flush too. With the checkpointer, the writer's own checkpoints are off
/// (`wal_autocheckpoint = 0`) and a PASSIVE checkpoint runs every `interval` on this connection
/// (it never blocks writers or readers), doing the copying and flushing. Once the log holds more
/// than `restartFrames` frames, the few frames left after that copy are checkpointed from the
/// writer's connection, in turn with the writes: a log being appended to continuously restarts
/// from its beginning only after a checkpoint taken between writes, and without this step it
/// would grow without bound.
///
/// It is a `Service`: checkpointing starts when `run()` does and stops when the service group
/// shuts down gracefully (or the task is cancelled), handing checkpoints back to the writer and
/// folding the log into the database once more. List it before the server in the group, so it
/// stops after the last request has committed.
/// A failure is reported through `onProblem` — once, then again only if it changes or a minute
/// has passed, so a full disk does not fill the log five times a second — and the recovery after
/// it is reported too; nothing is lost (the log grows until a later checkpoint succeeds).
public final class WALCheckpointer: Service, Sendable {
    private struct Connection: @unchecked Sendable { let handle: OpaquePointer }

    private let connection: Connection
    private let queue = DispatchQueue(label: "corridor.wal-checkpoint")
    private let interval: Duration
    private let restartFrames: Int32
    private let stopped = Mutex(false)
    private let onProblem: @Sendable (String) -> Void
    private let reports = Mutex(ProblemReports())
    private let store: SQLiteEventStore

    /// A checkpointer for `store` (a file-backed store in WAL mode) that will checkpoint every
    /// `interval` once it runs.
    public init(
        store: SQLiteEventStore, interval: Duration = .milliseconds(200), restartFrames: Int32 = 4_096,
        onProblem: @escaping @Sendable (String) -> Void
    ) throws {
        var handle: OpaquePointer?
        let code = sqlite3_open_v2(store.path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil)
        guard code == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "code \(code)"
            if let handle { sqlite3_close_v2(handle) }
            throw StoreError(code: .databaseUnavailable, message: "\(store.path): cannot open a checkpoint connection (\(message))")
        }
        sqlite3_busy_timeout(handle, 1000)
        // A new connection learns that the database is in WAL mode only when it first reads it;
        // until then a checkpoint silently does nothing.
        var journalMode = ""
        var statement: OpaquePointer?
        if sqlite3_prepare_v2(handle, "PRAGMA journal_mode", -1, &statement, nil) == SQLITE_OK, sqlite3_step(statement) == SQLITE_ROW,
            let text = sqlite3_column_text(statement, 0)
        {
            journalMode = String(cString: text)
        }
        sqlite3_finalize(statement)
        guard journalMode == "wal" else {
            sqlite3_close_v2(handle)
            throw StoreError(code: .databaseUnavailable, message: "\(store.path): not in WAL mode (journal_mode is '\(journalMode)')")
        }
        connection = Connection(handle: handle)
        self.store = store
        self.onProblem = onProblem
        self.restartFrames = restartFrames
        self.interval = interval
    }

    /// Takes checkpoints over from the writer's commits and checkpoints every `interval` until
    /// the group shuts down gracefully or the task is cancelled; then stops as ``stop()`` does.
    public func run() async throws {
        guard !stopped.withLock({ $0 }) else { return }
        try await store.writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_autocheckpoint = 0") }
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled, !self.stopped.withLock({ $0 }) {
                try await Task.sleep(for: self.interval)
                await self.onQueue { self.checkpoint() }
            }
        }
        if markStopped() { await onQueue { self.handBack() } }
    }

    /// Runs `body` on the checkpointer's own thread: a checkpoint waits for the disk, and the
    /// cooperative pool serves requests.
    private func onQueue(_ body: @escaping @Sendable () -> Void) async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            queue.async {
                body()
                done.resume()
            }
        }
    }

    /// Runs one PASSIVE checkpoint now (and, past `restartFrames`, finishes it on the writer).
    func checkpoint() {
        if stopped.withLock({ $0 }) { return }
        var logFrames: Int32 = 0, checkpointed: Int32 = 0
        var code = sqlite3_wal_checkpoint_v2(connection.handle, nil, SQLITE_CHECKPOINT_PASSIVE, &logFrames, &checkpointed)
        var message = code == SQLITE_OK ? "" : String(cString: sqlite3_errmsg(connection.handle))
        if code == SQLITE_OK, logFrames > restartFrames {
            // Nearly everything is copied now. Copy the rest from the writer's connection, in
            // turn with the writes (a few milliseconds): with no write in between, the next
            // write starts the log from its beginning instead of growing it.
            (code, message) = store.writer.writeWithoutTransaction { db in
                let code = sqlite3_wal_checkpoint_v2(db.sqliteConnection, nil, SQLITE_CHECKPOINT_PASSIVE, &logFrames, &checkpointed)
                return (code, code == SQLITE_OK ? "" : String(cString: sqlite3_errmsg(db.sqliteConnection)))
            }
        }
        if code != SQLITE_OK, code != SQLITE_BUSY, code != SQLITE_LOCKED {
            if let report = reports.withLock({ $0.failed("WAL checkpoint failed: \(message) (code \(code))", at: .now) }) { onProblem(report) }
            return
        }
        if let report = reports.withLock({ $0.succeeded() }) { onProblem(report) }
    }

    /// Stops checkpointing, hands checkpointing back to the writer's commits, and closes the
    /// connection. Idempotent; `run()` does the same when it ends.
    public func stop() {
        guard markStopped() else { return }
        queue.sync { handBack() }  // after a checkpoint under way
    }

    /// Marks the checkpointer stopped; false if it already was.
    private func markStopped() -> Bool {
        stopped.withLock { stopped in
            defer { stopped = true }
            return !stopped
        }
    }

    /// Gives checkpoints back to the writer, folds the log in once more, and closes the connection.
    private func handBack() {
        try? store.writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_autocheckpoint = 1000") }
        var logFrames: Int32 = 0, checkpointed: Int32 = 0
        _ = sqlite3_wal_checkpoint_v2(connection.handle, nil, SQLITE_CHECKPOINT_PASSIVE, &logFrames, &checkpointed)
        sqlite3_close_v2(connection.handle)
    }

    deinit {
        // No checkpoint can be running here (each holds a strong reference), so no waiting.
        if !stopped.withLock({ $0 }) { sqlite3_close_v2(connection.handle) }
    }
}

/// Which checkpoint problems to report: a new one at once, the same one again after `interval`,
/// and the first success after a failure.
struct ProblemReports {
    var interval: Duration = .seconds(60)
    private var last: (problem: String, at: ContinuousClock.Instant, repeats: Int)?

    init(interval: Duration = .seconds(60)) { self.interval = interval }

    mutating func failed(_ problem: String, at now: ContinuousClock.Instant) -> String? {
        if let last, last.problem == problem, now - last.at < interval {
            self.last?.repeats += 1
            return nil
        }
        let repeats = last.map { $0.problem == problem ? $0.repeats : 0 } ?? 0
        last = (problem, now, 0)
        return repeats > 0 ? "\(problem) (and \(repeats) more times since the last report)" : problem
    }

    mutating func succeeded() -> String? {
        guard let last else { return nil }
        self.last = nil
        return "WAL checkpoints succeed again after: \(last.problem)"
    }
}
