import CorridorDomain
import CorridorRules
import CorridorServices
import CorridorStore
import Foundation
import Hummingbird

/// One row of the case list.
struct CaseRow: Sendable { var id: String, nationalities: String, pathway: String, status: String, minor: Bool, records: Int }

/// Case search and the case page (timeline, destination-by-gate matrix, what would clear it).
extension PageRoutes {
    static func casePages<Store: EventStore>(_ state: AppState<Store>) -> [RouteSpec] {
        [
            RouteSpec(
                method: .get, path: "/cases", access: .caseReaders, tag: "pages", summary: "Cases: search, filters and pagination",
                parameters: [
                    .query("q", "Case id or part of it"), .query("nationality", "ISO3"), .query("pathway", "removal or asylum-transfer"),
                    .query("status", "open, closed or departed"),
                    .integer("from", "Position to start from (pagination)", in: 0...APIValues.maximumExactInteger),
                ],
                success: (200, "html")
            ) { request, context in
                try await caseList(request, context, state)
            },
            RouteSpec(
                method: .get, path: "/cases/{id}", access: .caseReaders, tag: "pages",
                summary: "A case: its records, a destination-by-gate matrix with reasons, and what would clear it (a logged read)",
                parameters: [.path("id", "Case id"), .query("policy", "Policy profile (default: active)")],
                success: (200, "html"), logsRead: true
            ) { request, context in
                try await casePage(request, context, state)
            },
        ]
    }

    static func caseList<Store: EventStore>(_ request: Request, _ context: CorridorRequestContext, _ state: AppState<Store>) async throws -> Response
    {
        let query = request.query("q")
        let nationality = request.query("nationality").map { $0.uppercased() }
        let pathway = request.query("pathway"), status = request.query("status")
        let start = Int(try APIValues.integer(request, "from", in: 0...APIValues.maximumExactInteger) ?? 0)
        let pageSize = 50
        let scope = try await state.scope(context)
        let (found, next, total, matched): ([CaseRow], Int?, Int, Int) = try await { () async throws in
            let view = try await state.live.withCaseload()
            let caseload = view.caseload!
            let departed = Set(view.transfers.filter { $0.status == .departed || $0.status == .arrived }.flatMap(\.onBoard))
            var rows: [CaseRow] = []
            var next: Int?
            var matched = 0
            for index in 0..<caseload.count {
                let facts = caseload.cases[index]
                if !scope.seesEveryone, !scope.sees(facts.id) { continue }
                if let query, !facts.id.rawValue.localizedCaseInsensitiveContains(query) { continue }
                if let nationality, !facts.person.nationalities.contains(CountryCode(nationality)) { continue }
                if let pathway, facts.person.pathway.rawValue != pathway { continue }
                let isDeparted = departed.contains(facts.id), isClosed = facts.person.closedOn != nil
                let caseStatus = isDeparted ? "departed" : (isClosed ? "closed" : "open")
                if let status, status != caseStatus { continue }
                matched += 1
                guard index >= start else { continue }
                if rows.count == pageSize { if next == nil { next = index }; continue }
                rows.append(
                    CaseRow(
                        id: facts.id.rawValue, nationalities: facts.person.nationalities.map { view.network.countryName($0) }.joined(separator: ", "),
                        pathway: facts.person.pathway.rawValue, status: caseStatus, minor: facts.person.unaccompaniedMinor,
                        records: facts.orders.count + facts.claims.count + facts.designations.count
                            + facts.notices.count + facts.fears.count + facts.screenings.count + facts.dispositions.count + 1))
            }
            return (rows, next, scope.seesEveryone ? caseload.count : scope.clients.count, matched)
        }()
        let rows: [[String: Any]] = found.map {
            [
                "href": "/cases/" + pathComponent($0.id), "id": $0.id, "nationalities": $0.nationalities, "pathway": $0.pathway,
                "status": $0.status, "minor": $0.minor, "records": $0.records,
            ]
        }
        func link(_ from: Int) -> String {
            var items: [String] = []
            for (name, value) in [("q", query), ("nationality", nationality), ("pathway", pathway), ("status", status)] {
                if let value { items.append("\(name)=\(queryValue(value))") }
            }
            items.append("from=\(from)")
            return "/cases?" + items.joined(separator: "&")
        }
        return html(
            request, context, "cases", title: "Cases",
            [
                "rows": rows, "total": count(total), "matched": count(matched), "q": query ?? "", "nationality": nationality ?? "",
                "pathways": options(CaseRecord.Pathway.allCases.map(\.rawValue), selected: pathway),
                "statuses": options(["open", "closed", "departed"], selected: status),
                "next": next.map(link) ?? "", "previous": start > 0 ? link(0) : "", "showing": rows.isEmpty ? "none" : "\(rows.count)",
            ])
    }

    static func casePage<Store: EventStore>(_ request: Request, _ context: CorridorRequestContext, _ state: AppState<Store>) async throws -> Response
    {
        let principal = try context.requirePrincipal()
        let id = CaseRecord.ID(try context.pathParameter("id"))
        let now = state.clock()
        let requestedPolicy = request.query("policy")
        if let requestedPolicy, !PolicyLibrary.ids.contains(requestedPolicy) {
            return message(
                request, context, title: "Unknown profile",
                "There is no policy profile '\(requestedPolicy.prefix(60))'; known: \(PolicyLibrary.ids.joined(separator: ", ")).",
                status: .badRequest)
        }
        // Outside a counsel's clients a case is answered exactly as an unknown one.
        let visible = try await state.scope(context).sees(id)
        let result: (events: [Event], decisions: [Decision], policy: PolicyProfile, active: PolicyProfile, network: Network)? = try await {
            () async throws in
            guard visible else { return nil }
            let events = try await state.store.caseEvents(id)
            guard !events.isEmpty, let facts = CaseFacts(records: try events.map { try $0.record() }) else { return nil }
            let view = try await state.live.current()
            let policy = try requestedPolicy.map { try PolicyLibrary.profile($0) } ?? view.policy
            var destinations = facts.person.nationalities
            for partner in RulesService<Store>.activePartners(view.network, on: now.day, removingState: policy.removingState)
            where !destinations.contains(partner) {
                destinations.append(partner)
            }
            let family = try await RulesService(store: state.store).family(of: facts)
            let decisions = destinations.map {
                RulesEngine.decide(facts, state.destination($0, at: now, policy: policy, state: view), family: family)
            }
            return (events, decisions, policy, view.policy, view.network)
        }()
        guard let result else {
            return message(request, context, title: "No such case", "No case '\(id.rawValue.prefix(60))' has been recorded.", status: .notFound)
        }
        try await state.readLog.record(principal, caseID: id, route: "GET /cases/{id}", detail: ["policy": .string(result.policy.id)])
        let gates = GateID.allCases
        var matrix: [[String: Any]] = []
        var explanations: [[String: Any]] = []
        for decision in result.decisions {
            state.count(decision)
            let code = decision.destination.rawValue
            var cells: [[String: Any]] = []
            var findings: [[String: Any]] = []
            for gate in gates {
                guard let finding = decision.finding(gate) else {
                    cells.append(["result": "—", "cls": "", "anchor": "", "title": "not evaluated"]); continue
                }
                let anchor = "f-\(code)-\(gate.rawValue)"
                let symbol = finding.result == .pass ? "✓" : (finding.result == .fail ? "✗" : "…")
                cells.append([
                    "result": symbol, "word": finding.result.rawValue, "cls": "r-\(finding.result.rawValue)", "anchor": anchor,
                    "title": "\(gate.rawValue): \(finding.reason) [\(finding.citation)]",
                ])
                findings.append([
                    "anchor": anchor, "gate": gate.rawValue, "result": finding.result.rawValue, "reason": finding.reason,
                    "citation": finding.citation,
                    "clears": finding.clears?.description ?? "", "wouldClear": finding.wouldClear ?? "", "open": finding.result != .pass,
                ])
            }
            let clearing = decision.gates.filter { $0.result != .pass }.map { f -> [String: String] in
                [
                    "gate": f.gate.rawValue,
                    "text": f.wouldClear ?? (f.clears.map { "clears by itself at \($0)" } ?? "no recorded fact would clear it"),
                ]
            }
            matrix.append([
                "destination": result.network.countryName(decision.destination), "code": code, "verdict": decision.verdict.rawValue,
                "cells": cells, "clears": decision.clears?.description ?? "",
            ])
            explanations.append([
                "destination": result.network.countryName(decision.destination), "code": code, "verdict": decision.verdict.rawValue,
                "findings": findings, "clearing": clearing, "hasClearing": !clearing.isEmpty,
            ])
        }
        let timeline: [[String: Any]] = result.events.map { event in
            ["seq": event.seq, "type": event.type, "at": event.recordedAt.description, "actor": event.actor, "record": event.payload]
        }
        let profiles: [[String: Any]] = PolicyLibrary.ids.map { profileID in
            let title = (try? PolicyLibrary.profile(profileID).title) ?? profileID
            return [
                "value": profileID, "label": "\(title) (\(profileID))\(profileID == result.active.id ? " — active" : "")",
                "selected": profileID == result.policy.id,
            ]
        }
        return html(
            request, context, "case", title: "Case \(id.rawValue)",
            [
                "id": id.rawValue, "gates": gates.map(\.rawValue), "matrix": matrix, "explanations": explanations, "timeline": timeline,
                "policy": result.policy.id, "policyTitle": result.policy.title, "isActive": result.policy.id == result.active.id,
                "activePolicy": result.active.id, "profiles": profiles, "now": now.description,
            ])
    }
}
