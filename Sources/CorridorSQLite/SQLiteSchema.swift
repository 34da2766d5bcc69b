import GRDB

/// The SQLite schema: one append-only `events` table and the current-state projections, which
/// point at the events that define them (payloads live only in the log).
enum SQLiteSchema {
    static func migrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: event log and projections") { db in
            try db.execute(
                sql: """
                    CREATE TABLE events (
                        seq INTEGER PRIMARY KEY,
                        type TEXT NOT NULL,
                        payload TEXT NOT NULL,
                        actor TEXT NOT NULL,
                        recorded_at TEXT NOT NULL,
                        prev TEXT NOT NULL,
                        hash TEXT NOT NULL
                    );
                    CREATE TABLE countries (code TEXT PRIMARY KEY, seq INTEGER NOT NULL) WITHOUT ROWID;
                    CREATE TABLE arrangements (id TEXT PRIMARY KEY, partner TEXT NOT NULL, seq INTEGER NOT NULL) WITHOUT ROWID;
                    CREATE TABLE arrangement_statuses (
                        seq INTEGER PRIMARY KEY, arrangement TEXT NOT NULL, status TEXT NOT NULL, on_day TEXT NOT NULL);
                    CREATE INDEX arrangement_statuses_by_arrangement ON arrangement_statuses(arrangement, seq);
                    CREATE TABLE cases (id TEXT PRIMARY KEY, seq INTEGER NOT NULL, family_unit TEXT, closed_on TEXT) WITHOUT ROWID;
                    CREATE INDEX cases_by_family ON cases(family_unit) WHERE family_unit IS NOT NULL;
                    CREATE TABLE case_facts (seq INTEGER PRIMARY KEY, case_id TEXT NOT NULL, type TEXT NOT NULL);
                    CREATE INDEX case_facts_by_case ON case_facts(case_id, seq);
                    CREATE TABLE court_orders (
                        id TEXT PRIMARY KEY, seq INTEGER NOT NULL, issued_on TEXT NOT NULL, lifted_on TEXT, lift_seq INTEGER
                    ) WITHOUT ROWID;
                    CREATE TABLE transfers (
                        id TEXT PRIMARY KEY, seq INTEGER NOT NULL, destination TEXT NOT NULL, departs INTEGER NOT NULL,
                        seats INTEGER NOT NULL, status TEXT NOT NULL,
                        locked_at INTEGER, departed_at INTEGER, arrived_at INTEGER, cancelled_at INTEGER
                    ) WITHOUT ROWID;
                    CREATE TABLE manifest (
                        transfer TEXT NOT NULL, case_id TEXT NOT NULL, status TEXT NOT NULL,
                        PRIMARY KEY (transfer, case_id)
                    ) WITHOUT ROWID;
                    CREATE INDEX manifest_by_case ON manifest(case_id);
                    CREATE TABLE transfer_history (seq INTEGER PRIMARY KEY, transfer TEXT NOT NULL);
                    CREATE INDEX transfer_history_by_transfer ON transfer_history(transfer, seq);
                    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
                    CREATE TABLE tokens (
                        id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, hash TEXT NOT NULL UNIQUE,
                        created_at INTEGER NOT NULL, revoked_at INTEGER
                    ) WITHOUT ROWID;
                    """)
            // The log is append-only: the database itself refuses edits and deletes made through
            // SQL. (A person with the file can still alter bytes; `audit verify` catches that.)
            try db.execute(
                sql: """
                    CREATE TRIGGER events_no_update BEFORE UPDATE ON events
                    BEGIN SELECT RAISE(ABORT, 'the event log is append-only: events cannot be changed'); END;
                    CREATE TRIGGER events_no_delete BEFORE DELETE ON events
                    BEGIN SELECT RAISE(ABORT, 'the event log is append-only: events cannot be deleted'); END;
                    """)
        }
        migrator.registerMigration("v2: cases by seq") { db in
            // The caseload is read in keyset pages on `seq` (see `SQLiteEventStore.caseload`):
            // without this index each page would scan and sort the whole `cases` table.
            try db.execute(sql: "CREATE INDEX cases_by_seq ON cases(seq)")
        }
        migrator.registerMigration("v3: counsel tokens bound to a counsel name") { db in
            // A `counsel` token sees only the cases whose `counsel` is this name (issue #15).
            try db.execute(sql: "ALTER TABLE tokens ADD COLUMN counsel TEXT")
        }
        migrator.registerMigration("v4: webhook subscriptions and their delivery log") { db in
            // Operational state beside the log (issue #15): where each subscription's delivery
            // stands, so that a restart resumes from the last acknowledged seq.
            try db.execute(
                sql: """
                    CREATE TABLE subscriptions (
                        id TEXT PRIMARY KEY, url TEXT NOT NULL, types TEXT, cases TEXT, secret TEXT NOT NULL,
                        owner_token TEXT NOT NULL, owner_name TEXT NOT NULL, owner_role TEXT NOT NULL, owner_counsel TEXT,
                        created_at INTEGER NOT NULL, deleted_at INTEGER,
                        acknowledged INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, failing_since INTEGER, next_attempt_at INTEGER,
                        paused_at INTEGER, paused_reason TEXT, last_error TEXT,
                        lease_holder TEXT, lease_until INTEGER
                    ) WITHOUT ROWID;
                    CREATE TABLE deliveries (
                        id INTEGER PRIMARY KEY, subscription TEXT NOT NULL, seq INTEGER NOT NULL, attempt INTEGER NOT NULL,
                        at INTEGER NOT NULL, status INTEGER, error TEXT, milliseconds INTEGER NOT NULL
                    );
                    CREATE INDEX deliveries_by_subscription ON deliveries(subscription, id);
                    """)
        }
        migrator.registerMigration("v5: the caseload image") { db in
            // Derived state beside the log (issue #13): one image of the whole caseload as of
            // `seq`, in parts of at most 8 MiB (`part` 0, 1, …, all with the same seq), replaced
            // whole by each save. Not a projection: no digest covers it, and nothing reads it
            // without checking it first (a missing or bad image is rebuilt from the log).
            try db.execute(sql: "CREATE TABLE caseload_image (part INTEGER PRIMARY KEY, seq INTEGER NOT NULL, bytes BLOB NOT NULL)")
        }
        migrator.registerMigration("v6: derived values") { db in
            // Caches beside the log, keyed by name (figures that take long to compute, kept so a
            // restart does not recompute them). Derived state like the image: no digest covers
            // it, nothing in the log refers to it, and any value may be discarded.
            try db.execute(sql: "CREATE TABLE derived_values (key TEXT PRIMARY KEY, bytes BLOB NOT NULL)")
        }
        return migrator
    }
}
