import CorridorStore
import GRDB
import GRDBSQLite

/// The `caseload_image` table (schema v5): a ``CaseloadImage`` in parts of at most
/// ``CaseloadImage/partSize`` bytes, `part` 0, 1, … (the rowid) all carrying the image's seq.
enum SQLiteCaseloadImage {
    /// The image the table holds, or nil when it holds none or its parts do not make one image
    /// (numbered with a gap, or of different seqs: treated as absent, so it is rebuilt). Run
    /// inside a read transaction.
    static func read(_ db: Database) throws -> CaseloadImage? {
        // length() of a blob comes from the record header: no part's bytes are read here.
        guard
            let summary = try Row.fetchOne(
                db.cachedStatement(
                    sql: "SELECT COUNT(*), COALESCE(SUM(length(bytes)), 0), MIN(seq), MAX(seq), MIN(part), MAX(part) FROM caseload_image"))
        else { return nil }
        let count: Int64 = summary[0]
        guard count > 0 else { return nil }
        let total: Int64 = summary[1]
        let seq: Int64 = summary[2]
        guard seq == summary[3] as Int64, summary[4] as Int64 == 0, summary[5] as Int64 == count - 1 else { return nil }
        let connection = db.sqliteConnection
        var failure: DatabaseError?
        let bytes = [UInt8](unsafeUninitializedCapacity: Int(total)) { buffer, initialized in
            initialized = 0
            for part in 0..<count {
                var blob: OpaquePointer?
                var code = sqlite3_blob_open(connection, "main", "caseload_image", "bytes", part, 0, &blob)
                defer { sqlite3_blob_close(blob) }
                guard code == SQLITE_OK, let blob else {
                    failure = DatabaseError(
                        resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)), sql: "blob_open caseload_image")
                    return
                }
                let size = Int(sqlite3_blob_bytes(blob))
                guard size <= buffer.count - initialized else { return }  // grew meanwhile: cannot, in one transaction
                if size > 0 {
                    code = sqlite3_blob_read(blob, buffer.baseAddress! + initialized, Int32(size), 0)
                    guard code == SQLITE_OK else {
                        failure = DatabaseError(
                            resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)),
                            sql: "blob_read caseload_image")
                        return
                    }
                }
                initialized += size
            }
        }
        if let failure { throw failure }
        guard bytes.count == Int(total) else { return nil }
        return CaseloadImage(seq: seq, bytes: bytes)
    }

    /// Replaces the table's contents with `image`'s parts. Run inside a write transaction.
    static func replace(with image: CaseloadImage, db: Database) throws {
        try db.execute(sql: "DELETE FROM caseload_image")
        let insert = try RawStatement(cached: db, "INSERT INTO caseload_image (part, seq, bytes) VALUES (?, ?, ?)")
        try image.bytes.withUnsafeBytes { all in
            for (part, range) in image.partRanges.enumerated() {
                insert.bind(1, Int64(part))
                insert.bind(2, image.seq)
                insert.bind(3, bytes: UnsafeRawBufferPointer(rebasing: all[range]))
                try insert.run()
            }
        }
    }
}
