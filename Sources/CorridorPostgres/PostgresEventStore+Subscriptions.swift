import CorridorDomain
import CorridorStore
import Logging
import PostgresNIO

/// Webhook subscriptions in the database, beside the log (tables `subscriptions` and
/// `deliveries`, migration 2), as SQLite keeps them. They are not appends: they go through the
/// pool, not the writer, so a delivery's bookkeeping never waits behind an import (nor holds
/// the append lock). Every query binds its values.
///
/// Several instances share the database, so ``lease(_:holder:until:now:)`` matters here: it is
/// one conditional `UPDATE`, and PostgreSQL re-checks its condition on the row a concurrent
/// `UPDATE` just committed, so of two instances racing for a lease exactly one gets it.
extension PostgresEventStore: SubscriptionStore {
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

    private static func subscription(_ row: PostgresRow) throws -> Subscription {
        let cells = Array(row)
        func text(_ index: Int) throws -> String { try cells[index].decode(String.self) }
        func optionalText(_ index: Int) throws -> String? { try cells[index].decode(String?.self) }
        func number(_ index: Int) throws -> Int64 { try cells[index].decode(Int64.self) }
        func optionalInstant(_ index: Int) throws -> Instant? { instant(try cells[index].decode(Int64?.self)) }
        let id = try text(0), roleText = try text(7)
        guard let role = Role(rawValue: roleText) else {
            throw StoreError(code: .corruptEvent, message: "subscription \(id): unknown owner role '\(roleText)'")
        }
        return Subscription(
            id: id, url: try text(1), types: list(try optionalText(2)), cases: list(try optionalText(3)), secret: try text(4),
            owner: .init(tokenID: try text(5), name: try text(6), role: role, counsel: try optionalText(8)),
            createdAt: Instant(epochMilliseconds: try number(9)), deletedAt: try optionalInstant(10),
            progress: .init(
                acknowledged: try number(11), attempts: Int(try number(12)), failingSince: try optionalInstant(13),
                nextAttemptAt: try optionalInstant(14), pausedAt: try optionalInstant(15), pausedReason: try optionalText(16),
                lastError: try optionalText(17)))
    }

    /// Runs one statement through the pool; returns the rows it answered (`RETURNING`).
    @discardableResult
    private func write(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await throughPool("writing subscriptions") { client, logger in
            var rows: [PostgresRow] = []
            for try await row in try await client.query(query, logger: logger) { rows.append(row) }
            return rows
        }
    }

    public func createSubscription(_ s: Subscription) async throws {
        let p = s.progress
        try await write(
            """
            INSERT INTO subscriptions (\(unescaped: Self.columns)) VALUES (
                \(s.id), \(s.url), \(Self.list(s.types)), \(Self.list(s.cases)), \(s.secret), \(s.owner.tokenID), \(s.owner.name),
                \(s.owner.role.rawValue), \(s.owner.counsel), \(s.createdAt.epochMilliseconds), \(s.deletedAt?.epochMilliseconds),
                \(p.acknowledged), \(Int64(p.attempts)), \(p.failingSince?.epochMilliseconds), \(p.nextAttemptAt?.epochMilliseconds),
                \(p.pausedAt?.epochMilliseconds), \(p.pausedReason), \(p.lastError))
            """)
    }

    public func subscriptions() async throws -> [Subscription] {
        try await rows("SELECT \(unescaped: Self.columns) FROM subscriptions WHERE deleted_at IS NULL ORDER BY created_at, id COLLATE \"C\"")
            .map(Self.subscription)
    }

    public func subscription(id: String) async throws -> Subscription? {
        try await rows("SELECT \(unescaped: Self.columns) FROM subscriptions WHERE id = \(id)").first.map(Self.subscription)
    }

    public func deleteSubscription(id: String, at: Instant) async throws -> Bool {
        try await !write("UPDATE subscriptions SET deleted_at = \(at.epochMilliseconds) WHERE id = \(id) AND deleted_at IS NULL RETURNING id").isEmpty
    }

    public func saveProgress(id: String, _ p: Subscription.Progress, attempt: DeliveryAttempt?) async throws {
        let kept = Int64(Self.deliveriesKept)
        try await throughPool("writing subscriptions") { client, logger in
            try await client.withTransaction(logger: logger) { connection in
                let updated = try await connection.query(
                    """
                    UPDATE subscriptions SET acknowledged = \(p.acknowledged), attempts = \(Int64(p.attempts)),
                        failing_since = \(p.failingSince?.epochMilliseconds), next_attempt_at = \(p.nextAttemptAt?.epochMilliseconds),
                        paused_at = \(p.pausedAt?.epochMilliseconds), paused_reason = \(p.pausedReason), last_error = \(p.lastError)
                    WHERE id = \(id) RETURNING id
                    """, logger: logger
                ).collect()
                guard !updated.isEmpty else { throw StoreError(code: .invalidArgument, message: "no subscription '\(id)'") }
                guard let a = attempt else { return }
                try await connection.query(
                    """
                    INSERT INTO deliveries (subscription, seq, attempt, at, status, error, milliseconds)
                    VALUES (\(id), \(a.seq), \(Int64(a.attempt)), \(a.at.epochMilliseconds), \(a.status.map(Int64.init)), \(a.error),
                            \(Int64(a.milliseconds)))
                    """, logger: logger
                ).collect()
                // The delivery log keeps the newest attempts per subscription.
                try await connection.query(
                    """
                    DELETE FROM deliveries WHERE subscription = \(id) AND id <= (
                        SELECT id FROM deliveries WHERE subscription = \(id) ORDER BY id DESC LIMIT 1 OFFSET \(kept))
                    """, logger: logger
                ).collect()
            }
        }
    }

    public func deliveries(subscription id: String, limit: Int) async throws -> [DeliveryAttempt] {
        try await rows(
            """
            SELECT seq, attempt, at, status, error, milliseconds FROM deliveries WHERE subscription = \(id) ORDER BY id DESC LIMIT \(Int64(max(0, limit)))
            """
        ).map { row in
            let (seq, attempt, at, status, error, milliseconds) = try row.decode((Int64, Int64, Int64, Int64?, String?, Int64).self)
            return DeliveryAttempt(
                subscription: id, seq: seq, attempt: Int(attempt), at: Instant(epochMilliseconds: at), status: status.map { Int($0) },
                error: error, milliseconds: Int(milliseconds))
        }
    }

    public func lease(_ id: String, holder: String, until: Instant, now: Instant) async throws -> Bool {
        try await !write(
            """
            UPDATE subscriptions SET lease_holder = \(holder), lease_until = \(until.epochMilliseconds)
            WHERE id = \(id) AND (lease_holder IS NULL OR lease_holder = \(holder) OR lease_until <= \(now.epochMilliseconds)) RETURNING id
            """
        ).isEmpty
    }

    public func releaseLease(_ id: String, holder: String) async throws {
        try await write("UPDATE subscriptions SET lease_holder = NULL, lease_until = NULL WHERE id = \(id) AND lease_holder = \(holder) RETURNING id")
    }
}
