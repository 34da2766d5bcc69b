/// Reads typed fields out of a JSON object, turning every problem into a ``RecordError`` that
/// names the field. Unknown fields are refused: in a system of record a misspelt field
/// (`destinaton`) silently ignored is a legal hazard.
public struct FieldReader {
    public let object: [String: JSONValue]
    public let path: String
    private var allowed: [String] = []

    public init(_ object: [String: JSONValue], path: String = "") {
        self.object = object
        self.path = path
    }

    /// Reads a nested object at `field` into a new reader.
    public static func nested(_ value: JSONValue, path: String) throws(RecordError) -> FieldReader {
        guard case .object(let object) = value else { throw .invalid(path, "expected an object, got \(value.typeDescription)") }
        return FieldReader(object, path: path)
    }

    func name(_ field: String) -> String { path.isEmpty ? field : path + "." + field }

    mutating func raw(_ field: String) -> JSONValue? {
        allowed.append(field)
        guard let value = object[field], value != .null else { return nil }
        return value
    }

    /// Refuses any field that no read asked about. Call after reading every field.
    public func finish(also extra: Set<String> = []) throws(RecordError) {
        guard object.count > 0 else { return }
        for key in object.keys.sorted() where !allowed.contains(key) && !extra.contains(key) {
            let known = Set(allowed).union(extra).sorted().joined(separator: ", ")
            throw .invalid(name(key), "unknown field (known fields here: \(known))")
        }
    }

    // MARK: Strings

    public mutating func optionalString(_ field: String, maxLength: Int = 4096) throws(RecordError) -> String? {
        guard let value = raw(field) else { return nil }
        guard case .string(let string) = value else { throw .invalid(name(field), "expected a string, got \(value.typeDescription)") }
        guard !string.isEmpty else { throw .invalid(name(field), "must not be empty") }
        guard string.utf8.count <= maxLength else { throw .invalid(name(field), "longer than \(maxLength) bytes") }
        return string
    }

    public mutating func string(_ field: String, maxLength: Int = 4096) throws(RecordError) -> String {
        guard let string = try optionalString(field, maxLength: maxLength) else { throw .missing(name(field)) }
        return string
    }

    /// An identifier: 1–128 bytes, no control characters and no leading or trailing spaces.
    public mutating func optionalIdentifier<Tag>(_ field: String, _ tag: Tag.Type = Tag.self) throws(RecordError) -> Identifier<Tag>? {
        guard let value = raw(field) else { return nil }
        return try FieldReader.identifier(value, name(field))
    }

    /// Checks one identifier value (also used for identifiers inside lists). Control characters
    /// (C0, DEL, C1) and the invisible characters that reorder or hide text (bidirectional
    /// overrides, isolates and marks, zero-width space, byte-order mark) are refused: an id is
    /// echoed in terminals, pages and court filings, where such characters disguise what it is.
    static func identifier<Tag>(_ value: JSONValue, _ field: String) throws(RecordError) -> Identifier<Tag> {
        guard case .string(let string) = value else { throw .invalid(field, "expected a string, got \(value.typeDescription)") }
        guard !string.isEmpty else { throw .invalid(field, "must not be empty") }
        guard string.utf8.count <= 128 else { throw .invalid(field, "longer than 128 bytes") }
        if let bad = string.unicodeScalars.first(where: TerminalText.isUnsafe) {
            let kind = bad.value < 0xA0 ? "a control character" : "an invisible formatting character"
            throw .invalid(field, "identifier contains \(kind) (U+\(TerminalText.hex(bad)))")
        }
        if string.first == " " || string.last == " " {
            throw .invalid(field, "identifier has leading or trailing spaces")
        }
        return Identifier(string)
    }

    public mutating func identifier<Tag>(_ field: String, _ tag: Tag.Type = Tag.self) throws(RecordError) -> Identifier<Tag> {
        guard let id: Identifier<Tag> = try optionalIdentifier(field) else { throw .missing(name(field)) }
        return id
    }

    // MARK: Countries

    public mutating func optionalCountry(_ field: String) throws(RecordError) -> CountryCode? {
        guard let value = raw(field) else { return nil }
        return try FieldReader.country(value, name(field))
    }

    public mutating func country(_ field: String) throws(RecordError) -> CountryCode {
        guard let code = try optionalCountry(field) else { throw .missing(name(field)) }
        return code
    }

    public mutating func countryList(_ field: String, required: Bool = false, allowEmpty: Bool = true) throws(RecordError) -> [CountryCode]? {
        guard let value = raw(field) else {
            if required { throw .missing(name(field)) }
            return nil
        }
        guard case .array(let items) = value else {
            throw .invalid(name(field), "expected an array of ISO 3166-1 alpha-3 codes, got \(value.typeDescription)")
        }
        guard items.count <= ISO3166.names.count else {
            throw .invalid(name(field), "lists \(items.count.grouped) countries; there are only \(ISO3166.names.count)")
        }
        if !allowEmpty, items.isEmpty { throw .invalid(name(field), "must list at least one country") }
        var codes: [CountryCode] = []
        for (index, item) in items.enumerated() {
            let code = try FieldReader.country(item, "\(name(field))[\(index)]")
            if codes.contains(code) { throw .invalid("\(name(field))[\(index)]", "'\(code)' is listed twice") }
            codes.append(code)
        }
        return codes
    }

    static func country(_ value: JSONValue, _ field: String) throws(RecordError) -> CountryCode {
        guard case .string(let string) = value else { throw .invalid(field, "expected an ISO 3166-1 alpha-3 code, got \(value.typeDescription)") }
        guard string.utf8.count == 3, string.utf8.allSatisfy({ $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) else {
            throw .invalid(field, "'\(string.prefix(40))' is not an ISO 3166-1 alpha-3 code (three capital letters, e.g. SLV)")
        }
        guard ISO3166.isValid(string) else { throw .invalid(field, "'\(string)' is not an assigned ISO 3166-1 alpha-3 code") }
        return CountryCode(string)
    }

    // MARK: Dates and instants

    public mutating func optionalDay(_ field: String) throws(RecordError) -> Day? {
        guard let value = raw(field) else { return nil }
        guard case .string(let string) = value else { throw .invalid(name(field), "expected a date (YYYY-MM-DD), got \(value.typeDescription)") }
        guard let day = Day(string) else { throw .invalid(name(field), "'\(string.prefix(40))' is not a valid date (YYYY-MM-DD)") }
        return day
    }

    public mutating func day(_ field: String) throws(RecordError) -> Day {
        guard let day = try optionalDay(field) else { throw .missing(name(field)) }
        return day
    }

    public mutating func instant(_ field: String) throws(RecordError) -> Instant {
        guard let value = raw(field) else { throw .missing(name(field)) }
        guard case .string(let string) = value else { throw .invalid(name(field), "expected an RFC 3339 instant, got \(value.typeDescription)") }
        guard let instant = Instant(rfc3339: string) else {
            throw .invalid(name(field), "'\(string.prefix(40))' is not an RFC 3339 instant with a zone (e.g. 2025-05-20T14:30:00Z)")
        }
        return instant
    }

    // MARK: Scalars

    public mutating func optionalBool(_ field: String) throws(RecordError) -> Bool? {
        guard let value = raw(field) else { return nil }
        guard case .bool(let bool) = value else { throw .invalid(name(field), "expected true or false, got \(value.typeDescription)") }
        return bool
    }

    public mutating func optionalNumber(_ field: String, in range: ClosedRange<Double>? = nil) throws(RecordError) -> Double? {
        guard let value = raw(field) else { return nil }
        guard case .number(let number) = value else { throw .invalid(name(field), "expected a number, got \(value.typeDescription)") }
        if let range, !range.contains(number) {
            throw .invalid(name(field), "\(number) is out of range (\(range.lowerBound)…\(range.upperBound))")
        }
        return number
    }

    public mutating func optionalInteger(_ field: String, in range: ClosedRange<Int>) throws(RecordError) -> Int? {
        guard let number = try optionalNumber(field) else { return nil }
        guard number == number.rounded(), let integer = Int(exactly: number) else {
            throw .invalid(name(field), "expected a whole number, got \(number)")
        }
        guard range.contains(integer) else { throw .invalid(name(field), "\(integer) is out of range (\(range.lowerBound)…\(range.upperBound))") }
        return integer
    }

    public mutating func integer(_ field: String, in range: ClosedRange<Int>) throws(RecordError) -> Int {
        guard let integer = try optionalInteger(field, in: range) else { throw .missing(name(field)) }
        return integer
    }

    // MARK: Enumerations

    public mutating func optionalEnumeration<E: RawRepresentable & CaseIterable>(_ field: String, _ type: E.Type = E.self) throws(RecordError) -> E?
    where E.RawValue == String {
        guard let value = raw(field) else { return nil }
        return try FieldReader.enumeration(value, name(field), E.self)
    }

    public mutating func enumeration<E: RawRepresentable & CaseIterable>(_ field: String, _ type: E.Type = E.self) throws(RecordError) -> E
    where E.RawValue == String {
        guard let value: E = try optionalEnumeration(field) else { throw .missing(name(field)) }
        return value
    }

    static func enumeration<E: RawRepresentable & CaseIterable>(_ value: JSONValue, _ field: String, _ type: E.Type) throws(RecordError) -> E
    where E.RawValue == String {
        let allowed = E.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        guard case .string(let string) = value else { throw .invalid(field, "expected one of \(allowed), got \(value.typeDescription)") }
        guard let result = E(rawValue: string) else { throw .invalid(field, "'\(string.prefix(40))' is not one of \(allowed)") }
        return result
    }

    public mutating func enumerationList<E: RawRepresentable & CaseIterable>(_ field: String, _ type: E.Type = E.self) throws(RecordError) -> [E]?
    where E.RawValue == String {
        guard let items = try optionalArray(field, maxCount: E.allCases.count) else { return nil }
        var result: [E] = []
        for (index, item) in items.enumerated() {
            let value = try FieldReader.enumeration(item, "\(name(field))[\(index)]", E.self)
            if result.contains(where: { $0.rawValue == value.rawValue }) {
                throw .invalid("\(name(field))[\(index)]", "'\(value.rawValue)' is listed twice")
            }
            result.append(value)
        }
        return result
    }

    // MARK: Nested

    public mutating func optionalObject(_ field: String) throws(RecordError) -> FieldReader? {
        guard let value = raw(field) else { return nil }
        return try FieldReader.nested(value, path: name(field))
    }

    /// The most items a list field may hold unless it says otherwise (documented in docs/records.md).
    public static let defaultMaximumListCount = 1_000

    /// An array of at most `maxCount` items.
    public mutating func optionalArray(_ field: String, maxCount: Int = defaultMaximumListCount) throws(RecordError) -> [JSONValue]? {
        guard let value = raw(field) else { return nil }
        guard case .array(let items) = value else { throw .invalid(name(field), "expected an array, got \(value.typeDescription)") }
        guard items.count <= maxCount else {
            throw .invalid(name(field), "lists \(items.count.grouped) items; at most \(maxCount.grouped) are allowed")
        }
        return items
    }

    /// A list of distinct non-empty strings of at most 200 bytes each.
    public mutating func optionalStringList(_ field: String, maxCount: Int = 100) throws(RecordError) -> [String]? {
        guard let items = try optionalArray(field, maxCount: maxCount) else { return nil }
        var result: [String] = []
        var seen: Set<String> = []
        for (index, item) in items.enumerated() {
            guard case .string(let string) = item, !string.isEmpty else {
                throw .invalid("\(name(field))[\(index)]", "expected a non-empty string, got \(item.typeDescription)")
            }
            guard string.utf8.count <= 200 else { throw .invalid("\(name(field))[\(index)]", "longer than 200 bytes") }
            guard seen.insert(string).inserted else {
                throw .invalid("\(name(field))[\(index)]", "'\(TerminalText.escaped(String(string.prefix(40))))' is listed twice")
            }
            result.append(string)
        }
        return result
    }

    /// A list of distinct identifiers (see ``optionalIdentifier(_:_:)``).
    public mutating func optionalIdentifierList<Tag>(
        _ field: String, _ tag: Tag.Type = Tag.self, maxCount: Int
    ) throws(RecordError) -> [Identifier<Tag>]? {
        guard let items = try optionalArray(field, maxCount: maxCount) else { return nil }
        var result: [Identifier<Tag>] = []
        result.reserveCapacity(items.count)
        var seen: Set<String> = []
        for (index, item) in items.enumerated() {
            let id: Identifier<Tag> = try FieldReader.identifier(item, "\(name(field))[\(index)]")
            guard seen.insert(id.rawValue).inserted else { throw .invalid("\(name(field))[\(index)]", "'\(id.rawValue)' is listed twice") }
            result.append(id)
        }
        return result
    }

    public func childPath(_ field: String) -> String { name(field) }
}
