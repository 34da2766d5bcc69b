/// Why a record was refused: where it came from, which field, and what is wrong.
///
/// `description` is safe to show to any user; it never includes more of the input than the
/// offending value.
public struct RecordError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable machine-readable code (`invalid-field`, `missing-field`, `unknown-reference`, …).
    public var code: String
    /// The field at fault, as a path (`terms.capacityTotal`), when one field is.
    public var field: String?
    public var message: String
    /// The file the record came from, when it came from a file.
    public var file: String?
    /// The 1-based line in that file (or index in a request body).
    public var line: Int?

    public init(code: String, field: String? = nil, message: String, file: String? = nil, line: Int? = nil) {
        self.code = code
        self.field = field
        self.message = message
        self.file = file
        self.line = line
    }

    public static func missing(_ field: String) -> RecordError {
        RecordError(code: "missing-field", field: field, message: "required field is missing")
    }

    public static func invalid(_ field: String, _ message: String) -> RecordError {
        RecordError(code: "invalid-field", field: field, message: message)
    }

    public static func unknownReference(_ field: String, _ message: String) -> RecordError {
        RecordError(code: "unknown-reference", field: field, message: message)
    }

    public static func state(_ field: String?, _ message: String) -> RecordError {
        RecordError(code: "state-conflict", field: field, message: message)
    }

    /// The same error, located at a file and line.
    public func at(file: String?, line: Int?) -> RecordError {
        var copy = self
        copy.file = file ?? copy.file
        copy.line = line ?? copy.line
        return copy
    }

    public var description: String {
        var location = ""
        if let file { location += file }
        if let line { location += (location.isEmpty ? "line " : ":") + String(line) }
        let subject = field.map { "field '\($0)': " } ?? ""
        return (location.isEmpty ? "" : location + ": ") + subject + message
    }
}
