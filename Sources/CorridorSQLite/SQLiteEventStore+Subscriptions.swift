import CorridorDomain
import CorridorStore
import GRDB

/// Webhook subscriptions in the SQLite file, beside the log (tables `subscriptions` and
/// `deliveries`, migration v4). One process writes a SQLite file, so the lease is a formality
/// here; it is what a shared database (PostgreSQL) needs.
extension SQLiteEventStore: SubscriptionStore {
    private static let columns = """
        id, url, types, cases, secret, owner_token, owner_name, owner_role, owner_counsel, created_at, deleted_at,
        acknowledged, attempts, failing_since, next_attempt_at, paused_at, paused_reason, last_error
        """

    private static func list(_ values: [String]?) -> String? {
        values.map { JSONValue.array($0.map { .string($0) }).canonicalString }
    }

    private static func list(_ text: String?) -> [String]? {
        guard let text, case .array(let items)? = try? JSONParser.parse(text) else { return nil }
        return items.compactMap(\.stringValue)
    }

    private static func instant(_ value: Int64?) -> Instant? { value.map { Instant(epochMilliseconds: $0) } }

    private static func subscription(_ row: Row) throws -> Subscription {
        let roleText: String = row[7]
        guard let role = Role(rawValue: roleText) else {
            throw StoreError(code: .corruptEvent, message: "subscription \(row[0] as String): unknown owner role '\(roleText)'")
        }
        return Subscription(
            id: row[0], url: row[1], types: list(row[2] as String?), cases: list(row[3] as String?), secret: row[4],
            owner: .init(tokenID: row[5], name: row[6], role: role, counsel: row[8]),
            createdAt: Instant(epochMilliseconds: row[9]), deletedAt: instant(row[10]),
            progress: .init(
                acknowledged: row[11], attempts: row[12], failingSince: instant(row[13]), nextAttemptAt: instant(row[14]),
                pausedAt: instant(row[15]), pausedReason: row[16], lastError: row[17]))
    }

    private func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do { return try await writer.write(body) } catch let error as DatabaseError {
            throw StoreError.storageFault(error, while: "writing subscriptions")
        }
    }

    private func readAsync<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do { return try await writer.read(body) } catch let error as DatabaseError {
            throw StoreError.storageFault(error, while: "reading subscriptions")
        }
    }

    public func createSubscription(_ s: Subscription) async throws {
        try await write { db in
            try db.execute(
                sql: "INSERT INTO subscriptions (\(Self.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                arguments: [
                    s.id, s.url, Self.list(s.types), Self.list(s.cases), s.secret, s.owner.tokenID, s.owner.name, s.owner.role.rawValue,
                    s.owner.counsel,
                    s.createdAt.epochMilliseconds, s.deletedAt?.epochMilliseconds, s.progress.acknowledged, s.progress.attempts,
                    s.progress.failingSince?.epochMilliseconds, s.progress.nextAttemptAt?.epochMilliseconds, s.progress.pausedAt?.epochMilliseconds,
                    s.progress.pausedReason, s.progress.lastError,
                ])
        }
    }

    public func subscriptions() async throws -> [Subscription] {
        try await readAsync { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.columns) FROM subscriptions WHERE deleted_at IS NULL ORDER BY created_at, id").map(
                Self.subscription)
        }
    }

    public func subscription(id: String) async throws -> Subscription? {
        try await readAsync { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.columns) FROM subscriptions WHERE id = ?", arguments: [id]).map(Self.subscription)
        }
    }

    public func deleteSubscription(id: String, at: Instant) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "UPDATE subscriptions SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL", arguments: [at.epochMilliseconds, id])
            return db.changesCount > 0
        }
    }

    public func saveProgress(id: String, _ p: Subscription.Progress, attempt: DeliveryAttempt?) async throws {
        let kept = Self.deliveriesKept
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE subscriptions SET acknowledged = ?, attempts = ?, failing_since = ?, next_attempt_at = ?, paused_at = ?,
                        paused_reason = ?, last_error = ? WHERE id = ?
                    """,
                arguments: [
                    p.acknowledged, p.attempts, p.failingSince?.epochMilliseconds, p.nextAttemptAt?.epochMilliseconds,
                    p.pausedAt?.epochMilliseconds, p.pausedReason, p.lastError, id,
                ])
            guard db.changesCount > 0 else { throw StoreError(code: .invalidArgument, message: "no subscription '\(id)'") }
            if let a = attempt {
                try db.execute(
                    sql: "INSERT INTO deliveries (subscription, seq, attempt, at, status, error, milliseconds) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    arguments: [id, a.seq, a.attempt, a.at.epochMilliseconds, a.status, a.error, a.milliseconds])
                // The delivery log keeps the newest attempts per subscription.
                try db.execute(
                    sql: """
                        DELETE FROM deliveries WHERE subscription = ? AND id <= (
                            SELECT id FROM deliveries WHERE subscription = ? ORDER BY id DESC LIMIT 1 OFFSET ?)
                        """, arguments: [id, id, kept])
            }
        }
    }

    public func deliveries(subscription id: String, limit: Int) async throws -> [DeliveryAttempt] {
        try await readAsync { db in
            try Row.fetchAll(
                db, sql: "SELECT seq, attempt, at, status, error, milliseconds FROM deliveries WHERE subscription = ? ORDER BY id DESC LIMIT ?",
                arguments: [id, limit]
            ).map { row in
                DeliveryAttempt(
                    subscription: id, seq: row[0], attempt: row[1], at: Instant(epochMilliseconds: row[2]), status: row[3], error: row[4],
                    milliseconds: row[5])
            }
        }
    }

    public func lease(_ id: String, holder: String, until: Instant, now: Instant) async throws -> Bool {
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE subscriptions SET lease_holder = ?, lease_until = ?
                    WHERE id = ? AND (lease_holder IS NULL OR lease_holder = ? OR lease_until <= ?)
                    """, arguments: [holder, until.epochMilliseconds, id, holder, now.epochMilliseconds])
            return db.changesCount > 0
        }
    }

    public func releaseLease(_ id: String, holder: String) async throws {
        try await write { db in
            try db.execute(
                sql: "UPDATE subscriptions SET lease_holder = NULL, lease_until = NULL WHERE id = ? AND lease_holder = ?", arguments: [id, holder])
        }
    }
}
