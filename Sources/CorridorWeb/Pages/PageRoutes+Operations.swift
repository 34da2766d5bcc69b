import CorridorDomain
import CorridorRules
import CorridorServices
import CorridorStore
import Foundation
import Hummingbird

/// Court orders, transfers (manifests with live verdicts and their actions) and the audit chain.
extension PageRoutes {
    static let courtOrderRecorders = Access.roles([.counsel, .admin])

    static func operationsPages<Store: EventStore>(_ state: AppState<Store>) -> [RouteSpec] {
        [
            RouteSpec(
                method: .get, path: "/court-orders", access: .anyone, tag: "pages", summary: "Court orders and whether each is in force",
                success: (200, "html")
            ) { request, context in
                let view = try await state.live.current()
                let today = state.clock().day
                let orders = view.network.courtOrders.values.sorted { ($0.issuedOn, $0.id.rawValue) > ($1.issuedOn, $1.id.rawValue) }
                return html(
                    request, context, "court-orders", title: "Court orders",
                    [
                        "description": "Court orders recorded in Corridor: court, citation, dates, scope, effect and whether each is in force today.",
                        "rows": orders.map {
                            courtOrderSummary($0, lift: view.network.courtOrderLifts[$0.id], network: view.network, today: today, forPublic: true)
                        },
                        "canRecord": courtOrderRecorders.allows(context.principal?.role),
                    ])
            },
            RouteSpec(
                method: .get, path: "/court-orders/new", access: courtOrderRecorders, tag: "pages", summary: "Form to record a court order",
                success: (200, "html")
            ) { request, context in
                courtOrderForm(request, context, values: PageForm(fields: [:]), today: state.clock().day, error: nil, status: .ok)
            },
            RouteSpec(
                method: .post, path: "/court-orders", access: courtOrderRecorders, tag: "pages",
                summary: "Record a court order from the form (the same store append as POST /api/v1/records)", success: (303, "html")
            ) { request, context in
                let principal = try context.requirePrincipal()
                let form = try await PageForm.read(request, context: context)
                do {
                    let record = try courtOrderRecord(form)
                    _ = try await RecordRoutes.append([record], principal: principal, state: state)
                    return PageSession.redirect("/court-orders/" + pathComponent(form["id"] ?? ""))
                } catch let error as RecordError {
                    return courtOrderForm(
                        request, context, values: form, today: state.clock().day, error: Problem.refused(error).detail, status: .unprocessableContent)
                }
            },
            RouteSpec(
                method: .get, path: "/court-orders/{id}", access: .anyone, tag: "pages",
                summary:
                    "A court order: court, citation, dates, scope, effect, lift, and how many people it covers by nationality (small counts suppressed); a lift form for counsel",
                parameters: [.path("id", "Court order id")], success: (200, "html")
            ) { request, context in
                try await courtOrderPage(request, context, state, id: CourtOrderRecord.ID(try context.pathParameter("id")), lift: nil, status: .ok)
            },
            RouteSpec(
                method: .get, path: "/court-orders/{id}/impact", access: .caseReaders, tag: "pages",
                summary: "A court order's impact list: the people it covers and the transfers holding them",
                parameters: [.path("id", "Court order id")], success: (200, "html")
            ) { request, context in
                try await courtOrderImpactPage(request, context, state, id: CourtOrderRecord.ID(try context.pathParameter("id")))
            },
            RouteSpec(
                method: .post, path: "/court-orders/{id}/lift", access: courtOrderRecorders, tag: "pages",
                summary: "Record that the order is lifted from a date (form; the same store append as POST /api/v1/records)",
                parameters: [.path("id", "Court order id")], success: (303, "html")
            ) { request, context in
                let principal = try context.requirePrincipal()
                let id = try context.pathParameter("id")
                let form = try await PageForm.read(request, context: context)
                var record: [String: JSONValue] = ["type": "court-order-lift", "id": .string(id)]
                if let on = form["on"] { record["on"] = .string(on) }
                if let reason = form["reason"] { record["reason"] = .string(reason) }
                do {
                    _ = try await RecordRoutes.append([try SourcedRecord.make(.object(record))], principal: principal, state: state)
                    return PageSession.redirect("/court-orders/" + pathComponent(id))
                } catch let error as RecordError {
                    return try await courtOrderPage(
                        request, context, state, id: CourtOrderRecord.ID(id),
                        lift: (form, Problem.refused(error).detail), status: .unprocessableContent)
                }
            },
            RouteSpec(
                method: .get, path: "/transfers", access: .caseReaders, tag: "pages", summary: "Transfers with status and load",
                success: (200, "html")
            ) { request, context in
                let view = try await state.live.current()
                let scope = try await state.scope(context)
                return html(
                    request, context, "transfers", title: "Transfers",
                    [
                        "rows": view.transfers.filter(scope.seesTransfer).sorted { $0.record.departs > $1.record.departs }.map { t in
                            [
                                "id": t.id.rawValue, "href": "/transfers/" + pathComponent(t.id.rawValue),
                                "destination": view.network.countryName(t.record.destination),
                                "departs": t.record.departs.description, "status": t.status.rawValue,
                                "load": "\(t.onBoard.count) / \(t.record.seats)",
                                "arrangement": t.record.arrangement?.rawValue ?? "—",
                            ]
                        }
                    ])
            },
            RouteSpec(
                method: .get, path: "/transfers/{id}", access: .caseReaders, tag: "pages",
                summary: "A transfer's manifest with each person's live verdict and holds; lock, strike and depart for supervisors",
                parameters: [.path("id", "Transfer id")], success: (200, "html")
            ) { request, context in
                try await transferPage(request, context, state, error: nil, status: .ok)
            },
            transferAction(state, "lock", summary: "Lock the manifest (form)"),
            transferAction(state, "depart", summary: "Record the departure (form); a refusal is shown on the manifest page"),
            transferAction(state, "strike", summary: "Strike a person from the manifest (form, a reason is required)"),
            RouteSpec(
                method: .get, path: "/audit", access: .overseers, tag: "pages",
                summary: "The audit chain: status, head, recent events and recent reads of personal records", success: (200, "html")
            ) { request, context in
                let scope = try await state.scope(context)
                let (verification, recent, reads): (ChainVerification, [Event], [Event]) = try await { () async throws in
                    let verification = try await state.store.verifyChain()
                    let head = verification.head.seq
                    var recent: [Event] = [], reads: [Event] = []
                    let whole = scope.seesEveryone && scope.seesOperations
                    let manifests = whole ? [:] : try await state.live.current().manifests
                    for try await event in state.store.events(from: Swift.max(1, head - 20_000)) {
                        // Counsel: only what concerns their clients, and the network.
                        if !whole, !scope.sees(EventAudience.of(event, manifest: { manifests[$0] ?? [] })) { continue }
                        recent.append(event)
                        if recent.count > 25 { recent.removeFirst(recent.count - 25) }
                        if event.type == "system.read" { reads.append(event); if reads.count > 25 { reads.removeFirst() } }
                    }
                    return (verification, recent, reads)
                }()
                func row(_ event: Event) -> [String: Any] {
                    [
                        "seq": event.seq, "type": event.type, "actor": event.actor, "at": event.recordedAt.description,
                        "hash": String(event.hash.prefix(16)),
                        "payload": event.payload.count > 240 ? String(event.payload.prefix(240)) + "…" : event.payload,
                    ]
                }
                return html(
                    request, context, "audit", title: "Audit",
                    [
                        "intact": verification.isIntact, "checked": count(Int(verification.eventsChecked)), "headSeq": verification.head.seq,
                        "headHash": verification.head.hash, "firstBadSeq": verification.firstBad.map { String($0.seq) } ?? "",
                        "firstBadReason": verification.firstBad?.reason ?? "",
                        "recent": recent.reversed().map(row),
                        "reads": reads.reversed().map { event -> [String: Any] in
                            var r = row(event)
                            let payload = APIValues.payload(event)
                            let caseID = payload["case"]?.stringValue ?? ""
                            r["case"] = caseID; r["caseHref"] = "/cases/" + pathComponent(caseID); r["route"] = payload["route"]?.stringValue ?? ""
                            return r
                        },
                    ])
            },
        ]
    }

    /// A court order's page, open to anyone: the order, whether it is in force, how many people
    /// it covers by nationality (counts from 1 to 4 shown as "<5"), and for counsel and admins a
    /// form to record its lift (`lift` re-shows a refused form). Who it covers is on its impact
    /// page, for those who may read cases.
    static func courtOrderPage<Store: EventStore>(
        _ request: Request, _ context: CorridorRequestContext, _ state: AppState<Store>,
        id: CourtOrderRecord.ID, lift: (form: PageForm, error: String?)?,
        status: HTTPResponse.Status
    ) async throws -> Response {
        let today = state.clock().day
        let found: (summary: [String: String], impact: CourtOrderImpact, lifted: Bool, network: Network)? = try await { () async throws in
            let view = try await state.live.withCaseload()
            guard let order = view.network.courtOrders[id] else { return nil }
            let impact = CourtOrderImpact.of(order, caseload: view.caseload!, transfers: view.transfers)
            let lift = view.network.courtOrderLifts[id]
            return (courtOrderSummary(order, lift: lift, network: view.network, today: today, forPublic: true), impact, lift != nil, view.network)
        }()
        guard let found else {
            return message(
                request, context, title: "No such court order", "No court order '\(id.rawValue.prefix(60))' has been recorded.", status: .notFound)
        }
        let order = found.summary
        return html(
            request, context, "court-order", title: "Court order \(id.rawValue)",
            [
                "description":
                    "\(order["court"] ?? ""), \(order["citation"] ?? ""): issued \(order["issuedOn"] ?? ""), \(order["effect"] ?? ""), \(order["inForce"] ?? "").",
                "order": order, "coveredCount": publicCount(found.impact.coveredCases.count),
                // With fewer than 5 covered in all, their nationalities would describe them: withheld.
                "nationalitiesWithheld": ReportJSON.PublicLine.small(found.impact.coveredCases.count),
                "byNationality": ReportJSON.PublicLine.small(found.impact.coveredCases.count)
                    ? []
                    : found.impact.coveredByNationality.map {
                        ["nationality": found.network.countryName($0.nationality), "people": publicCount($0.people)]
                    },
                "threshold": ReportJSON.suppressionThreshold, "belowThreshold": ReportJSON.suppressionThreshold - 1,
                "canSeeImpact": Access.caseReaders.allows(context.principal?.role),
                "impactHref": "/court-orders/" + pathComponent(id.rawValue) + "/impact",
                "canLift": courtOrderRecorders.allows(context.principal?.role) && !found.lifted,
                "liftAction": "/court-orders/" + pathComponent(id.rawValue) + "/lift",
                "liftOn": lift?.form["on"] ?? today.description, "liftReason": lift?.form["reason"] ?? "", "liftError": lift?.error ?? "",
            ], status: status)
    }

    /// A court order's impact list, for those who may read cases: who it covers, and the
    /// transfers holding covered people.
    static func courtOrderImpactPage<Store: EventStore>(
        _ request: Request, _ context: CorridorRequestContext, _ state: AppState<Store>,
        id: CourtOrderRecord.ID
    ) async throws -> Response {
        let today = state.clock().day
        let scope = try await state.scope(context)
        let data: [String: String]?, covered: [String], touched: [(TransferView, [CaseRecord.ID])], coveredCount: Int
        (data, covered, touched, coveredCount) = try await { () async throws in
            let view = try await state.live.withCaseload()
            guard let order = view.network.courtOrders[id] else { return (nil, [], [], 0) }
            // Counsel: their clients among those covered; the order's named cases only as a count.
            let impact = scope.visibleImpact(CourtOrderImpact.of(order, caseload: view.caseload!, transfers: view.transfers))
            return (
                courtOrderSummary(order, lift: view.network.courtOrderLifts[id], network: view.network, today: today, forPublic: !scope.seesEveryone),
                impact.coveredCases.prefix(200).map(\.rawValue), impact.transfers.map { ($0.transfer, $0.covered) }, impact.coveredCases.count
            )
        }()
        guard let data else {
            return message(
                request, context, title: "No such court order", "No court order '\(id.rawValue.prefix(60))' has been recorded.", status: .notFound)
        }
        return html(
            request, context, "court-order-impact", title: "Impact of court order \(id.rawValue)",
            [
                "order": data, "coveredCount": count(coveredCount), "covered": covered.map { ["id": $0, "href": "/cases/" + pathComponent($0)] },
                "more": coveredCount > covered.count ? count(coveredCount - covered.count) : "",
                "transfers": touched.map { transfer, cases in
                    [
                        "id": transfer.id.rawValue, "href": "/transfers/" + pathComponent(transfer.id.rawValue), "status": transfer.status.rawValue,
                        "departs": transfer.record.departs.description, "held": cases.count,
                        "cases": cases.map { ["id": $0.rawValue, "href": "/cases/" + pathComponent($0.rawValue)] },
                    ] as [String: Any]
                },
            ])
    }

    /// An order as the pages show it. For the public (`forPublic`) the case ids its scope names
    /// are given only as a count.
    static func courtOrderSummary(
        _ order: CourtOrderRecord, lift: CourtOrderLiftRecord?, network: Network, today: Day, forPublic: Bool
    ) -> [String: String] {
        let inForce = order.issuedOn <= today && (order.expiresOn.map { today < $0 } ?? true) && (lift.map { today < $0.on } ?? true)
        var scope: [String] = []
        if let cases = order.scope.cases {
            if forPublic {
                scope.append(cases.count == 1 ? "1 named person" : "\(cases.count) named people")
            } else {
                scope.append(
                    "cases: " + cases.prefix(10).map(\.rawValue).joined(separator: ", ") + (cases.count > 10 ? " and \(cases.count - 10) more" : ""))
            }
        }
        if let n = order.scope.nationalities { scope.append("nationalities: " + n.map { network.countryName($0) }.joined(separator: ", ")) }
        if let d = order.scope.designations { scope.append("designations: " + d.joined(separator: ", ")) }
        if let d = order.scope.destinations { scope.append("destinations: " + d.map { network.countryName($0) }.joined(separator: ", ")) }
        if order.scope.thirdCountryOnly == true { scope.append("third-country transfers only") }
        if let p = order.scope.pathways { scope.append("pathways: " + p.map(\.rawValue).joined(separator: ", ")) }
        let effect: String
        switch order.effect {
        case .block: effect = "blocks transfer"
        case .noticeDays(let days): effect = "requires \(days) days' notice"
        }
        return [
            "id": order.id.rawValue, "href": "/court-orders/" + pathComponent(order.id.rawValue), "court": order.court, "citation": order.citation,
            "issuedOn": order.issuedOn.description, "expiresOn": order.expiresOn?.description ?? "—", "liftedOn": lift?.on.description ?? "",
            "inForce": inForce ? "in force" : "not in force", "inForceClass": inForce ? "active" : "terminated",
            "scope": scope.isEmpty ? "everyone" : scope.joined(separator: "; "), "effect": effect,
        ]
    }

    /// The court-order record the form describes, validated by the record vocabulary.
    static func courtOrderRecord(_ form: PageForm) throws(RecordError) -> SourcedRecord {
        var record: [String: JSONValue] = ["type": "court-order"]
        for key in ["id", "court", "citation", "issuedOn", "expiresOn"] { if let value = form[key] { record[key] = .string(value) } }
        func list(_ name: String, upper: Bool) -> [JSONValue]? {
            guard let text = form[name] else { return nil }
            let items = text.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\n" || $0 == "\r" }).map {
                upper ? $0.uppercased() : String($0)
            }
            return items.isEmpty ? nil : items.map { .string($0) }
        }
        var scope: [String: JSONValue] = [:]
        if let cases = list("cases", upper: false) { scope["cases"] = .array(cases) }
        if let nationalities = list("nationalities", upper: true) { scope["nationalities"] = .array(nationalities) }
        if let destinations = list("destinations", upper: true) { scope["destinations"] = .array(destinations) }
        if let designations = list("designations", upper: false) { scope["designations"] = .array(designations) }
        let pathways = form.all("pathways").filter { !$0.isEmpty }
        if !pathways.isEmpty { scope["pathways"] = .array(pathways.map { .string($0) }) }
        if form["thirdCountryOnly"] != nil { scope["thirdCountryOnly"] = .bool(true) }
        record["scope"] = .object(scope)
        if form["effect"] == "notice" {
            record["effect"] = .object(["noticeDays": .number(Double(Int(form["noticeDays"] ?? "") ?? -1))])
        } else {
            record["effect"] = "block"
        }
        return try SourcedRecord.make(.object(record))
    }

    static func courtOrderForm(
        _ request: Request, _ context: CorridorRequestContext, values: PageForm, today: Day, error: String?, status: HTTPResponse.Status
    ) -> Response {
        var data: [String: Any] = ["error": error ?? "", "today": today.description]
        for key in ["id", "court", "citation", "issuedOn", "expiresOn", "cases", "nationalities", "destinations", "designations", "noticeDays"] {
            data[key] = values[key] ?? ""
        }
        if values["issuedOn"] == nil { data["issuedOn"] = today.description }
        data["notice"] = values["effect"] == "notice"
        data["thirdCountryOnly"] = values["thirdCountryOnly"] != nil
        data["pathways"] = CaseRecord.Pathway.allCases.map {
            ["value": $0.rawValue, "checked": values.all("pathways").contains($0.rawValue)] as [String: Any]
        }
        return html(request, context, "court-order-form", title: "Record a court order", data, status: status)
    }

    static func transferAction<Store: EventStore>(_ state: AppState<Store>, _ name: String, summary: String) -> RouteSpec {
        RouteSpec(
            method: .post, path: "/transfers/{id}/\(name)", access: .supervisors, tag: "pages", summary: summary,
            parameters: [.path("id", "Transfer id")], success: (303, "html")
        ) { request, context in
            let principal = try context.requirePrincipal()
            let id = try context.pathParameter("id")
            let form = try await PageForm.read(request, context: context)
            var record: [String: JSONValue]
            if name == "strike" {
                record = ["type": "manifest-strike", "transfer": .string(id)]
                if let value = form["case"] { record["case"] = .string(value) }
            } else {
                record = ["type": .string("transfer-\(name)"), "transfer": .string(id), "at": .string(state.clock().description)]
            }
            if let reason = form["reason"] { record["reason"] = .string(reason) }
            do {
                let sourced = try SourcedRecord.make(.object(record))
                _ = try await RecordRoutes.append([sourced], principal: principal, state: state)
            } catch let error as RecordError {
                let problem = Problem.refused(error)
                return try await transferPage(
                    request, context, state, error: "The \(name == "strike" ? "strike" : name) was refused: \(problem.detail)", status: problem.status
                )
            }
            return PageSession.redirect("/transfers/" + pathComponent(id) + "?done=" + name)
        }
    }

    static func transferPage<Store: EventStore>(
        _ request: Request, _ context: CorridorRequestContext, _ state: AppState<Store>,
        error: String?, status: HTTPResponse.Status
    ) async throws -> Response {
        let id = TransferRecord.ID(try context.pathParameter("id"))
        let scope = try await state.scope(context)
        let found: (TransferService<Store>.Detail, Network)? = try await { () async throws in
            guard let detail = try await TransferService(store: state.store).detail(id), scope.seesTransfer(detail.transfer) else { return nil }
            return (detail, try await state.live.current().network)
        }()
        guard let (detail, network) = found else {
            return message(
                request, context, title: "No such transfer", "No transfer '\(id.rawValue.prefix(60))' has been recorded.", status: .notFound)
        }
        let t = detail.transfer
        let passengers: [[String: Any]] = detail.passengers.filter { scope.sees($0.caseID) }.map { p in
            let blocking = p.decision?.gates.filter { $0.result != .pass }.map { "\($0.gate.rawValue): \($0.reason)" } ?? []
            return [
                "case": p.caseID.rawValue, "href": "/cases/" + pathComponent(p.caseID.rawValue), "manifest": p.status.rawValue, "on": p.status == .on,
                "verdict": p.decision?.verdict.rawValue ?? "—", "why": blocking.joined(separator: "; "),
                "held": !p.holds.isEmpty,
                "holds": p.holds.map { ["id": $0.id.rawValue, "href": "/court-orders/" + pathComponent($0.id.rawValue), "court": $0.court] },
            ]
        }
        let heldCount = detail.passengers.filter { !$0.holds.isEmpty && $0.status == .on && scope.sees($0.caseID) }.count
        let canAct = Access.supervisors.allows(context.principal?.role)
        let open = t.status == .scheduled || t.status == .locked
        let done = request.query("done").flatMap {
            ["lock": "The manifest is locked.", "depart": "The departure is recorded.", "strike": "The person was struck from the manifest."][$0]
        }
        return html(
            request, context, "transfer", title: "Transfer \(t.id.rawValue)",
            [
                "id": t.id.rawValue, "path": "/transfers/" + pathComponent(t.id.rawValue), "destination": network.countryName(t.record.destination),
                "departs": t.record.departs.description, "status": t.status.rawValue, "seats": t.record.seats, "onBoard": t.onBoard.count,
                "load": percent(detail.loadFactor), "judgedAt": detail.judgedAt.description, "policy": detail.policy.id,
                "arrangement": t.record.arrangement?.rawValue ?? "—",
                "arrangementHref": t.record.arrangement.map { "/arrangements/" + pathComponent($0.rawValue) } ?? "",
                "passengers": passengers,
                "holdNotice": heldCount == 0
                    ? "" : (heldCount == 1 ? "1 person on the manifest is" : "\(heldCount) people on the manifest are") + " held by a court order.",
                "error": error ?? "", "done": done ?? "",
                "canLock": canAct && t.status == .scheduled, "canDepart": canAct && open, "canStrike": canAct && open,
                "onCases": detail.passengers.filter { $0.status == .on && scope.sees($0.caseID) }.map(\.caseID.rawValue),
                "history": scope.visibleHistory(detail.history, of: t).map {
                    ["seq": $0.seq, "type": $0.type, "at": $0.recordedAt.description, "actor": $0.actor] as [String: Any]
                },
            ], status: status)
    }
}
