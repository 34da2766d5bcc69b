import CorridorDomain
import Foundation

extension Decision {
    /// The JSON shape of a decision (docs/decisions.md): `{case, destination, on, policy, verdict, gates: [{gate,
    /// result, reason, citation, clears?}]}`, plus `policyVersion`, a top-level `clears` for a
    /// pending verdict, and each gate's `wouldClear`.
    public struct JSON: Codable, Sendable, Equatable {
        public struct Gate: Codable, Sendable, Equatable {
            public var gate: GateID
            public var result: GateResult
            public var reason: String
            public var citation: String
            public var clears: String?
            public var wouldClear: String?
        }

        public var `case`: String
        public var destination: String
        public var on: String
        public var policy: String
        public var policyVersion: String
        public var verdict: Verdict
        public var clears: String?
        public var gates: [Gate]
    }

    public var json: JSON {
        JSON(
            case: caseID.rawValue, destination: destination.rawValue, on: on.description, policy: policy, policyVersion: policyVersion,
            verdict: verdict, clears: clears?.description,
            gates: gates.map {
                .init(
                    gate: $0.gate, result: $0.result, reason: $0.reason, citation: $0.citation,
                    clears: $0.clears?.description, wouldClear: $0.wouldClear)
            })
    }

    /// Pretty-printed JSON text of ``json``.
    public func jsonText() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(json)) ?? Data(), as: UTF8.self)
    }

    /// A readable explanation for a terminal: the verdict, each gate, and what would clear it.
    public func explanation(countryName: String) -> String {
        var lines: [String] = []
        let headline: String
        switch verdict {
        case .allowed: headline = "ALLOWED: \(caseID) may be transferred to \(countryName) at \(on)"
        case .blocked: headline = "BLOCKED: \(caseID) may not be transferred to \(countryName) at \(on)"
        case .pending:
            headline = "PENDING: \(caseID) may not yet be transferred to \(countryName) at \(on)" + (clears.map { " (earliest \($0))" } ?? "")
        }
        lines.append(headline)
        lines.append("policy \(policy) version \(policyVersion)")
        lines.append("")
        for finding in gates {
            let mark =
                switch finding.result {
                case .pass: "pass   "
                case .fail: "FAIL   "
                case .pending: "pending"
                }
            lines.append("\(mark) \(finding.gate.rawValue): \(finding.reason)")
            lines.append("        citation: \(finding.citation)")
            if let clears = finding.clears { lines.append("        clears: \(clears)") }
            if let would = finding.wouldClear { lines.append("        what would clear it: \(would)") }
        }
        return lines.joined(separator: "\n")
    }
}
