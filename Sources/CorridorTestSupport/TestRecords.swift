import CorridorDomain
import CorridorStore

/// Builders for records of the vocabulary, as the JSON objects an import line holds. Only the
/// required fields are filled in unless given; `extra` adds or overrides any field.
public enum TestRecords {
    public static func country(_ code: String, name: String? = nil, extra: [String: JSONValue] = [:]) -> JSONValue {
        object(["type": "country", "code": .string(code), "name": .string(name ?? ISO3166.names[code] ?? code)], extra)
    }

    public static func arrangement(_ id: String, partner: String, kind: String = "ad-hoc", extra: [String: JSONValue] = [:]) -> JSONValue {
        object(["type": "arrangement", "id": .string(id), "partner": .string(partner), "kind": .string(kind)], extra)
    }

    public static func arrangementStatus(_ arrangement: String, _ status: String, on: String) -> JSONValue {
        ["type": "arrangement-status", "arrangement": .string(arrangement), "status": .string(status), "on": .string(on)]
    }

    public static func caseRecord(_ id: String, nationalities: [String] = ["GTM"], extra: [String: JSONValue] = [:]) -> JSONValue {
        object(["type": "case", "case": .string(id), "nationalities": .array(nationalities.map(JSONValue.string))], extra)
    }

    public static func order(_ caseID: String, kind: String = "final", on: String = "2024-01-10") -> JSONValue {
        ["type": "order", "case": .string(caseID), "kind": .string(kind), "on": .string(on)]
    }

    public static func claim(
        _ caseID: String, _ claim: String = "withholding", against: String = "GTM", status: String = "granted",
        on: String = "2024-03-01"
    ) -> JSONValue {
        [
            "type": "claim", "case": .string(caseID), "claim": .string(claim), "against": .string(against), "status": .string(status),
            "on": .string(on),
        ]
    }

    public static func notice(_ caseID: String, destination: String, servedOn: String = "2025-05-20T14:30:00Z") -> JSONValue {
        ["type": "notice", "case": .string(caseID), "destination": .string(destination), "servedOn": .string(servedOn)]
    }

    public static func courtOrder(_ id: String, issuedOn: String = "2025-04-01", scope: JSONValue = [:], effect: JSONValue = "block") -> JSONValue {
        [
            "type": "court-order", "id": .string(id), "court": "D. Mass.", "citation": "No. 25-cv-10676", "issuedOn": .string(issuedOn),
            "scope": scope, "effect": effect,
        ]
    }

    public static func courtOrderLift(_ id: String, on: String) -> JSONValue {
        ["type": "court-order-lift", "id": .string(id), "on": .string(on)]
    }

    public static func transfer(
        _ id: String, destination: String, seats: Int = 10, departs: String = "2025-07-01T10:00:00Z",
        arrangement: String? = nil
    ) -> JSONValue {
        var fields: [String: JSONValue] = [
            "type": "transfer", "id": .string(id), "destination": .string(destination),
            "departs": .string(departs), "seats": .number(Double(seats)),
        ]
        if let arrangement { fields["arrangement"] = .string(arrangement) }
        return .object(fields)
    }

    public static func manifestAdd(_ transfer: String, _ caseID: String) -> JSONValue {
        ["type": "manifest-add", "transfer": .string(transfer), "case": .string(caseID)]
    }

    public static func manifestStrike(_ transfer: String, _ caseID: String, reason: String = "struck in a test") -> JSONValue {
        ["type": "manifest-strike", "transfer": .string(transfer), "case": .string(caseID), "reason": .string(reason)]
    }

    /// A `transfer-lock`, `transfer-depart`, `transfer-arrive` or `transfer-cancel`.
    public static func step(_ step: TransferStepRecord.Step, _ transfer: String, at: String = "2025-07-01T09:00:00Z") -> JSONValue {
        ["type": .string(step.rawValue), "transfer": .string(transfer), "at": .string(at)]
    }

    public static func disposition(_ caseID: String, outcome: String = "detained", on: String = "2025-07-02", to: String? = nil) -> JSONValue {
        var fields: [String: JSONValue] = ["type": "disposition", "case": .string(caseID), "outcome": .string(outcome), "on": .string(on)]
        if let to { fields["to"] = .string(to) }
        return .object(fields)
    }

    /// Validates a JSON record (formats, enumerations, required fields), as an import line is.
    public static func sourced(_ value: JSONValue, file: String? = nil, line: Int? = nil) throws(RecordError) -> SourcedRecord {
        try SourcedRecord.make(value, file: file, line: line)
    }

    /// A small network and caseload: countries USA, GTM, HND, SLV, MEX; an active arrangement
    /// `arr-slv` with El Salvador; cases `C1` (GTM) and `C2` (HND).
    public static let smallWorld: [JSONValue] = [
        country("USA"), country("GTM"), country("HND"), country("SLV"), country("MEX"),
        arrangement("arr-slv", partner: "SLV", kind: "detention"),
        arrangementStatus("arr-slv", "active", on: "2025-03-01"),
        caseRecord("C1", nationalities: ["GTM"]),
        caseRecord("C2", nationalities: ["HND"]),
    ]

    static func object(_ fields: [String: JSONValue], _ extra: [String: JSONValue]) -> JSONValue {
        .object(fields.merging(extra) { _, new in new })
    }
}

extension EventStore {
    /// Validates `records` and appends them in one all-or-nothing call.
    @discardableResult
    public func append(records: [JSONValue], context: AppendContext = .test) async throws -> AppendReceipt {
        let sourced = try records.map { value throws(RecordError) in try TestRecords.sourced(value) }
        return try await append(sourced, context: context)
    }

    /// Validates `record` and appends it.
    @discardableResult
    public func append(record: JSONValue, context: AppendContext = .test) async throws -> AppendReceipt {
        try await append(records: [record], context: context)
    }
}
