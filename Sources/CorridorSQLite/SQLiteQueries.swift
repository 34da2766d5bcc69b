import CorridorDomain
import CorridorStore
import GRDB

/// Reads shared by the store's read methods and by the projection writer inside a write
/// transaction.
enum SQLiteQueries {
    static func decode(_ payload: String, seq: Int64) throws -> CorridorDomain.Record {
        do throws(CorridorDomain.RecordError) { return try CorridorDomain.Record.parse(payload) } catch {
            throw StoreError(code: .corruptEvent, message: "event \(seq) no longer decodes: \(error)")
        }
    }

    static let eventColumns = "e.seq, e.type, e.payload, e.actor, e.recorded_at, e.prev, e.hash"

    static func event(_ row: Row) throws -> Event {
        let recorded: String = row[4]
        guard let recordedAt = Instant(rfc3339: recorded) else {
            throw StoreError(code: .corruptEvent, message: "event \(row[0] as Int64): recorded_at '\(recorded)' is not an RFC 3339 instant")
        }
        return Event(seq: row[0], type: row[1], payload: row[2], actor: row[3], recordedAt: recordedAt, prev: row[5], hash: row[6])
    }

    static func caseEvents(_ id: CaseRecord.ID, db: Database) throws -> [Event] {
        try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT \(eventColumns) FROM cases c JOIN events e ON e.seq = c.seq WHERE c.id = ?
                    UNION ALL
                    SELECT * FROM (SELECT \(eventColumns) FROM case_facts f JOIN events e ON e.seq = f.seq WHERE f.case_id = ? ORDER BY f.seq)
                    """), arguments: [id.rawValue, id.rawValue]
        ).map(event)
    }

    static func caseRecords(_ id: CaseRecord.ID, db: Database) throws -> [CorridorDomain.Record] {
        try caseEvents(id, db: db).map { try decode($0.payload, seq: $0.seq) }
    }

    static func networkEvents(db: Database) throws -> [Event] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT \(eventColumns) FROM events e WHERE e.seq IN (
                    SELECT seq FROM countries UNION ALL SELECT seq FROM arrangements
                    UNION ALL SELECT seq FROM arrangement_statuses UNION ALL SELECT seq FROM court_orders
                    UNION ALL SELECT lift_seq FROM court_orders WHERE lift_seq IS NOT NULL)
                ORDER BY e.seq
                """
        ).map(event)
    }

    static func networkRecords(db: Database) throws -> [CorridorDomain.Record] {
        try networkEvents(db: db).map { try decode($0.payload, seq: $0.seq) }
    }

    static func familyMembers(_ unit: String, db: Database) throws -> [CaseRecord.ID] {
        try String.fetchAll(db, sql: "SELECT id FROM cases WHERE family_unit = ? ORDER BY id", arguments: [unit]).map { CaseRecord.ID($0) }
    }

    static func setting(_ key: String, db: Database) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT value FROM settings WHERE key = ?"), arguments: [key])
    }

    static func transfers(db: Database) throws -> [TransferView] {
        do {
            var manifests: [String: [TransferView.Entry]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT transfer, case_id, status FROM manifest ORDER BY transfer, case_id") {
                manifests[row[0], default: []].append(
                    .init(caseID: CaseRecord.ID(row[1] as String), status: ManifestEntryStatus(rawValue: row[2]) ?? .struck))
            }
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT t.id, e.payload, t.status, t.locked_at, t.departed_at, t.arrived_at, t.cancelled_at
                    FROM transfers t JOIN events e ON e.seq = t.seq ORDER BY t.departs, t.id
                    """
            ).map { row in
                let payload: String = row[1]
                guard case .transfer(let record)? = try? CorridorDomain.Record.parse(payload), let status = TransferStatus(rawValue: row[2]) else {
                    throw StoreError(code: .corruptEvent, message: "transfer \(row[0] as String) no longer decodes")
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
