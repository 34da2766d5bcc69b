import CorridorDomain
import CorridorRules
import CorridorServices
import CorridorStore
import Hummingbird

/// Countries and arrangements: the public facts of the network, with sources and dates, open to
/// anyone (they come from public reporting; nothing here is about a person).
enum NetworkRoutes {
    static func routes<Store: EventStore>(_ state: AppState<Store>) -> [RouteSpec] {
        [
            RouteSpec(
                method: .get, path: "/api/v1/countries", access: .anyone, tag: "network",
                summary: "Countries with returns cooperation and risk assessments", success: (200, "CountryList")
            ) { _, _ in
                let view = try await state.live.current()
                let events = try await state.store.networkEvents()
                let countries = events.filter { $0.type == "country" }.map(APIValues.payload)
                return .json(.object(["countries": .array(countries), "count": .number(Double(view.network.countries.count))]))
            },
            RouteSpec(
                method: .get, path: "/api/v1/countries/{code}", access: .anyone, tag: "network",
                summary: "One country", parameters: [.path("code", "ISO 3166-1 alpha-3 code")], success: (200, "Country")
            ) { _, context in
                let code = try context.pathParameter("code")
                let events = try await state.store.networkEvents()
                guard let event = events.last(where: { $0.type == "country" && APIValues.payload($0)["code"]?.stringValue == code }) else {
                    throw Problem.notFound("no country '\(code.prefix(40))' is recorded", code: "unknown-country")
                }
                return .json(APIValues.payload(event))
            },
            RouteSpec(
                method: .get, path: "/api/v1/arrangements", access: .anyone, tag: "network",
                summary: "Arrangements with their current status",
                parameters: [
                    .query("partner", "Filter by partner (ISO3)"), .query("status", "Filter by latest status"),
                    .query("kind", "Filter by kind"), .query("removingState", "Filter by removing state (ISO3)"),
                    .query(
                        "since",
                        "Only arrangements that changed on or after this day (YYYY-MM-DD): new, a status change or a reported figure dated then or later, as in /feeds/network.atom"
                    ),
                ],
                success: (200, "ArrangementList")
            ) { request, _ in
                let since = try APIValues.since(request)
                _ = try APIValues.country(request, "partner", required: false)
                _ = try APIValues.country(request, "removingState", required: false)
                if let status = request.query("status"), ArrangementStatusRecord.Status(rawValue: status) == nil {
                    throw Problem.badRequest(
                        "query parameter 'status' must be one of \(ArrangementStatusRecord.Status.allCases.map(\.rawValue).joined(separator: ", "))",
                        code: "invalid-parameter")
                }
                if let kind = request.query("kind"), ArrangementRecord.Kind(rawValue: kind) == nil {
                    throw Problem.badRequest(
                        "query parameter 'kind' must be one of \(ArrangementRecord.Kind.allCases.map(\.rawValue).joined(separator: ", "))",
                        code: "invalid-parameter")
                }
                let view = try await state.live.current()
                let report = try await PublicFigures.current(state, analyseCaseload: false).0
                let today = state.clock().day
                var changed: Set<ArrangementRecord.ID>?
                if let since {
                    let changes = try await NetworkChanges.of(try await state.store.networkEvents())
                    changed = Set(changes.filter { $0.day >= since }.compactMap(\.arrangement))
                }
                var items: [JSONValue] = []
                for arrangement in view.network.sortedArrangements {
                    if let changed, !changed.contains(arrangement.id) { continue }
                    let latest = view.network.latestStatus(of: arrangement.id)
                    if let partner = request.query("partner"), partner != arrangement.partner.rawValue { continue }
                    if let kind = request.query("kind"), kind != arrangement.kind.rawValue { continue }
                    if let removing = request.query("removingState"), removing != arrangement.removingState.rawValue { continue }
                    if let status = request.query("status"), status != latest?.status.rawValue { continue }
                    items.append(summary(arrangement, network: view.network, today: today, report: report))
                }
                return .json(.object(["arrangements": .array(items), "count": .number(Double(items.count))]))
            },
            RouteSpec(
                method: .get, path: "/api/v1/arrangements/{id}", access: .anyone, tag: "network",
                summary: "One arrangement: status history, terms, sources, reported figures and accounting",
                parameters: [.path("id", "Arrangement id")], success: (200, "Arrangement")
            ) { _, context in
                let id = ArrangementRecord.ID(try context.pathParameter("id"))
                let view = try await state.live.current()
                guard let arrangement = view.network.arrangements[id] else {
                    throw Problem.notFound("no arrangement '\(id.rawValue.prefix(60))' is recorded", code: "unknown-arrangement")
                }
                let events = try await state.store.networkEvents()
                let record =
                    events.last { $0.type == "arrangement" && APIValues.payload($0)["id"]?.stringValue == id.rawValue }.map(APIValues.payload)
                    ?? .null
                let history = events.filter { $0.type == "arrangement-status" && APIValues.payload($0)["arrangement"]?.stringValue == id.rawValue }
                    .map(APIValues.payload)
                let report = try await PublicFigures.current(state, analyseCaseload: false).0
                var object = summary(arrangement, network: view.network, today: state.clock().day, report: report)
                if case .object(var fields) = object {
                    fields["record"] = record
                    fields["statusHistory"] = .array(history)
                    object = .object(fields)
                }
                return .json(object)
            },
        ]
    }

    static func summary(_ arrangement: ArrangementRecord, network: Network, today: Day, report: PublicReport) -> JSONValue {
        let latest = network.latestStatus(of: arrangement.id)
        var object: [String: JSONValue] = [
            "id": .string(arrangement.id.rawValue), "partner": .string(arrangement.partner.rawValue),
            "partnerName": .string(network.countryName(arrangement.partner)), "kind": .string(arrangement.kind.rawValue),
            "removingState": .string(arrangement.removingState.rawValue), "name": .string(arrangement.name ?? arrangement.id.rawValue),
            "status": latest.map { .string($0.status.rawValue) } ?? .null, "statusSince": latest.map { .string($0.on.description) } ?? .null,
            "activeToday": .bool(network.status(of: arrangement.id, on: today)?.status == .active),
            "sources": .number(Double(arrangement.sources.count)),
        ]
        // What public sources report (never suppressed: public already), with every citation.
        if let line = report.reported.line(arrangement.id) {
            var reported: [String: JSONValue] = [
                "peopleMoved": PublicReport.figureJSON(line.peopleMoved), "onwardReturns": PublicReport.figureJSON(line.onwardReturns),
                "payments": .array(line.payments.map { PublicReport.figureJSON($0.figure, currency: $0.currency) }),
                "totalCosts": .array(line.totalCosts.map { PublicReport.figureJSON($0.figure, currency: $0.currency) }),
                "costPerPersonMoved": .array(line.costPerPersonMoved.map { PublicReport.figureJSON($0.figure, currency: $0.currency) }),
                "paidNobodyMoved": .bool(line.paidNobodyMoved),
            ]
            if let rate = line.onwardReturnRate { reported["onwardReturnRate"] = .object(["low": .number(rate.low), "high": .number(rate.high)]) }
            object["reported"] = .object(reported)
        }
        // Counted from recorded transfers, and suppressed as in the public report: counts from 1
        // to 4 are "<5", counts that could be worked out from others "suppressed", and what is
        // computed from such a count withheld (null).
        func cell(_ column: String) -> JSONValue {
            switch PageRoutes.recordedCell(report, arrangement.id, column) {
            case .withheld, .empty: .null
            case let other: other.json
            }
        }
        let line = report.recorded.lines.first { $0.arrangement == arrangement.id }
        object["accounting"] = .object([
            "peopleMoved": cell("recordedPeopleMoved"), "transfers": .number(Double(line?.transfers ?? 0)),
            "lumpSumUSD": .number(arrangement.terms.payment?.lumpSumUSD ?? 0),
            "totalCostUSD": cell("recordedTotalCostUSD"), "costPerPersonMovedUSD": cell("recordedCostPerPersonUSD"),
            "loadFactor": cell("recordedLoadFactor"), "onwardReturnRate": cell("recordedOnwardReturnRate"),
            "onwardReturns": cell("recordedOnwardReturns"), "incidents": cell("recordedIncidents"),
        ])
        return .object(object)
    }
}
