import CorridorDomain
import CorridorRules
import CorridorServices
import CorridorStore
import Foundation
import Hummingbird

extension CorridorRequestContext {
    /// The principal, which the auth middleware guarantees on every non-open route.
    func requirePrincipal() throws -> Principal {
        guard let principal else { throw Problem(.unauthorized, code: "unauthenticated", detail: "a bearer token is required") }
        return principal
    }

    /// A path parameter, percent-decoded.
    func pathParameter(_ name: String) throws -> String {
        let raw = try parameters.require(name)
        return URLText.percentDecoded(raw) ?? raw
    }
}

enum APIValues {
    /// `on`: a date (00:00 UTC) or an RFC 3339 instant; the current instant when absent.
    static func instant(_ request: Request, _ name: String = "on", default now: Instant) throws -> Instant {
        guard let text = request.query(name) else { return now }
        guard let instant = Instant(dateOrInstant: text) else {
            throw Problem.badRequest(
                "query parameter '\(name)': '\(text.prefix(40))' is neither a date (YYYY-MM-DD) nor an RFC 3339 instant", code: "invalid-parameter")
        }
        return instant
    }

    static func country(_ request: Request, _ name: String, required: Bool = true) throws -> CountryCode? {
        guard let text = request.query(name) else {
            if required { throw Problem.badRequest("query parameter '\(name)' is required (an ISO 3166-1 alpha-3 code)", code: "missing-parameter") }
            return nil
        }
        guard ISO3166.isValid(text) else {
            throw Problem.badRequest("query parameter '\(name)': '\(text.prefix(40))' is not an ISO 3166-1 alpha-3 code", code: "invalid-parameter")
        }
        return CountryCode(text)
    }

    static func policy(_ request: Request, active: PolicyProfile) throws -> PolicyProfile {
        guard let id = request.query("policy") else { return active }
        do { return try PolicyLibrary.profile(id) } catch let error as RecordError {
            // The library speaks of a record field; here the profile came in the query.
            throw Problem.badRequest("query parameter 'policy': \(error.message)", code: error.code)
        }
    }

    /// `since`: only what changed on or after this day (YYYY-MM-DD); nil when absent.
    static func since(_ request: Request) throws -> Day? {
        guard let text = request.query("since") else { return nil }
        guard let day = Day(text) else {
            throw Problem.badRequest("query parameter 'since': '\(text.prefix(40))' is not a date (YYYY-MM-DD)", code: "invalid-parameter")
        }
        return day
    }

    static func limit(_ request: Request, default value: Int = 50, max: Int = 1000) throws -> Int {
        try integer(request, "limit", in: 1...Int64(max)).map { Int($0) } ?? value
    }

    /// The largest integer a JSON number (an IEEE double) holds exactly: the upper bound of
    /// cursors and sequence numbers, so every value a client can send or receive round-trips.
    static let maximumExactInteger: Int64 = 9_007_199_254_740_991

    /// An integer query parameter, refused unless it is plain decimal digits within `range`:
    /// the only way a route reads an integer from a request, so no value reaches arithmetic
    /// unchecked (a seq of `Int64.max` once crashed the server on its `+ 1`).
    static func integer(_ request: Request, _ name: String, in range: ClosedRange<Int64>) throws -> Int64? {
        guard let text = request.query(name) else { return nil }
        guard let value = parseInteger(text), range.contains(value) else {
            throw Problem.badRequest(
                "query parameter '\(name)' must be a whole number from \(range.lowerBound) to \(range.upperBound)",
                code: "invalid-parameter")
        }
        return value
    }

    /// Decimal digits with an optional leading minus, at most 19 digits; nil for anything else
    /// (signs, spaces, exponents, fractions, or a value beyond Int64).
    static func parseInteger(_ text: String) -> Int64? {
        var digits = text.utf8[...]
        if digits.first == UInt8(ascii: "-") { digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.count <= 19, digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        return Int64(text)
    }

    /// An event as the API shows it: its place in the log and its record.
    static func event(_ event: Event) -> JSONValue {
        .object([
            "seq": .number(Double(event.seq)), "type": .string(event.type), "actor": .string(event.actor),
            "recordedAt": .string(event.recordedAt.description), "hash": .string(event.hash),
            "record": (try? JSONParser.parse(event.payload)) ?? .string(event.payload),
        ])
    }

    static func payload(_ event: Event) -> JSONValue { (try? JSONParser.parse(event.payload)) ?? .null }

    static func number(_ value: Double?) -> JSONValue { value.map { .number($0) } ?? .null }
}

extension Decision {
    /// The decision's JSON written straight to bytes (the same members as ``Decision/json``,
    /// keys in a fixed order): the check route's hot path, without building and sorting a JSON
    /// value per request.
    var jsonBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(4096)
        // `member` writes `"name":` (after a comma unless first); names are plain ASCII.
        func member(_ name: StaticString, first: Bool = false) {
            if !first { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "\""))
            name.withUTF8Buffer { out.append(contentsOf: $0) }
            out.append(UInt8(ascii: "\""))
            out.append(UInt8(ascii: ":"))
        }
        func string(_ value: String) { JSONValue.writeString(value, into: &out) }
        out.append(UInt8(ascii: "{"))
        member("case", first: true); string(caseID.rawValue)
        member("destination"); string(destination.rawValue)
        member("on"); string(on.description)
        member("policy"); string(policy)
        member("policyVersion"); string(policyVersion)
        member("verdict"); string(verdict.rawValue)
        if let clears { member("clears"); string(clears.description) }
        member("gates")
        out.append(UInt8(ascii: "["))
        for (index, gate) in gates.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "{"))
            member("gate", first: true); string(gate.gate.rawValue)
            member("result"); string(gate.result.rawValue)
            member("reason"); string(gate.reason)
            member("citation"); string(gate.citation)
            if let clears = gate.clears { member("clears"); string(clears.description) }
            if let would = gate.wouldClear { member("wouldClear"); string(would) }
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
        out.append(UInt8(ascii: "}"))
        return out
    }
}
