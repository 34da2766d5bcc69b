import CorridorDomain
import CorridorStore

/// Rebuilds state from the log in a scratch store and compares it with the projections.
public struct ReplayReport: Sendable {
    public var eventsReplayed: Int
    public var live: StateDigest
    public var rebuilt: StateDigest
    /// Tables whose rebuilt contents differ from the live projections.
    public var differingTables: [String] { live.differences(from: rebuilt) }
    public var matches: Bool { differingTables.isEmpty }
}

public enum AuditReplay {
    /// Replays every record event of `store` into an in-memory SQLite store. An event that the
    /// rules refuse on replay is reported as an error naming its seq.
    public static func run(_ store: some EventStore) throws -> ReplayReport {
        let scratch = try SQLiteEventStore()
        var replayed = 0
        let live = try store.stateDigest()
        _ = try scratch.append(context: AppendContext(actor: "replay", recordedAt: Instant(epochMilliseconds: 0))) { emit in
            try store.forEachEvent(from: 1) { event in
                guard Record.Kind(rawValue: event.type) != nil else { return }
                let value: JSONValue
                do { value = try JSONParser.parse(event.payload) } catch {
                    throw StoreError(code: .replayFailed, message: "event \(event.seq): payload is not valid JSON (\(error))")
                }
                do {
                    try emit(try SourcedRecord.make(value, file: "event", line: Int(event.seq)))
                } catch let error as RecordError {
                    throw StoreError(code: .replayFailed, message: "event \(event.seq) is refused on replay: \(error.message)")
                }
                replayed += 1
            }
        }
        return ReplayReport(eventsReplayed: replayed, live: live, rebuilt: try scratch.stateDigest())
    }
}
