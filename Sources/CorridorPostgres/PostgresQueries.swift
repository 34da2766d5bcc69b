import CorridorDomain
import CorridorStore
import PostgresNIO

/// The store's queries, written once: each is a ``PostgresQuery`` (bound parameters only) and a
/// row decoder, run either on the writer's connection inside a transaction (synchronously) or
/// through the pool (asynchronously). Text is ordered with `COLLATE "C"` (byte order), as
/// SQLite orders it, whatever the database's own collation: digests and listings come out the
/// same on both stores.
enum PostgresQueries {
    static let changeKey = "change.seq"
    static let eventColumns = "e.seq, e.type, e.payload, e.actor, e.recorded_at, e.prev, e.hash"

    static func decode(_ payload: String, seq: Int64) throws -> Record {
        do throws(RecordError) { return try Record.parse(payload) } catch {
            throw StoreError(code: .corruptEvent, message: "event \(seq) no longer decodes: \(error)")
        }
    }

    static func event(_ row: PostgresRow) throws -> Event {
        let (seq, type, payload, actor, recorded, prev, hash) = try row.decode((Int64, String, String, String, String, String, String).self)
        guard let recordedAt = Instant(rfc3339: recorded) else {
            throw StoreError(code: .corruptEvent, message: "event \(seq): recorded_at '\(recorded)' is not an RFC 3339 instant")
        }
        return Event(seq: seq, type: type, payload: payload, actor: actor, recordedAt: recordedAt, prev: prev, hash: hash)
    }

    // MARK: Queries

    static let headQuery: PostgresQuery = "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1"

    static func head(_ rows: [PostgresRow]) throws -> ChainHead {
        guard let row = rows.first else { return .genesis }
        let (seq, hash) = try row.decode((Int64, String).self)
        return ChainHead(seq: seq, hash: hash)
    }

    static func eventsQuery(from seq: Int64, limit: Int) -> PostgresQuery {
        "SELECT \(unescaped: eventColumns) FROM events e WHERE e.seq >= \(seq) ORDER BY e.seq LIMIT \(Int64(limit))"
    }

    static func caseEventsQuery(_ id: CaseRecord.ID) -> PostgresQuery {
        """
        SELECT * FROM (SELECT \(unescaped: eventColumns) FROM cases c JOIN events e ON e.seq = c.seq WHERE c.id = \(id.rawValue)) latest
        UNION ALL
        SELECT * FROM (SELECT \(unescaped: eventColumns) FROM case_facts f JOIN events e ON e.seq = f.seq WHERE f.case_id = \(id.rawValue) ORDER BY f.seq) facts
        """
    }

    static let networkEventsQuery = PostgresQuery(
        unsafeSQL: """
            SELECT \(eventColumns) FROM events e WHERE e.seq IN (
                SELECT seq FROM countries UNION ALL SELECT seq FROM arrangements
                UNION ALL SELECT seq FROM arrangement_statuses UNION ALL SELECT seq FROM court_orders
                UNION ALL SELECT lift_seq FROM court_orders WHERE lift_seq IS NOT NULL)
            ORDER BY e.seq
            """)

    static func familyMembersQuery(_ unit: String) -> PostgresQuery {
        "SELECT id FROM cases WHERE family_unit = \(unit) ORDER BY id COLLATE \"C\""
    }

    static func settingQuery(_ key: String) -> PostgresQuery {
        "SELECT value FROM settings WHERE key = \(key)"
    }

    static let manifestQuery: PostgresQuery = "SELECT transfer, case_id, status FROM manifest ORDER BY transfer COLLATE \"C\", case_id COLLATE \"C\""
    static let transfersQuery: PostgresQuery = """
        SELECT t.id, e.payload, t.status, t.locked_at, t.departed_at, t.arrived_at, t.cancelled_at
        FROM transfers t JOIN events e ON e.seq = t.seq ORDER BY t.departs, t.id COLLATE "C"
        """

    static func transfers(manifest: [PostgresRow], transfers: [PostgresRow]) throws -> [TransferView] {
        var manifests: [String: [TransferView.Entry]] = [:]
        for row in manifest {
            let (transfer, caseID, status) = try row.decode((String, String, String).self)
            manifests[transfer, default: []].append(.init(caseID: CaseRecord.ID(caseID), status: ManifestEntryStatus(rawValue: status) ?? .struck))
        }
        return try transfers.map { row in
            let (id, payload, statusText, locked, departed, arrived, cancelled) =
                try row.decode((String, String, String, Int64?, Int64?, Int64?, Int64?).self)
            guard case .transfer(let record)? = try? Record.parse(payload), let status = TransferStatus(rawValue: statusText) else {
                throw StoreError(code: .corruptEvent, message: "transfer \(id) no longer decodes")
            }
            var steps: [TransferStatus: Instant] = [:]
            for (step, ms) in zip([TransferStatus.locked, .departed, .arrived, .cancelled], [locked, departed, arrived, cancelled]) {
                if let ms { steps[step] = Instant(epochMilliseconds: ms) }
            }
            return TransferView(record: record, status: status, steps: steps, manifest: manifests[record.id.rawValue] ?? [])
        }
    }

    static func transferHistoryQuery(_ id: TransferRecord.ID) -> PostgresQuery {
        """
        SELECT \(unescaped: eventColumns) FROM transfer_history h JOIN events e ON e.seq = h.seq WHERE h.transfer = \(id.rawValue) ORDER BY h.seq
        """
    }

    /// One caseload page: the latest `case` record of each case in `seq` order, or the facts in
    /// log order, after `afterSeq` and at or before `through`.
    static func caseloadQuery(_ phase: CaseloadCursor.Phase, after afterSeq: Int64, through: Int64, limit: Int) -> PostgresQuery {
        let table = phase == .cases ? "cases" : "case_facts"
        return """
            SELECT e.seq, e.payload FROM \(unescaped: table) p JOIN events e ON e.seq = p.seq
            WHERE p.seq > \(afterSeq) AND p.seq <= \(through) ORDER BY p.seq LIMIT \(Int64(limit))
            """
    }

    static let summaryQuery: PostgresQuery = """
        SELECT (SELECT COALESCE(MAX(seq), 0) FROM events), (SELECT COUNT(*) FROM countries), (SELECT COUNT(*) FROM arrangements),
               (SELECT COUNT(*) FROM cases), (SELECT COUNT(*) FROM court_orders), (SELECT COUNT(*) FROM transfers)
        """

    static func summary(_ row: PostgresRow) throws -> StoreSummary {
        let (events, countries, arrangements, cases, orders, transfers) = try row.decode((Int64, Int64, Int64, Int64, Int64, Int64).self)
        return StoreSummary(
            events: events, countries: Int(countries), arrangements: Int(arrangements), cases: Int(cases),
            courtOrders: Int(orders), transfers: Int(transfers))
    }

    /// Rows in the order and shape ``StateDigest`` documents, every column as text (NULL as
    /// ''); the transfers' instants (columns 2 and 5–8) are rendered back to RFC 3339 by the caller.
    static let digestQueries: [(String, String)] = [
        ("countries", "SELECT c.code, e.payload FROM countries c JOIN events e ON e.seq = c.seq ORDER BY c.code COLLATE \"C\""),
        ("arrangements", "SELECT a.id, a.partner, e.payload FROM arrangements a JOIN events e ON e.seq = a.seq ORDER BY a.id COLLATE \"C\""),
        (
            "arrangement_statuses",
            """
            SELECT s.arrangement, s.status, s.on_day, e.payload FROM arrangement_statuses s JOIN events e ON e.seq = s.seq
            ORDER BY s.arrangement COLLATE "C", s.seq
            """
        ),
        ("cases", "SELECT c.id, e.payload FROM cases c JOIN events e ON e.seq = c.seq ORDER BY c.id COLLATE \"C\""),
        (
            "case_facts",
            "SELECT f.case_id, f.type, e.payload FROM case_facts f JOIN events e ON e.seq = f.seq ORDER BY f.case_id COLLATE \"C\", f.seq"
        ),
        (
            "court_orders",
            """
            SELECT o.id, o.issued_on, COALESCE(o.lifted_on, ''), e.payload, COALESCE(l.payload, '')
            FROM court_orders o JOIN events e ON e.seq = o.seq LEFT JOIN events l ON l.seq = o.lift_seq ORDER BY o.id COLLATE "C"
            """
        ),
        (
            "transfers",
            """
            SELECT t.id, t.destination, t.departs::text, t.seats::text, t.status, COALESCE(t.locked_at::text, ''), COALESCE(t.departed_at::text, ''),
                   COALESCE(t.arrived_at::text, ''), COALESCE(t.cancelled_at::text, ''), e.payload
            FROM transfers t JOIN events e ON e.seq = t.seq ORDER BY t.id COLLATE "C"
            """
        ),
        ("manifest", "SELECT transfer, case_id, status FROM manifest ORDER BY transfer COLLATE \"C\", case_id COLLATE \"C\""),
        (
            "transfer_history",
            """
            SELECT h.transfer, e.type, e.payload FROM transfer_history h JOIN events e ON e.seq = h.seq ORDER BY h.transfer COLLATE "C", h.seq
            """
        ),
    ]

    static let digestColumns: [String: Int] = [
        "countries": 2, "arrangements": 3, "arrangement_statuses": 4, "cases": 2, "case_facts": 3, "court_orders": 5,
        "transfers": 10, "manifest": 3, "transfer_history": 3,
    ]

    static func digestFields(_ row: PostgresRow, table: String) throws -> [String] {
        let columns = digestColumns[table] ?? 0
        var fields: [String] = []
        fields.reserveCapacity(columns)
        for (index, cell) in row.enumerated() {
            var text = try cell.decode(String.self)
            if table == "transfers", [2, 5, 6, 7, 8].contains(index), let ms = Int64(text) {
                text = Instant(epochMilliseconds: ms).description
            }
            fields.append(text)
        }
        return fields
    }

    // MARK: Tokens

    static func tokenQuery(hash: String) -> PostgresQuery {
        "SELECT id, name, role, created_at, counsel FROM tokens WHERE hash = \(hash) AND revoked_at IS NULL"
    }

    static let tokensQuery: PostgresQuery = "SELECT id, name, role, created_at, revoked_at, counsel FROM tokens ORDER BY created_at, id COLLATE \"C\""

    // MARK: Synchronous forms, for the writer's transaction

    static func head(_ db: BlockingConnection) throws -> ChainHead { try head(Array(db.query(headQuery).rows)) }

    static func caseEvents(_ id: CaseRecord.ID, _ db: BlockingConnection) throws -> [Event] { try db.query(caseEventsQuery(id)).rows.map(event) }

    static func networkEvents(_ db: BlockingConnection) throws -> [Event] { try db.query(networkEventsQuery).rows.map(event) }

    static func transfers(_ db: BlockingConnection) throws -> [TransferView] {
        try transfers(manifest: Array(db.query(manifestQuery).rows), transfers: Array(db.query(transfersQuery).rows))
    }

    static func familyMembers(_ unit: String, _ db: BlockingConnection) throws -> [CaseRecord.ID] {
        try db.query(familyMembersQuery(unit)).rows.map { CaseRecord.ID(try $0.decode(String.self)) }
    }

    static func setting(_ key: String, _ db: BlockingConnection) throws -> String? {
        try db.query(settingQuery(key)).rows.first.map { try $0.decode(String.self) }
    }
}
