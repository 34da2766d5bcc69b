import CorridorDomain
import CorridorStore
import GRDB

/// The yardstick for import speed (BENCHMARKS.md): the same event and projection rows an
/// import writes, inserted with GRDB in one transaction, without validation, canonical JSON or
/// the hash chain. Rows are prepared before timing starts.
public enum ImportBaseline {
    public struct Row: Sendable {
        public var type: String
        public var caseID: String?
        public var payload: String
    }

    /// Prepares rows from records (outside the timed section).
    public static func rows(from records: [SourcedRecord]) -> [Row] {
        records.map { Row(type: $0.record.kind.rawValue, caseID: $0.record.caseID?.rawValue, payload: $0.payload) }
    }

    /// Inserts `rows` into a fresh database at `path` in one transaction.
    public static func insert(_ rows: [Row], path: String) throws {
        let store = try SQLiteEventStore(path: path)
        try store.writer.writeWithoutTransaction { db in
            try db.inTransaction(.immediate) {
                let event = try db.makeStatement(
                    sql:
                        "INSERT INTO events (seq, type, payload, actor, recorded_at, prev, hash) VALUES (?, ?, ?, 'baseline', '1970-01-01T00:00:00Z', '', '')"
                )
                let caseRow = try db.makeStatement(sql: "INSERT OR REPLACE INTO cases (id, seq) VALUES (?, ?)")
                let fact = try db.makeStatement(sql: "INSERT INTO case_facts (seq, case_id, type) VALUES (?, ?, ?)")
                for (index, row) in rows.enumerated() {
                    let seq = Int64(index + 1)
                    event.setUncheckedArguments([seq, row.type, row.payload])
                    try event.execute()
                    if let caseID = row.caseID {
                        if row.type == "case" {
                            caseRow.setUncheckedArguments([caseID, seq])
                            try caseRow.execute()
                        } else {
                            fact.setUncheckedArguments([seq, caseID, row.type])
                            try fact.execute()
                        }
                    }
                }
                return .commit
            }
        }
    }
}
