import CorridorDomain

/// The seam between Corridor and its storage: an append-only, hash-chained log of records
/// with current-state projections updated in the same transaction.
///
/// Asynchronous end to end: a caller suspends while the store works and never blocks a thread
/// that serves requests. Every backend appends through ``EventChain`` (the algorithm written
/// once) inside a transaction it owns and serialises (SQLite: GRDB's writer and
/// `BEGIN IMMEDIATE`; PostgreSQL: a transaction-scoped advisory lock; in memory: a mutex).
/// Streaming reads are paged (keyset on `seq`), and exposed as async sequences by the
/// extension below, so no store holds a cursor open across a caller's work.
///
/// Implementations: ``InMemoryEventStore`` here, `SQLiteEventStore` in CorridorSQLite. All
/// pass one contract suite. Tokens are a separate seam (``TokenStore``), which every store
/// also implements.
public protocol EventStore: Sendable {
    /// Appends every record `produce` emits, all or nothing: if `produce` or any record throws,
    /// nothing of this call is kept. Records are validated against state as it stands after
    /// the records before them. `produce` runs inside the store's write transaction (on the
    /// store's writer, not on the caller's task), so it must not wait on anything the store does.
    func append(context: AppendContext, _ produce: @Sendable (_ emit: (SourcedRecord) throws -> Void) throws -> Void) async throws -> AppendReceipt

    /// The newest event (``ChainHead/genesis`` when the log is empty).
    func head() async throws -> ChainHead

    /// Up to `limit` events with `seq` at or after `seq`, in order (empty past the head).
    func events(from seq: Int64, limit: Int) async throws -> [Event]

    /// One page of the caseload, what whole-caseload passes load into memory: every `case`
    /// record (the latest of each) in `seq` order, then every per-case fact in log order —
    /// only those after the cursor's ``CaseloadCursor/floor`` and at or before `through` when
    /// given. Start with ``CaseloadCursor/start`` (the whole caseload) or
    /// ``CaseloadCursor/start(after:)`` (only what came after a ``CaseloadImage``); the page's
    /// `next` is nil after the last page.
    func caseload(through seq: Int64?, from cursor: CaseloadCursor, limit: Int) async throws -> CaseloadPage

    /// The caseload image the store keeps (see ``CaseloadImage``), or nil when it keeps none.
    /// Its parts are read in one transaction, so it is never a mix of two saves; the caller
    /// checks the bytes (the store does not know their format) before trusting them.
    func caseloadImage() async throws -> CaseloadImage?

    /// Replaces the caseload image the store keeps (one per store), whole, in one transaction,
    /// stored in parts of ``CaseloadImage/partSize`` bytes. It never touches the log, the chain
    /// or any projection, and the image is not part of ``stateDigest()``. Refuses, with an
    /// `invalid-argument` ``StoreError`` naming the seq, an image whose `seq` is negative or
    /// beyond the head.
    func saveCaseloadImage(_ image: CaseloadImage) async throws

    /// Removes the caseload image, if any (how an operator or a test forces a rebuild).
    func discardCaseloadImage() async throws

    /// The derived value kept under `key` (see ``DerivedValue``), or nil when none is kept.
    /// A cache, not state: the caller checks or recomputes it before trusting it.
    func derivedValue(_ key: String) async throws -> [UInt8]?

    /// Keeps `bytes` under `key`, replacing whatever was kept there, in one transaction. It
    /// never touches the log, the chain or any projection, and is not part of ``stateDigest()``.
    /// Refuses, with an `invalid-argument` ``StoreError`` naming the limit and writing nothing,
    /// a key that is empty or longer than ``DerivedValue/maximumKeyBytes`` (UTF-8) or a value
    /// larger than ``DerivedValue/maximumValueBytes``.
    func saveDerivedValue(_ key: String, _ bytes: [UInt8]) async throws

    /// Removes the value kept under `key`, if any (how a caller forces it to be recomputed).
    func discardDerivedValue(_ key: String) async throws

    /// A digest of current state, table by table (see ``StateDigest``).
    func stateDigest() async throws -> StateDigest

    /// The events that make up the network, in log order: the latest `country` and
    /// `arrangement` records, every `arrangement-status`, `court-order` and `court-order-lift`.
    func networkEvents() async throws -> [Event]

    /// Every transfer with its manifest, ordered by departure.
    func transfers() async throws -> [TransferView]

    /// Members of a family unit (cases whose latest record names it).
    func familyMembers(_ unit: String) async throws -> [CaseRecord.ID]

    /// The records of one transfer's history in log order: its creation, every manifest
    /// addition and strike (with reasons), and its steps.
    func transferHistory(_ id: TransferRecord.ID) async throws -> [Event]

    /// Appends an event that is not a vocabulary record (a policy change, a hold), chained like
    /// any other; optionally sets a store setting in the same transaction. System event types
    /// begin `system.`.
    @discardableResult
    func appendSystemEvent(type: String, payload: JSONValue, context: AppendContext, setting: (key: String, value: String)?) async throws -> Event

    /// Appends several system events in one transaction (one commit for many): how the server
    /// logs reads of personal records without a disk flush per request.
    func appendSystemEvents(_ events: [(event: SystemEvent, actor: String)], at recordedAt: Instant) async throws

    /// The seq of the last event that can change what readers see — any record, policy change,
    /// hold or token change — ignoring the read log's batches. Cheap: caches poll it.
    func changeMarker() async throws -> Int64

    /// A store setting (e.g. `policy.active`).
    func setting(_ key: String) async throws -> String?

    /// How much the store holds.
    func summary() async throws -> StoreSummary

    /// The events about one case: its latest `case` record first, then its facts in log order.
    /// Empty when the case is unknown.
    func caseEvents(_ id: CaseRecord.ID) async throws -> [Event]

    /// Runs `body` while no other instance on the same store runs its own setup: how first-start
    /// seeding decides "empty" and seeds as one step, so instances started at once on one empty
    /// database seed it exactly once (the others wait, then find it seeded). PostgreSQL holds a
    /// session advisory lock for the length of `body`, released if the instance dies; a store one
    /// process owns (in memory, a SQLite file) runs `body` at once (the default).
    func withExclusiveSetup<Result>(_ body: () async throws -> Result) async throws -> Result
}

extension EventStore {
    public func withExclusiveSetup<Result>(_ body: () async throws -> Result) async throws -> Result { try await body() }
}

/// Where a caseload read goes on from: the phase (case records, then facts), the last `seq`
/// read in it, and the floor below which nothing is read (0: the whole caseload; an image's
/// `seq`: only the tail after it). Opaque to callers.
public struct CaseloadCursor: Sendable, Equatable {
    public enum Phase: Sendable, Equatable { case cases, facts }
    public var phase: Phase
    public var afterSeq: Int64
    /// Only records with `seq` greater than this are read, in both phases.
    public var floor: Int64
    public init(phase: Phase, afterSeq: Int64, floor: Int64 = 0) {
        self.phase = phase
        self.afterSeq = max(afterSeq, floor)
        self.floor = floor
    }
    /// The whole caseload.
    public static let start = CaseloadCursor.start(after: 0)
    /// Only the case records (the latest of each) and facts with `seq` greater than `floor`.
    public static func start(after floor: Int64) -> CaseloadCursor { CaseloadCursor(phase: .cases, afterSeq: floor, floor: floor) }
    /// Where the facts phase begins once the case records run out: at the floor again.
    public var factsPhase: CaseloadCursor { CaseloadCursor(phase: .facts, afterSeq: floor, floor: floor) }
    /// The lowest `seq` the next page may read is one past this.
    public var lowerBound: Int64 { max(afterSeq, floor) }
}

/// One page of ``EventStore/caseload(through:from:limit:)``.
public struct CaseloadPage: Sendable {
    public var records: [Record]
    /// Where the next page starts; nil when this was the last.
    public var next: CaseloadCursor?
    public init(records: [Record], next: CaseloadCursor?) {
        self.records = records
        self.next = next
    }
}

/// The pages ``EventStore/events(from:)`` and ``EventStore/caseload(through:)`` fetch.
public enum StorePaging {
    /// Events per page of an ``EventSequence``.
    public static let eventPage = 4_096
    /// Records per page of a ``CaseloadSequence``.
    public static let caseloadPage = 8_192
}

extension EventStore {
    /// The records about one case (see ``caseEvents(_:)``).
    public func caseRecords(_ id: CaseRecord.ID) async throws -> [Record] { try await caseEvents(id).map { try $0.record() } }

    /// The network's records (see ``networkEvents()``).
    public func networkRecords() async throws -> [Record] { try await networkEvents().map { try $0.record() } }

    /// The network, built from ``networkRecords()``.
    public func network() async throws -> Network { Network(records: try await networkRecords()) }

    /// Every event from `seq` on, in order, fetched a page at a time as the caller iterates.
    public func events(from seq: Int64) -> EventSequence { EventSequence(store: self, from: seq, pageSize: StorePaging.eventPage) }

    /// Every case record and fact (see ``caseload(through:from:limit:)``), fetched a page at a
    /// time as the caller iterates.
    public func caseload(through seq: Int64? = nil) -> CaseloadSequence {
        CaseloadSequence(store: self, through: seq, pageSize: StorePaging.caseloadPage)
    }

    /// The caseload's tail after `floor` (typically a ``CaseloadImage``'s `seq`): the case
    /// records (the latest of each) and facts with `seq` greater than `floor` — and at or before
    /// `through` when given — fetched a page at a time as the caller iterates.
    public func caseload(after floor: Int64, through seq: Int64? = nil) -> CaseloadSequence {
        CaseloadSequence(store: self, through: seq, from: .start(after: floor), pageSize: StorePaging.caseloadPage)
    }

    /// Appends a batch of records, all or nothing.
    @discardableResult
    public func append(_ records: [SourcedRecord], context: AppendContext) async throws -> AppendReceipt {
        try await append(context: context) { emit in
            for record in records { try emit(record) }
        }
    }

    /// Recomputes the chain from the first event and names the first bad one.
    public func verifyChain() async throws -> ChainVerification {
        var previous = ChainHead.genesis
        var checked: Int64 = 0
        for try await event in events(from: 1) {
            if let problem = EventHash.check(event, expectedPrev: previous.hash, expectedSeq: previous.seq + 1) {
                return ChainVerification(eventsChecked: checked, head: previous, firstBad: (event.seq, problem))
            }
            previous = ChainHead(seq: event.seq, hash: event.hash)
            checked += 1
        }
        return ChainVerification(eventsChecked: checked, head: previous, firstBad: nil)
    }

    /// Writes every record of the log, in order, as canonical JSON Lines. Re-importing the
    /// output into an empty store rebuilds the same state.
    public func exportRecords(_ write: (String) throws -> Void) async throws -> Int {
        var count = 0
        for try await event in events(from: 1) {
            guard Record.Kind(rawValue: event.type) != nil else { continue }  // system events are not records
            try write(event.payload)
            count += 1
        }
        return count
    }
}

/// The log's events from a `seq` on, as an async sequence: each page is fetched when the
/// consumer reaches it (no cursor stays open across the consumer's work), and a cancelled task
/// stops between pages with `CancellationError`.
public struct EventSequence: AsyncSequence, Sendable {
    public typealias Element = Event
    let store: any EventStore
    let from: Int64
    let pageSize: Int

    public init(store: any EventStore, from: Int64, pageSize: Int) {
        self.store = store
        self.from = from
        self.pageSize = Swift.max(1, pageSize)
    }

    public func makeAsyncIterator() -> Iterator { Iterator(sequence: self, next: from) }

    public struct Iterator: AsyncIteratorProtocol {
        let sequence: EventSequence
        var next: Int64
        var page: [Event] = []
        var index = 0
        var finished = false

        public mutating func next() async throws -> Event? {
            if index == page.count {
                guard !finished else { return nil }
                try Task.checkCancellation()
                page = try await sequence.store.events(from: next, limit: sequence.pageSize)
                index = 0
                if page.count < sequence.pageSize { finished = true }
                guard let last = page.last else { return nil }
                next = last.seq + 1
            }
            defer { index += 1 }
            return page[index]
        }
    }
}

/// The caseload (see ``EventStore/caseload(through:from:limit:)``) as an async sequence of
/// records, fetched a page at a time as the consumer iterates; a cancelled task stops between
/// pages with `CancellationError`. Pages are separate reads: with `through` nil, a case
/// re-recorded while the sequence runs can appear twice (the newer record later), which
/// consumers that keep the latest record of each case absorb.
public struct CaseloadSequence: AsyncSequence, Sendable {
    public typealias Element = Record
    let store: any EventStore
    let through: Int64?
    let start: CaseloadCursor
    let pageSize: Int

    /// The records from `start` on (``CaseloadCursor/start``: the whole caseload;
    /// ``CaseloadCursor/start(after:)``: the tail after an image).
    public init(store: any EventStore, through: Int64?, from start: CaseloadCursor = .start, pageSize: Int) {
        self.store = store
        self.through = through
        self.start = start
        self.pageSize = Swift.max(1, pageSize)
    }

    public func makeAsyncIterator() -> Iterator { Iterator(sequence: self, cursor: start) }

    public struct Iterator: AsyncIteratorProtocol {
        let sequence: CaseloadSequence
        var cursor: CaseloadCursor?
        var page: [Record] = []
        var index = 0

        public mutating func next() async throws -> Record? {
            while index == page.count {
                guard let from = cursor else { return nil }
                try Task.checkCancellation()
                let fetched = try await sequence.store.caseload(through: sequence.through, from: from, limit: sequence.pageSize)
                page = fetched.records
                index = 0
                cursor = fetched.next
            }
            defer { index += 1 }
            return page[index]
        }
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
