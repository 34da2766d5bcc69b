import CorridorDomain
import CorridorStore
import CorridorTestSupport
import Testing

extension Event {
    /// The payload as a JSON object's fields (empty when it is not an object).
    var fields: [String: JSONValue] {
        guard case .object(let object)? = try? JSONParser.parse(payload) else { return [:] }
        return object
    }

    func string(_ key: String) -> String? { fields[key]?.stringValue }

    /// The strings of an array field.
    func strings(_ key: String) -> [String] {
        guard case .array(let items)? = fields[key] else { return [] }
        return items.compactMap(\.stringValue)
    }

    var isRecord: Bool { Record.Kind(rawValue: type) != nil }
}

extension EventStore {
    /// Events with a sequence number above `seq`, in order.
    func events(after seq: Int64) throws -> [Event] {
        var events: [Event] = []
        try forEachEvent(from: seq + 1) { events.append($0) }
        return events
    }

    /// Events of one type, in order.
    func events(ofType type: String) throws -> [Event] {
        try allEvents().filter { $0.type == type }
    }

    func transfer(_ id: TransferRecord.ID) throws -> TransferView? {
        try transfers().first { $0.id == id }
    }

    /// Appends one record and returns the events it produced (the record's event first).
    @discardableResult
    func record(_ value: JSONValue) throws -> [Event] {
        let before = try head().seq
        try append(record: value)
        return try events(after: before)
    }
}

/// Runs `body`, which must be refused with a ``RecordError``, and checks that the store is
/// exactly as it was (chain head, counts and state digest). Returns the error.
@discardableResult
func expectRefusal(in store: some EventStore, code: String, sourceLocation: SourceLocation = #_sourceLocation,
                   _ body: () throws -> Void) throws -> RecordError? {
    let before = try store.snapshot()
    let error = #expect(throws: RecordError.self, sourceLocation: sourceLocation) { try body() }
    #expect(error?.code == code, "refused with \(error.map { "\($0.code): \($0.message)" } ?? "nothing")", sourceLocation: sourceLocation)
    #expect(try store.snapshot() == before, "a refused record changed the store", sourceLocation: sourceLocation)
    return error
}
