extension RecordVocabulary {
    /// Where the schema is served, and the name OpenAPI documents refer to it by.
    public static let schemaPath = "/schemas/records.json"

    /// A calendar date that exists (`YYYY-MM-DD`, years 0001–9999, leap years counted).
    static let datePattern =
        "(?!0000)(?:[0-9]{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))"
        + "|(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)-02-29)"

    /// An RFC 3339 date-time with a zone, as Corridor reads it (`T`, `t` or a space between date
    /// and time; an optional fraction; `Z` or `±HH:MM`).
    static let instantPattern =
        "^" + datePattern
        + "[Tt ](?:[01][0-9]|2[0-3]):[0-5][0-9]:(?:[0-5][0-9]|60)(?:\\.[0-9]+)?(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])$"

    /// No control character (U+0000–U+001F, U+007F), and no space first or last.
    /// Refuses what ``TerminalText/isUnsafe(_:)`` names: C0, DEL and C1 controls, and the
    /// invisible characters that reorder or hide text; no leading or trailing space.
    static let identifierPattern = "^[^\(unsafe) ](?:[^\(unsafe)]*[^\(unsafe) ])?$"
    private static let unsafe = "\\x00-\\x1F\\x7F-\\x9F\\u061C\\u200B\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069\\uFEFF"

    /// The JSON Schema (draft 2020-12) of one record: what `corridor schema records` prints and
    /// `/schemas/records.json` serves. One definition per record type under `$defs`, by its
    /// `type` string.
    public static var jsonSchema: JSONValue {
        var definitions: [String: JSONValue] = [
            "identifier": .object([
                "type": "string", "minLength": 1, "maxLength": .number(Double(identifierMaxBytes)),
                "pattern": .string(identifierPattern),
                "description":
                    "An id chosen by the recorder: 1 to 128 UTF-8 bytes (the schema counts characters), no control characters, no space first or last.",
            ]),
            "country-code": .object([
                "enum": .array(ISO3166.names.keys.sorted().map { .string($0) }),
                "description": "An assigned ISO 3166-1 alpha-3 code (three capital letters), or XKX for Kosovo.",
            ]),
            "date": .object([
                "type": "string", "format": "date", "pattern": .string("^" + datePattern + "$"),
                "description": "A calendar date, YYYY-MM-DD, that exists.",
            ]),
            "instant": .object([
                "type": "string", "pattern": .string(instantPattern),
                "description": "An RFC 3339 instant with a zone: 2025-05-20T14:30:00Z or 2025-05-20T10:30:00.250-04:00.",
            ]),
        ]
        for type in types {
            definitions[type.kind.rawValue] = recordSchema(type)
        }
        let kinds = types.map { JSONValue.string($0.kind.rawValue) }
        let dispatch: [JSONValue] = types.map { type in
            .object([
                "if": .object(["required": ["type"], "properties": .object(["type": .object(["const": .string(type.kind.rawValue)])])]),
                "then": .object(["$ref": .string("#/$defs/\(type.kind.rawValue)")]),
            ])
        }
        return .object([
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "Corridor record",
            "description": """
            One record of Corridor's vocabulary: a line of an import file, a body of POST /api/v1/records, a line of \
            `corridor export`. A JSON object whose `type` names the record type; the other fields depend on it and \
            unknown fields are refused. Corridor also checks what a schema cannot: duplicate keys, lengths in UTF-8 \
            bytes, the rules named in each type's $comment, and the record against the store's state (docs/records.md).
            """,
            "type": "object",
            "required": ["type"],
            "properties": .object(["type": .object(["enum": .array(kinds)])]),
            "allOf": .array(dispatch),
            "$defs": .object(definitions),
        ])
    }

    static func recordSchema(_ type: RecordType) -> JSONValue {
        var schema = objectSchema(type.fields, rules: type.rules, extra: ["type": .object(["const": .string(type.kind.rawValue)])])
        guard case .object(var object) = schema else { return schema }
        object["title"] = .string(type.kind.rawValue)
        object["description"] = .string(type.summary)
        schema = .object(object)
        return schema
    }

    static func objectSchema(_ fields: [Field], rules: [Rule], extra: [String: JSONValue] = [:]) -> JSONValue {
        var properties = extra
        var required = extra.keys.sorted()
        for field in fields {
            var property = schema(field.value)
            if !field.required { property = nullable(property) }
            if case .object(var object) = property {
                object["description"] = .string(field.summary)
                property = .object(object)
            }
            properties[field.name] = property
            if field.required { required.append(field.name) }
        }
        var object: [String: JSONValue] = [
            "type": "object",
            "properties": .object(properties),
            "additionalProperties": false,
        ]
        if !required.isEmpty { object["required"] = .array(required.map { .string($0) }) }
        let stated = rules.compactMap(ruleSchema)
        if !stated.isEmpty { object["allOf"] = .array(stated) }
        let unstated = rules.filter { !$0.schemaExpressesFully }.map(\.summary)
        if !unstated.isEmpty {
            object["$comment"] = .string("Corridor also refuses a record unless: " + unstated.joined(separator: "; ") + ".")
        }
        return .object(object)
    }

    /// The part of a rule the schema can state (the whole rule when `schemaExpressesFully`).
    static func ruleSchema(_ rule: Rule) -> JSONValue? {
        switch rule {
        case .notBothTrue(let a, let b):
            return .object([
                "not": .object([
                    "type": "object", "required": [.string(a), .string(b)],
                    "properties": .object([a: .object(["const": true]), b: .object(["const": true])]),
                ])
            ])
        case .differentCountries(let a, let b, let fallback):
            // Stated only for the default: without `b`, `a` may not be the default.
            return .object([
                "if": .object(["properties": .object([b: .object(["type": "null"])])]),
                "then": .object(["properties": .object([a: .object(["not": .object(["const": .string(fallback)])])])]),
            ])
        case .notBefore:
            return nil
        case .presentExactlyWhen(let field, let when, let equals):
            return .object([
                "if": .object(["required": [.string(when)], "properties": .object([when: .object(["const": .string(equals)])])]),
                "then": .object(["required": [.string(field)], "properties": .object([field: .object(["not": .object(["type": "null"])])])]),
                "else": .object(["properties": .object([field: .object(["type": "null"])])]),
            ])
        }
    }

    static func schema(_ value: Value) -> JSONValue {
        switch value {
        case .text(let maxBytes):
            var object: [String: JSONValue] = ["type": "string", "minLength": 1]
            if let maxBytes { object["maxLength"] = .number(Double(maxBytes)) }
            return .object(object)
        case .identifier: return reference("identifier")
        case .country: return reference("country-code")
        case .date: return reference("date")
        case .instant: return reference("instant")
        case .boolean: return .object(["type": "boolean"])
        case .number(let minimum, let maximum):
            var object: [String: JSONValue] = ["type": "number"]
            if let minimum { object["minimum"] = .number(minimum) }
            if let maximum { object["maximum"] = .number(maximum) }
            return .object(object)
        case .integer(let range):
            return .object(["type": "integer", "minimum": .number(Double(range.lowerBound)), "maximum": .number(Double(range.upperBound))])
        case .choice(let values):
            return .object(["enum": .array(values.map { .string($0) })])
        case .constant(let value):
            return .object(["const": .string(value)])
        case .url(let maxBytes):
            return .object(["type": "string", "maxLength": .number(Double(maxBytes)), "pattern": "^https?://"])
        case .list(let item, let minItems, let maxItems, let unique):
            var object: [String: JSONValue] = ["type": "array", "items": schema(item), "maxItems": .number(Double(maxItems))]
            if minItems > 0 { object["minItems"] = .number(Double(minItems)) }
            if unique { object["uniqueItems"] = true }
            return .object(object)
        case .object(let fields, let rules):
            return objectSchema(fields, rules: rules)
        case .oneOf(let values):
            return .object(["anyOf": .array(values.map(schema))])
        }
    }

    static func reference(_ name: String) -> JSONValue { .object(["$ref": .string("#/$defs/\(name)")]) }

    /// The same schema that also accepts null: Corridor reads an optional field given as null
    /// as absent.
    static func nullable(_ schema: JSONValue) -> JSONValue {
        guard case .object(var object) = schema else { return schema }
        if case .array(let values)? = object["enum"] {
            object["enum"] = .array(values + [.null])
            return .object(object)
        }
        if case .string(let type)? = object["type"], object["allOf"] == nil {
            object["type"] = .array([.string(type), "null"])
            return .object(object)
        }
        return .object(["anyOf": .array([schema, .object(["type": "null"])])])
    }
}
