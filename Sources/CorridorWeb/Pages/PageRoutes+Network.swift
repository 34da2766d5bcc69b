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
            RouteSpec(method: .get, path: "/", access: .anyone, tag: "pages",
                      summary: "Home: the network map, flows by people moved and the headline figures", success: (200, "html")) { request, context in
                let view = try await state.live.current()
                let report = try await OperationsReport.build(store: state.store)
                let figures = try await HomeFigures.current(state)
                return html(request, context, "home", title: "Network", home(view.network, report: report, figures: figures, today: state.clock().day))
            },
            RouteSpec(method: .get, path: "/arrangements", access: .anyone, tag: "pages", summary: "Arrangements, filtered",
                      parameters: [.query("partner", "Partner (ISO3)"), .query("status", "Latest status"), .query("kind", "Kind"),
                                   .query("removingState", "Removing state (ISO3)")], success: (200, "html")) { request, context in
                let view = try await state.live.current()
                let report = try await OperationsReport.build(store: state.store)
                return html(request, context, "arrangements", title: "Arrangements", arrangements(request, view.network, report: report, today: state.clock().day))
            },
            RouteSpec(method: .get, path: "/arrangements/{id}", access: .anyone, tag: "pages",
                      summary: "An arrangement: status timeline, terms, payments, sources, reported figures, accounting",
                      parameters: [.path("id", "Arrangement id")], success: (200, "html")) { request, context in
                let id = ArrangementRecord.ID(try context.pathParameter("id"))
                let view = try await state.live.current()
                let report = try await OperationsReport.build(store: state.store)
                guard let arrangement = view.network.arrangements[id] else {
                    return message(request, context, title: "No such arrangement", "No arrangement '\(id.rawValue.prefix(60))' is recorded.", status: .notFound)
                }
                return html(request, context, "arrangement", title: arrangement.name ?? id.rawValue,
                            detail(arrangement, network: view.network, line: report.lines.first { $0.arrangement == id }, today: state.clock().day))
            },
            RouteSpec(method: .get, path: "/countries/{code}", access: .anyone, tag: "pages",
                      summary: "A country: returns cooperation, risk assessments and flags with their sources, and its arrangements",
                      parameters: [.path("code", "ISO 3166-1 alpha-3 code")], success: (200, "html")) { request, context in
                let code = CountryCode(try context.pathParameter("code"))
                let view = try await state.live.current()
                let involved = view.network.sortedArrangements.filter { $0.partner == code || $0.removingState == code }
                guard view.network.countries[code] != nil || !involved.isEmpty else {
                    return message(request, context, title: "No such country", "No country '\(code.rawValue.prefix(40))' is recorded in the network.", status: .notFound)
                }
                let data = country(code, network: view.network, arrangements: involved, today: state.clock().day)
                return html(request, context, "country", title: view.network.countryName(code), data)
            },
            RouteSpec(method: .get, path: "/report", access: .anyone, tag: "pages",
                      summary: "The public report: aggregate figures and charts, small counts suppressed", success: (200, "html")) { request, context in
                let view = try await state.live.current()
                let report = try await OperationsReport.build(store: state.store)
                return html(request, context, "report", title: "Public report", publicReport(report, network: view.network, today: state.clock().day))
            },
        ]
    }

    /// The status that colours a partner: the most advanced of its arrangements' statuses today.
    static func partnerStatuses(_ network: Network, today: Day) -> [String: String] {
        let rank: [ArrangementStatusRecord.Status] = [.terminated, .proposed, .negotiating, .signed, .suspended, .active]
        var out: [String: ArrangementStatusRecord.Status] = [:]
        for arrangement in network.arrangements.values {
            guard let status = network.status(of: arrangement.id, on: today)?.status ?? network.latestStatus(of: arrangement.id)?.status else { continue }
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
                links[code] = .init(href: "/arrangements/" + pathComponent(only.id.rawValue), label: "\(name), \(status): \(only.name ?? only.id.rawValue)")
            } else {
                links[code] = .init(href: "/countries/" + pathComponent(code),
                                    label: "\(name), \(status): \(arrangements.count == 1 ? "1 arrangement" : "\(arrangements.count) arrangements")")
            }
        }
        return links
    }

    static func home(_ network: Network, report: OperationsReport, figures: HomeFigures, today: Day) -> [String: Any] {
        let statuses = partnerStatuses(network, today: today)
        let removing = Set(network.arrangements.values.map(\.removingState.rawValue))
        var flows: [WorldMap.Flow] = []
        var rows: [[String: Any]] = []
        for arrangement in network.sortedArrangements {
            let line = report.lines.first { $0.arrangement == arrangement.id }
            let moved = line?.peopleMoved ?? 0
            let name = arrangement.name ?? arrangement.id.rawValue
            let href = "/arrangements/" + pathComponent(arrangement.id.rawValue)
            flows.append(.init(from: arrangement.removingState.rawValue, to: arrangement.partner.rawValue, people: moved,
                               label: "\(network.countryName(arrangement.removingState)) → \(network.countryName(arrangement.partner)): \(publicCount(moved)) people moved (\(name))",
                               href: href))
            rows.append([
                "from": arrangement.removingState.rawValue, "partner": network.countryName(arrangement.partner), "name": name,
                "href": href, "partnerHref": "/countries/" + pathComponent(arrangement.partner.rawValue),
                "status": network.status(of: arrangement.id, on: today)?.status.rawValue ?? network.latestStatus(of: arrangement.id)?.status.rawValue ?? "—",
                "moved": publicCount(moved),
            ])
        }
        let total = report.total
        let active = network.arrangements.values.filter { network.status(of: $0.id, on: today)?.status == .active }.count
        let description = "Equirectangular world map. \(network.arrangements.count) arrangements with \(statuses.count) partner countries, coloured by status; "
            + "lines from each removing state to its partners grow with the people moved (\(publicCount(total.peopleMoved)) in all). The table below lists every flow."
        let map = WorldMap.shared.svg(partnerStatus: statuses, removing: removing, flows: flows,
                                      links: partnerLinks(network, statuses: statuses), description: description)
        let legend: [[String: Any]] = WorldMap.statusColours.map { ["colour": $0.colour, "label": $0.label] }
            + WorldMap.removingColours.sorted(by: { $0.key < $1.key }).filter { removing.contains($0.key) }
                .map { ["colour": $0.value, "label": "Removing state: \(network.countryName(CountryCode($0.key)))"] }
        return [
            "description": "A map of the third-country transfer network: \(network.arrangements.count) arrangements with \(statuses.count) partner countries, "
                + "coloured by status, with the people moved, the cost per person and the people each legal gate blocks.",
            "map": map, "legend": legend, "flows": rows, "today": today.description,
            "figures": [
                ["value": publicCount(total.peopleMoved), "label": "people moved (recorded departures)"],
                ["value": total.peopleMoved >= ReportJSON.suppressionThreshold ? dollars(total.costPerPersonMovedUSD) : "—", "label": "cost per person moved"],
                ["value": publicCount(total.onwardReturns), "label": "onward returns"],
                ["value": count(active), "label": "arrangements active today"],
            ],
            "blocked": figures.blockedBy.filter { $0.people > 0 }.map { ["gate": $0.gate.rawValue, "people": publicCount($0.people)] },
            "blockedEverywhere": publicCount(figures.blockedEverywhere), "caseload": count(figures.total),
            "partnerCount": figures.partners.count, "policy": figures.policy,
        ]
    }

    static func country(_ code: CountryCode, network: Network, arrangements: [ArrangementRecord], today: Day) -> [String: Any] {
        let record = network.countries[code]
        let name = network.countryName(code)
        func risk(_ r: CountryRecord.Risk) -> [String: Any] {
            ["score": String(format: "%.2f", r.score), "basis": r.basis, "source": r.source, "assessedOn": r.assessedOn.description, "edition": r.edition ?? ""]
        }
        let rows: [[String: Any]] = arrangements.map { a in
            let status = network.status(of: a.id, on: today)?.status ?? network.latestStatus(of: a.id)?.status
            return ["href": "/arrangements/" + pathComponent(a.id.rawValue), "name": a.name ?? a.id.rawValue, "id": a.id.rawValue,
                    "role": a.partner == code ? "partner of \(network.countryName(a.removingState))" : "removing state, to \(network.countryName(a.partner))",
                    "kind": a.kind.rawValue, "status": status?.rawValue ?? "—", "since": network.latestStatus(of: a.id)?.on.description ?? ""]
        }
        var description = "\(name) in the third-country transfer network: \(arrangements.count == 1 ? "1 arrangement" : "\(arrangements.count) arrangements")"
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

    static func arrangements(_ request: Request, _ network: Network, report: OperationsReport, today: Day) -> [String: Any] {
        let partner = request.query("partner"), status = request.query("status"), kind = request.query("kind"), removing = request.query("removingState")
        var rows: [[String: Any]] = []
        for arrangement in network.sortedArrangements {
            let latest = network.latestStatus(of: arrangement.id)
            if let partner, partner != arrangement.partner.rawValue { continue }
            if let kind, kind != arrangement.kind.rawValue { continue }
            if let removing, removing != arrangement.removingState.rawValue { continue }
            if let status, status != latest?.status.rawValue { continue }
            let line = report.lines.first { $0.arrangement == arrangement.id }
            rows.append([
                "href": "/arrangements/" + pathComponent(arrangement.id.rawValue), "id": arrangement.id.rawValue, "name": arrangement.name ?? arrangement.id.rawValue,
                "from": network.countryName(arrangement.removingState), "partner": network.countryName(arrangement.partner), "kind": arrangement.kind.rawValue,
                "status": latest?.status.rawValue ?? "—", "since": latest?.on.description ?? "", "moved": publicCount(line?.peopleMoved ?? 0),
                "cost": dollars(line.map { ReportJSON.PublicLine(line: $0).totalCostUSD } ?? arrangement.terms.payment?.lumpSumUSD), "sources": arrangement.sources.count,
            ])
        }
        let partners = Set(network.arrangements.values.map(\.partner.rawValue)).sorted()
        let removingStates = Set(network.arrangements.values.map(\.removingState.rawValue)).sorted()
        let names = Dictionary(uniqueKeysWithValues: (partners + removingStates).map { ($0, network.countryName(CountryCode($0))) })
        return [
            "description": "Every recorded third-country transfer arrangement, with its partner, kind, latest status, people moved, cost and sources.",
            "rows": rows, "count": rows.count, "total": network.arrangements.count,
            "partners": options(partners, selected: partner, labels: names),
            "statuses": options(ArrangementStatusRecord.Status.allCases.map(\.rawValue), selected: status),
            "kinds": options(ArrangementRecord.Kind.allCases.map(\.rawValue), selected: kind),
            "removingStates": options(removingStates, selected: removing, labels: names),
        ]
    }

    static func detail(_ a: ArrangementRecord, network: Network, line: OperationsReport.Line?, today: Day) -> [String: Any] {
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
        if !t.excludedNationalities.isEmpty { term("Excluded nationalities", t.excludedNationalities.map { network.countryName($0) }.joined(separator: ", ")) }
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
        let publicLine = line.map(ReportJSON.PublicLine.init(line:))
        var description = "\(a.name ?? a.id.rawValue): \(a.kind.rawValue) arrangement, \(network.countryName(a.removingState)) → \(network.countryName(a.partner))"
        if let latest { description += ", \(latest.status.rawValue) since \(latest.on)" }
        description += ". Terms, dated status timeline, reported figures, payments and sources."
        return [
            "description": description, "openGraph": true,
            "name": a.name ?? a.id.rawValue, "id": a.id.rawValue, "kind": a.kind.rawValue,
            "from": network.countryName(a.removingState), "partner": network.countryName(a.partner),
            "status": latest?.status.rawValue ?? "—", "activeToday": network.status(of: a.id, on: today)?.status == .active, "today": today.description,
            "timeline": history.map { ["status": $0.status.rawValue, "on": $0.on.description, "reason": $0.reason ?? "", "source": $0.source ?? "",
                                       "sourceIsLink": ($0.source ?? "").hasPrefix("http")] },
            "terms": terms,
            "lumpSum": dollars(t.payment?.lumpSumUSD), "perPerson": dollars(t.payment?.perPersonUSD),
            "sources": a.sources.map { ["title": $0.title, "url": $0.url, "date": $0.date?.description ?? "undated", "isLink": $0.url.hasPrefix("http")] },
            "reported": a.reported.map { ["metric": $0.metric, "value": $0.value == $0.value.rounded() ? $0.value.groupedWhole : String($0.value),
                                          "asOf": $0.asOf.description, "source": $0.source, "note": $0.note ?? "", "conflict": $0.conflict] },
            "hasConflict": a.reported.contains { $0.conflict },
            // Counted from recorded transfers, so shown as the public report shows them: counts
            // from 1 to 4 as "<5", and what is computed from such a count withheld.
            "accounting": [
                ["label": "Transfers", "value": count(line?.transfers ?? 0)], ["label": "People moved", "value": publicCount(line?.peopleMoved ?? 0)],
                ["label": "Seats", "value": count(line?.seats ?? 0)],
                ["label": "Load factor", "value": publicLine.map { $0.movedSuppressed ? "withheld" : percent($0.line.loadFactor) } ?? "—"],
                ["label": "Lump sum", "value": dollars(line?.lumpSumUSD ?? t.payment?.lumpSumUSD)],
                ["label": "Per-person payments", "value": publicLine.map { $0.movedSuppressed ? "withheld" : dollars($0.line.perPersonCostUSD) } ?? dollars(0)],
                ["label": "Transfer costs", "value": dollars(line?.transferCostUSD ?? 0)],
                ["label": "Total cost", "value": publicLine.map { $0.totalCostUSD.map { dollars($0) } ?? "withheld" } ?? dollars(t.payment?.lumpSumUSD)],
                ["label": "Cost per person moved", "value": publicLine.map { $0.costPerPersonMovedUSD.map { dollars($0) } ?? "withheld" } ?? "—"],
                ["label": "Onward returns", "value": "\(publicCount(line?.onwardReturns ?? 0)) (\(publicLine.map { $0.onwardReturnRate.map { percent($0) } ?? "withheld" } ?? "—"))"],
                ["label": "Incidents (suspected)", "value": "\(publicCount(line?.incidents ?? 0)) (\(publicCount(line?.suspectedIncidents ?? 0)))"],
            ],
        ]
    }

    static func publicReport(_ report: OperationsReport, network: Network, today: Day) -> [String: Any] {
        let threshold = ReportJSON.suppressionThreshold
        let lines = report.lines.filter { $0.peopleMoved > 0 || $0.totalCostUSD > 0 }
        let rows: [[String: Any]] = lines.map { l in
            let p = ReportJSON.PublicLine(line: l)
            return ["name": l.name, "partner": l.partner.map { network.countryName($0) } ?? "—", "moved": publicCount(l.peopleMoved),
                    "cost": p.totalCostUSD.map { dollars($0) } ?? "withheld", "perPerson": p.costPerPersonMovedUSD.map { dollars($0) } ?? "withheld",
                    "onward": publicCount(l.onwardReturns), "onwardRate": p.onwardReturnRate.map { percent($0) } ?? "withheld",
                    "incidents": publicCount(l.incidents)]
        }
        let movedBars = lines.map { l in
            SVGChart.Bar(label: l.partner.map { network.countryName($0) } ?? l.name, value: Double(l.peopleMoved),
                         suppressed: l.peopleMoved > 0 && l.peopleMoved < threshold, text: publicCount(l.peopleMoved))
        }
        let costBars = lines.filter { $0.peopleMoved >= threshold }.map { l in
            SVGChart.Bar(label: l.partner.map { network.countryName($0) } ?? l.name, value: l.costPerPersonMovedUSD ?? 0, suppressed: false,
                         text: dollars(l.costPerPersonMovedUSD))
        }
        let active = network.arrangements.values.filter { network.status(of: $0.id, on: today)?.status == .active }.count
        let t = report.total
        let totals = ReportJSON.PublicLine(line: t)
        return [
            "description": "Aggregate figures of the transfer network as of \(today): people moved, cost, cost per person and onward returns per arrangement, small counts suppressed.",
            "asOf": today.description, "rows": rows, "hasRows": !rows.isEmpty,
            "figures": [
                ["value": count(network.arrangements.count), "label": "arrangements recorded"], ["value": count(active), "label": "active today"],
                ["value": publicCount(t.peopleMoved), "label": "people moved"],
                ["value": totals.totalCostUSD.map { dollars($0) } ?? "withheld", "label": "total cost"],
                ["value": totals.costPerPersonMovedUSD.map { dollars($0) } ?? "withheld", "label": "cost per person moved"],
                ["value": publicCount(t.onwardReturns), "label": "onward returns"],
            ],
            "movedChart": SVGChart.bars(id: "moved", title: "People moved per arrangement",
                                        description: "Horizontal bars, one per arrangement; counts from 1 to \(threshold - 1) are shown as <\(threshold) with no bar.", bars: movedBars),
            "costChart": costBars.isEmpty ? "" : SVGChart.bars(id: "cost", title: "Cost per person moved",
                                                               description: "Total cost divided by people moved, for arrangements with at least \(threshold) people moved.", bars: costBars),
            "threshold": threshold, "belowThreshold": threshold - 1,
        ]
    }
}
