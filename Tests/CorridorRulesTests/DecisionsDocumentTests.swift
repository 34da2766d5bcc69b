import CorridorDomain
import CorridorRules
import CorridorTestSupport
import Foundation
import Testing

/// Issue 17: `docs/decisions.md` stays true. Its profile tables are generated from the shipped
/// profiles (CORRIDOR_WRITE_DOCS=1 rewrites them), it has a section for every gate in
/// evaluation order, and its example decision has the shape `check --json` prints.
@Suite("docs/decisions.md is true")
struct DecisionsDocumentTests {
    static let documentPath = "docs/decisions.md"

    @Test("Every profile's table in docs/decisions.md is the one generated from the shipped profile")
    func profileTablesAreCurrent() throws {
        var document = try DocumentFile(Self.documentPath)
        var sections = [(name: "parameters", expected: ProfileTable.parameters())]
        for id in PolicyLibrary.ids { sections.append((name: "profile \(id)", expected: ProfileTable.markdown(PolicyLibrary.profiles[id]!))) }
        let (missing, stale) = try document.refreshGeneratedSections(sections)
        #expect(missing.isEmpty, "\(Self.documentPath) has no generated sections \(missing)")
        #expect(
            stale.isEmpty,
            "out of date in \(Self.documentPath): \(stale.joined(separator: ", ")); run the tests with CORRIDOR_WRITE_DOCS=1 to rewrite them")
    }

    @Test("docs/decisions.md describes every gate, in evaluation order")
    func everyGate() throws {
        let document = try DocumentFile(Self.documentPath)
        let gatesPart = try #require(
            document.text.range(of: "## The gates").flatMap { start in
                document.text.range(of: "\n## ", range: start.upperBound..<document.text.endIndex).map {
                    document.text[start.upperBound..<$0.lowerBound]
                }
            }, "no '## The gates' section")
        let headings = gatesPart.split(separator: "\n").filter { $0.hasPrefix("### `") }
            .map { $0.dropFirst("### `".count).prefix { $0 != "`" } }.map(String.init)
        #expect(headings == GateID.allCases.map(\.rawValue))
    }

    @Test("The example decision in docs/decisions.md has the shape check --json prints, and a verdict its gates give")
    func exampleDecision() throws {
        let document = try DocumentFile(Self.documentPath)
        let text = document.codeLines(language: "json").joined(separator: "\n")
        let decision = try JSONDecoder().decode(Decision.JSON.self, from: Data(text.utf8))
        #expect(decision.gates.map(\.gate) == GateID.allCases)
        #expect(decision.verdict == Verdict(results: decision.gates.map(\.result)))
        #expect(PolicyLibrary.profiles[decision.policy]?.version == decision.policyVersion)
        // Every member of the example is one the decision's JSON has (nothing invented).
        let keys = Set(try JSONParser.parse(text).objectKeys)
        #expect(keys.isSubset(of: ["case", "destination", "on", "policy", "policyVersion", "verdict", "clears", "gates"]))
    }
}

/// The profile tables of docs/decisions.md.
enum ProfileTable {
    /// Every parameter with its meaning (from the default profile).
    static func parameters() -> String {
        let profile = PolicyLibrary.profiles[PolicyLibrary.defaultID]!
        var rows = ["| parameter | kind | meaning |", "|---|---|---|"]
        for (name, kind) in PolicyProfile.requiredParameters {
            rows.append("| `\(name)` | \(kindText(kind)) | \(cell(profile.parameters[name]!.description)) |")
        }
        return rows.joined(separator: "\n") + "\n"
    }

    static func markdown(_ profile: PolicyProfile) -> String {
        var text =
            "**\(profile.title)** — version `\(profile.version)`\(profile.id == PolicyLibrary.defaultID ? " (the default)" : ""); removing state \(profile.removingState).\n\n"
        text += profile.legalStatus + "\n\n"
        var rows = ["| parameter | from | value | legal reference |", "|---|---|---|---|"]
        for (name, _) in PolicyProfile.requiredParameters {
            for value in profile.parameters[name]!.values {
                rows.append("| `\(name)` | \(value.from) | `\(value.value.canonicalString)` | \(cell(value.reference)) |")
            }
        }
        return text + rows.joined(separator: "\n") + "\n"
    }

    static func kindText(_ kind: String) -> String {
        switch kind {
        case "number": "number ≥ 0"
        case "number-or-null": "number ≥ 0, or `null`"
        case "bool": "`true` or `false`"
        case "assurance": "`none`, `credible` or `binding`"
        default: kind
        }
    }

    static func cell(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ") }
}

extension JSONValue {
    var objectKeys: [String] {
        if case .object(let object) = self { return Array(object.keys) }
        return []
    }
}
