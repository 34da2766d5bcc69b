import GRDB
import GRDBSQLite

/// A prepared statement driven through SQLite's C API, for the few statements on the import hot
/// path (an event and its projection row per record). GRDB's statements box every argument;
/// binding text and integers directly roughly halves the cost per row.
final class RawStatement {
    private let handle: OpaquePointer
    private let db: Database
    let sql: String
    /// A statement borrowed from GRDB's per-connection cache is finalized by GRDB, not here.
    private let owned: Bool

    init(_ db: Database, _ sql: String) throws {
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v2(db.sqliteConnection, sql, -1, &statement, nil)
        guard code == SQLITE_OK, let statement else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: sql)
        }
        self.handle = statement
        self.db = db
        self.sql = sql
        self.owned = true
    }

    /// The connection's cached statement for `sql` (prepared once per connection), bound and
    /// stepped through the C API. Use it only inside the access that produced `db`.
    init(cached db: Database, _ sql: String) throws {
        let statement = try db.cachedStatement(sql: sql)
        self.handle = statement.sqliteStatement
        self.db = db
        self.sql = sql
        self.owned = false
        sqlite3_clear_bindings(handle)
    }

    deinit { if owned { sqlite3_finalize(handle) } }

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    func bind(_ index: Int32, _ text: String) {
        var text = text
        text.withUTF8 { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                if let base = chars.baseAddress {
                    _ = sqlite3_bind_text(handle, index, base, Int32(chars.count), RawStatement.transient)
                } else {
                    _ = sqlite3_bind_text(handle, index, "", 0, RawStatement.transient)
                }
            }
        }
    }

    func bind(_ index: Int32, _ value: Int64) { sqlite3_bind_int64(handle, index, value) }

    /// Binds a blob (copied by SQLite, so `bytes` need live only for this call); an empty one is
    /// bound as a zero-length blob, not NULL.
    func bind(_ index: Int32, bytes: UnsafeRawBufferPointer) {
        if let base = bytes.baseAddress, !bytes.isEmpty {
            _ = sqlite3_bind_blob64(handle, index, base, sqlite3_uint64(bytes.count), RawStatement.transient)
        } else {
            _ = sqlite3_bind_zeroblob(handle, index, 0)
        }
    }

    func bind(_ index: Int32, _ text: String?) {
        if let text { bind(index, text) } else { sqlite3_bind_null(handle, index) }
    }

    /// Runs the statement to completion (for writes).
    func run() throws {
        defer { sqlite3_reset(handle) }
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE || code == SQLITE_ROW else { throw error(code) }
    }

    /// Runs the statement and reports whether it produced a row (for existence checks).
    func exists() throws -> Bool {
        defer { sqlite3_reset(handle) }
        let code = sqlite3_step(handle)
        if code == SQLITE_ROW { return true }
        guard code == SQLITE_DONE else { throw error(code) }
        return false
    }

    private func error(_ code: Int32) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: sql)
    }
}
