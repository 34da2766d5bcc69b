import CorridorDomain
import CorridorRules
import CorridorServices
import CorridorStore
import Hummingbird

/// Transfers and manifests with live verdicts; lock, depart and strike.
enum TransferRoutes {
    static func routes<Store: EventStore>(_ state: AppState<Store>) -> [RouteSpec] {
        [
            RouteSpec(
                method: .get, path: "/api/v1/transfers", access: .caseReaders, tag: "transfers",
                summary: "Transfers with status and load", parameters: [.query("status", "scheduled, locked, departed, arrived or cancelled")],
                success: (200, "TransferList")
            ) { request, context in
                let view = try await state.live.current()
                if let status = request.query("status"), TransferStatus(rawValue: status) == nil {
                    throw Problem.badRequest(
                        "query parameter 'status' must be one of \(TransferStatus.allCases.map(\.rawValue).joined(separator: ", "))",
                        code: "invalid-parameter")
                }
                let scope = try await state.scope(context)
                let items = view.transfers.filter { transfer in
                    (request.query("status").map { $0 == transfer.status.rawValue } ?? true) && scope.seesTransfer(transfer)
                }.map(summary)
                return .json(.object(["transfers": .array(items), "count": .number(Double(items.count))]))
            },
            RouteSpec(
                method: .get, path: "/api/v1/transfers/{id}", access: .caseReaders, tag: "transfers",
                summary: "A transfer: each person's live verdict at departure, holds, history",
                parameters: [
                    .path("id", "Transfer id"), .query("at", "Judge at this instant instead of the departure"),
                    .query("policy", "Policy profile (default: active)"),
                ],
                success: (200, "TransferDetail")
            ) { request, context in
                let id = TransferRecord.ID(try context.pathParameter("id"))
                let at = try request.query("at").map { _ in try APIValues.instant(request, "at", default: state.clock()) }
                let policy = request.query("policy")
                let scope = try await state.scope(context)
                guard let detail = try await TransferService(store: state.store).detail(id, at: at, policy: policy),
                    scope.seesTransfer(detail.transfer)
                else {
                    throw Problem.notFound("no transfer '\(id.rawValue.prefix(60))' has been recorded", code: "unknown-transfer")
                }
                return .json(Self.detail(detail, scope: scope))
            },
            step(state, "lock", summary: "Lock the manifest: everyone is judged at the scheduled departure and each verdict recorded"),
            step(state, "depart", summary: "Record the departure: refused (409), naming each person and gate, unless everyone is allowed now"),
            RouteSpec(
                method: .post, path: "/api/v1/transfers/{id}/strike", access: .supervisors, tag: "transfers",
                summary: "Strike a person from the manifest (a reason is required)", parameters: [.path("id", "Transfer id")],
                requestBody: "StrikeBody", success: (201, AppendReceiptBody.schemaName)
            ) { request, context in
                let principal = try context.requirePrincipal()
                let id = try context.pathParameter("id")
                try await requireTransfer(id, state)
                let body = try await request.body.collect(upTo: 64 * 1024)
                let fields = try object(body)
                var record: [String: JSONValue] = ["type": "manifest-strike", "transfer": .string(id)]
                for key in fields.keys where key != "case" && key != "reason" {
                    throw Problem(
                        .unprocessableContent, code: "invalid-field",
                        detail: "field '\(key)': unknown field (known: case, reason); nothing was recorded", field: key)
                }
                record["case"] = fields["case"]
                record["reason"] = fields["reason"]
                let sourced = try SourcedRecord.make(.object(record))
                return .json(try await RecordRoutes.append([sourced], principal: principal, state: state), status: .created)
            },
        ]
    }

    static func step<Store: EventStore>(_ state: AppState<Store>, _ name: String, summary: String) -> RouteSpec {
        RouteSpec(
            method: .post, path: "/api/v1/transfers/{id}/\(name)", access: .supervisors, tag: "transfers", summary: summary,
            parameters: [.path("id", "Transfer id")], requestBody: "StepBody", success: (201, AppendReceiptBody.schemaName)
        ) { request, context in
            let principal = try context.requirePrincipal()
            let id = try context.pathParameter("id")
            try await requireTransfer(id, state)
            let body = try await request.body.collect(upTo: 64 * 1024)
            let fields = body.readableBytes == 0 ? [:] : try object(body)
            for key in fields.keys where key != "at" && key != "reason" {
                throw Problem(
                    .unprocessableContent, code: "invalid-field", detail: "field '\(key)': unknown field (known: at, reason); nothing was recorded",
                    field: key)
            }
            var record: [String: JSONValue] = [
                "type": .string("transfer-\(name)"), "transfer": .string(id), "at": fields["at"] ?? .string(state.clock().description),
            ]
            if let reason = fields["reason"] { record["reason"] = reason }
            let sourced = try SourcedRecord.make(.object(record))
            return .json(try await RecordRoutes.append([sourced], principal: principal, state: state), status: .created)
        }
    }

    /// 404 for a transfer id in the path that was never recorded.
    static func requireTransfer<Store: EventStore>(_ id: String, _ state: AppState<Store>) async throws {
        let view = try await state.live.current()
        guard view.transfers.contains(where: { $0.id.rawValue == id }) else {
            throw Problem.notFound("no transfer '\(id.prefix(60))' has been recorded", code: "unknown-transfer")
        }
    }

    static func object(_ body: ByteBuffer) throws -> [String: JSONValue] {
        let text = String(buffer: body)
        guard case .object(let fields)? = try? JSONParser.parse(text) else {
            throw Problem.badRequest("the body must be a JSON object", code: "invalid-body")
        }
        return fields
    }

    static func summary(_ transfer: TransferView) -> JSONValue {
        .object([
            "id": .string(transfer.id.rawValue), "destination": .string(transfer.record.destination.rawValue),
            "departs": .string(transfer.record.departs.description), "status": .string(transfer.status.rawValue),
            "seats": .number(Double(transfer.record.seats)), "onBoard": .number(Double(transfer.onBoard.count)),
            "arrangement": transfer.record.arrangement.map { .string($0.rawValue) } ?? .null,
        ])
    }

    static func detail<Store: EventStore>(_ detail: TransferService<Store>.Detail, scope: CaseScope) -> JSONValue {
        let passengers: [JSONValue] = detail.passengers.filter { scope.sees($0.caseID) }.map { passenger in
            var object: [String: JSONValue] = ["case": .string(passenger.caseID.rawValue), "manifest": .string(passenger.status.rawValue)]
            if let decision = passenger.decision {
                object["decision"] = decision.json.jsonValue; object["verdict"] = .string(decision.verdict.rawValue)
            }
            object["holds"] = .array(
                passenger.holds.map { .object(["order": .string($0.id.rawValue), "court": .string($0.court), "citation": .string($0.citation)]) })
            return .object(object)
        }
        guard case .object(var object) = summary(detail.transfer) else { return .null }
        object["judgedAt"] = .string(detail.judgedAt.description)
        object["policy"] = .string(detail.policy.id)
        object["policyVersion"] = .string(detail.policy.version)
        object["loadFactor"] = .number(detail.loadFactor)
        object["steps"] = .object(
            Dictionary(uniqueKeysWithValues: detail.transfer.steps.map { ($0.key.rawValue, JSONValue.string($0.value.description)) }))
        object["passengers"] = .array(passengers)
        object["history"] = .array(scope.visibleHistory(detail.history, of: detail.transfer).map(APIValues.event))
        return .object(object)
    }
}
