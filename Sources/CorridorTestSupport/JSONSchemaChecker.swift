import CorridorDomain

/// A JSON Schema (draft 2020-12) validator for the keywords Corridor's record schema uses, so
/// the tests can hold the schema and the decoder to each other without a dependency. A schema
/// using any other assertion keyword is refused when the checker is made, rather than silently
/// half-checked. CI also validates exports with a standard validator (`check-jsonschema`).
///
/// `pattern` is matched over Unicode scalars, as ECMA-262 and Python's `re` do, and lengths
/// count Unicode scalars, as the specification says.
public struct JSONSchemaChecker {
    public struct UnsupportedKeyword: Error, CustomStringConvertible {
        public var description: String
    }

    static let assertions: Set<String> = [
        "$ref", "type", "enum", "const", "pattern", "minLength", "maxLength", "minimum", "maximum", "required", "properties",
        "additionalProperties", "items", "minItems", "maxItems", "uniqueItems", "allOf", "anyOf", "oneOf", "not", "if", "then", "else",
    ]
    /// Keywords that assert nothing here: annotations, and `format` (an annotation in 2020-12;
    /// Corridor's schema states dates with a pattern as well).
    static let annotations: Set<String> = ["$schema", "$id", "$defs", "$comment", "title", "description", "format"]

    public let root: JSONValue
    private let regexes: [String: Regex<AnyRegexOutput>]

    public init(_ root: JSONValue) throws {
        self.root = root
        var patterns: Set<String> = []
        try Self.survey(root, path: "#", patterns: &patterns)
        var regexes: [String: Regex<AnyRegexOutput>] = [:]
        for pattern in patterns {
            regexes[pattern] = try Regex(pattern).matchingSemantics(.unicodeScalar)
        }
        self.regexes = regexes
    }

    /// Checks that every keyword is known, and gathers the patterns.
    static func survey(_ schema: JSONValue, path: String, patterns: inout Set<String>) throws {
        switch schema {
        case .bool: return
        case .object(let object):
            for (key, value) in object {
                guard assertions.contains(key) || annotations.contains(key) else {
                    throw UnsupportedKeyword(description: "\(path): keyword '\(key)' is not supported by this checker")
                }
                switch key {
                case "pattern": if let pattern = value.stringValue { patterns.insert(pattern) }
                case "properties", "$defs":
                    for (name, member) in value.objectValue ?? [:] { try survey(member, path: "\(path)/\(key)/\(name)", patterns: &patterns) }
                case "allOf", "anyOf", "oneOf":
                    for (index, member) in (value.arrayValue ?? []).enumerated() {
                        try survey(member, path: "\(path)/\(key)/\(index)", patterns: &patterns)
                    }
                case "items", "not", "if", "then", "else", "additionalProperties":
                    try survey(value, path: "\(path)/\(key)", patterns: &patterns)
                default: break
                }
            }
        default:
            throw UnsupportedKeyword(description: "\(path): a schema must be an object or a boolean")
        }
    }

    public func isValid(_ instance: JSONValue) -> Bool { errors(instance).isEmpty }

    /// Every place the instance breaks the schema, as `path: what`; empty when it is valid.
    public func errors(_ instance: JSONValue) -> [String] {
        var errors: [String] = []
        check(instance, against: root, at: "", errors: &errors)
        return errors
    }

    func resolve(_ reference: String) -> JSONValue? {
        guard reference.hasPrefix("#") else { return nil }
        var current: JSONValue? = root
        for token in reference.dropFirst().split(separator: "/") {
            let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            current = current?[key]
        }
        return current
    }

    func check(_ instance: JSONValue, against schema: JSONValue, at path: String, errors: inout [String]) {
        let here = path.isEmpty ? "(record)" : path
        if case .bool(let allowed) = schema {
            if !allowed { errors.append("\(here): no value is allowed") }
            return
        }
        guard case .object(let s) = schema else { return }
        if let reference = s["$ref"]?.stringValue {
            if let target = resolve(reference) {
                check(instance, against: target, at: path, errors: &errors)
            } else {
                errors.append("\(here): unresolved $ref \(reference)")
            }
        }
        if let type = s["type"] {
            let allowed = type.arrayValue?.compactMap(\.stringValue) ?? [type.stringValue ?? ""]
            if !allowed.contains(where: { Self.has(instance, type: $0) }) { errors.append("\(here): expected \(allowed.joined(separator: " or "))") }
        }
        if let values = s["enum"]?.arrayValue, !values.contains(instance) { errors.append("\(here): not one of the allowed values") }
        if let value = s["const"], value != instance { errors.append("\(here): must be \(value.canonicalString)") }
        if case .string(let string) = instance {
            let length = string.unicodeScalars.count
            if let minimum = s["minLength"]?.numberValue, Double(length) < minimum { errors.append("\(here): shorter than \(minimum)") }
            if let maximum = s["maxLength"]?.numberValue, Double(length) > maximum { errors.append("\(here): longer than \(maximum)") }
            if let pattern = s["pattern"]?.stringValue, let regex = regexes[pattern], (try? regex.firstMatch(in: string)) == nil {
                errors.append("\(here): does not match \(pattern)")
            }
        }
        if case .number(let number) = instance {
            if let minimum = s["minimum"]?.numberValue, number < minimum { errors.append("\(here): below \(minimum)") }
            if let maximum = s["maximum"]?.numberValue, number > maximum { errors.append("\(here): above \(maximum)") }
        }
        if case .object(let object) = instance {
            for name in s["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where object[name] == nil {
                errors.append("\(path.isEmpty ? "" : path + ".")\(name): required")
            }
            let properties = s["properties"]?.objectValue ?? [:]
            for (name, value) in object {
                let child = path.isEmpty ? name : path + "." + name
                if let property = properties[name] {
                    check(value, against: property, at: child, errors: &errors)
                } else if let additional = s["additionalProperties"] {
                    check(value, against: additional, at: child, errors: &errors)
                }
            }
        }
        if case .array(let items) = instance {
            if let minimum = s["minItems"]?.numberValue, Double(items.count) < minimum { errors.append("\(here): fewer than \(minimum) items") }
            if let maximum = s["maxItems"]?.numberValue, Double(items.count) > maximum { errors.append("\(here): more than \(maximum) items") }
            if s["uniqueItems"] == .bool(true) {
                for (index, item) in items.enumerated() where items[..<index].contains(item) { errors.append("\(here)[\(index)]: repeated") }
            }
            if let itemSchema = s["items"] {
                for (index, item) in items.enumerated() { check(item, against: itemSchema, at: "\(path)[\(index)]", errors: &errors) }
            }
        }
        for member in s["allOf"]?.arrayValue ?? [] { check(instance, against: member, at: path, errors: &errors) }
        if let members = s["anyOf"]?.arrayValue, !members.contains(where: { passes(instance, $0, path) }) {
            errors.append("\(here): matches none of the alternatives")
        }
        if let members = s["oneOf"]?.arrayValue, members.filter({ passes(instance, $0, path) }).count != 1 {
            errors.append("\(here): must match exactly one alternative")
        }
        if let not = s["not"], passes(instance, not, path) { errors.append("\(here): matches a shape that is not allowed") }
        if let condition = s["if"] {
            if passes(instance, condition, path) {
                if let then = s["then"] { check(instance, against: then, at: path, errors: &errors) }
            } else if let otherwise = s["else"] {
                check(instance, against: otherwise, at: path, errors: &errors)
            }
        }
    }

    func passes(_ instance: JSONValue, _ schema: JSONValue, _ path: String) -> Bool {
        var errors: [String] = []
        check(instance, against: schema, at: path, errors: &errors)
        return errors.isEmpty
    }

    static func has(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("null", .null), ("boolean", .bool), ("number", .number), ("string", .string), ("array", .array), ("object", .object): true
        case ("integer", .number(let number)): number == number.rounded() && number.isFinite
        default: false
        }
    }
}
