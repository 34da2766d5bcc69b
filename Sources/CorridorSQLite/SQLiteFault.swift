import CorridorStore
import GRDB

extension StoreError {
    /// A database error met while reading or writing, as a ``StoreError/Code/storageFault``:
    /// the message names the kind of fault (disk full, read-only file, I/O error, …) and nothing
    /// else; SQLite's own message and the statement go in ``StoreError/details``.
    static func storageFault(_ error: DatabaseError, while action: String) -> StoreError {
        let what: String
        switch error.resultCode {
        case .SQLITE_FULL: what = "the disk is full"
        case .SQLITE_READONLY: what = "the database file is read-only"
        case .SQLITE_IOERR: what = "a disk input/output error occurred"
        case .SQLITE_BUSY, .SQLITE_LOCKED: what = "the database stayed locked by another writer"
        case .SQLITE_CORRUPT, .SQLITE_NOTADB: what = "the database file is damaged"
        case .SQLITE_CANTOPEN: what = "the database file cannot be opened"
        case .SQLITE_INTERRUPT: what = "the operation was interrupted"
        default: what = "the database failed (SQLite result \(error.resultCode.rawValue))"
        }
        return StoreError(code: .storageFault, message: "storage fault while \(action): \(what)", details: "\(error)")
    }
}
