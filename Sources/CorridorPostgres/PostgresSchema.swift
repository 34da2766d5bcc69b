/// The PostgreSQL schema: the same log and projections as the SQLite store (docs/architecture.md),
/// in PostgreSQL's types, applied as numbered migrations recorded in `schema_migrations`.
///
/// Days stay text (`YYYY-MM-DD`) and `recorded_at` stays the RFC 3339 text that was hashed, so
/// a row reads back exactly as the chain hashed it; instants of transfers are epoch
/// milliseconds, as in SQLite. A migration is never edited once released: a change is a new one.
enum PostgresSchema {
    struct Migration {
        var version: Int
        var name: String
        var sql: [String]
    }

    /// Held (transaction-scoped) while migrating, so instances starting at once migrate one at a time.
    static let migrationLock = "SELECT pg_advisory_xact_lock(1129271042, hashtext(current_schema()))"
    /// Held (transaction-scoped) by every append: the chain has one writer at a time across all
    /// instances. Keyed by the schema, so stores in different schemas of one database (tests)
    /// do not wait for each other.
    static let appendLock = "SELECT pg_advisory_xact_lock(1129271041, hashtext(current_schema()))"
    /// Held (session-scoped, on a connection of its own) while an instance sets up the store at
    /// first start: deciding the store is empty and seeding it is one step across instances.
    static let trySetupLock = "SELECT pg_try_advisory_lock(1129271043, hashtext(current_schema()))"
    static let setupLock = "SELECT pg_advisory_lock(1129271043, hashtext(current_schema()))"
    /// Held (transaction-scoped) while an instance replaces or discards the caseload image, so
    /// two saves from different instances do not interleave their parts (appends do not wait).
    static let imageLock = "SELECT pg_advisory_xact_lock(1129271044, hashtext(current_schema()))"

    static let migrations: [Migration] = [
        Migration(
            version: 1, name: "event log and projections",
            sql: [
                """
                CREATE TABLE events (
                    seq BIGINT PRIMARY KEY,
                    type TEXT NOT NULL,
                    payload TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    recorded_at TEXT NOT NULL,
                    prev TEXT NOT NULL,
                    hash TEXT NOT NULL
                )
                """,
                "CREATE TABLE countries (code TEXT PRIMARY KEY, seq BIGINT NOT NULL)",
                "CREATE TABLE arrangements (id TEXT PRIMARY KEY, partner TEXT NOT NULL, seq BIGINT NOT NULL)",
                "CREATE TABLE arrangement_statuses (seq BIGINT PRIMARY KEY, arrangement TEXT NOT NULL, status TEXT NOT NULL, on_day TEXT NOT NULL)",
                "CREATE INDEX arrangement_statuses_by_arrangement ON arrangement_statuses (arrangement, seq)",
                "CREATE TABLE cases (id TEXT PRIMARY KEY, seq BIGINT NOT NULL, family_unit TEXT, closed_on TEXT)",
                "CREATE INDEX cases_by_family ON cases (family_unit) WHERE family_unit IS NOT NULL",
                "CREATE INDEX cases_by_seq ON cases (seq)",
                "CREATE TABLE case_facts (seq BIGINT PRIMARY KEY, case_id TEXT NOT NULL, type TEXT NOT NULL)",
                "CREATE INDEX case_facts_by_case ON case_facts (case_id, seq)",
                """
                CREATE TABLE court_orders (
                    id TEXT PRIMARY KEY, seq BIGINT NOT NULL, issued_on TEXT NOT NULL, lifted_on TEXT, lift_seq BIGINT
                )
                """,
                """
                CREATE TABLE transfers (
                    id TEXT PRIMARY KEY, seq BIGINT NOT NULL, destination TEXT NOT NULL, departs BIGINT NOT NULL,
                    seats INTEGER NOT NULL, status TEXT NOT NULL,
                    locked_at BIGINT, departed_at BIGINT, arrived_at BIGINT, cancelled_at BIGINT
                )
                """,
                """
                CREATE TABLE manifest (
                    transfer TEXT NOT NULL, case_id TEXT NOT NULL, status TEXT NOT NULL,
                    PRIMARY KEY (transfer, case_id)
                )
                """,
                "CREATE INDEX manifest_by_case ON manifest (case_id)",
                "CREATE TABLE transfer_history (seq BIGINT PRIMARY KEY, transfer TEXT NOT NULL)",
                "CREATE INDEX transfer_history_by_transfer ON transfer_history (transfer, seq)",
                "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
                """
                CREATE TABLE tokens (
                    id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, hash TEXT NOT NULL UNIQUE,
                    created_at BIGINT NOT NULL, revoked_at BIGINT
                )
                """,
                // The log is append-only: the database itself refuses edits, deletes and truncation
                // made through SQL. (A superuser can still drop the trigger; `audit verify` catches
                // any change to the rows.)
                """
                CREATE FUNCTION corridor_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'the event log is append-only: events cannot be changed or deleted';
                END $$
                """,
                """
                CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
                FOR EACH ROW EXECUTE FUNCTION corridor_events_append_only()
                """,
                """
                CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
                FOR EACH STATEMENT EXECUTE FUNCTION corridor_events_append_only()
                """,
            ]),
        // SQLite's v3 and v4 in one step (issue #15): the counsel name a `counsel` token is bound
        // to, and webhook subscriptions with their delivery log — operational state beside the
        // log, so a restart (of any instance) resumes from the last acknowledged seq, and the
        // lease columns let exactly one instance deliver each subscription.
        Migration(
            version: 2, name: "counsel tokens, webhook subscriptions and their delivery log",
            sql: [
                "ALTER TABLE tokens ADD COLUMN counsel TEXT",
                """
                CREATE TABLE subscriptions (
                    id TEXT PRIMARY KEY, url TEXT NOT NULL, types TEXT, cases TEXT, secret TEXT NOT NULL,
                    owner_token TEXT NOT NULL, owner_name TEXT NOT NULL, owner_role TEXT NOT NULL, owner_counsel TEXT,
                    created_at BIGINT NOT NULL, deleted_at BIGINT,
                    acknowledged BIGINT NOT NULL, attempts BIGINT NOT NULL DEFAULT 0, failing_since BIGINT, next_attempt_at BIGINT,
                    paused_at BIGINT, paused_reason TEXT, last_error TEXT,
                    lease_holder TEXT, lease_until BIGINT
                )
                """,
                """
                CREATE TABLE deliveries (
                    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, subscription TEXT NOT NULL, seq BIGINT NOT NULL, attempt BIGINT NOT NULL,
                    at BIGINT NOT NULL, status BIGINT, error TEXT, milliseconds BIGINT NOT NULL
                )
                """,
                "CREATE INDEX deliveries_by_subscription ON deliveries (subscription, id)",
            ]),
        // SQLite's v5 (issue #13): the caseload image, derived state beside the log, in parts of
        // at most 8 MiB (never one value near `bytea`'s 1 GB limit), replaced whole by each
        // save. Stored out of line uncompressed (`EXTERNAL`): the image is compact already, and
        // compressing 8 MiB parts would cost time on every save for little.
        Migration(
            version: 3, name: "the caseload image",
            sql: [
                "CREATE TABLE caseload_image (part INTEGER PRIMARY KEY, seq BIGINT NOT NULL, bytes BYTEA NOT NULL)",
                "ALTER TABLE caseload_image ALTER COLUMN bytes SET STORAGE EXTERNAL",
            ]),
        // SQLite's v6: derived values, caches beside the log keyed by name (at most 4 MiB each),
        // replaced by each save, outside every digest.
        Migration(
            version: 4, name: "derived values",
            sql: [
                "CREATE TABLE derived_values (key TEXT PRIMARY KEY, bytes BYTEA NOT NULL)"
            ]),
    ]

    static let createMigrationsTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
        """

    /// The newest version this build knows.
    static var latestVersion: Int { migrations.map(\.version).max() ?? 0 }
}
