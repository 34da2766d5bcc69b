import CorridorDomain
import CorridorRules

/// The append algorithm, written once for every store: state rules, transfer review (ADR 3),
/// stamp, hash, insert, apply — inside a transaction the backend owns. This is the only place
/// an event is numbered, hashed and inserted, so the chain and the departure guard hold for
/// every store by construction.
public enum EventChain {
    /// Appends every record `produce` emits, each validated against state as it stands after
    /// the records before it, with the system events its review produced chained right after
    /// it. A refused record throws its ``RecordError`` located at its file and line; anything
    /// else thrown (by `produce` or by the store) passes through unchanged. The caller's
    /// transaction is rolled back on any error.
    @inlinable
    public static func appendRecords<Transaction: AppendTransaction>(
        in transaction: inout Transaction, context: AppendContext,
        _ produce: (_ emit: (SourcedRecord) throws -> Void) throws -> Void
    ) throws -> AppendReceipt {
        var link = Link(head: try transaction.chainHead(), recordedAt: context.recordedAt)
        var first: Int64?
        var count = 0
        try produce { sourced in
            let changes: [ProjectionChange]
            let review: TransferRules.Review
            do {
                changes = try StateRules.changes(for: sourced.record, in: transaction)
                review = try TransferRules.review(sourced.record, snapshot: transaction)
            } catch let error as RecordError {
                throw error.at(file: sourced.file, line: sourced.line)
            }
            let payload = review.stamp.map { EventStamp.stamp(sourced.payload, policy: $0.policy, version: $0.version) } ?? sourced.payload
            let seq = try link.append(type: sourced.record.kind.rawValue, payload: payload, actor: context.actor, to: &transaction)
            for change in changes { try transaction.apply(change, seq: seq) }
            for event in review.events {
                try link.append(type: event.type, payload: event.payload.canonicalString, actor: context.actor, to: &transaction)
            }
            first = first ?? seq
            count += 1
        }
        if count > 0 { try transaction.markChange(link.head.seq) }
        return AppendReceipt(count: count, firstSeq: first, lastSeq: count > 0 ? link.head.seq : nil, headHash: link.head.hash)
    }

    /// Appends system events (types beginning `system.`), each by its own actor, all recorded
    /// at one instant; returns the last as chained (nil for none). With `marksChange`, readers' caches see the
    /// change (a policy change, a hold, a token); the read log's batches pass `false`.
    /// `setting` is set in the same transaction.
    @inlinable
    @discardableResult
    public static func appendSystemEvents<Transaction: AppendTransaction>(
        _ events: [(event: SystemEvent, actor: String)], at recordedAt: Instant, marksChange: Bool,
        setting: (key: String, value: String)? = nil, in transaction: inout Transaction
    ) throws -> Event? {
        for (event, _) in events where !event.type.hasPrefix("system.") {
            throw StoreError(code: .invalidEvent, message: "system event types begin 'system.' (got '\(event.type)')")
        }
        var link = Link(head: try transaction.chainHead(), recordedAt: recordedAt)
        for (event, actor) in events {
            try link.append(type: event.type, payload: event.payload.canonicalString, actor: actor, to: &transaction)
        }
        if let setting { try transaction.putSetting(setting.key, setting.value) }
        if marksChange, !events.isEmpty { try transaction.markChange(link.head.seq) }
        return link.last
    }

    /// The end of the chain while a transaction appends to it.
    @usableFromInline
    struct Link {
        @usableFromInline var head: ChainHead
        @usableFromInline let recordedAt: Instant
        /// `recordedAt` as hashed and stored, formatted once per transaction.
        @usableFromInline let recordedAtText: String
        @usableFromInline var last: Event?

        @inlinable
        init(head: ChainHead, recordedAt: Instant) {
            self.head = head
            self.recordedAt = recordedAt
            self.recordedAtText = recordedAt.description
        }

        /// Numbers, links, hashes and inserts one event; returns its seq.
        @inlinable
        @discardableResult
        mutating func append<Transaction: AppendTransaction>(
            type: String, payload: String, actor: String, to transaction: inout Transaction
        ) throws -> Int64 {
            let seq = head.seq + 1
            let hash = EventHash.compute(prev: head.hash, seq: seq, type: type, actor: actor, recordedAt: recordedAtText, payload: payload)
            let event = Event(seq: seq, type: type, payload: payload, actor: actor, recordedAt: recordedAt, prev: head.hash, hash: hash)
            try transaction.insert(event, recordedAtText: recordedAtText)
            head = ChainHead(seq: seq, hash: hash)
            last = event
            return seq
        }
    }
}
