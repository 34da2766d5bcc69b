import CorridorDomain
import Foundation
import Testing

/// One scenario of `Fixtures/state-rules.json`: from the shared setup and the scenario's
/// `given` records, appending `batch` followed by `record` in one call is either accepted or
/// refused with the expected error.
struct StateRuleScenario: Sendable, CustomTestStringConvertible {
    enum Expectation: Sendable {
        case accepted
        case refused(code: String, field: String?, message: String)
    }

    var name: String
    var setup: [JSONValue]
    var given: [JSONValue]
    var batch: [JSONValue]
    var record: JSONValue
    var expectation: Expectation

    var testDescription: String { name }

    static func load() throws -> [StateRuleScenario] {
        let fixture = try loadFixture("state-rules", extension: "json")
        guard case .array(let setup)? = fixture["setup"], case .array(let scenarios)? = fixture["scenarios"] else {
            throw FixtureError("state-rules.json needs setup and scenarios arrays")
        }
        return try scenarios.map { try StateRuleScenario($0, setup: setup) }
    }

    init(_ value: JSONValue, setup: [JSONValue]) throws {
        guard let name = value["name"]?.stringValue, let record = value["record"] else {
            throw FixtureError("a scenario needs a name and a record: \(value.canonicalString.prefix(80))")
        }
        self.name = name
        self.setup = setup
        self.record = record
        func list(_ key: String) throws -> [JSONValue] {
            switch value[key] {
            case nil: return []
            case .array(let items)?: return items
            default: throw FixtureError("\(name): \(key) must be an array")
            }
        }
        given = try list("given")
        batch = try list("batch")
        switch value["expect"] {
        case .string("accepted")?: expectation = .accepted
        case .object(let error)?:
            guard let code = error["code"]?.stringValue, let message = error["message"]?.stringValue else {
                throw FixtureError("\(name): an expected error needs a code and a message")
            }
            expectation = .refused(code: code, field: error["field"]?.stringValue, message: message)
        default:
            throw FixtureError("\(name): expect must be \"accepted\" or an error object")
        }
    }
}

/// Reads and parses a JSON fixture bundled with this test target.
func loadFixture(_ name: String, extension ext: String) throws -> JSONValue {
    let url = try #require(Bundle.module.url(forResource: name, withExtension: ext, subdirectory: "Fixtures"))
    return try JSONParser.parse(try String(contentsOf: url, encoding: .utf8))
}

struct FixtureError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
