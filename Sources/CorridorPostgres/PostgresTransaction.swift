import CorridorDomain
import CorridorStore
import PostgresNIO

/// The PostgreSQL store's write transaction (``AppendTransaction``), on the writer's one
/// connection, inside `BEGIN` … `COMMIT` with the append lock held (ADR 7).
///
/// ``StateReader`` lookups are answered from an overlay: rows ``prefetch(_:)`` loaded for a batch
/// in one round trip per table, with the batch's own changes applied on top. A lookup the
/// prefetch did not cover falls back to a query (correct, one round trip) and is counted in
/// ``fallbackLookups``. Changes are kept in the overlay and written at ``flush()`` — multi-row
/// `INSERT … SELECT FROM UNNEST` per table — before any direct read of the database, every
/// ``PostgresStore/chunkSize`` records, and before commit.
///
/// ``StateSnapshot`` reads (the transfer review's: a person's records, the network, the
/// transfers) flush first and then query: they read payloads, which the overlay does not hold,
/// and they come only with transfer and court-order records.
final class PostgresTransaction: AppendTransaction {
    let db: BlockingConnection

    struct CaseRow { var seq: Int64; var familyUnit: String?; var closedOn: String? }
    struct CourtOrderRow { var seq: Int64; var issuedOn: String; var liftedOn: String?; var liftSeq: Int64? }
    struct TransferRow {
        var seq: Int64; var destination: String; var departs: Int64; var seats: Int; var status: String
        var steps: [Int64?]  // locked_at, departed_at, arrived_at, cancelled_at
    }
    struct ManifestKey: Hashable { var transfer: String; var caseID: String }

    // The overlay. A key present with nil is known absent.
    private var countries: [String: Int64?] = [:]
    private var arrangements: [String: (partner: String, seq: Int64)?] = [:]
    private var networkLoaded = false
    private var cases: [String: CaseRow?] = [:]
    private var courtOrders: [String: CourtOrderRow?] = [:]
    private var transferRows: [String: TransferRow?] = [:]
    /// Every manifest row, once ``loadTransfers()`` ran (the manifest is read whole or not at all).
    private var manifest: [ManifestKey: String] = [:]
    private var transfersLoaded = false

    // Pending writes, flushed together.
    private var events: [(Event, String)] = []
    private var dirtyCountries: Set<String> = []
    private var dirtyArrangements: Set<String> = []
    private var dirtyCases: Set<String> = []
    private var dirtyCourtOrders: Set<String> = []
    private var dirtyTransfers: Set<String> = []
    private var dirtyManifest: Set<ManifestKey> = []
    private var statuses: [(seq: Int64, arrangement: String, status: String, on: String)] = []
    private var facts: [(seq: Int64, caseID: String, type: String)] = []
    private var history: [(seq: Int64, transfer: String)] = []
    private var settings: [String: String] = [:]

    /// The change marker to announce with NOTIFY at commit (nil: nothing readers see changed).
    private(set) var changedSeq: Int64?
    /// Lookups the prefetch did not cover, each answered by a query of its own.
    private(set) var fallbackLookups = 0

    init(db: BlockingConnection) {
        self.db = db
    }

    // MARK: Prefetch

    /// Loads, in one round trip per table, what `records` will look up: the cases and court
    /// orders they name, the network (countries, arrangements) when one of them refers to it,
    /// and the transfers with their manifests when one of them is a transfer record.
    func prefetch(_ records: some Sequence<Record>) throws {
        var caseIDs: Set<String> = []
        var orderIDs: Set<String> = []
        var needsNetwork = false, needsTransfers = false
        for record in records {
            if let id = record.caseID { caseIDs.insert(id.rawValue) }
            switch record {
            case .arrangement, .arrangementStatus:
                needsNetwork = true
            case .courtOrder(let r):
                orderIDs.insert(r.id.rawValue)
                for id in r.scope.cases ?? [] { caseIDs.insert(id.rawValue) }
            case .courtOrderLift(let r):
                orderIDs.insert(r.id.rawValue)
            case .transfer(let r):
                needsTransfers = true
                if r.arrangement != nil { needsNetwork = true }
            case .manifestAdd, .manifestStrike, .transferStep, .disposition:
                needsTransfers = true
            default:
                break
            }
        }
        if needsNetwork, !networkLoaded { try loadNetwork() }
        if needsTransfers, !transfersLoaded { try loadTransfers() }
        let missingCases = caseIDs.filter { cases[$0] == nil }
        if !missingCases.isEmpty { try loadCases(Array(missingCases)) }
        let missingOrders = orderIDs.filter { courtOrders[$0] == nil }
        if !missingOrders.isEmpty { try loadCourtOrders(Array(missingOrders)) }
    }

    private func loadCases(_ ids: [String]) throws {
        for id in ids { cases[id] = .some(nil) }
        for row in try db.query("SELECT id, seq, family_unit, closed_on FROM cases WHERE id = ANY(\(ids))").rows {
            let (id, seq, unit, closed) = try row.decode((String, Int64, String?, String?).self)
            cases[id] = CaseRow(seq: seq, familyUnit: unit, closedOn: closed)
        }
    }

    private func loadCourtOrders(_ ids: [String]) throws {
        for id in ids { courtOrders[id] = .some(nil) }
        for row in try db.query("SELECT id, seq, issued_on, lifted_on, lift_seq FROM court_orders WHERE id = ANY(\(ids))").rows {
            let (id, seq, issued, lifted, liftSeq) = try row.decode((String, Int64, String, String?, Int64?).self)
            courtOrders[id] = CourtOrderRow(seq: seq, issuedOn: issued, liftedOn: lifted, liftSeq: liftSeq)
        }
    }

    /// Both network tables, whole (a few hundred rows at most). Rows this transaction changed
    /// were flushed first, so the database holds them.
    private func loadNetwork() throws {
        try flush()
        countries = [:]
        arrangements = [:]
        for row in try db.query("SELECT code, seq FROM countries").rows {
            let (code, seq) = try row.decode((String, Int64).self)
            countries[code] = seq
        }
        for row in try db.query("SELECT id, partner, seq FROM arrangements").rows {
            let (id, partner, seq) = try row.decode((String, String, Int64).self)
            arrangements[id] = (partner, seq)
        }
        networkLoaded = true
    }

    /// The transfers and manifest tables, whole (transfers are few; a manifest holds at most
    /// the seats of a flight).
    private func loadTransfers() throws {
        try flush()
        transferRows = [:]
        manifest = [:]
        for row in try db.query(
            """
            SELECT id, seq, destination, departs, seats, status, locked_at, departed_at, arrived_at, cancelled_at FROM transfers
            """
        ).rows {
            let (id, seq, destination, departs, seats, status, locked, departed, arrived, cancelled) =
                try row.decode((String, Int64, String, Int64, Int32, String, Int64?, Int64?, Int64?, Int64?).self)
            transferRows[id] = TransferRow(
                seq: seq, destination: destination, departs: departs, seats: Int(seats), status: status,
                steps: [locked, departed, arrived, cancelled])
        }
        for row in try db.query("SELECT transfer, case_id, status FROM manifest").rows {
            let (transfer, caseID, status) = try row.decode((String, String, String).self)
            manifest[ManifestKey(transfer: transfer, caseID: caseID)] = status
        }
        transfersLoaded = true
    }

    // MARK: AppendTransaction

    func chainHead() throws -> ChainHead {
        if let last = events.last?.0 { return ChainHead(seq: last.seq, hash: last.hash) }
        return try PostgresQueries.head(db)
    }

    func insert(_ event: Event, recordedAtText: String) throws {
        events.append((event, recordedAtText))
    }

    func putSetting(_ key: String, _ value: String) throws {
        settings[key] = value
    }

    func markChange(_ seq: Int64) throws {
        settings[PostgresQueries.changeKey] = String(seq)
        changedSeq = seq
    }

    // MARK: StateReader

    private func country(_ code: String) throws -> Int64? {
        if let known = countries[code] { return known }
        if networkLoaded { return nil }
        fallbackLookups += 1
        let seq = try db.query("SELECT seq FROM countries WHERE code = \(code)").rows.first.map { try $0.decode(Int64.self) }
        countries[code] = .some(seq)
        return seq
    }

    func hasCountry(_ code: CountryCode) throws -> Bool { try country(code.rawValue) != nil }

    func hasArrangement(_ id: ArrangementRecord.ID) throws -> Bool {
        if let known = arrangements[id.rawValue] { return known != nil }
        if networkLoaded { return false }
        fallbackLookups += 1
        let row = try db.query("SELECT partner, seq FROM arrangements WHERE id = \(id.rawValue)").rows.first
        let value = try row.map { try $0.decode((String, Int64).self) }
        arrangements[id.rawValue] = .some(value.map { (partner: $0.0, seq: $0.1) })
        return value != nil
    }

    private func caseRow(_ id: String) throws -> CaseRow? {
        if let known = cases[id] { return known }
        fallbackLookups += 1
        try loadCases([id])
        return cases[id] ?? nil
    }

    func hasCase(_ id: CaseRecord.ID) throws -> Bool { try caseRow(id.rawValue) != nil }

    func caseClosedOn(_ id: CaseRecord.ID) throws -> Day? { try caseRow(id.rawValue)?.closedOn.flatMap(Day.init) }

    private func courtOrderRow(_ id: String) throws -> CourtOrderRow? {
        if let known = courtOrders[id] { return known }
        fallbackLookups += 1
        try loadCourtOrders([id])
        return courtOrders[id] ?? nil
    }

    func courtOrder(_ id: CourtOrderRecord.ID) throws -> CourtOrderState? {
        // A stored day that no longer decodes reads as absent, as in the SQLite store.
        guard let row = try courtOrderRow(id.rawValue), let issued = Day(row.issuedOn) else { return nil }
        return CourtOrderState(issuedOn: issued, liftedOn: row.liftedOn.flatMap(Day.init))
    }

    private func ensureTransfers() throws {
        if transfersLoaded { return }
        fallbackLookups += 1
        try loadTransfers()
    }

    private func transferRow(_ id: String) throws -> TransferRow? {
        try ensureTransfers()
        return transferRows[id] ?? nil
    }

    func transfer(_ id: TransferRecord.ID) throws -> TransferState? {
        guard let row = try transferRow(id.rawValue), let status = TransferStatus(rawValue: row.status) else { return nil }
        return TransferState(
            status: status, seats: row.seats, destination: CountryCode(row.destination), departs: Instant(epochMilliseconds: row.departs))
    }

    func manifestEntry(transfer: TransferRecord.ID, caseID: CaseRecord.ID) throws -> ManifestEntryStatus? {
        try ensureTransfers()
        return manifest[ManifestKey(transfer: transfer.rawValue, caseID: caseID.rawValue)].flatMap(ManifestEntryStatus.init)
    }

    func manifestCount(transfer: TransferRecord.ID) throws -> Int {
        try ensureTransfers()
        return manifest.reduce(0) { $0 + ($1.key.transfer == transfer.rawValue && $1.value == "on" ? 1 : 0) }
    }

    func openManifests(caseID: CaseRecord.ID) throws -> [TransferRecord.ID] {
        try ensureTransfers()
        return manifest.compactMap { key, status -> String? in
            guard key.caseID == caseID.rawValue, status == "on", let transfer = transferRows[key.transfer] ?? nil,
                transfer.status == "scheduled" || transfer.status == "locked"
            else { return nil }
            return key.transfer
        }.sorted().map { TransferRecord.ID($0) }
    }

    func hasDeparted(caseID: CaseRecord.ID) throws -> Bool {
        try ensureTransfers()
        return manifest.contains { key, status in
            guard key.caseID == caseID.rawValue, status == "on", let transfer = transferRows[key.transfer] ?? nil else { return false }
            return transfer.status == "departed" || transfer.status == "arrived"
        }
    }

    // MARK: StateSnapshot (flush, then read the database inside this transaction)

    func caseRecords(_ id: CaseRecord.ID) throws -> [Record] {
        try flush()
        return try PostgresQueries.caseEvents(id, db).map { try PostgresQueries.decode($0.payload, seq: $0.seq) }
    }

    func networkRecords() throws -> [Record] {
        try flush()
        return try PostgresQueries.networkEvents(db).map { try PostgresQueries.decode($0.payload, seq: $0.seq) }
    }

    func transfers() throws -> [TransferView] {
        try flush()
        return try PostgresQueries.transfers(db)
    }

    func familyMembers(_ unit: String) throws -> [CaseRecord.ID] {
        try flush()
        return try PostgresQueries.familyMembers(unit, db)
    }

    func setting(_ key: String) throws -> String? {
        if let pending = settings[key] { return pending }
        return try PostgresQueries.setting(key, db)
    }

    // MARK: Changes

    func apply(_ change: ProjectionChange, seq: Int64) throws {
        switch change {
        case .putCountry(let code):
            countries[code.rawValue] = seq
            dirtyCountries.insert(code.rawValue)
        case .putArrangement(let id, let partner):
            arrangements[id.rawValue] = (partner.rawValue, seq)
            dirtyArrangements.insert(id.rawValue)
        case .addArrangementStatus(let id, let status, let on):
            statuses.append((seq, id.rawValue, status.rawValue, on.description))
        case .putCase(let id, let familyUnit, let closedOn):
            cases[id.rawValue] = CaseRow(seq: seq, familyUnit: familyUnit, closedOn: closedOn?.description)
            dirtyCases.insert(id.rawValue)
        case .addCaseFact(let id, let kind):
            facts.append((seq, id.rawValue, kind.rawValue))
        case .addCourtOrder(let id, let issuedOn):
            courtOrders[id.rawValue] = CourtOrderRow(seq: seq, issuedOn: issuedOn.description, liftedOn: nil, liftSeq: nil)
            dirtyCourtOrders.insert(id.rawValue)
        case .liftCourtOrder(let id, let on):
            guard var row = try courtOrderRow(id.rawValue) else { return }  // as UPDATE … WHERE id: no row, no change
            row.liftedOn = on.description
            row.liftSeq = seq
            courtOrders[id.rawValue] = row
            dirtyCourtOrders.insert(id.rawValue)
        case .addTransfer(let id, let state):
            try ensureTransfers()
            transferRows[id.rawValue] = TransferRow(
                seq: seq, destination: state.destination.rawValue, departs: state.departs.epochMilliseconds,
                seats: state.seats, status: state.status.rawValue, steps: [nil, nil, nil, nil])
            dirtyTransfers.insert(id.rawValue)
        case .setTransferStatus(let id, let status, let at):
            guard var row = try transferRow(id.rawValue) else { return }
            let column: Int
            switch status {
            case .locked, .scheduled: column = 0  // scheduled is never produced: a transfer is created scheduled
            case .departed: column = 1
            case .arrived: column = 2
            case .cancelled: column = 3
            }
            row.status = status.rawValue
            row.steps[column] = at.epochMilliseconds
            transferRows[id.rawValue] = row
            dirtyTransfers.insert(id.rawValue)
        case .manifestAdd(let transfer, let caseID):
            try ensureTransfers()
            let key = ManifestKey(transfer: transfer.rawValue, caseID: caseID.rawValue)
            manifest[key] = "on"
            dirtyManifest.insert(key)
        case .manifestStrike(let transfer, let caseID):
            try ensureTransfers()
            let key = ManifestKey(transfer: transfer.rawValue, caseID: caseID.rawValue)
            guard manifest[key] != nil else { return }
            manifest[key] = "struck"
            dirtyManifest.insert(key)
        case .linkTransfer(let transfer):
            history.append((seq, transfer.rawValue))
        }
    }

    // MARK: Flush

    /// Rows per statement: bounded so one statement's parameters stay a few megabytes.
    static let rowsPerStatement = 5_000

    /// Writes every pending change, table by table, in multi-row statements. Events first, so
    /// a projection row never points at an event the database does not hold yet.
    func flush() throws {
        if !events.isEmpty {
            for chunk in events.chunked(Self.rowsPerStatement) {
                try db.query(
                    """
                    INSERT INTO events (seq, type, payload, actor, recorded_at, prev, hash)
                    SELECT * FROM UNNEST(\(chunk.map(\.0.seq))::bigint[], \(chunk.map(\.0.type))::text[], \(chunk.map(\.0.payload))::text[],
                        \(chunk.map(\.0.actor))::text[], \(chunk.map(\.1))::text[], \(chunk.map(\.0.prev))::text[], \(chunk.map(\.0.hash))::text[])
                    """)
            }
            events.removeAll(keepingCapacity: true)
        }
        if !dirtyCountries.isEmpty {
            let keys = Array(dirtyCountries)
            try db.query(
                """
                INSERT INTO countries (code, seq) SELECT * FROM UNNEST(\(keys)::text[], \(keys.map { countries[$0]!! })::bigint[])
                ON CONFLICT (code) DO UPDATE SET seq = EXCLUDED.seq
                """)
            dirtyCountries = []
        }
        if !dirtyArrangements.isEmpty {
            let keys = Array(dirtyArrangements)
            let rows = keys.map { arrangements[$0]!! }
            try db.query(
                """
                INSERT INTO arrangements (id, partner, seq) SELECT * FROM UNNEST(\(keys)::text[], \(rows.map(\.partner))::text[], \(rows.map(\.seq))::bigint[])
                ON CONFLICT (id) DO UPDATE SET partner = EXCLUDED.partner, seq = EXCLUDED.seq
                """)
            dirtyArrangements = []
        }
        if !statuses.isEmpty {
            try db.query(
                """
                INSERT INTO arrangement_statuses (seq, arrangement, status, on_day)
                SELECT * FROM UNNEST(\(statuses.map(\.seq))::bigint[], \(statuses.map(\.arrangement))::text[], \(statuses.map(\.status))::text[], \(statuses.map(\.on))::text[])
                """)
            statuses = []
        }
        if !dirtyCases.isEmpty {
            // NULLs travel as '' (no recorded family unit or closing day is empty).
            for slice in Array(dirtyCases).chunked(Self.rowsPerStatement) {
                let keys = Array(slice)
                let rows = keys.map { cases[$0]!! }
                try db.query(
                    """
                    INSERT INTO cases (id, seq, family_unit, closed_on)
                    SELECT id, seq, NULLIF(unit, ''), NULLIF(closed, '')
                    FROM UNNEST(\(keys)::text[], \(rows.map(\.seq))::bigint[], \(rows.map { $0.familyUnit ?? "" })::text[], \(rows.map { $0.closedOn ?? "" })::text[])
                        AS u(id, seq, unit, closed)
                    ON CONFLICT (id) DO UPDATE SET seq = EXCLUDED.seq, family_unit = EXCLUDED.family_unit, closed_on = EXCLUDED.closed_on
                    """)
            }
            dirtyCases = []
        }
        if !facts.isEmpty {
            for chunk in facts.chunked(Self.rowsPerStatement) {
                try db.query(
                    """
                    INSERT INTO case_facts (seq, case_id, type)
                    SELECT * FROM UNNEST(\(chunk.map(\.seq))::bigint[], \(chunk.map(\.caseID))::text[], \(chunk.map(\.type))::text[])
                    """)
            }
            facts = []
        }
        if !dirtyCourtOrders.isEmpty {
            let keys = Array(dirtyCourtOrders)
            let rows = keys.map { courtOrders[$0]!! }
            try db.query(
                """
                INSERT INTO court_orders (id, seq, issued_on, lifted_on, lift_seq)
                SELECT id, seq, issued, NULLIF(lifted, ''), NULLIF(lift_seq, 0)
                FROM UNNEST(\(keys)::text[], \(rows.map(\.seq))::bigint[], \(rows.map(\.issuedOn))::text[], \(rows.map { $0.liftedOn ?? "" })::text[],
                    \(rows.map { $0.liftSeq ?? 0 })::bigint[]) AS u(id, seq, issued, lifted, lift_seq)
                ON CONFLICT (id) DO UPDATE SET seq = EXCLUDED.seq, issued_on = EXCLUDED.issued_on, lifted_on = EXCLUDED.lifted_on, lift_seq = EXCLUDED.lift_seq
                """)
            dirtyCourtOrders = []
        }
        if !dirtyTransfers.isEmpty {
            let keys = Array(dirtyTransfers)
            let rows = keys.map { transferRows[$0]!! }
            // A missing step instant travels as Int64.min (no transfer step happens then).
            func step(_ index: Int) -> [Int64] { rows.map { $0.steps[index] ?? Int64.min } }
            try db.query(
                """
                INSERT INTO transfers (id, seq, destination, departs, seats, status, locked_at, departed_at, arrived_at, cancelled_at)
                SELECT id, seq, destination, departs, seats, status, NULLIF(l, \(Int64.min)), NULLIF(d, \(Int64.min)), NULLIF(a, \(Int64.min)), NULLIF(c, \(Int64.min))
                FROM UNNEST(\(keys)::text[], \(rows.map(\.seq))::bigint[], \(rows.map(\.destination))::text[], \(rows.map(\.departs))::bigint[],
                    \(rows.map { Int32($0.seats) })::integer[], \(rows.map(\.status))::text[], \(step(0))::bigint[], \(step(1))::bigint[], \(step(2))::bigint[], \(step(3))::bigint[])
                    AS u(id, seq, destination, departs, seats, status, l, d, a, c)
                ON CONFLICT (id) DO UPDATE SET seq = EXCLUDED.seq, destination = EXCLUDED.destination, departs = EXCLUDED.departs, seats = EXCLUDED.seats,
                    status = EXCLUDED.status, locked_at = EXCLUDED.locked_at, departed_at = EXCLUDED.departed_at,
                    arrived_at = EXCLUDED.arrived_at, cancelled_at = EXCLUDED.cancelled_at
                """)
            dirtyTransfers = []
        }
        if !dirtyManifest.isEmpty {
            let keys = Array(dirtyManifest)
            try db.query(
                """
                INSERT INTO manifest (transfer, case_id, status)
                SELECT * FROM UNNEST(\(keys.map(\.transfer))::text[], \(keys.map(\.caseID))::text[], \(keys.map { manifest[$0]! })::text[])
                ON CONFLICT (transfer, case_id) DO UPDATE SET status = EXCLUDED.status
                """)
            dirtyManifest = []
        }
        if !history.isEmpty {
            try db.query(
                """
                INSERT INTO transfer_history (seq, transfer) SELECT * FROM UNNEST(\(history.map(\.seq))::bigint[], \(history.map(\.transfer))::text[])
                """)
            history = []
        }
        if !settings.isEmpty {
            let keys = Array(settings.keys)
            try db.query(
                """
                INSERT INTO settings (key, value) SELECT * FROM UNNEST(\(keys)::text[], \(keys.map { settings[$0]! })::text[])
                ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value
                """)
            settings = [:]
        }
    }
}

extension Array {
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
