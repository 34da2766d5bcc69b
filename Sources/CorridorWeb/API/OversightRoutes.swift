import CorridorDomain
import CorridorRules
import CorridorServices
import CorridorStore
import Hummingbird

/// Court orders and their impact, reports, the audit chain and the active policy. Court orders
/// are public court records and open to anyone; the people an order covers are not.
enum OversightRoutes {
    static func routes<Store: EventStore>(_ state: AppState<Store>) -> [RouteSpec] {
        [
            RouteSpec(
                method: .get, path: "/api/v1/court-orders", access: .anyone, tag: "court orders",
                summary: "Court orders (public court records) with whether each is in force; case ids in a scope are given only as a count",
                parameters: [.query("since", "Only orders issued or lifted on or after this day (YYYY-MM-DD)")],
                success: (200, "CourtOrderList")
            ) { request, _ in
                let since = try APIValues.since(request)
                let view = try await state.live.current()
                let today = state.clock().day
                let orders = view.network.courtOrders.values.filter { order in
                    guard let since else { return true }
                    return order.issuedOn >= since || view.network.courtOrderLifts[order.id].map { $0.on >= since } == true
                }
                let items = orders.sorted { $0.issuedOn > $1.issuedOn }.map { order in
                    courtOrder(order, lift: view.network.courtOrderLifts[order.id], today: today, forPublic: true)
                }
                return .json(.object(["courtOrders": .array(items), "count": .number(Double(items.count))]))
            },
            RouteSpec(
                method: .get, path: "/api/v1/court-orders/{id}", access: .anyone, tag: "court orders",
                summary: "A court order and how many people it covers, by nationality (counts from 1 to 4 shown as \"<5\"); names nobody",
                parameters: [.path("id", "Court order id")], success: (200, "CourtOrderPublic")
            ) { _, context in
                let id = CourtOrderRecord.ID(try context.pathParameter("id"))
                let json: JSONValue? = try await { () async throws in
                    let view = try await state.live.withCaseload()
                    guard let order = view.network.courtOrders[id] else { return nil }
                    let impact = CourtOrderImpact.of(order, caseload: view.caseload!, transfers: view.transfers)
                    return Self.publicImpact(impact, lift: view.network.courtOrderLifts[id], today: state.clock().day)
                }()
                guard let json else {
                    throw Problem.notFound("no court order '\(id.rawValue.prefix(60))' has been recorded", code: "unknown-court-order")
                }
                return .json(json)
            },
            RouteSpec(
                method: .get, path: "/api/v1/court-orders/{id}/impact", access: .caseReaders, tag: "court orders",
                summary: "A court order's impact list: the people it covers, the transfers and holds",
                parameters: [.path("id", "Court order id"), .integer("limit", "Covered case ids to list, 1–100,000 (default 50)", in: 1...100_000)],
                success: (200, "CourtOrderImpact")
            ) { request, context in
                let id = CourtOrderRecord.ID(try context.pathParameter("id"))
                let limit = try APIValues.limit(request, max: 100_000)
                let scope = try await state.scope(context)
                let (json, found): (JSONValue, Bool) = try await { () async throws in
                    let view = try await state.live.withCaseload()
                    guard let order = view.network.courtOrders[id] else { return (.null, false) }
                    // Counsel: only their clients among those covered.
                    let impact = scope.visibleImpact(CourtOrderImpact.of(order, caseload: view.caseload!, transfers: view.transfers))
                    return (
                        Self.impact(
                            impact, lift: view.network.courtOrderLifts[id], today: state.clock().day, limit: limit, forPublic: !scope.seesEveryone),
                        true
                    )
                }()
                guard found else {
                    throw Problem.notFound("no court order '\(id.rawValue.prefix(60))' has been recorded", code: "unknown-court-order")
                }
                return .json(json)
            },
            RouteSpec(
                method: .post, path: "/api/v1/court-orders/impact", access: .roles([.counsel, .supervisor, .monitor, .admin]), tag: "court orders",
                summary: "The impact of a proposed (unrecorded) court order", requestBody: "CourtOrderRecord",
                success: (200, "CourtOrderImpact")
            ) { request, context in
                let body = try await request.body.collect(upTo: 256 * 1024)
                let sourced: SourcedRecord
                do { sourced = try SourcedRecord.make(try JSONParser.parse(String(buffer: body))) } catch let error as JSONParser.SyntaxError {
                    throw Problem.badRequest("the body is not valid JSON: \(error.description)", code: "invalid-json")
                }
                guard case .courtOrder(let order) = sourced.record else {
                    throw Problem(
                        .unprocessableContent, code: "invalid-field",
                        detail: "field 'type': expected a 'court-order' record, got '\(sourced.record.kind.rawValue)'", field: "type")
                }
                let scope = try await state.scope(context)
                let json = try await { () async throws in
                    let view = try await state.live.withCaseload()
                    let impact = scope.visibleImpact(CourtOrderImpact.of(order, caseload: view.caseload!, transfers: view.transfers))
                    return Self.impact(impact, lift: nil, today: state.clock().day, limit: 50, forPublic: !scope.seesEveryone)
                }()
                return .json(json)
            },
            RouteSpec(
                method: .get, path: "/api/v1/reports/operations", access: .roles([.supervisor, .counsel, .monitor, .admin]), tag: "reports",
                summary: "Accounting per arrangement and overall (`corridor report --json`)", success: (200, "OperationsReport")
            ) { _, _ in
                let report = try await OperationsReport.build(store: state.store)
                return .json(ReportJSON.operations(report))
            },
            RouteSpec(
                method: .get, path: "/api/v1/reports/public", access: .anyone, tag: "reports",
                summary:
                    "The public report: reported (with sources) and recorded figures per arrangement, nationality and month, pipeline, verdict mix, stranded caseload; small counts suppressed",
                parameters: [
                    .query("from", "Only departures on or after this day (YYYY-MM-DD)"),
                    .query("to", "Only departures on or before this day (YYYY-MM-DD)"),
                ],
                success: (200, "PublicReport")
            ) { request, _ in
                let (from, to) = try PublicFigures.period(request)
                let (report, network) = try await PublicFigures.current(state, from: from, to: to)
                return .json(report.json(network: network))
            },
            RouteSpec(
                method: .get, path: "/api/v1/reports/stranded", access: .anyone, tag: "reports",
                summary:
                    "The stranded caseload: people with no lawful destination, by nationality, with candidate countries and the gate that blocks each (aggregate, small counts suppressed)",
                parameters: [
                    .query("on", "A date or RFC 3339 instant (default: today, 00:00 UTC)"),
                    .query("policy", "Policy profile id (default: the active one)"),
                ],
                success: (200, "StrandedReport")
            ) { request, _ in
                let today = state.clock().day
                let on = try APIValues.instant(request, default: today.startInstant)
                let view = try await state.live.withCaseload()
                let policy = try APIValues.policy(request, active: view.policy)
                if on == today.startInstant, policy.id == view.policy.id, let stranded = try await PublicFigures.current(state).0.stranded {
                    return .json(stranded.json(network: view.network))
                }
                let waiting = StrandedReport.notYetMoved(view.caseload!, transfers: view.transfers)
                return .json(
                    StrandedReport.compute(caseload: waiting, network: view.network, policy: policy, on: on) {
                        state.destination($0, at: on, policy: policy, state: view)
                    }.json(network: view.network))
            },
            RouteSpec(
                method: .get, path: "/api/v1/audit/head", access: .overseers, tag: "audit",
                summary: "The newest event of the chain", success: (200, ChainHeadBody.schemaName)
            ) { _, _ in
                let head = try await state.store.head()
                return .json(ChainHeadBody(head).jsonValue)
            },
            RouteSpec(
                method: .get, path: "/api/v1/audit/verify", access: .overseers, tag: "audit",
                summary: "Recompute the hash chain and name the first bad event", success: (200, "ChainVerification")
            ) { _, _ in
                let result = try await state.store.verifyChain()
                var object: [String: JSONValue] = [
                    "intact": .bool(result.isIntact), "eventsChecked": .number(Double(result.eventsChecked)),
                    "head": ChainHeadBody(result.head).jsonValue,
                ]
                if let bad = result.firstBad { object["firstBad"] = .object(["seq": .number(Double(bad.seq)), "reason": .string(bad.reason)]) }
                return .json(.object(object))
            },
            RouteSpec(
                method: .get, path: "/api/v1/audit/events", access: .overseers, tag: "audit",
                summary: "Events of the log, newest last",
                parameters: [
                    .integer("after", "Only events after this seq", in: 0...APIValues.maximumExactInteger - 1),
                    .query("type", "Only this event type"),
                    .integer("limit", "1–1000 (default 50)", in: 1...1000),
                ],
                success: (200, "EventList")
            ) { request, context in
                let limit = try APIValues.limit(request)
                let type = request.query("type")
                let after = try APIValues.integer(request, "after", in: 0...APIValues.maximumExactInteger - 1)
                let scope = try await state.scope(context)
                let events: [Event] = try await { () async throws in
                    let head = try await state.store.head().seq
                    // Counsel see only events about their clients and the network: look further back for them.
                    let whole = scope.seesEveryone && scope.seesOperations
                    let window = type == nil && whole ? limit : 20_000
                    let from = after.map { $0 + 1 } ?? Swift.max(1, head - Int64(window) + 1)
                    let manifests = whole ? [:] : try await state.live.current().manifests
                    var events: [Event] = []
                    for try await event in state.store.events(from: from) {
                        if let type, event.type != type { continue }
                        if !whole, !scope.sees(EventAudience.of(event, manifest: { manifests[$0] ?? [] })) { continue }
                        if after != nil, events.count >= limit { break }
                        events.append(event)
                    }
                    return after == nil ? Array(events.suffix(limit)) : events
                }()
                return .json(.object(["events": .array(events.map(APIValues.event))]))
            },
            RouteSpec(
                method: .get, path: "/api/v1/policy", access: .authenticated, tag: "policy",
                summary: "The active policy profile with every parameter and its legal reference", success: (200, "PolicyProfile")
            ) { _, _ in
                let view = try await state.live.current()
                return .json(PolicyJSON.profile(view.policy, active: true))
            },
            RouteSpec(
                method: .put, path: "/api/v1/policy", access: .adminOnly, tag: "policy",
                summary: "Make another profile the active one (logged)", requestBody: "PolicyChoice", success: (200, "PolicyProfile")
            ) { request, context in
                let principal = try context.requirePrincipal()
                let body = try await request.body.collect(upTo: 16 * 1024)
                guard case .object(let fields)? = try? JSONParser.parse(String(buffer: body)), let id = fields["policy"]?.stringValue,
                    fields.count == 1
                else {
                    throw Problem.badRequest("the body must be {\"policy\": \"<profile id>\"}", code: "invalid-body")
                }
                let profile = try await RulesService(store: state.store).useProfile(
                    id, context: AppendContext(actor: principal.actor, recordedAt: state.clock()))
                state.live.invalidate()
                return .json(PolicyJSON.profile(profile, active: true))
            },
        ]
    }

    /// A court order as JSON. For the public (`forPublic`), case ids named in its scope are
    /// replaced by their count (`namedCases`): the order is a public record, who it names is not.
    static func courtOrder(_ order: CourtOrderRecord, lift: CourtOrderLiftRecord?, today: Day, forPublic: Bool = false) -> JSONValue {
        let inForce = order.issuedOn <= today && (order.expiresOn.map { today < $0 } ?? true) && (lift.map { today < $0.on } ?? true)
        var scope: [String: JSONValue] = [:]
        if let cases = order.scope.cases {
            if forPublic { scope["namedCases"] = .number(Double(cases.count)) } else { scope["cases"] = .array(cases.map { .string($0.rawValue) }) }
        }
        if let n = order.scope.nationalities { scope["nationalities"] = .array(n.map { .string($0.rawValue) }) }
        if let d = order.scope.designations { scope["designations"] = .array(d.map { .string($0) }) }
        if let d = order.scope.destinations { scope["destinations"] = .array(d.map { .string($0.rawValue) }) }
        if let t = order.scope.thirdCountryOnly { scope["thirdCountryOnly"] = .bool(t) }
        if let p = order.scope.pathways { scope["pathways"] = .array(p.map { .string($0.rawValue) }) }
        let effect: JSONValue
        switch order.effect {
        case .block: effect = "block"
        case .noticeDays(let days): effect = .object(["noticeDays": .number(Double(days))])
        }
        return .object([
            "id": .string(order.id.rawValue), "court": .string(order.court), "citation": .string(order.citation),
            "issuedOn": .string(order.issuedOn.description), "expiresOn": order.expiresOn.map { .string($0.description) } ?? .null,
            "liftedOn": lift.map { .string($0.on.description) } ?? .null, "inForce": .bool(inForce), "scope": .object(scope), "effect": effect,
        ])
    }

    /// What the public may know of an order's impact: counts by nationality, suppressed like
    /// the public report, and no case id.
    static func publicImpact(_ impact: CourtOrderImpact, lift: CourtOrderLiftRecord?, today: Day) -> JSONValue {
        .object([
            "order": courtOrder(impact.order, lift: lift, today: today, forPublic: true),
            "coveredCount": ReportJSON.suppressed(impact.coveredCases.count),
            // With fewer than 5 covered in all, their nationalities would describe them: withheld.
            "coveredByNationality": ReportJSON.PublicLine.small(impact.coveredCases.count)
                ? .null
                : .array(
                    impact.coveredByNationality.map {
                        .object(["nationality": .string($0.nationality.rawValue), "people": ReportJSON.suppressed($0.people)])
                    }),
            "suppression": .string(
                "counts from 1 to \(ReportJSON.suppressionThreshold - 1) are shown as \"<\(ReportJSON.suppressionThreshold)\"; "
                    + "with fewer than \(ReportJSON.suppressionThreshold) people covered in all, the nationalities are withheld (null)"),
        ])
    }

    /// `forPublic`: the order's named cases only as a count (for a counsel token: the order may
    /// name people who are not its clients).
    static func impact(_ impact: CourtOrderImpact, lift: CourtOrderLiftRecord?, today: Day, limit: Int, forPublic: Bool = false) -> JSONValue {
        .object([
            "order": courtOrder(impact.order, lift: lift, today: today, forPublic: forPublic),
            "coveredCount": .number(Double(impact.coveredCases.count)),
            "covered": .array(impact.coveredCases.prefix(limit).map { .string($0.rawValue) }),
            "transfers": .array(
                impact.transfers.map { touched in
                    .object([
                        "transfer": TransferRoutes.summary(touched.transfer),
                        "covered": .array(touched.covered.map { .string($0.rawValue) }),
                    ])
                }),
        ])
    }
}

enum PolicyJSON {
    static func profile(_ profile: PolicyProfile, active: Bool) -> JSONValue {
        var parameters: [String: JSONValue] = [:]
        for (name, parameter) in profile.parameters {
            parameters[name] = .object([
                "description": .string(parameter.description),
                "values": .array(
                    parameter.values.map { .object(["from": .string($0.from.description), "value": $0.value, "reference": .string($0.reference)]) }),
            ])
        }
        return .object([
            "id": .string(profile.id), "version": .string(profile.version), "title": .string(profile.title),
            "legalStatus": .string(profile.legalStatus), "active": .bool(active), "parameters": .object(parameters),
        ])
    }
}

/// Report JSON shared by the API, the CLI's `--json` shape and the pages.
enum ReportJSON {
    static func line(_ l: OperationsReport.Line) -> JSONValue {
        .object([
            "arrangement": l.arrangement.map { .string($0.rawValue) } ?? .null, "partner": l.partner.map { .string($0.rawValue) } ?? .null,
            "name": .string(l.name), "transfers": .number(Double(l.transfers)), "peopleMoved": .number(Double(l.peopleMoved)),
            "seats": .number(Double(l.seats)), "lumpSumUSD": .number(l.lumpSumUSD), "perPersonCostUSD": .number(l.perPersonCostUSD),
            "transferCostUSD": .number(l.transferCostUSD), "totalCostUSD": .number(l.totalCostUSD),
            "costPerPersonMovedUSD": APIValues.number(l.costPerPersonMovedUSD), "loadFactor": APIValues.number(l.loadFactor),
            "onwardReturns": .number(Double(l.onwardReturns)), "onwardReturnRate": APIValues.number(l.onwardReturnRate),
            "incidents": .number(Double(l.incidents)), "suspectedIncidents": .number(Double(l.suspectedIncidents)),
        ])
    }

    static func operations(_ report: OperationsReport) -> JSONValue {
        .object([
            "arrangements": .array(report.lines.map(line)), "total": line(report.total),
            "incidents": .array(
                report.incidents.map {
                    .object([
                        "kind": .string($0.kind.rawValue), "case": .string($0.caseID.rawValue), "to": .string($0.to.rawValue),
                        "on": .string($0.on.description), "basis": .string($0.basis),
                    ])
                }),
        ])
    }

    /// Counts from 1 to this are shown as "fewer than" it: a count that small could identify someone.
    static let suppressionThreshold = 5

    static func suppressed(_ count: Int) -> JSONValue {
        count > 0 && count < suppressionThreshold ? .string("<\(suppressionThreshold)") : .number(Double(count))
    }

    /// One arrangement's figures as the public may see them. A count from 1 to 4 is shown as
    /// "<5"; anything computed from a suppressed count (a rate, a cost that includes per-person
    /// payments, a cost per person) is withheld too, so it cannot give the count away.
    struct PublicLine {
        let line: OperationsReport.Line

        static func small(_ count: Int) -> Bool { count > 0 && count < suppressionThreshold }

        var movedSuppressed: Bool { Self.small(line.peopleMoved) }
        var totalCostUSD: Double? { movedSuppressed ? nil : line.totalCostUSD }
        var costPerPersonMovedUSD: Double? { movedSuppressed ? nil : line.costPerPersonMovedUSD }
        var onwardReturnRate: Double? { movedSuppressed || Self.small(line.onwardReturns) ? nil : line.onwardReturnRate }
    }
}
