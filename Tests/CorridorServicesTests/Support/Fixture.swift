import CorridorDomain
import CorridorTestSupport

/// Record builders for these tests, as the JSON objects an import line holds. They add what
/// `TestRecords` leaves out (a notice's language, a transfer's cost, an arrangement's terms).
enum Fixture {
    static func country(_ code: String, returns: String? = nil, risk: Double? = nil) -> JSONValue {
        var extra: [String: JSONValue] = [:]
        if let returns { extra["returns"] = .string(returns) }
        if let risk {
            let assessment: JSONValue = [
                "score": .number(risk), "basis": "test fixture", "source": "Corridor services tests", "assessedOn": "2025-01-01",
            ]
            extra["risk"] = assessment
        }
        return TestRecords.country(code, extra: extra)
    }

    static func arrangement(_ id: String, partner: String, kind: String = "detention", terms: JSONValue) -> JSONValue {
        let source: JSONValue = [
            "title": .string("test fixture for \(id)"), "url": .string("https://example.org/corridor/\(id)"), "date": "2025-01-01",
        ]
        return TestRecords.arrangement(id, partner: partner, kind: kind, extra: ["terms": terms, "sources": [source]])
    }

    static func person(_ id: String, _ nationality: String, extra: [String: JSONValue] = [:]) -> JSONValue {
        TestRecords.caseRecord(id, nationalities: [nationality], extra: extra)
    }

    /// A written notice in a language the person understands, served (to counsel too when asked).
    static func notice(
        _ caseID: String, _ destination: String, servedOn: String = "2025-06-01T09:00:00Z", language: String? = "es",
        counselNotified: Bool? = nil, exigent: Bool? = nil
    ) -> JSONValue {
        var fields: [String: JSONValue] = [
            "type": "notice", "case": .string(caseID), "destination": .string(destination),
            "servedOn": .string(servedOn),
        ]
        if let language { fields["language"] = .string(language) }
        if let counselNotified { fields["counselNotified"] = .bool(counselNotified) }
        if let exigent { fields["exigent"] = .bool(exigent) }
        return .object(fields)
    }

    static func fear(_ caseID: String, _ destination: String, on: String) -> JSONValue {
        ["type": "fear", "case": .string(caseID), "destination": .string(destination), "on": .string(on)]
    }

    static func screening(_ caseID: String, _ destination: String, outcome: String, on: String) -> JSONValue {
        ["type": "screening", "case": .string(caseID), "destination": .string(destination), "outcome": .string(outcome), "on": .string(on)]
    }

    static func designation(_ caseID: String, kind: String = "aea", on: String) -> JSONValue {
        ["type": "designation", "case": .string(caseID), "kind": .string(kind), "on": .string(on)]
    }

    static func transfer(
        _ id: String, to destination: String, departs: String = "2025-07-01T10:00:00Z", seats: Int = 10,
        arrangement: String? = nil, costUSD: Double? = nil
    ) -> JSONValue {
        var fields: [String: JSONValue] = [
            "type": "transfer", "id": .string(id), "destination": .string(destination),
            "departs": .string(departs), "seats": .number(Double(seats)),
        ]
        if let arrangement { fields["arrangement"] = .string(arrangement) }
        if let costUSD { fields["costUSD"] = .number(costUSD) }
        return .object(fields)
    }

    static func step(_ step: TransferStepRecord.Step, _ transfer: String, at: String, policy: String? = nil) -> JSONValue {
        var fields: [String: JSONValue] = ["type": .string(step.rawValue), "transfer": .string(transfer), "at": .string(at)]
        if let policy { fields["policy"] = .string(policy) }
        return .object(fields)
    }

    static func courtOrder(_ id: String, issuedOn: String, scope: JSONValue, effect: JSONValue = "block", expiresOn: String? = nil) -> JSONValue {
        var value = TestRecords.courtOrder(id, issuedOn: issuedOn, scope: scope, effect: effect)
        if let expiresOn, case .object(var fields) = value {
            fields["expiresOn"] = .string(expiresOn)
            value = .object(fields)
        }
        return value
    }

    /// Decodes a record built here (for values the services take directly, like a proposed order).
    static func decode(_ value: JSONValue) throws -> Record {
        try Record.decode(value)
    }
}
