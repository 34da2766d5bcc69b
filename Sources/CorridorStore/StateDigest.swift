import Crypto

/// A fingerprint of current state, table by table, that does not depend on event numbers:
/// two stores fed the same records in the same order have equal digests even when one also
/// holds system events (reads, holds) between them.
///
/// Tables and their rows (fields in this order, rows in this order):
/// - `countries`: code, payload — by code
/// - `arrangements`: id, partner, payload — by id
/// - `arrangement_statuses`: arrangement, status, on, payload — by arrangement, then log order
/// - `cases`: id, payload (the latest `case` record) — by id
/// - `case_facts`: case, type, payload — by case, then log order
/// - `court_orders`: id, issuedOn, liftedOn, payload, lift payload — by id
/// - `transfers`: id, destination, departs, seats, status, lockedAt, departedAt, arrivedAt, cancelledAt, payload — by id
/// - `manifest`: transfer, case, status — by transfer, then case
/// - `transfer_history`: transfer, type, payload — by transfer, then log order
public struct StateDigest: Sendable, Equatable, CustomStringConvertible {
    public static let tables = [
        "countries", "arrangements", "arrangement_statuses", "cases", "case_facts", "court_orders", "transfers", "manifest", "transfer_history",
    ]

    public struct Table: Sendable, Equatable {
        public var rows: Int
        public var sha256: String
    }

    public var tables: [String: Table]

    public init(tables: [String: Table]) { self.tables = tables }

    /// Tables whose contents differ between two digests.
    public func differences(from other: StateDigest) -> [String] {
        StateDigest.tables.filter { tables[$0] != other.tables[$0] }
    }

    public var description: String {
        StateDigest.tables.map { name in
            let table = tables[name]
            return "\(name): \(table?.rows ?? 0) rows, sha256 \(table?.sha256.prefix(16) ?? "-")…"
        }.joined(separator: "\n")
    }

    /// Builds one table's digest from rows given in the documented order.
    public struct Builder {
        var hasher = SHA256()
        var rows = 0
        public init() {}

        public mutating func add(_ fields: [String]) {
            for (index, field) in fields.enumerated() {
                if index > 0 { hasher.update(data: [0x1F]) }
                hasher.update(data: Array(field.utf8))
            }
            hasher.update(data: [0x1E])
            rows += 1
        }

        public func finish() -> Table { Table(rows: rows, sha256: EventHash.hex(hasher.finalize())) }
    }
}
