import CorridorDomain
import CorridorRules
import CorridorServices
import CorridorStore
import Hummingbird

/// Writes: one record or an array of records of the vocabulary (docs/records.md, `/schemas/records.json`), all or nothing.
enum RecordRoutes {
    static func routes<Store: EventStore>(_ state: AppState<Store>) -> [RouteSpec] {
        [
            RouteSpec(
                method: .post, path: "/api/v1/records", access: .roles([.officer, .supervisor, .counsel, .admin]), tag: "records",
                summary: "Record one record or an array of records, all or nothing (the roles allowed depend on each record's type)",
                requestBody: "RecordBody", success: (201, AppendReceiptBody.schemaName)
            ) { request, context in
                let principal = try context.requirePrincipal()
                let body = try await request.body.collect(upTo: context.maxUploadSize)
                let records = try await parse(body: body, principal: principal, active: try await state.live.current().policy)
                let receipt = try await append(records, principal: principal, state: state)
                return .json(receipt, status: .created)
            }
        ]
    }

    /// Parses and authorizes a body; nothing is written here.
    static func parse(body: ByteBuffer, principal: Principal, active: PolicyProfile) throws -> [SourcedRecord] {
        let value: JSONValue
        do {
            value = try body.withUnsafeReadableBytes { raw throws(JSONParser.SyntaxError) in
                try JSONParser.parse(UnsafeBufferPointer(start: raw.baseAddress?.assumingMemoryBound(to: UInt8.self), count: raw.count))
            }
        } catch {
            throw Problem.badRequest("the body is not valid JSON: \(error.description)", code: "invalid-json")
        }
        let items: [JSONValue]
        switch value {
        case .array(let array): items = array
        case .object: items = [value]
        default:
            throw Problem.badRequest(
                "the body must be a record (a JSON object) or an array of records, got \(value.typeDescription)", code: "invalid-body")
        }
        guard !items.isEmpty else { throw Problem.badRequest("the array holds no records", code: "invalid-body") }
        guard items.count <= 10_000 else {
            throw Problem.badRequest("at most 10,000 records per request (got \(items.count)); use `corridor import` for more", code: "invalid-body")
        }
        var records: [SourcedRecord] = []
        for (index, item) in items.enumerated() {
            let record = try SourcedRecord.make(item, file: nil, line: items.count > 1 ? index + 1 : nil)
            let allowed = RecordPermissions.roles(for: record.record.kind)
            guard allowed.contains(principal.role) else {
                throw Problem(
                    .forbidden, code: "forbidden",
                    detail:
                        "role '\(principal.role.rawValue)' may not record '\(record.record.kind.rawValue)' (allowed: \(allowed.map(\.rawValue).sorted().joined(separator: ", ")))\(items.count > 1 ? " (record \(index + 1))" : ""); nothing was recorded"
                )
            }
            if case .transferStep(let step) = record.record, let named = step.policy, named != active.id {
                throw Problem(
                    .unprocessableContent, code: "policy-mismatch",
                    detail:
                        "\(step.step.rawValue) names policy '\(named)', but transfers are judged under the active profile '\(active.id)'; omit 'policy'; nothing was recorded",
                    field: "policy")
            }
            records.append(record)
        }
        return records
    }

    static func append<Store: EventStore>(_ records: [SourcedRecord], principal: Principal, state: AppState<Store>) async throws -> JSONValue {
        let context = AppendContext(actor: principal.actor, recordedAt: state.clock())
        let receipt = try await state.store.append(records, context: context)
        state.live.invalidate()
        return AppendReceiptBody(receipt).jsonValue
    }
}
