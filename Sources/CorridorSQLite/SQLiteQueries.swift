import CorridorDomain
import CorridorStore
import GRDB

/// Reads shared by the store's read methods and by the projection writer inside a write
/// transaction.
enum SQLiteQueries {
    static func decode(_ payload: String, seq: Int64) throws -> CorridorDomain.Record {
        do throws(CorridorDomain.RecordError) { return try CorridorDomain.Record.parse(payload) } catch {
            throw StoreError(code: "corrupt-event", message: "event \(seq) no longer decodes: \(error)")
        }
    }

    static func caseRecords(_ id: CaseRecord.ID, db: Database) throws -> [CorridorDomain.Record] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT e.seq, e.payload FROM cases c JOIN events e ON e.seq = c.seq WHERE c.id = ?
            UNION ALL
            SELECT * FROM (SELECT e.seq, e.payload FROM case_facts f JOIN events e ON e.seq = f.seq WHERE f.case_id = ? ORDER BY f.seq)
            """, arguments: [id.rawValue, id.rawValue])
        return try rows.map { try decode($0[1], seq: $0[0]) }
    }

    static func networkRecords(db: Database) throws -> [CorridorDomain.Record] {
        try Row.fetchAll(db, sql: """
            SELECT seq, payload FROM events WHERE seq IN (
                SELECT seq FROM countries UNION ALL SELECT seq FROM arrangements
                UNION ALL SELECT seq FROM arrangement_statuses UNION ALL SELECT seq FROM court_orders
                UNION ALL SELECT lift_seq FROM court_orders WHERE lift_seq IS NOT NULL)
            ORDER BY seq
            """).map { try decode($0[1], seq: $0[0]) }
    }

    static func familyMembers(_ unit: String, db: Database) throws -> [CaseRecord.ID] {
        try String.fetchAll(db, sql: "SELECT id FROM cases WHERE family_unit = ? ORDER BY id", arguments: [unit]).map { CaseRecord.ID($0) }
    }

    static func setting(_ key: String, db: Database) throws -> String? {
        try String.fetchOne(db, sql: "SELECT value FROM settings WHERE key = ?", arguments: [key])
    }

    static func transfers(db: Database) throws -> [TransferView] {
        do {
            var manifests: [String: [TransferView.Entry]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT transfer, case_id, status FROM manifest ORDER BY transfer, case_id") {
                manifests[row[0], default: []].append(.init(caseID: CaseRecord.ID(row[1] as String), status: ManifestEntryStatus(rawValue: row[2]) ?? .struck))
            }
            return try Row.fetchAll(db, sql: """
                SELECT t.id, e.payload, t.status, t.locked_at, t.departed_at, t.arrived_at, t.cancelled_at
                FROM transfers t JOIN events e ON e.seq = t.seq ORDER BY t.departs, t.id
                """).map { row in
                let payload: String = row[1]
                guard case .transfer(let record)? = try? CorridorDomain.Record.parse(payload), let status = TransferStatus(rawValue: row[2]) else {
                    throw StoreError(code: "corrupt-event", message: "transfer \(row[0] as String) no longer decodes")
                }
                var steps: [TransferStatus: Instant] = [:]
                for (index, step) in [TransferStatus.locked, .departed, .arrived, .cancelled].enumerated() {
                    if let ms = row[3 + index] as Int64? { steps[step] = Instant(epochMilliseconds: ms) }
                }
                return TransferView(record: record, status: status, steps: steps, manifest: manifests[record.id.rawValue] ?? [])
            }
        }
    }
}
