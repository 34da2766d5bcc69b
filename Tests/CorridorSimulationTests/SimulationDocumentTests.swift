import CorridorDomain
import CorridorSimulation
import Foundation
import Testing

/// Issue 17: docs/simulation.md describes the scenario and the outputs users actually have.
/// Every field of the shipped scenario and every output of a run is in its tables, and a field
/// the document lists is one the reader accepts.
struct SimulationDocumentTests {
    static func document() throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return try String(contentsOf: root.appendingPathComponent("docs/simulation.md"), encoding: .utf8)
    }

    /// The first cells of the document's table rows: `` `horizonDays` ``, `` `arrangements[].id` `` …
    static func documentedNames(_ text: String) -> Set<String> {
        Set(
            text.split(separator: "\n").compactMap { line -> String? in
                guard line.hasPrefix("| `") else { return nil }
                return String(line.dropFirst(3).prefix { $0 != "`" })
            })
    }

    /// Every field path of a scenario document, lists written `name[]`.
    static func paths(_ value: JSONValue, prefix: String = "") -> Set<String> {
        switch value {
        case .object(let object):
            var result: Set<String> = []
            for (key, member) in object {
                let path = prefix.isEmpty ? key : prefix + "." + key
                switch member {
                case .object: result.formUnion(paths(member, prefix: path))
                case .array(let items) where items.contains(where: { if case .object = $0 { true } else { false } }):
                    result.insert(path)
                    for item in items { result.formUnion(paths(item, prefix: path + "[]")) }
                default: result.insert(path)
                }
            }
            return result
        default: return []
        }
    }

    @Test("Every field of the shipped scenario is in docs/simulation.md, and every documented field is read")
    func scenarioFields() throws {
        let documented = Self.documentedNames(try Self.document())
        let shipped = Self.paths(try Scenario.reference.jsonValue)
        #expect(shipped.subtracting(documented).isEmpty, "not documented: \(shipped.subtracting(documented).sorted())")
        // A field the document names but the reader refuses would send users astray.
        let outputs = Set(RunOutputs.scalarFields.map(\.name) + ["byArrangement"])
        let scenarioRows = documented.subtracting(outputs)
        #expect(scenarioRows.subtracting(shipped).isEmpty, "documented but not in a scenario: \(scenarioRows.subtracting(shipped).sorted())")
    }

    @Test("Every output of a run is defined in docs/simulation.md")
    func outputs() throws {
        let documented = Self.documentedNames(try Self.document())
        for name in RunOutputs.scalarFields.map(\.name) + ["byArrangement"] {
            #expect(documented.contains(name), "\(name) is not defined in docs/simulation.md")
        }
    }
}
