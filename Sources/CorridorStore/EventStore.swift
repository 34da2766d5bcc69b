import CorridorDomain

/// The seam between Corridor and its storage: an append-only, hash-chained log of records
/// with current-state projections updated in the same transaction.
///
/// Implementations: ``InMemoryEventStore`` here, `SQLiteEventStore` in CorridorSQLite. Both
/// append through ``EventChain`` and pass one contract suite. Tokens are a separate seam
/// (``TokenStore``), which both stores also implement.
public protocol EventStore: Sendable {
    /// Appends every record `produce` emits, all or nothing: if `produce` or any record throws,
    /// nothing of this call is kept. Records are validated against state as it stands after
    /// the records before them.
    func append(context: AppendContext, _ produce: (_ emit: (SourcedRecord) throws -> Void) throws -> Void) throws -> AppendReceipt

    /// The newest event (``ChainHead/genesis`` when the log is empty).
    func head() throws -> ChainHead

    /// Calls `body` with every event from `seq` on, in order.
    func forEachEvent(from seq: Int64, _ body: (Event) throws -> Void) throws

    /// A digest of current state, table by table (see ``StateDigest``).
    func stateDigest() throws -> StateDigest

    /// The events that make up the network, in log order: the latest `country` and
    /// `arrangement` records, every `arrangement-status`, `court-order` and `court-order-lift`.
    func networkEvents() throws -> [Event]

    /// Calls `body` with every `case` record (the latest of each), then every per-case fact in
    /// log order — only those at or before `seq` when given: what whole-caseload passes load
    /// into memory.
    func forEachCaseRecord(through seq: Int64?, _ body: (Record) throws -> Void) throws

    /// Every transfer with its manifest, ordered by departure.
    func transfers() throws -> [TransferView]

    /// Members of a family unit (cases whose latest record names it).
    func familyMembers(_ unit: String) throws -> [CaseRecord.ID]

    /// The records of one transfer's history in log order: its creation, every manifest
    /// addition and strike (with reasons), and its steps.
    func transferHistory(_ id: TransferRecord.ID) throws -> [Event]

    /// Appends an event that is not a vocabulary record (a policy change, a read of a personal
    /// record, a hold), chained like any other; optionally sets a store setting in the same
    /// transaction. System event types begin `system.`.
    @discardableResult
    func appendSystemEvent(type: String, payload: JSONValue, context: AppendContext, setting: (key: String, value: String)?) throws -> Event

    /// Appends several system events in one transaction (one commit for many): how the server
    /// logs reads of personal records without a disk flush per request.
    func appendSystemEvents(_ events: [(event: SystemEvent, actor: String)], at recordedAt: Instant) throws

    /// The seq of the last event that can change what readers see — any record, policy change,
    /// hold or token change — ignoring the read log's batches. Cheap: caches poll it per request.
    func changeMarker() throws -> Int64

    /// A store setting (e.g. `policy.active`).
    func setting(_ key: String) throws -> String?

    /// How much the store holds.
    func summary() throws -> StoreSummary

    /// The events about one case: its latest `case` record first, then its facts in log order.
    /// Empty when the case is unknown.
    func caseEvents(_ id: CaseRecord.ID) throws -> [Event]
}

extension EventStore {
    /// The records about one case (see ``caseEvents(_:)``).
    public func caseRecords(_ id: CaseRecord.ID) throws -> [Record] { try caseEvents(id).map { try $0.record() } }

    /// The network's records (see ``networkEvents()``).
    public func networkRecords() throws -> [Record] { try networkEvents().map { try $0.record() } }

    /// Every case record and fact (see ``forEachCaseRecord(through:_:)``).
    public func forEachCaseRecord(_ body: (Record) throws -> Void) throws {
        try forEachCaseRecord(through: nil, body)
    }

    /// The network, built from ``networkRecords()``.
    public func network() throws -> Network { Network(records: try networkRecords()) }

    /// Appends a batch of records, all or nothing.
    @discardableResult
    public func append(_ records: [SourcedRecord], context: AppendContext) throws -> AppendReceipt {
        try append(context: context) { emit in
            for record in records { try emit(record) }
        }
    }

    /// Recomputes the chain from the first event and names the first bad one.
    public func verifyChain() throws -> ChainVerification {
        var previous = ChainHead.genesis
        var checked: Int64 = 0
        var firstBad: (Int64, String)?
        try forEachEvent(from: 1) { event in
            guard firstBad == nil else { return }
            if let problem = EventHash.check(event, expectedPrev: previous.hash, expectedSeq: previous.seq + 1) {
                firstBad = (event.seq, problem)
                return
            }
            previous = ChainHead(seq: event.seq, hash: event.hash)
            checked += 1
        }
        return ChainVerification(eventsChecked: checked, head: previous, firstBad: firstBad)
    }

    /// Writes every record of the log, in order, as canonical JSON Lines. Re-importing the
    /// output into an empty store rebuilds the same state.
    public func exportRecords(_ write: (String) throws -> Void) throws -> Int {
        var count = 0
        try forEachEvent(from: 1) { event in
            guard Record.Kind(rawValue: event.type) != nil else { return }  // system events are not records
            try write(event.payload)
            count += 1
        }
        return count
    }
}

/// Counts of what a store holds.
public struct StoreSummary: Sendable, Equatable {
    public var events: Int64
    public var countries: Int
    public var arrangements: Int
    public var cases: Int
    public var courtOrders: Int
    public var transfers: Int
    public init(events: Int64, countries: Int, arrangements: Int, cases: Int, courtOrders: Int, transfers: Int) {
        self.events = events
        self.countries = countries
        self.arrangements = arrangements
        self.cases = cases
        self.courtOrders = courtOrders
        self.transfers = transfers
    }
}
