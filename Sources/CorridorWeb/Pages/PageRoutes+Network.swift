import CorridorDomain
import CorridorRules
import CorridorServices
import CorridorStore
import Foundation
import Hummingbird

/// Home (the map), arrangements and the public report.
extension PageRoutes {
    static func networkPages<Store: EventStore>(_ state: AppState<Store>) -> [RouteSpec] {
        [
            RouteSpec(
                method: .get, path: "/", access: .anyone, tag: "pages",
                summary: "Home: the network map, flows by people moved and the headline figures", success: (200, "html")
            ) { request, context in
                let view = try await state.live.current()
                let report = try await PublicFigures.current(state, analyseCaseload: false).0
                let figures = try await HomeFigures.current(state)
                return html(
                    request, context, "home", title: "Network", home(view.network, report: report, figures: figures, today: state.clock().day))
            },
            RouteSpec(
                method: .get, path: "/arrangements", access: .anyone, tag: "pages", summary: "Arrangements, filtered",
                parameters: [
                    .query("partner", "Partner (ISO3)"), .query("status", "Latest status"), .query("kind", "Kind"),
                    .query("removingState", "Removing state (ISO3)"),
                ], success: (200, "html")
            ) { request, context in
                let view = try await state.live.current()
                let report = try await PublicFigures.current(state, analyseCaseload: false).0
                return html(
                    request, context, "arrangements", title: "Arrangements",
                    arrangements(request, view.network, report: report, today: state.clock().day))
            },
            RouteSpec(
                method: .get, path: "/arrangements/{id}", access: .anyone, tag: "pages",
                summary: "An arrangement: status timeline, terms, payments, sources, reported figures, accounting",
                parameters: [.path("id", "Arrangement id")], success: (200, "html")
            ) { request, context in
                let id = ArrangementRecord.ID(try context.pathParameter("id"))
                let view = try await state.live.current()
                let report = try await PublicFigures.current(state, analyseCaseload: false).0
                guard let arrangement = view.network.arrangements[id] else {
                    return message(
                        request, context, title: "No such arrangement", "No arrangement '\(id.rawValue.prefix(60))' is recorded.", status: .notFound)
                }
                return html(
                    request, context, "arrangement", title: arrangement.name ?? id.rawValue,
                    detail(arrangement, network: view.network, report: report, today: state.clock().day))
            },
            RouteSpec(
                method: .get, path: "/countries/{code}", access: .anyone, tag: "pages",
                summary: "A country: returns cooperation, risk assessments and flags with their sources, and its arrangements",
                parameters: [.path("code", "ISO 3166-1 alpha-3 code")], success: (200, "html")
            ) { request, context in
                let code = CountryCode(try context.pathParameter("code"))
                let view = try await state.live.current()
                let involved = view.network.sortedArrangements.filter { $0.partner == code || $0.removingState == code }
                guard view.network.countries[code] != nil || !involved.isEmpty else {
                    return message(
                        request, context, title: "No such country", "No country '\(code.rawValue.prefix(40))' is recorded in the network.",
                        status: .notFound)
                }
                let data = country(code, network: view.network, arrangements: involved, today: state.clock().day)
                return html(request, context, "country", title: view.network.countryName(code), data)
            },
            RouteSpec(
                method: .get, path: "/report", access: .anyone, tag: "pages",
                summary: "The public report: aggregate figures and charts, small counts suppressed", success: (200, "html")
            ) { request, context in
                let (report, network) = try await PublicFigures.current(state)
                return html(request, context, "report", title: "Public report", publicReport(report, network: network, today: state.clock().day))
            },
            RouteSpec(
                method: .get, path: "/report/files/{file}", access: .anyone, tag: "pages",
                summary:
                    "A public report download: report.html (standalone, opens offline), report.json, report.txt, TABLE.csv (e.g. arrangements.csv), codebook.md, codebook.json",
                parameters: [.path("file", "The file name")], success: (200, "text")
            ) { request, context in
                let name = try context.pathParameter("file")
                let (report, network) = try await PublicFigures.current(state)
                guard let (body, type) = PublicFigures.file(name, report: report, network: network) else {
                    return message(request, context, title: "No such file", "The public report has no file '\(name.prefix(60))'.", status: .notFound)
                }
                var response = Response.text(body, contentType: type)
                response.headers[.contentDisposition] = "attachment; filename=\"corridor-\(report.asOf)-\(name)\""
                response.headers[.cacheControl] = "no-store"
                return response
            },
        ]
    }

    /// The status that colours a partner: the most advanced of its arrangements' statuses today.
    static func partnerStatuses(_ network: Network, today: Day) -> [String: String] {
        let rank: [ArrangementStatusRecord.Status] = [.terminated, .proposed, .negotiating, .signed, .suspended, .active]
        var out: [String: ArrangementStatusRecord.Status] = [:]
        for arrangement in network.arrangements.values {
            guard let status = network.status(of: arrangement.id, on: today)?.status ?? network.latestStatus(of: arrangement.id)?.status else {
                continue
            }
            let code = arrangement.partner.rawValue
            if let existing = out[code], rank.firstIndex(of: existing)! >= rank.firstIndex(of: status)! { continue }
            out[code] = status
        }
        return out.mapValues(\.rawValue)
    }

    /// Where each partner on the map leads: a partner with one arrangement opens it; one with
    /// several, or still in talks (proposed or negotiating), opens its country page, which lists
    /// its arrangements.
    static func partnerLinks(_ network: Network, statuses: [String: String]) -> [String: WorldMap.Link] {
        var links: [String: WorldMap.Link] = [:]
        for (code, arrangements) in Dictionary(grouping: network.arrangements.values, by: \.partner.rawValue) {
            let status = statuses[code] ?? "no status"
            let name = network.countryName(CountryCode(code))
            let inTalks = status == ArrangementStatusRecord.Status.proposed.rawValue || status == ArrangementStatusRecord.Status.negotiating.rawValue
            if arrangements.count == 1, !inTalks, let only = arrangements.first {
                links[code] = .init(
                    href: "/arrangements/" + pathComponent(only.id.rawValue), label: "\(name), \(status): \(only.name ?? only.id.rawValue)")
            } else {
                links[code] = .init(
                    href: "/countries/" + pathComponent(code),
                    label: "\(name), \(status): \(arrangements.count == 1 ? "1 arrangement" : "\(arrangements.count) arrangements")")
            }
        }
        return links
    }

    /// A reported figure for a page: its text and, for a hover title, its sources.
    static func reportedFigure(_ f: ReportedFigures.Figure?, money symbol: String? = nil) -> [String: Any] {
        guard let f else { return ["text": "—", "sources": "", "has": false] }
        let text = symbol.map { s in f.text { ReportedFigures.amount($0, symbol: s) } } ?? f.text(ReportedFigures.count)
        return ["text": text, "sources": f.sourcesText, "has": true, "range": f.isRange]
    }

    /// The recorded people-moved cell of an arrangement as the public report shows it.
    static func recordedCell(_ report: PublicReport, _ id: ArrangementRecord.ID, _ column: String = "recordedPeopleMoved") -> PublicTable.Cell {
        guard let table = report.table("arrangements"), let row = table.row(where: "arrangement", is: id.rawValue) else { return .integer(0) }
        return table.cell(row, column) ?? .empty
    }

    static func home(_ network: Network, report: PublicReport, figures: HomeFigures, today: Day) -> [String: Any] {
        let statuses = partnerStatuses(network, today: today)
        let removing = Set(network.arrangements.values.map(\.removingState.rawValue))
        var flows: [WorldMap.Flow] = []
        var rows: [[String: Any]] = []
        var drawnFromReported = 0
        for arrangement in network.sortedArrangements {
            let recorded = recordedCell(report, arrangement.id)
            let reported = report.reported.line(arrangement.id)?.peopleMoved
            let name = arrangement.name ?? arrangement.id.rawValue
            let href = "/arrangements/" + pathComponent(arrangement.id.rawValue)
            // Drawn from what this store recorded; from what sources report where it recorded
            // nobody. A hidden recorded count draws as the threshold, so the width gives nothing away.
            let route = "\(network.countryName(arrangement.removingState)) → \(network.countryName(arrangement.partner))"
            var people = 0
            var label: String
            switch recorded {
            case .integer(let n) where n > 0:
                people = n
                label = "\(route): \(n.grouped) people moved, recorded (\(name))"
            case .small, .suppressed:
                people = PublicReport.threshold
                label = "\(route): \(recorded.text) people moved, recorded (\(name))"
            default:
                people = Int((reported?.high ?? 0).rounded())
                label =
                    "\(route): \(reported.map { $0.text(ReportedFigures.count) } ?? "0") people moved, reported (\(name); \(reported?.sourcesText ?? "no figure"))"
                if people > 0 { drawnFromReported += 1 }
            }
            flows.append(.init(from: arrangement.removingState.rawValue, to: arrangement.partner.rawValue, people: people, label: label, href: href))
            let line = report.reported.line(arrangement.id)
            rows.append([
                "from": arrangement.removingState.rawValue, "partner": network.countryName(arrangement.partner), "name": name,
                "href": href, "partnerHref": "/countries/" + pathComponent(arrangement.partner.rawValue),
                "status": network.status(of: arrangement.id, on: today)?.status.rawValue ?? network.latestStatus(of: arrangement.id)?.status.rawValue
                    ?? "—",
                "reported": reportedFigure(reported), "moved": recorded.display,
                "costPerPerson": line?.costPerPersonMoved.first.map {
                    ["text": $0.text(), "sources": $0.figure.sourcesText, "has": true] as [String: Any]
                }
                    ?? (line?.paidNobodyMoved == true
                        ? ["text": "paid, nobody moved", "sources": line?.payments.first?.figure.sourcesText ?? "", "has": true]
                        : ["text": "—", "sources": "", "has": false])
                    ,
            ])
        }
        let h = report.headline
        let active = network.arrangements.values.filter { network.status(of: $0.id, on: today)?.status == .active }.count
        let description =
            "Equirectangular world map. \(network.arrangements.count) arrangements with \(statuses.count) partner countries, coloured by status; "
            + "lines from each removing state to its partners grow with the people moved (as recorded here, else as reported by public sources). The table below lists every flow."
        let map = WorldMap.shared.svg(
            partnerStatus: statuses, removing: removing, flows: flows,
            links: partnerLinks(network, statuses: statuses), description: description)
        let legend: [[String: Any]] =
            WorldMap.statusColours.map { ["colour": $0.colour, "label": $0.label] }
            + WorldMap.removingColours.sorted(by: { $0.key < $1.key }).filter { removing.contains($0.key) }
            .map { ["colour": $0.value, "label": "Removing state: \(network.countryName(CountryCode($0.key)))"] }
        let paid = h.reportedPaid
        var figuresList: [[String: Any]] = [
            [
                "value": reportedFigure(h.reportedPeopleMoved)["text"]!, "label": "people moved, reported by public sources",
                "sources": h.reportedPeopleMoved?.sourcesText ?? "",
                "summary": h.reportedPeopleMoved?.sourcesSummary ?? "", "kind": "reported",
            ],
            ["value": h.recordedPeopleMoved.display, "label": "people moved, recorded here (departures)", "sources": "", "kind": "recorded"],
        ]
        if let paid {
            figuresList.append([
                "value": reportedFigure(paid.costPerPersonMoved, money: "$")["text"]!,
                "label":
                    "cost per person moved, reported: \(reportedFigure(paid.payments, money: "$")["text"]!) paid to \(paid.arrangements.count) partners for \(reportedFigure(paid.peopleMoved)["text"]!) people",
                "sources": paid.costPerPersonMoved?.sourcesText ?? "", "summary": paid.costPerPersonMoved?.sourcesSummary ?? "", "kind": "reported",
            ])
        }
        var recordedCost = h.recordedCostPerPersonUSD.text.isEmpty ? "—" : h.recordedCostPerPersonUSD.text
        if case .decimal(let value, _) = h.recordedCostPerPersonUSD { recordedCost = dollars(value) }
        figuresList.append([
            "value": recordedCost,
            "label": "cost per person moved, recorded here", "sources": "", "kind": "recorded",
        ])
        figuresList += [
            [
                "value": reportedFigure(h.reportedOnwardReturns)["text"]!, "label": "onward returns, reported",
                "sources": h.reportedOnwardReturns?.sourcesText ?? "",
                "summary": h.reportedOnwardReturns?.sourcesSummary ?? "", "kind": "reported",
            ],
            ["value": h.recordedOnwardReturns.text, "label": "onward returns, recorded here", "sources": "", "kind": "recorded"],
            ["value": count(active), "label": "arrangements active today", "sources": "", "kind": "recorded"],
        ]
        return [
            "description":
                "A map of the third-country transfer network: \(network.arrangements.count) arrangements with \(statuses.count) partner countries, "
                + "coloured by status, with the people moved and the cost per person as public sources report them and as recorded here, and the people each legal gate blocks.",
            "map": map, "legend": legend, "flows": rows, "today": today.description,
            "drawnFromReported": drawnFromReported, "someFromReported": drawnFromReported > 0,
            "figures": figuresList,
            "blocked": figures.blockedBy.filter { $0.people > 0 }.map { ["gate": $0.gate.rawValue, "people": publicCount($0.people)] },
            "blockedEverywhere": publicCount(figures.blockedEverywhere), "caseload": count(figures.total),
            "partnerCount": figures.partners.count, "policy": figures.policy,
        ]
    }

    static func country(_ code: CountryCode, network: Network, arrangements: [ArrangementRecord], today: Day) -> [String: Any] {
        let record = network.countries[code]
        let name = network.countryName(code)
        func risk(_ r: CountryRecord.Risk) -> [String: Any] {
            [
                "score": String(format: "%.2f", r.score), "basis": r.basis, "source": r.source, "assessedOn": r.assessedOn.description,
                "edition": r.edition ?? "",
            ]
        }
        let rows: [[String: Any]] = arrangements.map { a in
            let status = network.status(of: a.id, on: today)?.status ?? network.latestStatus(of: a.id)?.status
            return [
                "href": "/arrangements/" + pathComponent(a.id.rawValue), "name": a.name ?? a.id.rawValue, "id": a.id.rawValue,
                "role": a.partner == code
                    ? "partner of \(network.countryName(a.removingState))" : "removing state, to \(network.countryName(a.partner))",
                "kind": a.kind.rawValue, "status": status?.rawValue ?? "—", "since": network.latestStatus(of: a.id)?.on.description ?? "",
            ]
        }
        var description =
            "\(name) in the third-country transfer network: \(arrangements.count == 1 ? "1 arrangement" : "\(arrangements.count) arrangements")"
        if let returns = record?.returns { description += "; returns cooperation: \(returns.rawValue)" }
        if let r = record?.risk { description += "; human-rights risk \(String(format: "%.2f", r.score)) (\(r.assessedOn))" }
        return [
            "name": name, "code": code.rawValue, "description": description + ".", "openGraph": true,
            "returns": record?.returns?.rawValue ?? "", "returnsBasis": record?.returnsAssessment?.basis ?? "",
            "returnsSource": record?.returnsAssessment?.source ?? "", "returnsAsOf": record?.returnsAssessment?.asOf.description ?? "",
            "risk": record?.risk.map(risk) ?? [:], "hasRisk": record?.risk != nil,
            "conflicting": record?.risk?.conflicting.map(risk) ?? [], "hasConflicting": record?.risk?.conflicting.isEmpty == false,
            "hasFlags": record?.flags.isEmpty == false,
            "flags": record?.flags.map { ["note": $0.note, "source": $0.source] } ?? [],
            "arrangements": rows, "apiHref": "/api/v1/countries/" + pathComponent(code.rawValue),
        ]
    }

    static func arrangements(_ request: Request, _ network: Network, report: PublicReport, today: Day) -> [String: Any] {
        let partner = request.query("partner"), status = request.query("status"), kind = request.query("kind"),
            removing = request.query("removingState")
        var rows: [[String: Any]] = []
        for arrangement in network.sortedArrangements {
            let latest = network.latestStatus(of: arrangement.id)
            if let partner, partner != arrangement.partner.rawValue { continue }
            if let kind, kind != arrangement.kind.rawValue { continue }
            if let removing, removing != arrangement.removingState.rawValue { continue }
            if let status, status != latest?.status.rawValue { continue }
            let reported = report.reported.line(arrangement.id)
            let cost = recordedCell(report, arrangement.id, "recordedTotalCostUSD")
            rows.append([
                "href": "/arrangements/" + pathComponent(arrangement.id.rawValue), "id": arrangement.id.rawValue,
                "name": arrangement.name ?? arrangement.id.rawValue,
                "from": network.countryName(arrangement.removingState), "partner": network.countryName(arrangement.partner),
                "kind": arrangement.kind.rawValue,
                "status": latest?.status.rawValue ?? "—", "since": latest?.on.description ?? "",
                "moved": recordedCell(report, arrangement.id).display,
                "reported": reportedFigure(reported?.peopleMoved),
                "paid": reported?.payments.first.map { ["text": $0.text(), "sources": $0.figure.sourcesText, "has": true] as [String: Any] } ?? [
                    "text": "—", "sources": "", "has": false,
                ],
                "cost": { if case .decimal(let d, _) = cost { return dollars(d) } else { return cost == .withheld ? "withheld" : "—" } }(),
                "sources": arrangement.sources.count,
            ])
        }
        let partners = Set(network.arrangements.values.map(\.partner.rawValue)).sorted()
        let removingStates = Set(network.arrangements.values.map(\.removingState.rawValue)).sorted()
        let names = Dictionary(uniqueKeysWithValues: (partners + removingStates).map { ($0, network.countryName(CountryCode($0))) })
        return [
            "description":
                "Every recorded third-country transfer arrangement, with its partner, kind, latest status, people moved and payments as reported by public sources and as recorded here, and its sources.",
            "rows": rows, "count": rows.count, "total": network.arrangements.count,
            "partners": options(partners, selected: partner, labels: names),
            "statuses": options(ArrangementStatusRecord.Status.allCases.map(\.rawValue), selected: status),
            "kinds": options(ArrangementRecord.Kind.allCases.map(\.rawValue), selected: kind),
            "removingStates": options(removingStates, selected: removing, labels: names),
        ]
    }

    static func detail(_ a: ArrangementRecord, network: Network, report: PublicReport, today: Day) -> [String: Any] {
        let line = report.recorded.lines.first { $0.arrangement == a.id }
        let reportedLine = report.reported.line(a.id)
        var terms: [[String: String]] = []
        func term(_ label: String, _ value: String?) { if let value { terms.append(["label": label, "value": value]) } }
        let t = a.terms
        term("Capacity (total)", t.capacityTotal.map { count($0) })
        term("Capacity (per month)", t.capacityPerMonth.map { count($0) })
        switch t.nationalities {
        case .any?: term("Nationalities", "any")
        case .only(let codes)?: term("Nationalities", codes.map { network.countryName($0) }.joined(separator: ", "))
        case nil: break
        }
        if !t.excludedNationalities.isEmpty {
            term("Excluded nationalities", t.excludedNationalities.map { network.countryName($0) }.joined(separator: ", "))
        }
        func yesNo(_ value: Bool?) -> String? { value.map { $0 ? "yes" : "no" } }
        term("Excludes minors", yesNo(t.excludesMinors))
        term("Excludes families", yesNo(t.excludesFamilies))
        term("Excludes people with a criminal record", yesNo(t.excludesCriminalRecord))
        term("Requires a criminal record", yesNo(t.requiresCriminalRecord))
        term("Host handling", t.hostHandling.map { $0.map(\.rawValue).joined(separator: ", ") })
        if let s = t.assurances {
            term("Assurance: non-return", yesNo(s.nonReturn)); term("Assurance: humane treatment", yesNo(s.humaneTreatment))
            term("Assurances binding", yesNo(s.binding)); term("Credible finding on assurances", yesNo(s.credibleFinding))
        }
        term("Notes", t.notes)
        let history = network.statusHistory[a.id] ?? []
        let latest = history.last
        func cell(_ column: String) -> String {
            let c = recordedCell(report, a.id, column)
            switch c {
            case .decimal(let d, let places): return places == 0 ? dollars(d) : percent(d)
            case .empty: return "—"
            default: return c.text
            }
        }
        var description =
            "\(a.name ?? a.id.rawValue): \(a.kind.rawValue) arrangement, \(network.countryName(a.removingState)) → \(network.countryName(a.partner))"
        if let latest { description += ", \(latest.status.rawValue) since \(latest.on)" }
        description += ". Terms, dated status timeline, reported figures, payments and sources."
        return [
            "description": description, "openGraph": true,
            "name": a.name ?? a.id.rawValue, "id": a.id.rawValue, "kind": a.kind.rawValue,
            "from": network.countryName(a.removingState), "partner": network.countryName(a.partner),
            "status": latest?.status.rawValue ?? "—", "activeToday": network.status(of: a.id, on: today)?.status == .active,
            "today": today.description,
            "timeline": history.map {
                [
                    "status": $0.status.rawValue, "on": $0.on.description, "reason": $0.reason ?? "", "source": $0.source ?? "",
                    "sourceIsLink": ($0.source ?? "").hasPrefix("http"),
                ]
            },
            "terms": terms,
            "lumpSum": dollars(t.payment?.lumpSumUSD), "perPerson": dollars(t.payment?.perPersonUSD),
            "sources": a.sources.map {
                ["title": $0.title, "url": $0.url ?? "", "date": $0.date?.description ?? "undated", "isLink": $0.url != nil]
            },
            "reported": a.reported.map {
                [
                    "metric": $0.metric, "value": $0.value == $0.value.rounded() ? $0.value.groupedWhole : String($0.value),
                    "asOf": $0.asOf.description, "source": $0.source, "note": $0.note ?? "", "conflict": $0.conflict,
                ]
            },
            "hasConflict": a.reported.contains { $0.conflict },
            "benefits": t.benefits.map { ["kind": $0.kind.rawValue, "description": $0.description, "source": $0.source] },
            "hasBenefits": !t.benefits.isEmpty,
            // What sources report, derived by the public report's rules (ranges where they conflict).
            "reportedSummary": reportedSummary(reportedLine),
            // Counted from recorded transfers, and shown as the public report shows them: counts
            // from 1 to 4 as "<5", counts that could be worked out from others "suppressed", and
            // what is computed from such a count withheld.
            "accounting": [
                ["label": "Transfers", "value": count(line?.transfers ?? 0)], ["label": "People moved", "value": cell("recordedPeopleMoved")],
                ["label": "Seats", "value": count(line?.seats ?? 0)],
                ["label": "Load factor", "value": cell("recordedLoadFactor")],
                ["label": "Lump sum (recorded terms)", "value": dollars(line?.lumpSumUSD ?? t.payment?.lumpSumUSD)],
                ["label": "Total cost", "value": cell("recordedTotalCostUSD")],
                ["label": "Cost per person moved", "value": cell("recordedCostPerPersonUSD")],
                ["label": "Onward returns", "value": "\(cell("recordedOnwardReturns")) (\(cell("recordedOnwardReturnRate")))"],
                ["label": "Incidents", "value": cell("recordedIncidents")],
            ],
        ]
    }

    /// An arrangement's reported figures as rows: the figure, and its sources and as-of date.
    static func reportedSummary(_ line: ReportedFigures.Line?) -> [[String: Any]] {
        guard let line else { return [] }
        var rows: [[String: Any]] = []
        func add(_ label: String, _ text: String, _ figure: ReportedFigures.Figure?) {
            guard let figure else { return }
            rows.append(["label": label, "value": text, "sources": figure.sourcesText, "range": figure.isRange])
        }
        add("People moved", line.peopleMoved?.text(ReportedFigures.count) ?? "", line.peopleMoved)
        add("Onward returns", line.onwardReturns?.text(ReportedFigures.count) ?? "", line.onwardReturns)
        if let rate = line.onwardReturnRate, let onward = line.onwardReturns {
            let text = rate.low == rate.high ? percent(rate.low) : "\(percent(rate.low))–\(percent(rate.high))"
            rows.append([
                "label": "Onward-return rate", "value": text, "sources": "reported returns over reported people moved; " + onward.sourcesText,
                "range": rate.low != rate.high,
            ])
        }
        for money in line.payments { add("Paid to the partner (\(money.currency))", money.text(), money.figure) }
        for money in line.totalCosts { add("Total cost (\(money.currency))", money.text(), money.figure) }
        for money in line.programmePayments { add("Wider programme (\(money.currency), not divided by these people)", money.text(), money.figure) }
        for money in line.costPerPersonMoved { add("Cost per person moved (\(money.currency))", money.text(), money.figure) }
        if line.paidNobodyMoved {
            rows.append([
                "label": "Cost per person moved", "value": "paid, nobody moved", "sources": line.payments.first?.figure.sourcesText ?? "",
                "range": false,
            ])
        }
        return rows
    }

    static func publicReport(_ report: PublicReport, network: Network, today: Day) -> [String: Any] {
        let threshold = PublicReport.threshold
        let h = report.headline
        var rows: [[String: Any]] = []
        var movedBars: [SVGChart.Bar] = []
        var reportedBars: [SVGChart.Bar] = []
        var costBars: [SVGChart.Bar] = []
        let table = report.table("arrangements")
        for line in report.reported.lines {
            let moved = recordedCell(report, line.arrangement)
            let hasRecorded = moved != .integer(0) && moved != .empty
            guard line.peopleMoved != nil || !line.payments.isEmpty || !line.totalCosts.isEmpty || !line.programmePayments.isEmpty || hasRecorded
            else { continue }
            let label = "\(network.countryName(line.partner)) (\(line.removingState.rawValue))"
            let perPerson = line.costPerPersonMoved.first
            rows.append([
                "name": line.name, "href": "/arrangements/" + pathComponent(line.arrangement.rawValue), "partner": network.countryName(line.partner),
                "reported": reportedFigure(line.peopleMoved),
                "paid": (line.payments.first ?? line.totalCosts.first ?? line.programmePayments.first).map {
                    [
                        "text": $0.text() + (line.payments.isEmpty ? (line.totalCosts.isEmpty ? " (programme)" : " (total cost)") : ""),
                        "sources": $0.figure.sourcesText, "has": true,
                    ] as [String: Any]
                } ?? ["text": "—", "sources": "", "has": false],
                "perPerson": perPerson.map { ["text": $0.text(), "sources": $0.figure.sourcesText, "has": true] as [String: Any] }
                    ?? [
                        "text": line.paidNobodyMoved ? "paid, nobody moved" : "—", "sources": line.payments.first?.figure.sourcesText ?? "",
                        "has": line.paidNobodyMoved,
                    ],
                "onward": reportedFigure(line.onwardReturns),
                "benefits": line.benefits.map { "\($0.kind.rawValue): \($0.description)" }.joined(separator: "; "),
                "moved": moved.display,
                "recordedCost": { () -> String in
                    let c = recordedCell(report, line.arrangement, "recordedCostPerPersonUSD")
                    if case .decimal(let d, _) = c { return dollars(d) }
                    return c == .empty ? "—" : c.text
                }(),
            ])
            if let people = line.peopleMoved, people.high > 0 {
                reportedBars.append(SVGChart.Bar(label: label, value: people.high, suppressed: false, text: people.text(ReportedFigures.count)))
            }
            if let perPerson, perPerson.currency == "USD" {
                costBars.append(SVGChart.Bar(label: label, value: perPerson.figure.high, suppressed: false, text: perPerson.text()))
            }
            switch moved {
            case .integer(let n) where n > 0: movedBars.append(SVGChart.Bar(label: label, value: Double(n), suppressed: false, text: n.grouped))
            case .small, .suppressed: movedBars.append(SVGChart.Bar(label: label, value: 0, suppressed: true, text: moved.text))
            default: break
            }
        }
        _ = table
        // The stranded caseload, by nationality.
        var stranded: [[String: Any]] = []
        if let t = report.table("stranded"), let c = report.table("stranded-candidates") {
            for row in t.rows {
                let code = row[0].text
                let candidates = c.rows.filter { $0[0].text == code }.map { r -> String in
                    let gate = r[5].text
                    return "\(network.countryName(CountryCode(r[1].text))): " + (gate.isEmpty ? "waiting" : "\(gate) (\(r[6].text))")
                }
                stranded.append([
                    "nationality": row[1].text, "stranded": row[3].display, "blockedEverywhere": row[4].display, "waiting": row[5].display,
                    "candidates": row[6].display, "gates": candidates.joined(separator: "; "),
                ])
            }
        }
        let mix: [[String: Any]] =
            report.table("verdict-mix")?.rows.map { r in
                [
                    "policy": r[0].text, "active": r[2].text == "yes", "caseload": r[3].display, "allowed": r[4].display, "waiting": r[5].display,
                    "blocked": r[6].display,
                ]
            } ?? []
        let pipeline: [[String: Any]] =
            report.table("pipeline")?.rows.map { ["measure": $0[0].text, "people": $0[1].display, "definition": $0[2].text] } ?? []
        let active = network.arrangements.values.filter { network.status(of: $0.id, on: today)?.status == .active }.count
        let downloads: [[String: Any]] =
            PublicFigures.downloads.map { ["href": "/report/files/" + $0.name, "label": $0.label, "name": $0.name] }
            + report.tables.map { ["href": "/report/files/\($0.name).csv", "label": "\($0.title) (CSV)", "name": "\($0.name).csv"] }
        let paid = h.reportedPaid
        var figures: [[String: Any]] = [
            ["value": count(network.arrangements.count), "label": "arrangements recorded", "sources": ""],
            ["value": count(active), "label": "active today", "sources": ""],
            [
                "value": reportedFigure(h.reportedPeopleMoved)["text"]!, "label": "people moved, reported",
                "sources": h.reportedPeopleMoved?.sourcesText ?? "",
            ],
            ["value": h.recordedPeopleMoved.display, "label": "people moved, recorded here", "sources": ""],
        ]
        if let paid {
            figures.append([
                "value": reportedFigure(paid.payments, money: "$")["text"]!, "label": "paid to \(paid.arrangements.count) partners, reported (USD)",
                "sources": paid.payments.sourcesText,
            ])
            figures.append([
                "value": reportedFigure(paid.costPerPersonMoved, money: "$")["text"]!, "label": "cost per person moved, reported (USD)",
                "sources": paid.costPerPersonMoved?.sourcesText ?? "",
            ])
        }
        figures.append([
            "value": reportedFigure(h.reportedOnwardReturns)["text"]!, "label": "onward returns, reported",
            "sources": h.reportedOnwardReturns?.sourcesText ?? "",
        ])
        figures.append(["value": h.recordedOnwardReturns.text, "label": "onward returns, recorded here", "sources": ""])
        if let s = report.table("totals")?.rows.first(where: { $0[0] == .text("stranded") }) {
            figures.append(["value": s[5].display, "label": "people stranded today (no lawful destination)", "sources": ""])
        }
        return [
            "description":
                "The public record in numbers as of \(today): people moved, payments and cost per person as public sources report them and as recorded here, the stranded caseload and the verdict mix, small counts suppressed.",
            "asOf": today.description, "rows": rows, "hasRows": !rows.isEmpty, "figures": figures,
            "reportedChart": SVGChart.bars(
                id: "reported", title: "People moved per arrangement, as reported by public sources",
                description:
                    "Horizontal bars to the highest reported figure; the text gives the range where sources disagree. The same figures, with sources, are in the table below.",
                bars: reportedBars.sorted { $0.value > $1.value }),
            "costChart": costBars.isEmpty
                ? ""
                : SVGChart.bars(
                    id: "cost", title: "Cost per person moved, as reported (US dollars)",
                    description: "Reported payments over reported people moved, bars to the highest figure of each range.",
                    bars: costBars.sorted { $0.value > $1.value }),
            "movedChart": SVGChart.bars(
                id: "moved", title: "People moved per arrangement, as recorded here",
                description:
                    "Horizontal bars, one per arrangement with recorded departures; counts from 1 to \(threshold - 1) are shown as <\(threshold) and counts that could be worked out from others as suppressed, with no bar.",
                bars: movedBars),
            "stranded": stranded, "hasStranded": !stranded.isEmpty, "mix": mix, "pipeline": pipeline, "policy": report.policy,
            "downloads": downloads, "threshold": threshold, "belowThreshold": threshold - 1,
        ]
    }
}
