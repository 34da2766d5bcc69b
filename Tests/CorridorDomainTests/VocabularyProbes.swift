import CorridorDomain

/// Records derived from `RecordVocabulary`: a complete valid example of each type, and, for
/// every field at every depth, the same record with that field absent, null, or replaced by
/// values at and beyond its limits. The schema and the decoder must agree on every one.
enum VocabularyProbes {
    typealias Value = RecordVocabulary.Value
    typealias Field = RecordVocabulary.Field

    struct Probe: CustomStringConvertible {
        /// The field probed, as a path (`terms.capacityTotal`), and what was put there.
        var field: String
        var change: String
        var record: JSONValue
        var description: String { "\(field) \(change): \(record.canonicalString)" }
    }

    // MARK: Examples

    /// A value the decoder must accept.
    static func example(_ value: Value) -> JSONValue {
        switch value {
        case .text: "x"
        case .identifier: "id-1"
        case .country: "GTM"
        case .date: "2025-03-15"
        case .instant: "2025-03-15T12:00:00Z"
        case .boolean: true
        case .number(let minimum, let maximum):
            if let minimum, let maximum { .number((minimum + maximum) / 2) } else { .number(minimum ?? 1) }
        case .integer(let range): .number(Double(range.lowerBound))
        case .choice(let values): .string(values[0])
        case .constant(let value): .string(value)
        case .url: "https://example.org/"
        case .list(let item, _, _, _): [example(item)]
        case .object(let fields, let rules): .object(full(fields, rules: rules))
        case .oneOf(let values): example(values[0])
        }
    }

    /// Every field given, with the values the rules need.
    static func full(_ fields: [Field], rules: [RecordVocabulary.Rule]) -> [String: JSONValue] {
        var object: [String: JSONValue] = [:]
        for field in fields { object[field.name] = example(field.value) }
        for rule in rules {
            switch rule {
            case .notBothTrue(_, let b): object[b] = false
            case .differentCountries(let a, let b, _):
                object[a] = "GTM"
                object[b] = "USA"
            case .notBefore(let a, let b): object[a] = object[b]
            case .presentExactlyWhen(_, let when, let equals): object[when] = .string(equals)
            }
        }
        return object
    }

    /// A complete valid record of the type.
    static func record(_ type: RecordVocabulary.RecordType) -> [String: JSONValue] {
        var object = full(type.fields, rules: type.rules)
        object["type"] = .string(type.kind.rawValue)
        return object
    }

    // MARK: Values to try

    /// Values at and beyond the limits of a field, valid and not.
    static func candidates(_ value: Value) -> [(String, JSONValue)] {
        let wrongTypes: [(String, JSONValue)] = [("a number", 7), ("a string", "7"), ("a boolean", true), ("an array", []), ("an object", [:])]
        var result: [(String, JSONValue)] = []
        switch value {
        case .text(let maxBytes):
            result = [("one character", "x"), ("empty", ""), ("with a control character", "a\u{1}b"), ("spaces around", " x ")]
            if let maxBytes {
                result += [
                    ("at the limit", .string(String(repeating: "a", count: maxBytes))),
                    ("over the limit", .string(String(repeating: "a", count: maxBytes + 1))),
                ]
            }
        case .identifier:
            result = [
                ("one character", "a"), ("with inner spaces", "a b"), ("SYN id", "SYN-0000001"), ("non-ASCII", "caso-ñ"),
                ("at the limit", .string(String(repeating: "a", count: 128))), ("over the limit", .string(String(repeating: "a", count: 129))),
                ("empty", ""), ("a leading space", " a"), ("a trailing space", "a "), ("a control character", "a\u{1}b"),
                ("DEL", "a\u{7F}"), ("a newline", "a\nb"), ("a tab", "a\tb"),
                // Bidi overrides and isolates can make an id display as another.
                ("a right-to-left override", "a\u{202E}b"), ("a left-to-right isolate", "a\u{2066}b"),
            ]
        case .country:
            result = [
                ("Kosovo", "XKX"), ("USA", "USA"), ("lowercase", "gtm"), ("two letters", "GT"), ("unassigned", "XXX"), ("four letters", "GTMX"),
            ]
        case .date:
            result = [
                ("a leap day", "2024-02-29"), ("year 1", "0001-01-01"), ("year 9999", "9999-12-31"), ("year 2000 leap", "2000-02-29"),
                ("year 1900 not leap", "1900-02-29"), ("29 February 2025", "2025-02-29"), ("31 April", "2025-04-31"),
                ("month 13", "2025-13-01"), ("year 0", "0000-01-01"), ("one-digit month", "2025-1-01"),
                ("with a time", "2025-03-15T00:00:00Z"), ("no dashes", "20250315"), ("day 00", "2025-03-00"),
            ]
        case .instant:
            result = [
                ("an offset and a fraction", "2025-05-20T10:30:00.250-04:00"), ("space and lowercase z", "2025-05-20 14:30:00z"),
                ("leap second", "2016-12-31T23:59:60Z"), ("lowercase t", "2025-05-20t14:30:00Z"),
                ("no zone", "2025-03-15T12:00:00"), ("a date", "2025-03-15"), ("hour 24", "2025-03-15T24:00:00Z"),
                ("offset without colon", "2025-03-15T12:00:00+0100"), ("empty fraction", "2025-03-15T12:00:00.Z"),
                ("30 February", "2025-02-30T12:00:00Z"), ("second 61", "2025-03-15T12:00:61Z"), ("offset hour 24", "2025-03-15T12:00:00+24:00"),
            ]
        case .boolean:
            result = [("true", true), ("false", false)]
        case .number(let minimum, let maximum):
            result = [("zero", 0), ("a fraction", 0.25), ("negative", -1.5), ("large", 1e15)]
            if let minimum { result += [("the minimum", .number(minimum)), ("below the minimum", .number(minimum - 0.5))] }
            if let maximum { result += [("the maximum", .number(maximum)), ("above the maximum", .number(maximum + 1))] }
        case .integer(let range):
            result = [
                ("the minimum", .number(Double(range.lowerBound))), ("the maximum", .number(Double(range.upperBound))),
                ("below the minimum", .number(Double(range.lowerBound - 1))), ("above the maximum", .number(Double(range.upperBound + 1))),
                ("a fraction", .number(Double(range.lowerBound) + 0.5)),
            ]
        case .choice(let values):
            result =
                values.map { ("'\($0)'", .string($0)) } + [("an unknown value", "not-a-value"), ("different case", .string(values[0].uppercased()))]
        case .constant(let value):
            result = [("'\(value)'", .string(value)), ("another string", .string(value + "x"))]
        case .url(let maxBytes):
            result = [
                ("http", "http://example.org"), ("scheme only", "https://"), ("ftp", "ftp://example.org/x"), ("no scheme", "example.org"),
                ("uppercase scheme", "HTTPS://example.org"), ("empty", ""),
                ("at the limit", .string("https://" + String(repeating: "a", count: maxBytes - 8))),
                ("over the limit", .string("https://" + String(repeating: "a", count: maxBytes - 7))),
            ]
        case .list(let item, _, let maxItems, _):
            let one = example(item)
            result = [("empty", []), ("one item", [one]), ("the same item twice", [one, one])]
            for (label, bad) in candidates(item) { result.append(("an item \(label)", [one, bad])) }
            if case .choice(let values) = item, values.count > 1 { result.append(("two different items", [.string(values[0]), .string(values[1])])) }
            if case .country = item {
                result.append(("two different items", ["GTM", "HND"]))
                result.append(("every assigned code", .array(ISO3166.names.keys.sorted().map { .string($0) })))
            }
            if case .text = item { result.append(("a thousand different items", .array((0..<1000).map { .string("item-\($0)") }))) }
            switch item {
            case .text, .identifier:
                result.append(("the most items allowed", .array((0..<maxItems).map { .string("item-\($0)") })))
                result.append(("one item more than allowed", .array((0...maxItems).map { .string("item-\($0)") })))
            default: break
            }
        case .object(let fields, _):
            result = [("empty", [:]), ("required fields only", .object(required(fields)))]
        case .oneOf(let values):
            for alternative in values { result += candidates(alternative) }
        }
        return result + wrongTypes
    }

    /// Only the required fields.
    static func required(_ fields: [Field]) -> [String: JSONValue] {
        var object: [String: JSONValue] = [:]
        for field in fields where field.required { object[field.name] = example(field.value) }
        return object
    }

    // MARK: Probes

    /// Every probe of one record type.
    static func probes(_ type: RecordVocabulary.RecordType) -> [Probe] {
        let base = record(type)
        var probes = [Probe(field: "(record)", change: "complete example", record: .object(base))]
        var minimal = required(type.fields)
        minimal["type"] = .string(type.kind.rawValue)
        for rule in type.rules {
            // A required field set to the value that demands another field gets another value.
            if case .presentExactlyWhen(_, let when, let equals) = rule, minimal[when] == .string(equals),
                case .choice(let values)? = type.fields.first(where: { $0.name == when })?.value
            {
                minimal[when] = .string(values.first { $0 != equals }!)
            }
        }
        probes.append(Probe(field: "(record)", change: "required fields only", record: .object(minimal)))
        probes += Self.probes(type.fields, in: base, path: "") { JSONValue.object($0) }
        return probes
    }

    static func probes(_ fields: [Field], in object: [String: JSONValue], path: String, rebuild: ([String: JSONValue]) -> JSONValue) -> [Probe] {
        var probes: [Probe] = []
        var unknown = object
        unknown["unknownField"] = 1
        probes.append(Probe(field: path + "unknownField", change: "added", record: rebuild(unknown)))
        for field in fields {
            let name = path + field.name
            func with(_ value: JSONValue?) -> JSONValue {
                var copy = object
                copy[field.name] = value
                return rebuild(copy)
            }
            probes.append(Probe(field: name, change: "absent", record: with(nil)))
            probes.append(Probe(field: name, change: "null", record: with(.null)))
            for (label, value) in candidates(field.value) {
                probes.append(Probe(field: name, change: label, record: with(value)))
            }
            // Into nested objects, alone or as the first item of a list.
            var nested: [(fields: [Field], object: [String: JSONValue], path: String, wrap: ([String: JSONValue]) -> JSONValue)] = []
            switch field.value {
            case .object(let inner, let rules):
                nested.append((inner, full(inner, rules: rules), name + ".", { .object($0) }))
            case .list(.object(let inner, let rules), _, _, _):
                nested.append((inner, full(inner, rules: rules), name + "[0].", { [.object($0)] }))
            case .oneOf(let alternatives):
                for case .object(let inner, let rules) in alternatives {
                    nested.append((inner, full(inner, rules: rules), name + ".", { .object($0) }))
                }
            default: break
            }
            for (inner, innerObject, innerPath, wrap) in nested {
                probes += Self.probes(inner, in: innerObject, path: innerPath) { with(wrap($0)) }
            }
        }
        return probes
    }

    /// Whether a record breaks a rule the schema cannot state in full (so only the decoder can
    /// refuse it).
    static func breaksUnstatedRule(_ record: JSONValue, _ type: RecordVocabulary.RecordType) -> Bool {
        guard case .object(let object) = record else { return false }
        for rule in type.rules where !rule.schemaExpressesFully {
            switch rule {
            case .differentCountries(let a, let b, let fallback):
                let second = object[b].flatMap { $0 == .null ? nil : $0 } ?? .string(fallback)
                if object[a] == second { return true }
            case .notBefore(let a, let b):
                if case .string(let later)? = object[a], case .string(let earlier)? = object[b],
                    let laterDay = Day(later), let earlierDay = Day(earlier), laterDay < earlierDay
                {
                    return true
                }
            default: break
            }
        }
        return false
    }
}
