import CorridorDomain
import CorridorRules
import CorridorServices
import CorridorStore
import Hummingbird

/// Cases, their records, checks and eligibility. Reading a person's records or a decision about
/// them is logged (`system.read`) before the answer is sent.
enum CaseRoutes {
    static func routes<Store: EventStore>(_ state: AppState<Store>) -> [RouteSpec] {
        [
            RouteSpec(
                method: .get, path: "/api/v1/cases", access: .caseReaders, tag: "cases",
                summary: "Cases, filtered and paginated (cursor)",
                parameters: [
                    .query("nationality", "ISO3: cases holding this nationality"), .query("pathway", "removal or asylum-transfer"),
                    .query("status", "open, closed or departed"),
                    .query("blocked", "a gate id: cases that gate fails or waits on for the destination 'to' at 'on'"),
                    .query("to", "destination for 'blocked' (ISO3)"), .query("on", "date or RFC 3339 instant for 'blocked' (default now)"),
                    .query("policy", "policy profile for 'blocked' (default: active)"),
                    .query("cursor", "from a previous page's nextCursor"), .integer("limit", "1–1000 (default 50)", in: 1...1000),
                ],
                success: (200, CaseList.schemaName)
            ) { request, context in
                try await list(request, state, scope: try await state.scope(context))
            },
            RouteSpec(
                method: .get, path: "/api/v1/cases/{id}", access: .caseReaders, tag: "cases",
                summary: "A case and every record about it (a logged read)", parameters: [.path("id", "Case id")],
                success: (200, "CaseRecords"), logsRead: true
            ) { request, context in
                try await records(request, context, state, route: "GET /api/v1/cases/{id}")
            },
            RouteSpec(
                method: .get, path: "/api/v1/cases/{id}/records", access: .caseReaders, tag: "cases",
                summary: "Every record about a case, in log order (a logged read)", parameters: [.path("id", "Case id")],
                success: (200, "CaseRecords"), logsRead: true
            ) { request, context in
                try await records(request, context, state, route: "GET /api/v1/cases/{id}/records")
            },
            RouteSpec(
                method: .get, path: "/api/v1/cases/{id}/check", access: .caseReaders, tag: "rules",
                summary: "May this person be transferred to 'to' at 'on'? The JSON of `corridor check --json` (a logged read)",
                parameters: [
                    .path("id", "Case id"), .query("to", "Destination (ISO3)", required: true),
                    .query("on", "Date or RFC 3339 instant (default now)"), .query("policy", "Policy profile (default: active)"),
                ],
                success: (200, Decision.JSON.schemaName), logsRead: true
            ) { request, context in
                let principal = try context.requirePrincipal()
                let id = CaseRecord.ID(try context.pathParameter("id"))
                try await state.scope(context).require(id)
                let destination = try APIValues.country(request, "to")!
                let instant = try APIValues.instant(request, default: state.clock())
                let decision: Decision?
                if let view = state.live.peek(), let caseload = view.caseload {
                    // The live view is fresh and holds the caseload: judge from memory, no store read.
                    let policy = try APIValues.policy(request, active: view.policy)
                    decision = caseload.decide(id, state.destination(destination, at: instant, policy: policy, state: view))
                } else {
                    decision = try await { () async throws in
                        let view = try await state.live.current()
                        let policy = try APIValues.policy(request, active: view.policy)
                        guard let facts = CaseFacts(records: try await state.store.caseRecords(id)) else { return nil }
                        return RulesEngine.decide(
                            facts, state.destination(destination, at: instant, policy: policy, state: view),
                            family: try await RulesService(store: state.store).family(of: facts))
                    }()
                }
                guard let decision else { throw Problem.notFound("no case '\(id.rawValue.prefix(60))' has been recorded", code: "unknown-case") }
                try await state.readLog.record(
                    principal, caseID: id, route: "GET /api/v1/cases/{id}/check",
                    detail: ["destination": .string(destination.rawValue), "verdict": .string(decision.verdict.rawValue)])
                state.count(decision)
                return Response(
                    status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: decision.jsonBytes)))
            },
            RouteSpec(
                method: .get, path: "/api/v1/eligible", access: .caseReaders, tag: "rules",
                summary: "Who may go to 'to' at 'on', and counts blocked per gate",
                parameters: [
                    .query("to", "Destination (ISO3)", required: true), .query("on", "Date or RFC 3339 instant (default now)"),
                    .query("policy", "Policy profile (default: active)"),
                    .integer("limit", "Eligible ids to list, 1–100,000 (default 50)", in: 1...100_000),
                ],
                success: (200, "Eligibility")
            ) { request, context in
                let destination = try APIValues.country(request, "to")!
                let instant = try APIValues.instant(request, default: state.clock())
                let limit = try APIValues.limit(request, max: 100_000)
                let scope = try await state.scope(context)
                let result = try await { () async throws in
                    let view = try await state.live.withCaseload()
                    let policy = try APIValues.policy(request, active: view.policy)
                    let context = state.destination(destination, at: instant, policy: policy, state: view)
                    // Counsel: who of their clients may go, and the counts over their clients only.
                    return scope.seesEveryone ? view.caseload!.eligibility(context) : view.caseload!.eligibility(context, among: scope.sees)
                }()
                return .json(
                    .object([
                        "destination": .string(result.destination.rawValue), "on": .string(result.on.description), "policy": .string(result.policy),
                        "policyVersion": .string(result.policyVersion), "total": .number(Double(result.total)),
                        "allowedCount": .number(Double(result.allowed.count)), "pendingCount": .number(Double(result.pendingCount)),
                        "blockedCount": .number(Double(result.blockedCount)),
                        "failing": .object(
                            Dictionary(uniqueKeysWithValues: result.failing.map { ($0.key.rawValue, JSONValue.number(Double($0.value))) })),
                        "waiting": .object(
                            Dictionary(uniqueKeysWithValues: result.waiting.map { ($0.key.rawValue, JSONValue.number(Double($0.value))) })),
                        "allowed": .array(result.allowed.prefix(limit).map { .string($0.rawValue) }),
                    ]))
            },
        ]
    }

    static func records<Store: EventStore>(
        _ request: Request, _ context: CorridorRequestContext, _ state: AppState<Store>, route: String
    ) async throws -> Response {
        let principal = try context.requirePrincipal()
        let id = CaseRecord.ID(try context.pathParameter("id"))
        try await state.scope(context).require(id)
        let events = try await state.store.caseEvents(id)
        guard let first = events.first else { throw Problem.notFound("no case '\(id.rawValue.prefix(60))' has been recorded", code: "unknown-case") }
        try await state.readLog.record(principal, caseID: id, route: route)
        return .json(.object(["case": APIValues.payload(first), "records": .array(events.map(APIValues.event))]))
    }

    static func list<Store: EventStore>(_ request: Request, _ state: AppState<Store>, scope: CaseScope) async throws -> Response {
        let limit = try APIValues.limit(request)
        let nationality = try APIValues.country(request, "nationality", required: false)
        let pathway = try request.query("pathway").map { text -> CaseRecord.Pathway in
            guard let pathway = CaseRecord.Pathway(rawValue: text) else {
                throw Problem.badRequest("query parameter 'pathway' must be 'removal' or 'asylum-transfer'", code: "invalid-parameter")
            }
            return pathway
        }
        let status = request.query("status")
        if let status, !["open", "closed", "departed"].contains(status) {
            throw Problem.badRequest("query parameter 'status' must be 'open', 'closed' or 'departed'", code: "invalid-parameter")
        }
        let blocked = try request.query("blocked").map { text -> GateID in
            guard let gate = GateID(rawValue: text) else {
                throw Problem.badRequest(
                    "query parameter 'blocked' must be a gate id (\(GateID.allCases.map(\.rawValue).joined(separator: ", ")))",
                    code: "invalid-parameter")
            }
            return gate
        }
        let destination = try APIValues.country(request, "to", required: blocked != nil)
        let instant = try APIValues.instant(request, default: state.clock())
        var position = 0
        if let cursor = request.query("cursor") {
            guard cursor.hasPrefix("c"), let parsed = APIValues.parseInteger(String(cursor.dropFirst())).map(Int.init),
                (0...Int(APIValues.maximumExactInteger)).contains(parsed)
            else {
                throw Problem.badRequest("query parameter 'cursor' is not one this server issued", code: "invalid-parameter")
            }
            position = parsed
        }
        let start = position
        let page: ([CaseSummary], Int?, Int) = try await { () async throws in
            let view = try await state.live.withCaseload()
            let caseload = view.caseload!
            let departed = Set(view.transfers.filter { $0.status == .departed || $0.status == .arrived }.flatMap(\.onBoard))
            var outcomes: [GateOutcome]?
            if let blocked, let destination {
                let policy = try APIValues.policy(request, active: view.policy)
                outcomes = caseload.outcomes(state.destination(destination, at: instant, policy: policy, state: view))
                _ = blocked
            }
            var items: [CaseSummary] = []
            var index = start
            var next: Int?
            while index < caseload.count {
                let facts = caseload.cases[index]
                defer { index += 1 }
                if !scope.seesEveryone, !scope.sees(facts.id) { continue }
                if let nationality, !facts.person.nationalities.contains(nationality) { continue }
                if let pathway, facts.person.pathway != pathway { continue }
                if let status {
                    let isDeparted = departed.contains(facts.id)
                    let isClosed = facts.person.closedOn != nil
                    if status == "departed", !isDeparted { continue }
                    if status == "closed", !isClosed { continue }
                    if status == "open", isDeparted || isClosed { continue }
                }
                if let blocked, let outcomes, outcomes[index].result(blocked) == .pass { continue }
                if items.count == limit { next = index; break }
                items.append(
                    CaseSummary(
                        id: facts.id.rawValue, nationalities: facts.person.nationalities.map(\.rawValue), pathway: facts.person.pathway,
                        synthetic: facts.id.rawValue.hasPrefix("SYN-"), departed: departed.contains(facts.id),
                        closedOn: facts.person.closedOn?.description))
            }
            return (items, next, scope.seesEveryone ? caseload.count : scope.clients.count)
        }()
        return .json(CaseList(cases: page.0, total: page.2, nextCursor: page.1.map { "c\($0)" }).jsonValue)
    }
}
