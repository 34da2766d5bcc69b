import CorridorDomain
import CorridorRules

/// A JSON response body described once: its members, each with its name, JSON type, whether it
/// is always present and what it means. From that one list come both the body a route sends
/// (``jsonValue``) and the JSON Schema the OpenAPI document publishes for it (``schema``), so
/// the two cannot drift apart (ADR 0011). The field constructors tie a member's Swift type to
/// its JSON type: a `String` member is a JSON string, an `Int` an integer, an optional member
/// is left out (or sent as `null`) exactly as its schema says.
protocol DescribedJSON: Sendable {
    /// The component name in the OpenAPI document (`#/components/schemas/<name>`).
    static var schemaName: String { get }
    static var schemaDescription: String? { get }
    /// The members, in the order the schema lists them.
    static var fields: [ResponseField<Self>] { get }
}

extension DescribedJSON {
    static var schemaDescription: String? { nil }

    /// The body as sent: every member whose value is present.
    var jsonValue: JSONValue {
        var object: [String: JSONValue] = [:]
        for field in Self.fields {
            if let value = field.value(self) { object[field.name] = value }
        }
        return .object(object)
    }

    /// The JSON Schema of the body: an object with each member's schema, the members always
    /// sent listed as `required`.
    static var schema: JSONValue {
        var properties: [String: JSONValue] = [:]
        for field in fields {
            precondition(properties[field.name] == nil, "\(schemaName) describes '\(field.name)' twice")
            properties[field.name] = field.schema
        }
        var schema: [String: JSONValue] = ["type": "object", "properties": .object(properties)]
        let required = fields.filter(\.required).map { JSONValue.string($0.name) }
        if !required.isEmpty { schema["required"] = .array(required) }
        if let schemaDescription { schema["description"] = .string(schemaDescription) }
        return .object(schema)
    }
}

/// One member of a ``DescribedJSON`` body. Made only through the typed constructors below, so
/// the schema a member declares is the type of the value it sends.
struct ResponseField<Root>: Sendable {
    let name: String
    /// The member's JSON Schema, with its description.
    let schema: JSONValue
    /// Whether the member is always sent (possibly as `null`, when its schema allows that).
    let required: Bool
    /// The member's value, or nil when it is left out.
    let value: @Sendable (Root) -> JSONValue?

    private init(
        _ name: String, _ schema: [String: JSONValue], _ description: String?, required: Bool, value: @escaping @Sendable (Root) -> JSONValue?
    ) {
        var schema = schema
        if let description { schema["description"] = .string(description) }
        self.name = name
        self.schema = .object(schema)
        self.required = required
        self.value = value
    }

    private static func nullable(_ type: String) -> JSONValue { .array([.string(type), "null"]) }

    // MARK: Strings

    static func string(_ name: String, _ description: String? = nil, _ get: @escaping @Sendable (Root) -> String) -> Self {
        Self(name, ["type": "string"], description, required: true) { .string(get($0)) }
    }

    /// Left out when nil.
    static func optionalString(_ name: String, _ description: String? = nil, _ get: @escaping @Sendable (Root) -> String?) -> Self {
        Self(name, ["type": "string"], description, required: false) { get($0).map { .string($0) } }
    }

    /// Always sent; `null` when nil.
    static func nullableString(_ name: String, _ description: String? = nil, _ get: @escaping @Sendable (Root) -> String?) -> Self {
        Self(name, ["type": nullable("string")], description, required: true) { get($0).map { .string($0) } ?? .null }
    }

    /// One of the values of a string enumeration, listed in the schema.
    static func oneOf<Value: RawRepresentable & CaseIterable & SendableMetatype>(
        _ name: String, _ description: String? = nil, _ get: @escaping @Sendable (Root) -> Value
    ) -> Self where Value.RawValue == String {
        Self(name, ["type": "string", "enum": .array(Value.allCases.map { .string($0.rawValue) })], description, required: true) {
            .string(get($0).rawValue)
        }
    }

    static func strings(_ name: String, _ description: String? = nil, _ get: @escaping @Sendable (Root) -> [String]) -> Self {
        Self(name, ["type": "array", "items": .object(["type": "string"])], description, required: true) { .array(get($0).map { .string($0) }) }
    }

    /// Left out when nil.
    static func optionalStrings(_ name: String, _ description: String? = nil, _ get: @escaping @Sendable (Root) -> [String]?) -> Self {
        Self(name, ["type": "array", "items": .object(["type": "string"])], description, required: false) {
            get($0).map { .array($0.map { .string($0) }) }
        }
    }

    // MARK: Numbers and booleans

    static func integer<Value: BinaryInteger & SendableMetatype>(
        _ name: String, _ description: String? = nil, _ get: @escaping @Sendable (Root) -> Value
    ) -> Self {
        Self(name, ["type": "integer"], description, required: true) { .number(Double(get($0))) }
    }

    /// Left out when nil.
    static func optionalInteger<Value: BinaryInteger & SendableMetatype>(
        _ name: String, _ description: String? = nil, _ get: @escaping @Sendable (Root) -> Value?
    ) -> Self {
        Self(name, ["type": "integer"], description, required: false) { get($0).map { .number(Double($0)) } }
    }

    /// Always sent; `null` when nil.
    static func nullableInteger<Value: BinaryInteger & SendableMetatype>(
        _ name: String, _ description: String? = nil, _ get: @escaping @Sendable (Root) -> Value?
    ) -> Self {
        Self(name, ["type": nullable("integer")], description, required: true) { get($0).map { .number(Double($0)) } ?? .null }
    }

    static func boolean(_ name: String, _ description: String? = nil, _ get: @escaping @Sendable (Root) -> Bool) -> Self {
        Self(name, ["type": "boolean"], description, required: true) { .bool(get($0)) }
    }

    // MARK: Described members

    /// A member that is itself a described body; its schema is written inline.
    static func nested<Value: DescribedJSON>(_ name: String, _ description: String? = nil, _ get: @escaping @Sendable (Root) -> Value) -> Self {
        Self(name, Value.schema.objectValue ?? [:], description, required: true) { get($0).jsonValue }
    }

    /// A list of described bodies; the items' schema is written inline.
    static func list<Element: DescribedJSON>(
        _ name: String, _ description: String? = nil, _ get: @escaping @Sendable (Root) -> [Element]
    ) -> Self {
        Self(name, ["type": "array", "items": Element.schema], description, required: true) { .array(get($0).map(\.jsonValue)) }
    }

    // MARK: Objects this body does not describe

    /// A JSON object described elsewhere (a record of the vocabulary, a transfer summary): its
    /// schema says only `object`, and the description says what it holds.
    static func object(_ name: String, _ description: String, _ get: @escaping @Sendable (Root) -> JSONValue) -> Self {
        Self(name, ["type": "object"], description, required: true) { get($0) }
    }

    /// Left out when nil; with `nullable`, the value may also be `null`.
    static func optionalObject(
        _ name: String, _ description: String, nullable: Bool = false, _ get: @escaping @Sendable (Root) -> JSONValue?
    ) -> Self {
        Self(name, ["type": nullable ? Self.nullable("object") : "object"], description, required: false) { get($0) }
    }
}

/// The response bodies described with ``DescribedJSON``; the OpenAPI document publishes each
/// under its ``DescribedJSON/schemaName``. A new JSON response should be described and listed
/// here rather than given a hand-written schema in ``OpenAPIDocument``.
enum DescribedResponses {
    static let all: [any DescribedJSON.Type] = [
        ProblemBody.self, Decision.JSON.self, CaseList.self, FeedItem.self, EventFeedPage.self, AppendReceiptBody.self,
        ChainHeadBody.self, HealthBody.self, ReadinessBody.self,
    ]
}
