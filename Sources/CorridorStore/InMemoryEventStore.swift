import CorridorDomain
import CorridorRules
import Synchronization

/// An event store held in memory: for tests, demos and scratch replays. Same rules, same
/// chain, same digests as the SQLite store. Its transaction is a mutex: appends run
/// ``EventChain`` on a copy of the state under the lock (never across a suspension), so the
/// async requirements never actually suspend.
public final class InMemoryEventStore: EventStore, TokenStore {
    /// Webhook subscriptions and their delivery logs (see `InMemoryEventStore+Subscriptions.swift`).
    let subscriptionTables = Mutex(SubscriptionTables())

    struct State: AppendTransaction {
        var events: [Event] = []
        var countries: [CountryCode: Int] = [:]  // → event index
        var arrangements: [ArrangementRecord.ID: (partner: CountryCode, event: Int)] = [:]
        var statuses: [(arrangement: ArrangementRecord.ID, status: String, on: Day, event: Int)] = []
        var cases: [CaseRecord.ID: Int] = [:]
        var caseDetails: [CaseRecord.ID: (familyUnit: String?, closedOn: Day?)] = [:]
        var caseFacts: [CaseRecord.ID: [Int]] = [:]
        var courtOrders: [CourtOrderRecord.ID: (state: CourtOrderState, event: Int, liftEvent: Int?)] = [:]
        var transferTable: [TransferRecord.ID: (state: TransferState, event: Int, steps: [TransferStatus: Instant])] = [:]
        var manifest: [TransferRecord.ID: [CaseRecord.ID: ManifestEntryStatus]] = [:]
        var caseTransfers: [CaseRecord.ID: Set<TransferRecord.ID>] = [:]
        var settings: [String: String] = [:]
        var transferHistory: [TransferRecord.ID: [Int]] = [:]
        var tokens: [(info: TokenInfo, hash: String)] = []
        var changeMarker: Int64 = 0

        func hasCountry(_ code: CountryCode) -> Bool { countries[code] != nil }
        func hasArrangement(_ id: ArrangementRecord.ID) -> Bool { arrangements[id] != nil }
        func hasCase(_ id: CaseRecord.ID) -> Bool { cases[id] != nil }
        func caseClosedOn(_ id: CaseRecord.ID) -> Day? { caseDetails[id]?.closedOn }

        // StateSnapshot
        func caseEvents(_ id: CaseRecord.ID) -> [Event] {
            guard let caseIndex = cases[id] else { return [] }
            return ([caseIndex] + (caseFacts[id] ?? [])).map { events[$0] }
        }

        func caseRecords(_ id: CaseRecord.ID) throws -> [Record] { try caseEvents(id).map { try $0.record() } }

        func networkEvents() -> [Event] {
            var indices = Array(countries.values) + arrangements.values.map(\.event) + statuses.map(\.event)
            indices += courtOrders.values.flatMap { [$0.event] + ($0.liftEvent.map { [$0] } ?? []) }
            return indices.sorted().map { events[$0] }
        }

        func networkRecords() throws -> [Record] { try networkEvents().map { try $0.record() } }

        func transfers() throws -> [TransferView] {
            try transferTable.map { id, entry -> TransferView in
                guard case .transfer(let record) = try events[entry.event].record() else {
                    throw StoreError(code: .corruptEvent, message: "transfer \(id) does not point at a transfer record")
                }
                let entries = (manifest[id] ?? [:]).map { TransferView.Entry(caseID: $0.key, status: $0.value) }.sorted { $0.caseID < $1.caseID }
                return TransferView(record: record, status: entry.state.status, steps: entry.steps, manifest: entries)
            }.sorted { ($0.record.departs, $0.id) < ($1.record.departs, $1.id) }
        }

        func familyMembers(_ unit: String) throws -> [CaseRecord.ID] {
            caseDetails.filter { $0.value.familyUnit == unit }.map(\.key).sorted()
        }

        func setting(_ key: String) throws -> String? { settings[key] }

        // AppendTransaction
        func chainHead() -> ChainHead { events.last.map { ChainHead(seq: $0.seq, hash: $0.hash) } ?? .genesis }
        mutating func insert(_ event: Event, recordedAtText: String) { events.append(event) }
        mutating func apply(_ change: ProjectionChange, seq: Int64) { apply(change, event: Int(seq) - 1) }
        mutating func putSetting(_ key: String, _ value: String) { settings[key] = value }
        mutating func markChange(_ seq: Int64) { changeMarker = seq }

        func courtOrder(_ id: CourtOrderRecord.ID) -> CourtOrderState? { courtOrders[id]?.state }
        func transfer(_ id: TransferRecord.ID) -> TransferState? { transferTable[id]?.state }
        func manifestEntry(transfer: TransferRecord.ID, caseID: CaseRecord.ID) -> ManifestEntryStatus? { manifest[transfer]?[caseID] }
        func manifestCount(transfer: TransferRecord.ID) -> Int { manifest[transfer]?.values.count(where: { $0 == .on }) ?? 0 }
        func openManifests(caseID: CaseRecord.ID) -> [TransferRecord.ID] {
            (caseTransfers[caseID] ?? []).filter { transferTable[$0]?.state.status.isOpen == true && manifest[$0]?[caseID] == .on }.sorted()
        }
        func hasDeparted(caseID: CaseRecord.ID) -> Bool {
            (caseTransfers[caseID] ?? []).contains { id in
                guard let status = transferTable[id]?.state.status, manifest[id]?[caseID] == .on else { return false }
                return status == .departed || status == .arrived
            }
        }

        mutating func apply(_ change: ProjectionChange, event index: Int) {
            switch change {
            case .putCountry(let code): countries[code] = index
            case .putArrangement(let id, let partner): arrangements[id] = (partner, index)
            case .addArrangementStatus(let id, let status, let on): statuses.append((id, status.rawValue, on, index))
            case .putCase(let id, let familyUnit, let closedOn):
                cases[id] = index
                caseDetails[id] = (familyUnit, closedOn)
            case .addCaseFact(let id, _): caseFacts[id, default: []].append(index)
            case .addCourtOrder(let id, let issuedOn): courtOrders[id] = (CourtOrderState(issuedOn: issuedOn, liftedOn: nil), index, nil)
            case .liftCourtOrder(let id, let on):
                courtOrders[id]?.state.liftedOn = on
                courtOrders[id]?.liftEvent = index
            case .addTransfer(let id, let state): transferTable[id] = (state, index, [:])
            case .setTransferStatus(let id, let status, let at):
                transferTable[id]?.state.status = status
                transferTable[id]?.steps[status] = at
            case .manifestAdd(let transfer, let caseID):
                manifest[transfer, default: [:]][caseID] = .on
                caseTransfers[caseID, default: []].insert(transfer)
            case .manifestStrike(let transfer, let caseID): manifest[transfer]?[caseID] = .struck
            case .linkTransfer(let transfer): transferHistory[transfer, default: []].append(index)
            }
        }
    }

    private let state = Mutex(State())
    /// The caseload image (derived state beside the log, never in ``State``: not digested, not chained).
    private let image = Mutex<CaseloadImage?>(nil)
    /// The derived values (caches beside the log, never in ``State``: not digested, not chained).
    private let derived = Mutex<[String: [UInt8]]>([:])

    public init() {}

    /// Runs `body` on a copy of the state under the lock and keeps the copy only if `body`
    /// returns: the transaction of this store. The first change to each table copies it, so
    /// system events — which cannot fail once their types are checked, before any change — are
    /// appended in place (`rollback: false`), as they were before the append seam.
    private func transaction<Result>(rollback: Bool = true, _ body: (inout State) throws -> Result) rethrows -> Result {
        try state.withLock { current in
            guard rollback else { return try body(&current) }
            var working = current
            let result = try body(&working)
            current = working
            return result
        }
    }

    public func append(context: AppendContext, _ produce: @Sendable ((SourcedRecord) throws -> Void) throws -> Void) async throws -> AppendReceipt {
        try transaction { try EventChain.appendRecords(in: &$0, context: context, produce) }
    }

    public func head() async throws -> ChainHead {
        state.withLock { s in s.events.last.map { ChainHead(seq: $0.seq, hash: $0.hash) } ?? .genesis }
    }

    public func events(from seq: Int64, limit: Int) async throws -> [Event] {
        state.withLock { s in
            let start = Int(max(seq, 1)) - 1
            guard start < s.events.count, limit > 0 else { return [] }
            return Array(s.events[start..<min(s.events.count, start + limit)])
        }
    }

    public func networkEvents() async throws -> [Event] { state.withLock { $0.networkEvents() } }

    public func caseload(through seq: Int64?, from cursor: CaseloadCursor, limit: Int) async throws -> CaseloadPage {
        let through = seq ?? Int64.max
        let limit = max(1, limit)
        return try state.withLock { s in
            var records: [Record] = []
            var cursor = cursor
            // Both phases in one page when the case records run out before `limit`.
            while records.count < limit {
                let indices: [Int] = cursor.phase == .cases ? s.cases.values.sorted() : s.caseFacts.values.flatMap { $0 }.sorted()
                let page = indices.lazy.filter { Int64($0 + 1) > cursor.lowerBound && Int64($0 + 1) <= through }.prefix(limit - records.count)
                for index in page { records.append(try s.events[index].record()) }
                if let last = page.last { cursor.afterSeq = Int64(last + 1) }
                if records.count == limit { return CaseloadPage(records: records, next: cursor) }
                guard cursor.phase == .cases else { return CaseloadPage(records: records, next: nil) }
                cursor = cursor.factsPhase
            }
            return CaseloadPage(records: records, next: cursor)
        }
    }

    public func caseloadImage() async throws -> CaseloadImage? { image.withLock { $0 } }

    public func saveCaseloadImage(_ new: CaseloadImage) async throws {
        // The head only grows, so an image checked against it stays valid once kept.
        try new.check(head: state.withLock { Int64($0.events.count) })
        image.withLock { $0 = new }
    }

    public func discardCaseloadImage() async throws { image.withLock { $0 = nil } }

    public func derivedValue(_ key: String) async throws -> [UInt8]? { derived.withLock { $0[key] } }

    public func saveDerivedValue(_ key: String, _ bytes: [UInt8]) async throws {
        try DerivedValue.check(key: key, bytes: bytes)
        derived.withLock { $0[key] = bytes }
    }

    public func discardDerivedValue(_ key: String) async throws { _ = derived.withLock { $0.removeValue(forKey: key) } }

    public func transfers() async throws -> [TransferView] { try state.withLock { try $0.transfers() } }

    public func familyMembers(_ unit: String) async throws -> [CaseRecord.ID] { try state.withLock { try $0.familyMembers(unit) } }

    public func transferHistory(_ id: TransferRecord.ID) async throws -> [Event] {
        state.withLock { s in (s.transferHistory[id] ?? []).map { s.events[$0] } }
    }

    @discardableResult
    public func appendSystemEvent(
        type: String, payload: JSONValue, context: AppendContext, setting: (key: String, value: String)?
    ) async throws -> Event {
        try transaction(rollback: false) { s in
            try EventChain.appendSystemEvents(
                [(SystemEvent(type: type, payload: payload), context.actor)], at: context.recordedAt, marksChange: true,
                setting: setting, in: &s)!
        }
    }

    public func setting(_ key: String) async throws -> String? { state.withLock { $0.settings[key] } }

    public func changeMarker() async throws -> Int64 { state.withLock { $0.changeMarker } }

    public func appendSystemEvents(_ events: [(event: SystemEvent, actor: String)], at recordedAt: Instant) async throws {
        try transaction(rollback: false) { s in _ = try EventChain.appendSystemEvents(events, at: recordedAt, marksChange: false, in: &s) }
    }

    public func createToken(id: String, name: String, role: Role, counsel: String?, hash: String, context: AppendContext) async throws -> TokenInfo {
        try transaction(rollback: false) { s in
            if s.tokens.contains(where: { $0.info.id == id || $0.hash == hash }) {
                throw StoreError(code: .duplicateToken, message: "a token with this id already exists")
            }
            let info = TokenInfo(id: id, name: name, role: role, counsel: counsel, createdAt: context.recordedAt, revokedAt: nil)
            s.tokens.append((info, hash))
            try EventChain.appendSystemEvents(
                [(TokenEvents.created(id: id, name: name, role: role, counsel: counsel), context.actor)], at: context.recordedAt,
                marksChange: true, in: &s)
            return info
        }
    }

    public func token(hash: String) async throws -> TokenInfo? {
        // Every live token's hash is compared in full, so the time does not depend on where one matches.
        state.withLock { s in
            var found: TokenInfo?
            for token in s.tokens where token.info.revokedAt == nil {
                if Tokens.hashesEqual(token.hash, hash) { found = token.info }
            }
            return found
        }
    }

    public func tokens() async throws -> [TokenInfo] { state.withLock { $0.tokens.map(\.info) } }

    public func revokeToken(id: String, context: AppendContext) async throws -> Bool {
        try transaction(rollback: false) { s in
            guard let index = s.tokens.firstIndex(where: { $0.info.id == id && $0.info.revokedAt == nil }) else { return false }
            s.tokens[index].info.revokedAt = context.recordedAt
            try EventChain.appendSystemEvents([(TokenEvents.revoked(id: id), context.actor)], at: context.recordedAt, marksChange: true, in: &s)
            return true
        }
    }

    public func summary() async throws -> StoreSummary {
        state.withLock { s in
            StoreSummary(
                events: Int64(s.events.count), countries: s.countries.count, arrangements: s.arrangements.count,
                cases: s.cases.count, courtOrders: s.courtOrders.count, transfers: s.transferTable.count)
        }
    }

    public func caseEvents(_ id: CaseRecord.ID) async throws -> [Event] { state.withLock { $0.caseEvents(id) } }

    /// Replaces an event's payload without fixing its hash: for tests of tamper detection only.
    package func tamper(seq: Int64, payload: String) {
        state.withLock { $0.events[Int(seq - 1)].payload = payload }
    }

    public func stateDigest() async throws -> StateDigest {
        state.withLock { s in
            func payload(_ index: Int?) -> String { index.map { s.events[$0].payload } ?? "" }
            func bytesLess(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }
            var tables: [String: StateDigest.Table] = [:]

            var b = StateDigest.Builder()
            for code in s.countries.keys.sorted(by: { bytesLess($0.rawValue, $1.rawValue) }) { b.add([code.rawValue, payload(s.countries[code])]) }
            tables["countries"] = b.finish()

            b = StateDigest.Builder()
            for id in s.arrangements.keys.sorted(by: { bytesLess($0.rawValue, $1.rawValue) }) {
                let entry = s.arrangements[id]!
                b.add([id.rawValue, entry.partner.rawValue, payload(entry.event)])
            }
            tables["arrangements"] = b.finish()

            b = StateDigest.Builder()
            for row in s.statuses.enumerated().sorted(by: {
                $0.element.arrangement == $1.element.arrangement
                    ? $0.offset < $1.offset : bytesLess($0.element.arrangement.rawValue, $1.element.arrangement.rawValue)
            }).map(\.element) {
                b.add([row.arrangement.rawValue, row.status, row.on.description, payload(row.event)])
            }
            tables["arrangement_statuses"] = b.finish()

            b = StateDigest.Builder()
            let caseIDs = s.cases.keys.sorted(by: { bytesLess($0.rawValue, $1.rawValue) })
            for id in caseIDs { b.add([id.rawValue, payload(s.cases[id])]) }
            tables["cases"] = b.finish()

            b = StateDigest.Builder()
            for id in s.caseFacts.keys.sorted(by: { bytesLess($0.rawValue, $1.rawValue) }) {
                for index in s.caseFacts[id]! { b.add([id.rawValue, s.events[index].type, s.events[index].payload]) }
            }
            tables["case_facts"] = b.finish()

            b = StateDigest.Builder()
            for id in s.courtOrders.keys.sorted(by: { bytesLess($0.rawValue, $1.rawValue) }) {
                let entry = s.courtOrders[id]!
                b.add([
                    id.rawValue, entry.state.issuedOn.description, entry.state.liftedOn?.description ?? "", payload(entry.event),
                    payload(entry.liftEvent),
                ])
            }
            tables["court_orders"] = b.finish()

            b = StateDigest.Builder()
            for id in s.transferTable.keys.sorted(by: { bytesLess($0.rawValue, $1.rawValue) }) {
                let entry = s.transferTable[id]!
                let steps = [TransferStatus.locked, .departed, .arrived, .cancelled].map { entry.steps[$0]?.description ?? "" }
                b.add(
                    [
                        id.rawValue, entry.state.destination.rawValue, entry.state.departs.description, String(entry.state.seats),
                        entry.state.status.rawValue,
                    ] + steps + [payload(entry.event)])
            }
            tables["transfers"] = b.finish()

            b = StateDigest.Builder()
            for transfer in s.manifest.keys.sorted(by: { bytesLess($0.rawValue, $1.rawValue) }) {
                let entries = s.manifest[transfer]!
                for caseID in entries.keys.sorted(by: { bytesLess($0.rawValue, $1.rawValue) }) {
                    b.add([transfer.rawValue, caseID.rawValue, entries[caseID]!.rawValue])
                }
            }
            tables["manifest"] = b.finish()

            b = StateDigest.Builder()
            for transfer in s.transferHistory.keys.sorted(by: { bytesLess($0.rawValue, $1.rawValue) }) {
                for index in s.transferHistory[transfer]! { b.add([transfer.rawValue, s.events[index].type, s.events[index].payload]) }
            }
            tables["transfer_history"] = b.finish()
            return StateDigest(tables: tables)
        }
    }
}
