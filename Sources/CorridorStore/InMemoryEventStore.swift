import CorridorDomain
import CorridorRules
import Synchronization

/// An event store held in memory: for tests, demos and scratch replays. Same rules, same
/// chain, same digests as the SQLite store.
public final class InMemoryEventStore: EventStore {
    struct State: StateReader, StateSnapshot {
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
                    throw StoreError(code: "corrupt-event", message: "transfer \(id) does not point at a transfer record")
                }
                let entries = (manifest[id] ?? [:]).map { TransferView.Entry(caseID: $0.key, status: $0.value) }.sorted { $0.caseID < $1.caseID }
                return TransferView(record: record, status: entry.state.status, steps: entry.steps, manifest: entries)
            }.sorted { ($0.record.departs, $0.id) < ($1.record.departs, $1.id) }
        }

        func familyMembers(_ unit: String) throws -> [CaseRecord.ID] {
            caseDetails.filter { $0.value.familyUnit == unit }.map(\.key).sorted()
        }

        func setting(_ key: String) throws -> String? { settings[key] }

        mutating func appendEvent(type: String, payload: String, context: AppendContext) -> Int64 {
            let prev = events.last?.hash ?? ChainHead.genesis.hash
            let seq = Int64(events.count + 1)
            let hash = EventHash.compute(prev: prev, seq: seq, type: type, actor: context.actor, recordedAt: context.recordedAt.description, payload: payload)
            events.append(Event(seq: seq, type: type, payload: payload, actor: context.actor, recordedAt: context.recordedAt, prev: prev, hash: hash))
            return seq
        }
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

    public init() {}

    public func append(context: AppendContext, _ produce: ((SourcedRecord) throws -> Void) throws -> Void) throws -> AppendReceipt {
        try state.withLock { current in
            var working = current  // copy-on-write: the original stays untouched until commit
            var count = 0
            var first: Int64?
            try produce { sourced in
                let changes: [ProjectionChange]
                do throws(RecordError) { changes = try StateRules.changes(for: sourced.record, in: working) } catch {
                    throw error.at(file: sourced.file, line: sourced.line)
                }
                let review: TransferRules.Review
                do { review = try TransferRules.review(sourced.record, snapshot: working) } catch let error as RecordError {
                    throw error.at(file: sourced.file, line: sourced.line)
                }
                let payload = review.stamp.map { EventStamp.stamp(sourced.payload, policy: $0.policy, version: $0.version) } ?? sourced.payload
                let seq = working.appendEvent(type: sourced.record.kind.rawValue, payload: payload, context: context)
                for change in changes { working.apply(change, event: working.events.count - 1) }
                for event in review.events { _ = working.appendEvent(type: event.type, payload: event.payload.canonicalString, context: context) }
                first = first ?? seq
                count += 1
            }
            current = working
            if count > 0 { current.changeMarker = Int64(current.events.count) }
            return AppendReceipt(count: count, firstSeq: first, lastSeq: count > 0 ? Int64(current.events.count) : nil,
                                 headHash: current.events.last?.hash ?? ChainHead.genesis.hash)
        }
    }

    public func head() throws -> ChainHead {
        state.withLock { s in s.events.last.map { ChainHead(seq: $0.seq, hash: $0.hash) } ?? .genesis }
    }

    public func forEachEvent(from seq: Int64, _ body: (Event) throws -> Void) throws {
        let events = state.withLock { $0.events }
        for event in events where event.seq >= seq { try body(event) }
    }

    public func networkEvents() throws -> [Event] { state.withLock { $0.networkEvents() } }

    public func forEachCaseRecord(through seq: Int64?, _ body: (Record) throws -> Void) throws {
        let (events, caseIndices, factIndices) = state.withLock { s in
            (s.events, s.cases.values.sorted(), s.caseFacts.values.flatMap { $0 }.sorted())
        }
        let limit = seq.map { Int($0) } ?? Int.max
        for index in caseIndices + factIndices where index < limit { try body(try events[index].record()) }
    }

    public func transfers() throws -> [TransferView] { try state.withLock { try $0.transfers() } }

    public func familyMembers(_ unit: String) throws -> [CaseRecord.ID] { try state.withLock { try $0.familyMembers(unit) } }

    public func transferHistory(_ id: TransferRecord.ID) throws -> [Event] {
        state.withLock { s in (s.transferHistory[id] ?? []).map { s.events[$0] } }
    }

    @discardableResult
    public func appendSystemEvent(type: String, payload: JSONValue, context: AppendContext, setting: (key: String, value: String)?) throws -> Event {
        guard type.hasPrefix("system.") else { throw StoreError(code: "invalid-event", message: "system event types begin 'system.' (got '\(type)')") }
        return state.withLock { s in
            _ = s.appendEvent(type: type, payload: payload.canonicalString, context: context)
            if let setting { s.settings[setting.key] = setting.value }
            s.changeMarker = Int64(s.events.count)
            return s.events.last!
        }
    }

    public func setting(_ key: String) throws -> String? { state.withLock { $0.settings[key] } }

    public func changeMarker() throws -> Int64 { state.withLock { $0.changeMarker } }

    public func appendSystemEvents(_ events: [(event: SystemEvent, actor: String)], at recordedAt: Instant) throws {
        for (event, _) in events where !event.type.hasPrefix("system.") {
            throw StoreError(code: "invalid-event", message: "system event types begin 'system.' (got '\(event.type)')")
        }
        state.withLock { s in
            for (event, actor) in events {
                _ = s.appendEvent(type: event.type, payload: event.payload.canonicalString, context: AppendContext(actor: actor, recordedAt: recordedAt))
            }
        }
    }

    public func createToken(id: String, name: String, role: Role, hash: String, context: AppendContext) throws -> TokenInfo {
        try state.withLock { s in
            if s.tokens.contains(where: { $0.info.id == id || $0.hash == hash }) {
                throw StoreError(code: "duplicate-token", message: "a token with this id already exists")
            }
            let info = TokenInfo(id: id, name: name, role: role, createdAt: context.recordedAt, revokedAt: nil)
            s.tokens.append((info, hash))
            _ = s.appendEvent(type: "system.token-created", payload: JSONValue.object(["id": .string(id), "name": .string(name), "role": .string(role.rawValue)]).canonicalString, context: context)
            s.changeMarker = Int64(s.events.count)
            return info
        }
    }

    public func token(hash: String) throws -> TokenInfo? {
        // Every live token's hash is compared in full, so the time does not depend on where one matches.
        state.withLock { s in
            var found: TokenInfo?
            for token in s.tokens where token.info.revokedAt == nil {
                if Tokens.hashesEqual(token.hash, hash) { found = token.info }
            }
            return found
        }
    }

    public func tokens() throws -> [TokenInfo] { state.withLock { $0.tokens.map(\.info) } }

    public func revokeToken(id: String, context: AppendContext) throws -> Bool {
        state.withLock { s in
            guard let index = s.tokens.firstIndex(where: { $0.info.id == id && $0.info.revokedAt == nil }) else { return false }
            s.tokens[index].info.revokedAt = context.recordedAt
            _ = s.appendEvent(type: "system.token-revoked", payload: JSONValue.object(["id": .string(id)]).canonicalString, context: context)
            s.changeMarker = Int64(s.events.count)
            return true
        }
    }

    public func summary() throws -> StoreSummary {
        state.withLock { s in
            StoreSummary(events: Int64(s.events.count), countries: s.countries.count, arrangements: s.arrangements.count,
                         cases: s.cases.count, courtOrders: s.courtOrders.count, transfers: s.transferTable.count)
        }
    }

    public func caseEvents(_ id: CaseRecord.ID) throws -> [Event] { state.withLock { $0.caseEvents(id) } }

    /// Replaces an event's payload without fixing its hash: for tests of tamper detection only.
    package func tamper(seq: Int64, payload: String) {
        state.withLock { $0.events[Int(seq - 1)].payload = payload }
    }

    public func stateDigest() throws -> StateDigest {
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
                $0.element.arrangement == $1.element.arrangement ? $0.offset < $1.offset : bytesLess($0.element.arrangement.rawValue, $1.element.arrangement.rawValue)
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
                b.add([id.rawValue, entry.state.issuedOn.description, entry.state.liftedOn?.description ?? "", payload(entry.event), payload(entry.liftEvent)])
            }
            tables["court_orders"] = b.finish()

            b = StateDigest.Builder()
            for id in s.transferTable.keys.sorted(by: { bytesLess($0.rawValue, $1.rawValue) }) {
                let entry = s.transferTable[id]!
                let steps = [TransferStatus.locked, .departed, .arrived, .cancelled].map { entry.steps[$0]?.description ?? "" }
                b.add([id.rawValue, entry.state.destination.rawValue, entry.state.departs.description, String(entry.state.seats),
                       entry.state.status.rawValue] + steps + [payload(entry.event)])
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
