import CorridorDomain
import CorridorRules
import CorridorServices
import CorridorStore
import Hummingbird

/// "My clients", where a counsel lands on signing in: each client's verdict for every likely
/// destination, the next deadline, the transfers they are on, the latest events, and webhook
/// subscriptions with their delivery status.
extension PageRoutes {
    /// Counsel (their clients) and admins (who name no counsel: their own subscriptions only).
    static let clientReaders = Access.roles([.counsel, .admin])

    static func clientPages<Store: EventStore>(_ state: AppState<Store>) -> [RouteSpec] {
        [
            RouteSpec(
                method: .get, path: "/clients", access: clientReaders, tag: "pages",
                summary: "My clients (counsel): verdicts per likely destination, next deadlines, transfers, latest events, subscriptions",
                success: (200, "html"), logsRead: true
            ) { request, context in
                try await clientsPage(request, context, state, form: nil)
            },
            RouteSpec(
                method: .post, path: "/clients/subscriptions", access: clientReaders, tag: "pages",
                summary: "Subscribe a URL to your clients' events (form; the same as POST /api/v1/subscriptions); the secret is shown once",
                success: (200, "html")
            ) { request, context in
                let principal = try context.requirePrincipal()
                let form = try await PageForm.read(request, context: context)
                let url = form["url"] ?? ""
                do {
                    let subscription = try await SubscriptionRoutes.subscribe(
                        url: url, types: nil, cases: nil, principal: principal,
                        scope: try await state.scope(context), state: state)
                    return try await clientsPage(
                        request, context, state, form: (url: "", error: nil, secret: subscription.secret, id: subscription.id))
                } catch let problem as Problem {
                    return try await clientsPage(
                        request, context, state, form: (url: url, error: problem.detail, secret: nil, id: nil), status: problem.status)
                }
            },
        ]
    }

    static func clientsPage<Store: EventStore>(
        _ request: Request, _ context: CorridorRequestContext, _ state: AppState<Store>,
        form: (url: String, error: String?, secret: String?, id: String?)?,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let principal = try context.requirePrincipal()
        let scope = try await state.scope(context)
        let now = state.clock()
        let (clients, latest): ([ClientRow], [EventFeed.Item]) = try await { () async throws in
            let view = try await state.live.withCaseload()
            let caseload = view.caseload!
            var clients: [ClientRow] = []
            for id in scope.clients.sorted(by: { $0.rawValue < $1.rawValue }).prefix(500) {
                guard let facts = caseload.facts(id) else { continue }
                let transfers = view.transfers.filter { $0.manifest.contains { $0.caseID == id && $0.status == .on } }
                // Likely destinations: those named in notices, fear claims and screenings, and those of the transfers they are on.
                var destinations: [CountryCode] = []
                for code in facts.notices.map(\.destination) + facts.fears.map(\.destination) + facts.screenings.map(\.destination)
                    + transfers.map(\.record.destination) where !destinations.contains(code)
                {
                    destinations.append(code)
                }
                let decisions = destinations.compactMap { caseload.decide(id, state.destination($0, at: now, policy: view.policy, state: view)) }
                clients.append(
                    ClientRow(
                        id: id.rawValue,
                        verdicts: decisions.map { decision in
                            let deciding = decision.gates.first { $0.result == .fail } ?? decision.gates.first { $0.result == .pending }
                            return ClientRow.Verdict(
                                destination: view.network.countryName(decision.destination), verdict: decision.verdict.rawValue,
                                why: deciding.map { "\($0.gate.rawValue): \($0.reason)" } ?? "every gate passes")
                        },
                        deadline: decisions.compactMap(\.clears).filter { $0 > now }.min()?.description,
                        transfers: transfers.map {
                            ClientRow.Transfer(id: $0.id.rawValue, departs: $0.record.departs.description, status: $0.status.rawValue)
                        }))
            }
            // The latest events about them, newest first, from the recent log.
            let head = try await state.store.head().seq
            var after = Swift.max(0, head - 20_000)
            var latest: [EventFeed.Item] = []
            while after < head {
                let page = try await EventFeed.page(state, scope: scope, query: .init(after: after, types: nil, cases: nil, limit: 1_000))
                latest = Array((latest + page.items.filter { !($0.json["cases"]?.arrayValue ?? []).isEmpty }).suffix(20))
                guard page.next > after else { break }
                after = page.next
            }
            return (clients, latest)
        }()
        let rows: [[String: Any]] = clients.map { client in
            [
                "id": client.id, "href": "/cases/" + pathComponent(client.id),
                "verdicts": client.verdicts.map { ["destination": $0.destination, "verdict": $0.verdict, "why": $0.why] },
                "noDestination": client.verdicts.isEmpty, "deadline": client.deadline ?? "—",
                "transfers": client.transfers.map {
                    ["id": $0.id, "href": "/transfers/" + pathComponent($0.id), "departs": $0.departs, "status": $0.status]
                },
            ]
        }
        let events: [[String: Any]] = latest.reversed().map { item in
            var facts: [String] = []
            if let transfer = item.json["transfer"] {
                facts.append(
                    "transfer \(transfer["id"]?.stringValue ?? "") to \(transfer["destination"]?.stringValue ?? ""), departs \(transfer["departs"]?.stringValue ?? "")"
                )
            }
            if let verdict = item.json["verdict"]?["verdict"]?.stringValue { facts.append("verdict \(verdict)") }
            if let deadline = item.json["deadline"]?["earliestDeparture"]?.stringValue { facts.append("earliest lawful departure \(deadline)") }
            return [
                "seq": item.seq, "type": item.type, "at": item.json["recordedAt"]?.stringValue ?? "",
                "cases": (item.json["cases"]?.arrayValue ?? []).compactMap(\.stringValue).joined(separator: ", "),
                "facts": facts.joined(separator: "; "),
            ]
        }
        for client in clients { try await state.readLog.record(principal, caseID: CaseRecord.ID(client.id), route: "GET /clients") }
        var subscriptions: [[String: Any]] = []
        if let store = state.subscriptions {
            for subscription in try await store.subscriptions() where subscription.owner.tokenID == principal.tokenID {
                let last = try await store.deliveries(subscription: subscription.id, limit: 1).first
                let progress = subscription.progress
                subscriptions.append([
                    "id": subscription.id, "url": subscription.url,
                    "status": progress.pausedAt != nil
                        ? "paused: \(progress.pausedReason ?? "")" : (progress.failingSince != nil ? "retrying" : "active"),
                    "acknowledged": progress.acknowledged,
                    "last": last.map { "event \($0.seq), attempt \($0.attempt): " + ($0.error ?? "HTTP \($0.status ?? 0), acknowledged") }
                        ?? "nothing delivered yet",
                ])
            }
        }
        return html(
            request, context, "clients", title: "My clients",
            [
                "counsel": principal.counsel ?? "", "notCounsel": principal.counsel == nil, "rows": rows, "count": rows.count, "events": events,
                "subscriptions": subscriptions,
                "url": form?.url ?? "", "error": form?.error ?? "", "secret": form?.secret ?? "", "newID": form?.id ?? "", "now": now.description,
            ], status: status)
    }
}

/// One client of the "My clients" page, as worked out off the request's thread.
struct ClientRow: Sendable {
    struct Verdict: Sendable { var destination: String, verdict: String, why: String }
    struct Transfer: Sendable { var id: String, departs: String, status: String }
    var id: String
    var verdicts: [Verdict]
    var deadline: String?
    var transfers: [Transfer]
}
