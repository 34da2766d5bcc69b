import CorridorSQLite
import GRDB

/// Faults a disk or a damaged file causes, injected into a ``SQLiteEventStore``'s own
/// connections, for tests that check a fault is reported as a fault and keeps nothing.
public enum SQLiteFault: Sendable, CustomStringConvertible {
    /// Every later write fails as on a read-only file (`SQLITE_READONLY`).
    case readOnly
    /// The file cannot grow: a later write that needs a new page fails as on a full disk
    /// (`SQLITE_FULL`).
    case diskFull
    /// A projection table is gone, so every lookup or read in it fails (`no such table`), as in
    /// a damaged file.
    case missingTable(String)

    public var description: String {
        switch self {
        case .readOnly: "read-only file"
        case .diskFull: "full disk"
        case .missingTable(let name): "missing table \(name)"
        }
    }
}

extension SQLiteEventStore {
    /// Injects `fault` into this store; it lasts as long as the store.
    public func inject(_ fault: SQLiteFault) throws {
        try writer.writeWithoutTransaction { db in
            switch fault {
            case .readOnly:
                try db.execute(sql: "PRAGMA query_only = ON")
            case .diskFull:
                let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 1
                try db.execute(sql: "PRAGMA max_page_count = \(pages)")
            case .missingTable(let name):
                try db.execute(sql: "ALTER TABLE \(name) RENAME TO \(name)_unavailable")
            }
        }
    }
}
