import CorridorDomain
import Foundation
import Testing

/// One line of `Fixtures/record-validation.jsonl`: a record (or raw text), and either `"valid"`
/// or the error it must be refused with.
struct ValidationCase: Sendable, CustomTestStringConvertible {
    enum Input: Sendable {
        case record(JSONValue)
        case text(String)
    }

    enum Expectation: Sendable {
        case valid
        /// `field` nil means the error must name no field.
        case refused(code: String, field: String?, message: String)
    }

    var name: String
    var input: Input
    var expectation: Expectation
    /// Set when the case documents a known bug in Sources: the test expects it to fail.
    var knownIssue: String?

    var testDescription: String { name }

    /// The `type` the record declares, when it declares a string one.
    var declaredType: String? {
        if case .record(let value) = input { return value["type"]?.stringValue }
        return nil
    }

    /// Validates the input as an import line is validated.
    func decode() -> Result<SourcedRecord, RecordError> {
        do throws(RecordError) {
            switch input {
            case .record(let value): return .success(try SourcedRecord.make(value))
            case .text(let text):
                let record = try Record.parse(text)
                return .success(SourcedRecord(record: record, payload: text))
            }
        } catch {
            return .failure(error)
        }
    }

    static func load(_ name: String = "record-validation") throws -> [ValidationCase] {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "jsonl", subdirectory: "Fixtures"))
        let text = try String(contentsOf: url, encoding: .utf8)
        return try text.split(separator: "\n").enumerated().map { index, line in
            try ValidationCase(line: String(line), number: index + 1)
        }
    }

    init(line: String, number: Int) throws {
        let value = try JSONParser.parse(line)
        guard let name = value["name"]?.stringValue else { throw FixtureError("line \(number): no name") }
        self.name = name
        if let record = value["record"] {
            input = .record(record)
        } else if let text = value["text"]?.stringValue {
            input = .text(text)
        } else {
            throw FixtureError("line \(number): neither record nor text")
        }
        switch value["expect"] {
        case .string("valid")?:
            expectation = .valid
        case .object(let error)?:
            guard let code = error["code"]?.stringValue, let message = error["message"]?.stringValue else {
                throw FixtureError("line \(number): an expected error needs a code and a message")
            }
            expectation = .refused(code: code, field: error["field"]?.stringValue, message: message)
        default:
            throw FixtureError("line \(number): expect must be \"valid\" or an error object")
        }
        knownIssue = value["knownIssue"]?.stringValue
    }
}

struct FixtureError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
