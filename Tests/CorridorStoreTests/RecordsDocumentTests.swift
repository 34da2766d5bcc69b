import CorridorDomain
import CorridorStore
import CorridorTestSupport
import Foundation
import Testing

/// Issue 17: `docs/records.md` is a reference a new user can write an import from. Its field
/// tables are generated from `RecordVocabulary` (the description the schema is made from and
/// the decoder is tested against); its examples are valid records that import, in order, into
/// a store holding the reference network; the schema accepts every record Corridor ships or
/// exports.
@Suite("docs/records.md and the record schema are true")
struct RecordsDocumentTests {
    static let documentPath = "docs/records.md"

    @Test("Every field table in docs/records.md is the one generated from the vocabulary (CORRIDOR_WRITE_DOCS=1 rewrites them)")
    func fieldTablesAreCurrent() async throws {
        var document = try DocumentFile(Self.documentPath)
        let (missing, stale) = try document.refreshGeneratedSections(
            RecordVocabulary.types.map { (name: "fields \($0.kind.rawValue)", expected: RecordFieldTable.markdown($0)) })
        #expect(missing.isEmpty, "\(Self.documentPath) has no generated sections \(missing)")
        #expect(
            stale.isEmpty,
            "out of date in \(Self.documentPath): \(stale.joined(separator: ", ")); run the tests with CORRIDOR_WRITE_DOCS=1 to rewrite them")
    }

    @Test(
        "Every example in docs/records.md is valid for the schema and the decoder, and together they import into a store with the reference network")
    func examplesImport() async throws {
        let document = try DocumentFile(Self.documentPath)
        let lines = document.codeLines(language: "jsonl")
        let checker = try JSONSchemaChecker(RecordVocabulary.jsonSchema)
        var records: [SourcedRecord] = []
        for (index, line) in lines.enumerated() {
            let value = try JSONParser.parse(line)
            #expect(checker.errors(value).isEmpty, "example \(index + 1): \(checker.errors(value)) — \(line)")
            records.append(try SourcedRecord.make(value, file: Self.documentPath, line: index + 1))
        }
        let shown = Set(records.map(\.record.kind))
        #expect(shown == Set(Record.Kind.allCases), "no example of \(Set(Record.Kind.allCases).subtracting(shown).map(\.rawValue).sorted())")

        let store = InMemoryEventStore()
        _ = try await Seeding.seedReference(into: store, context: .test(actor: "seed"))
        let receipt = try await store.append(records, context: .test(actor: "docs"))
        #expect(receipt.count == records.count)
    }

    @Test("The refused examples of docs/records.md are refused, with the message the document shows")
    func refusedExamples() async throws {
        let document = try DocumentFile(Self.documentPath)
        let lines = document.codeLines(language: "text")
        // Pairs: a line beginning `line:` with the record, then `refused:` with the message.
        var checked = 0
        let store = InMemoryEventStore()
        _ = try await Seeding.seedReference(into: store, context: .test(actor: "seed"))
        for (index, line) in lines.enumerated() where line.hasPrefix("line: ") {
            let text = String(line.dropFirst("line: ".count))
            let next = index + 1 < lines.count ? lines[index + 1] : ""
            guard next.hasPrefix("refused: ") else { continue }
            let message = String(next.dropFirst("refused: ".count))
            do {
                let record = try SourcedRecord.make(try JSONParser.parse(text))
                _ = try await store.append([record], context: .test(actor: "docs"))
                Issue.record("accepted, but docs/records.md shows it refused: \(text)")
            } catch let error as RecordError {
                #expect(error.description == message, "docs/records.md shows «\(message)», Corridor says «\(error.description)»")
            }
            checked += 1
        }
        #expect(checked >= 5)
    }

    @Test("Every line of the reference network validates against the schema")
    func referenceNetworkValidates() async throws {
        let checker = try JSONSchemaChecker(RecordVocabulary.jsonSchema)
        let records = try ReferenceNetwork.load()
        #expect(records.count > 100)
        for record in records {
            let errors = checker.errors(try JSONParser.parse(record.payload))
            #expect(errors.isEmpty, "reference network line \(record.line ?? 0): \(errors)")
        }
    }

    @Test("Every line of an export of a seeded store validates against the schema")
    func exportValidates() async throws {
        let checker = try JSONSchemaChecker(RecordVocabulary.jsonSchema)
        let store = InMemoryEventStore()
        _ = try await Seeding.seedReference(into: store, context: .test(actor: "seed"))
        _ = try await Seeding.seedSynthetic(count: 300, seed: 17, into: store, context: .test(actor: "seed"))
        var kinds: Set<String> = []
        let count = try await store.exportRecords { line in
            let value = try JSONParser.parse(line)
            kinds.insert(value["type"]?.stringValue ?? "")
            let errors = checker.errors(value)
            #expect(errors.isEmpty, "\(errors): \(line)")
        }
        #expect(count > 300)
        #expect(kinds.isSuperset(of: ["country", "arrangement", "arrangement-status", "case"]))
    }
}

/// The field table of one record type, as docs/records.md shows it.
enum RecordFieldTable {
    typealias Value = RecordVocabulary.Value

    static func markdown(_ type: RecordVocabulary.RecordType) -> String {
        var rows = ["| field | required | value | meaning |", "|---|---|---|---|"]
        rows.append("| `type` | yes | `\"\(type.kind.rawValue)\"` | The record type. |")
        append(type.fields, prefix: "", to: &rows)
        var text = rows.joined(separator: "\n") + "\n"
        if !type.rules.isEmpty {
            text += "\n" + type.rules.map { "- " + sentence($0.summary) }.joined(separator: "\n") + "\n"
        }
        for field in type.fields {
            for (path, rules) in nestedRules(field, prefix: "") where !rules.isEmpty {
                text += "\n" + rules.map { "- In `\(path)`: " + $0.summary + "." }.joined(separator: "\n") + "\n"
            }
        }
        return text
    }

    static func sentence(_ text: String) -> String {
        text.prefix(1).uppercased() + text.dropFirst() + "."
    }

    static func nestedRules(_ field: RecordVocabulary.Field, prefix: String) -> [(String, [RecordVocabulary.Rule])] {
        switch field.value {
        case .object(let fields, let rules):
            let path = prefix + field.name
            return [(path, rules)] + fields.flatMap { nestedRules($0, prefix: path + ".") }
        default: return []
        }
    }

    static func append(_ fields: [RecordVocabulary.Field], prefix: String, to rows: inout [String]) {
        for field in fields {
            let path = prefix + field.name
            rows.append(
                "| `\(path)` | \(field.required ? "yes" : "no") | \(describe(field.value)) | \(field.summary.replacingOccurrences(of: "|", with: "\\|")) |"
            )
            switch field.value {
            case .object(let inner, _): append(inner, prefix: path + ".", to: &rows)
            case .list(.object(let inner, _), _, _, _): append(inner, prefix: path + "[].", to: &rows)
            case .oneOf(let alternatives):
                for case .object(let inner, _) in alternatives { append(inner, prefix: path + ".", to: &rows) }
            default: break
            }
        }
    }

    static func describe(_ value: Value) -> String {
        switch value {
        case .text(let maxBytes): maxBytes.map { "text, 1–\($0.grouped) bytes" } ?? "text, not empty"
        case .identifier: "identifier"
        case .country: "country code"
        case .date: "date"
        case .instant: "instant"
        case .boolean: "`true` or `false`"
        case .number(let minimum, let maximum):
            switch (minimum, maximum) {
            case let (minimum?, maximum?): "number, \(number(minimum))–\(number(maximum))"
            case let (minimum?, nil): "number, at least \(number(minimum))"
            case let (nil, maximum?): "number, at most \(number(maximum))"
            case (nil, nil): "number"
            }
        case .integer(let range): "whole number, \(range.lowerBound.grouped)–\(range.upperBound.grouped)"
        case .choice(let values): "one of " + values.map { "`\($0)`" }.joined(separator: ", ")
        case .constant(let value): "`\"\(value)\"`"
        case .url(let maxBytes): "`http://` or `https://` URL, at most \(maxBytes.grouped) bytes"
        case .list(let item, let minItems, let maxItems, let unique):
            "list of " + plural(describe(item)) + (minItems > 0 ? ", at least \(minItems)" : "") + ", at most \(maxItems.grouped)"
                + (unique ? ", no repeats" : "")
        case .object: "object (fields below)"
        case .oneOf(let alternatives): alternatives.map(describe).joined(separator: ", or ")
        }
    }

    static func plural(_ text: String) -> String {
        switch text {
        case "identifier": "identifiers"
        case "country code": "country codes"
        case "object (fields below)": "objects (fields below)"
        default: "(\(text))"
        }
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) <= 1e15 ? value.groupedWhole : "\(value)"
    }
}

extension Int {
    /// 10000 → "10,000".
    var grouped: String {
        let digits = String(abs(self))
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return (self < 0 ? "-" : "") + out
    }
}
