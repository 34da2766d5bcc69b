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
    /// rules refuse on replay is reported as an error naming its seq. The log is read a page at
    /// a time and each page appended to the scratch store in one call (state carries over from
    /// page to page, so every record is checked against everything before it).
    public static func run(_ store: some EventStore) async throws -> ReplayReport {
        let scratch = try SQLiteEventStore()
        let context = AppendContext(actor: "replay", recordedAt: Instant(epochMilliseconds: 0))
        var replayed = 0
        let live = try await store.stateDigest()
        var batch: [SourcedRecord] = []
        func flush() async throws {
            defer { batch.removeAll(keepingCapacity: true) }
            do {
                replayed += try await scratch.append(batch, context: context).count
            } catch let error as RecordError {
                throw StoreError(code: .replayFailed, message: "event \(error.line ?? 0) is refused on replay: \(error.message)")
            }
        }
        for try await event in store.events(from: 1) {
            guard Record.Kind(rawValue: event.type) != nil else { continue }
            let value: JSONValue
            do { value = try JSONParser.parse(event.payload) } catch {
                throw StoreError(code: .replayFailed, message: "event \(event.seq): payload is not valid JSON (\(error))")
            }
            do {
                batch.append(try SourcedRecord.make(value, file: "event", line: Int(event.seq)))
            } catch {
                throw StoreError(code: .replayFailed, message: "event \(event.seq) is refused on replay: \(error.message)")
            }
            if batch.count == StorePaging.eventPage { try await flush() }
        }
        try await flush()
        return ReplayReport(eventsReplayed: replayed, live: live, rebuilt: try await scratch.stateDigest())
    }
}
