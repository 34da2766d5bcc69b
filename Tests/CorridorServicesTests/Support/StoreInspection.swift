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
    func events(after seq: Int64) async throws -> [Event] {
        var events: [Event] = []
        for try await event in self.events(from: seq + 1) { events.append(event) }
        return events
    }

    /// Events of one type, in order.
    func events(ofType type: String) async throws -> [Event] {
        try await allEvents().filter { $0.type == type }
    }

    func transfer(_ id: TransferRecord.ID) async throws -> TransferView? {
        try await transfers().first { $0.id == id }
    }

    /// Appends one record and returns the events it produced (the record's event first).
    @discardableResult
    func record(_ value: JSONValue) async throws -> [Event] {
        let before = try await head().seq
        try await append(record: value)
        return try await events(after: before)
    }
}

/// Runs `body`, which must be refused with a ``RecordError``, and checks that the store is
/// exactly as it was (chain head, counts and state digest). Returns the error.
@discardableResult
func expectRefusal(
    in store: some EventStore, code: String, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> Void
) async throws -> RecordError? {
    let before = try await store.snapshot()
    let error = await #expect(throws: RecordError.self, sourceLocation: sourceLocation) { try await body() }
    #expect(error?.code == code, "refused with \(error.map { "\($0.code): \($0.message)" } ?? "nothing")", sourceLocation: sourceLocation)
    #expect(try await store.snapshot() == before, "a refused record changed the store", sourceLocation: sourceLocation)
    return error
}
