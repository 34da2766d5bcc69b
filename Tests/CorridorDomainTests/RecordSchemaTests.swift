import CorridorDomain
import CorridorTestSupport
import Foundation
import Testing

/// Issue 17: the JSON Schema of the record vocabulary is generated from `RecordVocabulary`, and
/// the decoder is held to the same description, field by field, so the two cannot drift.
@Suite("The record schema and the decoder agree")
struct RecordSchemaTests {
    static func checker() throws -> JSONSchemaChecker { try JSONSchemaChecker(RecordVocabulary.jsonSchema) }

    static func decoderAccepts(_ value: JSONValue) -> Bool {
        (try? SourcedRecord.make(value)) != nil
    }

    @Test("The schema is JSON Schema 2020-12, names every record type, and uses only keywords the checker knows")
    func schemaShape() throws {
        let schema = RecordVocabulary.jsonSchema
        #expect(schema["$schema"] == "https://json-schema.org/draft/2020-12/schema")
        _ = try Self.checker()
        let kinds = Set(Record.Kind.allCases.map(\.rawValue))
        #expect(Set(RecordVocabulary.types.map(\.kind.rawValue)) == kinds)
        #expect(RecordVocabulary.types.count == kinds.count, "a record type is described twice")
        for kind in kinds {
            #expect(schema["$defs"]?[kind] != nil, "no definition for \(kind)")
        }
    }

    @Test("Field by field, for every record type, the decoder accepts exactly what the schema accepts", arguments: Record.Kind.allCases)
    func decoderAgreesWithSchema(_ kind: Record.Kind) throws {
        let checker = try Self.checker()
        let type = RecordVocabulary.type(kind)
        var outcomes: [String: (accepted: Int, refused: Int)] = [:]
        for probe in VocabularyProbes.probes(type) {
            let decoder = Self.decoderAccepts(probe.record)
            let schemaErrors = checker.errors(probe.record)
            if VocabularyProbes.breaksUnstatedRule(probe.record, type) {
                // A rule between fields that JSON Schema cannot state: Corridor alone refuses it.
                #expect(!decoder, "the decoder accepts a record that breaks a rule of \(kind.rawValue): \(probe)")
                continue
            }
            #expect(
                decoder == schemaErrors.isEmpty,
                "\(decoder ? "decoder accepts, schema refuses (\(schemaErrors.joined(separator: "; ")))" : "decoder refuses (\(Self.why(probe.record))), schema accepts"): \(probe)"
            )
            var outcome = outcomes[probe.field] ?? (0, 0)
            if decoder { outcome.accepted += 1 } else { outcome.refused += 1 }
            outcomes[probe.field] = outcome
        }
        // The probes are not vacuous: every field saw values both accepted and refused.
        for (field, outcome) in outcomes.sorted(by: { $0.key < $1.key }) where field != "(record)" && !field.hasSuffix("unknownField") {
            #expect(
                outcome.accepted > 0 && outcome.refused > 0, "\(kind.rawValue).\(field): \(outcome.accepted) accepted, \(outcome.refused) refused")
        }
        #expect(outcomes["(record)"]?.accepted == 2, "the complete and the minimal example of \(kind.rawValue) must be valid")
    }

    /// For CI (scripts/check-record-schema.sh): every probe with the decoder's verdict, one JSON
    /// object per line, so that a standard validator can be held to the decoder too.
    @Test(
        "The probes and the decoder's verdicts, written for a standard validator to check",
        .enabled(if: ProcessInfo.processInfo.environment["CORRIDOR_PROBES_OUT"] != nil))
    func writeProbesForStandardValidator() throws {
        let path = try #require(ProcessInfo.processInfo.environment["CORRIDOR_PROBES_OUT"])
        var lines: [String] = []
        for type in RecordVocabulary.types {
            for probe in VocabularyProbes.probes(type) where !VocabularyProbes.breaksUnstatedRule(probe.record, type) {
                let line: JSONValue = [
                    "valid": .bool(Self.decoderAccepts(probe.record)), "probe": .string(probe.description), "record": probe.record,
                ]
                lines.append(line.canonicalString)
            }
        }
        #expect(lines.count > 1000)
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    static func why(_ record: JSONValue) -> String {
        do {
            _ = try SourcedRecord.make(record)
            return "accepted"
        } catch {
            return error.description
        }
    }

    @Test("Every case of the validation fixture: valid records validate, refused ones are refused by the schema too, except rules it cannot state")
    func validationFixtureAgrees() throws {
        let checker = try Self.checker()
        for testCase in try ValidationCase.load() where testCase.knownIssue == nil {
            guard case .record(let record) = testCase.input else { continue }  // text: JSON syntax, before any schema
            let errors = checker.errors(record)
            switch testCase.expectation {
            case .valid:
                #expect(errors.isEmpty, "\(testCase.name): \(errors)")
            case .refused:
                let unstated = RecordVocabulary.types.contains {
                    VocabularyProbes.breaksUnstatedRule(record, $0) && record["type"] == .string($0.kind.rawValue)
                }
                // A rule the schema states only in part (partner and removing state differ; an order
                // does not expire before it is issued) may pass the schema: Corridor refuses it.
                if !unstated {
                    #expect(!errors.isEmpty, "\(testCase.name): the decoder refuses it, the schema accepts it")
                }
            }
        }
    }

    @Test("Every line of Fixtures/bad-records.jsonl (which CI also gives check-jsonschema) is refused by the decoder and the schema")
    func badRecordsAreRefused() throws {
        let checker = try Self.checker()
        let lines = try Self.fixtureLines("bad-records")
        #expect(lines.count >= 40)
        for (number, line) in lines.enumerated() {
            let record = try JSONParser.parse(line)
            #expect(!Self.decoderAccepts(record), "line \(number + 1) is accepted by the decoder: \(line)")
            #expect(!checker.errors(record).isEmpty, "line \(number + 1) is accepted by the schema: \(line)")
        }
        // Together they refuse a bad value of every record type.
        let types = Set(try lines.map { try JSONParser.parse($0)["type"]?.stringValue ?? "" })
        #expect(types.isSuperset(of: Record.Kind.allCases.map(\.rawValue)))
    }

    @Test("Lengths: Corridor counts UTF-8 bytes, the schema characters, so the schema is looser only for non-ASCII text")
    func lengthsInBytes() throws {
        let checker = try Self.checker()
        // 150 two-byte characters: 300 bytes, over the name's 200-byte limit, under 200 characters.
        let record: JSONValue = ["type": "country", "code": "ESP", "name": .string(String(repeating: "é", count: 150))]
        #expect(checker.errors(record).isEmpty)
        #expect(!Self.decoderAccepts(record))
        let ascii: JSONValue = ["type": "country", "code": "ESP", "name": .string(String(repeating: "e", count: 201))]
        #expect(!checker.errors(ascii).isEmpty)
        #expect(!Self.decoderAccepts(ascii))
    }

    @Test("The schema's text is pretty JSON that parses back to the same schema")
    func prettyText() throws {
        let text = RecordVocabulary.jsonSchema.prettyString
        #expect(text.hasPrefix("{\n  \""))
        #expect(try JSONParser.parse(text) == RecordVocabulary.jsonSchema)
    }

    static func fixtureLines(_ name: String) throws -> [String] {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "jsonl", subdirectory: "Fixtures"))
        return try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init).filter { !$0.isEmpty }
    }
}
