import CorridorDomain
import CorridorStore
import GRDB

/// The SQLite store's write transaction (``AppendTransaction``): answers ``StateReader`` and
/// ``StateSnapshot`` questions from the projections inside an open immediate transaction,
/// inserts the events ``EventChain`` hashes and applies ``ProjectionChange``s. Lookups see the
/// changes of earlier records in the same transaction; a database error in a lookup is thrown,
/// never read as "not found".
final class SQLiteProjectionWriter: AppendTransaction {
    let db: Database
    /// The last cases recorded or found in this transaction: facts usually follow their case
    /// closely, so a small ring saves a lookup per fact on bulk imports.
    /// Filled on first use, so a transaction that records no case (a batch of reads) allocates
    /// nothing for it.
    private var recentCases: [String] = []
    private var recentIndex = 0
    // The statements of the import hot path (an event and its projection row per record),
    // prepared once per connection and bound through the C API; made on first use, so a batch
    // of system events prepares only the event insert.
    private var caseExistsStatement: RawStatement?
    private var putCaseStatement: RawStatement?
    private var addFactStatement: RawStatement?
    private var insertEventStatement: RawStatement?

    init(db: Database) {
        self.db = db
    }

    private func statement(_ slot: inout RawStatement?, _ sql: String) throws -> RawStatement {
        if let statement = slot { return statement }
        let statement = try RawStatement(cached: db, sql)
        slot = statement
        return statement
    }

    // MARK: AppendTransaction

    func chainHead() throws -> ChainHead { try SQLiteEventStore.head(db) }

    func insert(_ event: Event, recordedAtText: String) throws {
        let insert = try statement(
            &insertEventStatement, "INSERT INTO events (seq, type, payload, actor, recorded_at, prev, hash) VALUES (?, ?, ?, ?, ?, ?, ?)")
        insert.bind(1, event.seq)
        insert.bind(2, event.type)
        insert.bind(3, event.payload)
        insert.bind(4, event.actor)
        insert.bind(5, recordedAtText)
        insert.bind(6, event.prev)
        insert.bind(7, event.hash)
        try insert.run()
    }

    func putSetting(_ key: String, _ value: String) throws {
        try run("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", [key, value])
    }

    func markChange(_ seq: Int64) throws { try SQLiteEventStore.markChange(db, seq) }

    // MARK: StateReader

    func hasCountry(_ code: CountryCode) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM countries WHERE code = ?"), arguments: [code.rawValue]) ?? false
    }

    func hasArrangement(_ id: ArrangementRecord.ID) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM arrangements WHERE id = ?"), arguments: [id.rawValue]) ?? false
    }

    func hasCase(_ id: CaseRecord.ID) throws -> Bool {
        if recentCases.contains(id.rawValue) { return true }
        let caseExists = try statement(&caseExistsStatement, "SELECT 1 FROM cases WHERE id = ?")
        caseExists.bind(1, id.rawValue)
        let found = try caseExists.exists()
        if found { remember(id) }
        return found
    }

    func caseClosedOn(_ id: CaseRecord.ID) throws -> Day? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT closed_on FROM cases WHERE id = ?"), arguments: [id.rawValue]).flatMap { Day($0) }
    }

    // MARK: StateSnapshot

    func caseRecords(_ id: CaseRecord.ID) throws -> [CorridorDomain.Record] { try SQLiteQueries.caseRecords(id, db: db) }
    func networkRecords() throws -> [CorridorDomain.Record] { try SQLiteQueries.networkRecords(db: db) }
    func transfers() throws -> [TransferView] { try SQLiteQueries.transfers(db: db) }
    func familyMembers(_ unit: String) throws -> [CaseRecord.ID] { try SQLiteQueries.familyMembers(unit, db: db) }
    func setting(_ key: String) throws -> String? { try SQLiteQueries.setting(key, db: db) }

    private func remember(_ id: CaseRecord.ID) {
        if recentCases.count < 16 {
            recentCases.append(id.rawValue)
        } else {
            recentCases[recentIndex] = id.rawValue
            recentIndex = (recentIndex + 1) & 15
        }
    }

    // A stored value that no longer decodes (a status or day this build does not know) reads
    // as absent, as before; only a database error is thrown.

    func courtOrder(_ id: CourtOrderRecord.ID) throws -> CourtOrderState? {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT issued_on, lifted_on FROM court_orders WHERE id = ?"), arguments: [id.rawValue]),
            let issued = Day(row[0] as String)
        else { return nil }
        return CourtOrderState(issuedOn: issued, liftedOn: (row[1] as String?).flatMap(Day.init))
    }

    func transfer(_ id: TransferRecord.ID) throws -> TransferState? {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT status, seats, destination, departs FROM transfers WHERE id = ?"), arguments: [id.rawValue]),
            let status = TransferStatus(rawValue: row[0])
        else { return nil }
        return TransferState(status: status, seats: row[1], destination: CountryCode(row[2]), departs: Instant(epochMilliseconds: row[3]))
    }

    func manifestEntry(transfer: TransferRecord.ID, caseID: CaseRecord.ID) throws -> ManifestEntryStatus? {
        try String.fetchOne(
            db.cachedStatement(sql: "SELECT status FROM manifest WHERE transfer = ? AND case_id = ?"),
            arguments: [transfer.rawValue, caseID.rawValue]
        ).flatMap(ManifestEntryStatus.init)
    }

    func manifestCount(transfer: TransferRecord.ID) throws -> Int {
        try Int.fetchOne(
            db.cachedStatement(sql: "SELECT COUNT(*) FROM manifest WHERE transfer = ? AND status = 'on'"), arguments: [transfer.rawValue]) ?? 0
    }

    func openManifests(caseID: CaseRecord.ID) throws -> [TransferRecord.ID] {
        try String.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT m.transfer FROM manifest m JOIN transfers t ON t.id = m.transfer
                    WHERE m.case_id = ? AND m.status = 'on' AND t.status IN ('scheduled', 'locked') ORDER BY m.transfer
                    """), arguments: [caseID.rawValue]
        ).map { TransferRecord.ID($0) }
    }

    func hasDeparted(caseID: CaseRecord.ID) throws -> Bool {
        try Bool.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT 1 FROM manifest m JOIN transfers t ON t.id = m.transfer
                    WHERE m.case_id = ? AND m.status = 'on' AND t.status IN ('departed', 'arrived') LIMIT 1
                    """), arguments: [caseID.rawValue]) ?? false
    }

    func apply(_ change: ProjectionChange, seq: Int64) throws {
        switch change {
        case .putCountry(let code):
            try run("INSERT OR REPLACE INTO countries (code, seq) VALUES (?, ?)", [code.rawValue, seq])
        case .putArrangement(let id, let partner):
            try run("INSERT OR REPLACE INTO arrangements (id, partner, seq) VALUES (?, ?, ?)", [id.rawValue, partner.rawValue, seq])
        case .addArrangementStatus(let id, let status, let on):
            try run(
                "INSERT INTO arrangement_statuses (seq, arrangement, status, on_day) VALUES (?, ?, ?, ?)",
                [seq, id.rawValue, status.rawValue, on.description])
        case .putCase(let id, let familyUnit, let closedOn):
            let putCase = try statement(&putCaseStatement, "INSERT OR REPLACE INTO cases (id, seq, family_unit, closed_on) VALUES (?, ?, ?, ?)")
            putCase.bind(1, id.rawValue)
            putCase.bind(2, seq)
            putCase.bind(3, familyUnit)
            putCase.bind(4, closedOn?.description)
            try putCase.run()
            remember(id)
        case .addCaseFact(let id, let kind):
            let addFact = try statement(&addFactStatement, "INSERT INTO case_facts (seq, case_id, type) VALUES (?, ?, ?)")
            addFact.bind(1, seq)
            addFact.bind(2, id.rawValue)
            addFact.bind(3, kind.rawValue)
            try addFact.run()
        case .addCourtOrder(let id, let issuedOn):
            try run("INSERT INTO court_orders (id, seq, issued_on) VALUES (?, ?, ?)", [id.rawValue, seq, issuedOn.description])
        case .liftCourtOrder(let id, let on):
            try run("UPDATE court_orders SET lifted_on = ?, lift_seq = ? WHERE id = ?", [on.description, seq, id.rawValue])
        case .addTransfer(let id, let state):
            try run(
                "INSERT INTO transfers (id, seq, destination, departs, seats, status) VALUES (?, ?, ?, ?, ?, ?)",
                [id.rawValue, seq, state.destination.rawValue, state.departs.epochMilliseconds, state.seats, state.status.rawValue])
        case .setTransferStatus(let id, let status, let at):
            let column: String
            switch status {
            case .locked: column = "locked_at"
            case .departed: column = "departed_at"
            case .arrived: column = "arrived_at"
            case .cancelled: column = "cancelled_at"
            case .scheduled: column = "locked_at"  // never produced: a transfer is created scheduled
            }
            try run("UPDATE transfers SET status = ?, \(column) = ? WHERE id = ?", [status.rawValue, at.epochMilliseconds, id.rawValue])
        case .manifestAdd(let transfer, let caseID):
            try run("INSERT OR REPLACE INTO manifest (transfer, case_id, status) VALUES (?, ?, 'on')", [transfer.rawValue, caseID.rawValue])
        case .manifestStrike(let transfer, let caseID):
            try run("UPDATE manifest SET status = 'struck' WHERE transfer = ? AND case_id = ?", [transfer.rawValue, caseID.rawValue])
        case .linkTransfer(let transfer):
            try run("INSERT INTO transfer_history (seq, transfer) VALUES (?, ?)", [seq, transfer.rawValue])
        }
    }

    private func run(_ sql: String, _ values: [(any DatabaseValueConvertible)?]) throws {
        let statement = try db.cachedStatement(sql: sql)
        statement.setUncheckedArguments(StatementArguments(values))
        try statement.execute()
    }
}
