/// Errors of the store itself (as opposed to a refused record, a ``RecordError``).
///
/// `description` is safe to show anyone: it never carries a driver message, SQL or a path for
/// a fault. The internals go in ``details`` (and `debugDescription`), for the log and the
/// operator's terminal.
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// What kind of error: opaque and comparable, so callers match on `.storageFault`, not on
    /// spelling. Its `description` is the stable machine-readable code (`storage-fault`, …).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Sendable {
            case alreadySeeded = "already-seeded"
            case invalidArgument = "invalid-argument"
            case duplicateToken = "duplicate-token"
            case fileUnreadable = "file-unreadable"
            case databaseUnavailable = "database-unavailable"
            case storageFault = "storage-fault"
            case corruptEvent = "corrupt-event"
            case invalidEvent = "invalid-event"
            case missingResource = "missing-resource"
            case replayFailed = "replay-failed"
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// A seed was asked of a store that already holds what it would add.
        public static let alreadySeeded = Code(.alreadySeeded)
        /// An argument the caller gave is out of range.
        public static let invalidArgument = Code(.invalidArgument)
        /// A token with this id or secret exists.
        public static let duplicateToken = Code(.duplicateToken)
        /// An input file cannot be opened or read.
        public static let fileUnreadable = Code(.fileUnreadable)
        /// The database cannot be opened or migrated.
        public static let databaseUnavailable = Code(.databaseUnavailable)
        /// The database or disk failed while reading or writing (disk full, read-only file, I/O
        /// error, lock timeout): nothing of the failed write was kept.
        public static let storageFault = Code(.storageFault)
        /// A stored event no longer decodes.
        public static let corruptEvent = Code(.corruptEvent)
        /// A system event whose type does not begin `system.` (a programming error).
        public static let invalidEvent = Code(.invalidEvent)
        /// A resource the package ships is missing.
        public static let missingResource = Code(.missingResource)
        /// An audit replay met an event it cannot replay.
        public static let replayFailed = Code(.replayFailed)

        public var description: String { value.rawValue }

        /// Whether the caller can fix it (a bad argument, a store already seeded, a token that
        /// exists, a file that cannot be read); otherwise it is the store's fault.
        public var isCallerError: Bool {
            switch value {
            case .alreadySeeded, .invalidArgument, .duplicateToken, .fileUnreadable: true
            case .databaseUnavailable, .storageFault, .corruptEvent, .invalidEvent, .missingResource, .replayFailed: false
            }
        }
    }

    public var code: Code
    /// What happened, in words safe to show anyone.
    public var message: String
    /// The internals (driver message, SQL, path): for the log and the operator only.
    public var details: String?

    public init(code: Code, message: String, details: String? = nil) {
        self.code = code
        self.message = message
        self.details = details
    }

    public var description: String { message }
    public var debugDescription: String { details.map { "\(code): \(message) (\($0))" } ?? "\(code): \(message)" }
}
