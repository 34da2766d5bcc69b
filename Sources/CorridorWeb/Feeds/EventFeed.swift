import CorridorDomain
import CorridorRules
import CorridorServices
import CorridorStore

/// The log as a feed of events a reader can act on (issue #15): each event with its type,
/// time, record and the facts that follow from it — for a manifest addition the transfer, its
/// destination and departure and the person's verdict; for a notice or a negative screening
/// the earliest lawful departure (the window to file) — filtered to what the caller may see.
///
/// One function serves `GET /api/v1/events`, its Server-Sent Events stream and webhook
/// deliveries, so the three always agree.
enum EventFeed {
    /// What a reader asked for.
    struct Query: Sendable {
        /// Events after this `seq`.
        var after: Int64
        /// Only these event types (nil: every type).
        var types: Set<String>?
        /// Only events about these cases (nil: every case the reader may see).
        var cases: Set<CaseRecord.ID>?
        /// At most this many items.
        var limit: Int
    }

    /// One page: the items, and the cursor to continue from (the last `seq` looked at, which
    /// may be past the last item when later events were not for this reader).
    struct Page: Sendable {
        var items: [Item]
        var next: Int64
        var head: Int64
    }

    struct Item: Sendable {
        var body: FeedItem
        var seq: Int64 { body.seq }
        var type: String { body.type }
        var json: JSONValue { body.jsonValue }
    }

    /// At most this many events are read to answer one page, however few of them the reader
    /// may see: a page costs bounded work, and the cursor moves on anyway.
    static let scanLimit = 5_000

    /// Reads one page.
    static func page<Store: EventStore>(_ state: AppState<Store>, scope: CaseScope, query: Query, scanLimit: Int = scanLimit) async throws -> Page {
        let head = try await state.store.head().seq
        guard query.after < head else { return Page(items: [], next: Swift.min(query.after, head), head: head) }
        var items: [Item] = []
        var next = query.after
        // Caseload-backed facts (verdicts, deadlines, the counsel's clients) come from the live view.
        let view = try await state.live.withCaseload()
        let manifests = view.manifests
        // Read in chunks, so a page that fills early reads little more than it shows.
        var scanned = 0
        while items.count < query.limit, scanned < scanLimit, next < head {
            let chunk = try await state.store.events(from: next + 1, limit: Swift.min(scanLimit - scanned, Swift.max(query.limit * 2, 256)))
            guard !chunk.isEmpty else { break }
            scanned += chunk.count
            for event in chunk {
                if items.count == query.limit { break }
                next = event.seq
                if let types = query.types, !types.contains(event.type) { continue }
                let payload = (try? JSONParser.parse(event.payload)) ?? .null
                let audience = EventAudience.of(type: event.type, payload: payload, manifest: { manifests[$0] ?? [] })
                guard scope.sees(audience) else { continue }
                if let cases = query.cases, !audience.people.contains(where: cases.contains) { continue }
                items.append(Item(body: item(event, payload: payload, audience: audience, scope: scope, view: view, state: state)))
            }
        }
        return Page(items: items, next: next, head: head)
    }

    /// One event as the feed shows it.
    static func item<Store: EventStore>(
        _ event: Event, payload: JSONValue, audience: EventAudience, scope: CaseScope,
        view: LiveView<Store>.State, state: AppState<Store>
    ) -> FeedItem {
        var object = FeedItem(
            seq: event.seq, type: event.type, recordedAt: event.recordedAt.description, cases: scope.visible(audience.people).map(\.rawValue),
            // Who recorded it names staff: shown to those who see everyone, not to counsel or the public.
            actor: scope.seesEveryone ? event.actor : nil, record: payload)
        let caseload = view.caseload
        func transferFacts(_ id: String?) -> TransferView? {
            guard let id else { return nil }
            guard let transfer = view.transfers.first(where: { $0.id.rawValue == id }) else { return nil }
            object.transfer = TransferRoutes.summary(transfer)
            return transfer
        }
        switch event.type {
        case "manifest-add", "manifest-strike":
            let transfer = transferFacts(payload["transfer"]?.stringValue)
            if event.type == "manifest-add", let transfer, let id = payload["case"]?.stringValue, let caseload {
                // The person's verdict for this flight, judged now at its scheduled departure.
                let context = state.destination(transfer.record.destination, at: transfer.record.departs, policy: view.policy, state: view)
                if let decision = caseload.decide(CaseRecord.ID(id), context) { object.verdict = verdict(decision) }
            }
        case "transfer-lock", "transfer-depart", "transfer-arrive", "transfer-cancel", "system.verdict", "system.hold", "system.hold-lift",
            "system.departure-check", "system.family-flag":
            _ = transferFacts(payload["transfer"]?.stringValue)
        case "transfer":
            _ = transferFacts(payload["id"]?.stringValue)
        case "notice":
            if let caseload, let id = payload["case"]?.stringValue, let destination = payload["destination"]?.stringValue,
                let served = payload["servedOn"]?.stringValue.flatMap(Instant.init(rfc3339:))
            {
                // The notice gate judged at service: when the notice period this profile sets runs out.
                let context = state.destination(CountryCode(destination), at: served, policy: view.policy, state: view)
                if let decision = caseload.decide(CaseRecord.ID(id), context) { object.deadline = deadline(decision, gate: .notice, from: served) }
            }
        case "screening":
            if let caseload, payload["outcome"]?.stringValue == "negative", let id = payload["case"]?.stringValue,
                let destination = payload["destination"]?.stringValue, let day = payload["on"]?.stringValue.flatMap(Day.init)
            {
                let context = state.destination(CountryCode(destination), at: day.startInstant, policy: view.policy, state: view)
                if let decision = caseload.decide(CaseRecord.ID(id), context) {
                    object.deadline = deadline(decision, gate: .fearScreening, from: day.startInstant)
                }
            }
        case "court-order":
            guard !scope.seesEveryone, case .courtOrder(let order)? = try? event.record() else { break }
            // The order is a public court record; the people it names are not.
            object.record = OversightRoutes.courtOrder(
                order, lift: view.network.courtOrderLifts[order.id], today: state.clock().day, forPublic: true)
            if case .clients = scope.reach, let caseload {
                let covered = CourtOrderImpact.of(order, caseload: caseload, transfers: view.transfers).coveredCases.filter(scope.sees)
                object.coversClients = covered.map(\.rawValue)
            }
        default:
            break
        }
        return object
    }

    /// A verdict with what decides it and, when pending, when it can clear.
    static func verdict(_ decision: Decision) -> JSONValue {
        var object: [String: JSONValue] = [
            "destination": .string(decision.destination.rawValue), "on": .string(decision.on.description),
            "verdict": .string(decision.verdict.rawValue), "policy": .string(decision.policy), "policyVersion": .string(decision.policyVersion),
            "gates": .array(
                decision.gates.filter { $0.result != .pass }.map { finding in
                    .object([
                        "gate": .string(finding.gate.rawValue), "result": .string(finding.result.rawValue), "reason": .string(finding.reason),
                        "citation": .string(finding.citation),
                    ])
                }),
        ]
        if let clears = decision.clears { object["earliestDeparture"] = .string(clears.description) }
        return .object(object)
    }

    /// The earliest lawful departure that follows from a notice or a negative screening: the
    /// gate's own reading under the active profile (nil when the gate cannot name a date, e.g.
    /// a notice not given to counsel where the profile requires it; the reason says why).
    static func deadline(_ decision: Decision, gate: GateID, from start: Instant) -> JSONValue {
        guard let finding = decision.finding(gate) else { return .null }
        let earliest: Instant? = finding.result == .pass ? start : finding.clears
        return .object([
            "gate": .string(gate.rawValue), "destination": .string(decision.destination.rawValue),
            "earliestDeparture": earliest.map { .string($0.description) } ?? .null,
            "reason": .string(finding.reason), "citation": .string(finding.citation),
            "policy": .string(decision.policy), "policyVersion": .string(decision.policyVersion),
        ])
    }
}
