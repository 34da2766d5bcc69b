import CorridorDomain

/// One entry of the append-only log.
public struct Event: Sendable, Equatable {
    public var seq: Int64
    /// The record type (`case`, `court-order`, …).
    public var type: String
    /// Canonical JSON of the record.
    public var payload: String
    /// Who recorded it (a token's name, `cli:root`, `seed`).
    public var actor: String
    public var recordedAt: Instant
    /// The previous event's hash (64 zeros for the first event).
    public var prev: String
    public var hash: String

    public init(seq: Int64, type: String, payload: String, actor: String, recordedAt: Instant, prev: String, hash: String) {
        self.seq = seq
        self.type = type
        self.payload = payload
        self.actor = actor
        self.recordedAt = recordedAt
        self.prev = prev
        self.hash = hash
    }

    /// Decodes the payload back into a record.
    public func record() throws(RecordError) -> Record {
        do { return try Record.parse(payload) } catch {
            throw RecordError(code: error.code, field: error.field, message: "event \(seq): \(error.message)")
        }
    }
}

/// Who is appending, and when: injected, never read from a clock inside the store.
public struct AppendContext: Sendable {
    public var actor: String
    public var recordedAt: Instant
    public init(actor: String, recordedAt: Instant) {
        self.actor = actor
        self.recordedAt = recordedAt
    }
}

/// What an append did.
public struct AppendReceipt: Sendable, Equatable {
    public var count: Int
    public var firstSeq: Int64?
    public var lastSeq: Int64?
    public var headHash: String

    public init(count: Int, firstSeq: Int64?, lastSeq: Int64?, headHash: String) {
        self.count = count
        self.firstSeq = firstSeq
        self.lastSeq = lastSeq
        self.headHash = headHash
    }
}

/// The newest event of the chain.
public struct ChainHead: Sendable, Equatable {
    public var seq: Int64
    public var hash: String

    public init(seq: Int64, hash: String) {
        self.seq = seq
        self.hash = hash
    }

    public static let genesis = ChainHead(seq: 0, hash: String(repeating: "0", count: 64))
}

/// The result of recomputing the chain.
public struct ChainVerification: Sendable, Equatable {
    public var eventsChecked: Int64
    public var head: ChainHead
    /// The first event whose hash or link does not match, and why.
    public var firstBad: (seq: Int64, reason: String)?
    public var isIntact: Bool { firstBad == nil }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.eventsChecked == rhs.eventsChecked && lhs.head == rhs.head && lhs.firstBad?.seq == rhs.firstBad?.seq
            && lhs.firstBad?.reason == rhs.firstBad?.reason
    }
}
