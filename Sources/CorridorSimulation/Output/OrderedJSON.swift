import CorridorDomain

/// JSON for output, keeping keys in the order written (outputs appear in docs/simulation.md
/// order, which `JSONValue`'s dictionaries cannot keep).
public indirect enum OrderedJSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case integer(Int)
    case unsigned(UInt64)
    case number(Double)
    case string(String)
    case array([OrderedJSON])
    case object([(String, OrderedJSON)])

    public static func == (lhs: OrderedJSON, rhs: OrderedJSON) -> Bool { lhs.text() == rhs.text() }

    /// A number, or null when absent or not finite.
    static func optional(_ value: Double?) -> OrderedJSON { value.map(OrderedJSON.number) ?? .null }

    /// The JSON text: indented two spaces when `pretty`, otherwise compact.
    public func text(pretty: Bool = true) -> String {
        var out = ""
        write(into: &out, indent: pretty ? 0 : nil)
        return out
    }

    private func write(into out: inout String, indent: Int?) {
        switch self {
        case .null: out += "null"
        case .bool(let value): out += value ? "true" : "false"
        case .integer(let value): out += String(value)
        case .unsigned(let value): out += String(value)
        case .number(let value): out += Self.format(value)
        case .string(let value): Self.writeString(value, into: &out)
        case .array(let values):
            guard !values.isEmpty else { out += "[]"; return }
            // Arrays of scalars stay on one line.
            let inline = indent == nil || values.allSatisfy(\.isScalar)
            out += "["
            for (index, value) in values.enumerated() {
                if index > 0 { out += inline && indent != nil ? ", " : "," }
                if !inline, let indent { out += "\n" + String(repeating: "  ", count: indent + 1) }
                value.write(into: &out, indent: indent.map { $0 + 1 })
            }
            if !inline, let indent { out += "\n" + String(repeating: "  ", count: indent) }
            out += "]"
        case .object(let fields):
            guard !fields.isEmpty else { out += "{}"; return }
            out += "{"
            for (index, (key, value)) in fields.enumerated() {
                if index > 0 { out += "," }
                if let indent { out += "\n" + String(repeating: "  ", count: indent + 1) }
                Self.writeString(key, into: &out)
                out += indent == nil ? ":" : ": "
                value.write(into: &out, indent: indent.map { $0 + 1 })
            }
            if let indent { out += "\n" + String(repeating: "  ", count: indent) }
            out += "}"
        }
    }

    private var isScalar: Bool {
        switch self {
        case .array, .object: false
        default: true
        }
    }

    static func format(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    private static func writeString(_ value: String, into out: inout String) {
        var bytes: [UInt8] = []
        JSONValue.writeString(value, into: &bytes)
        out += String(decoding: bytes, as: UTF8.self)
    }
}
