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
        guard let string = try optionalString(field, maxLength: 128) else { return nil }
        if string.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw .invalid(name(field), "identifier contains a control character")
        }
        if string.first == " " || string.last == " " {
            throw .invalid(name(field), "identifier has leading or trailing spaces")
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
        guard case .array(let items) = value else { throw .invalid(name(field), "expected an array of ISO 3166-1 alpha-3 codes, got \(value.typeDescription)") }
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
        guard let value = raw(field) else { return nil }
        guard case .array(let items) = value else { throw .invalid(name(field), "expected an array, got \(value.typeDescription)") }
        var result: [E] = []
        for (index, item) in items.enumerated() {
            result.append(try FieldReader.enumeration(item, "\(name(field))[\(index)]", E.self))
        }
        return result
    }

    // MARK: Nested

    public mutating func optionalObject(_ field: String) throws(RecordError) -> FieldReader? {
        guard let value = raw(field) else { return nil }
        return try FieldReader.nested(value, path: name(field))
    }

    public mutating func optionalArray(_ field: String) throws(RecordError) -> [JSONValue]? {
        guard let value = raw(field) else { return nil }
        guard case .array(let items) = value else { throw .invalid(name(field), "expected an array, got \(value.typeDescription)") }
        return items
    }

    public mutating func optionalStringList(_ field: String) throws(RecordError) -> [String]? {
        guard let items = try optionalArray(field) else { return nil }
        var result: [String] = []
        for (index, item) in items.enumerated() {
            guard case .string(let string) = item, !string.isEmpty else {
                throw .invalid("\(name(field))[\(index)]", "expected a non-empty string, got \(item.typeDescription)")
            }
            result.append(string)
        }
        return result
    }

    public func childPath(_ field: String) -> String { name(field) }
}
