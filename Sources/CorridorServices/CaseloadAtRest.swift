import CorridorDomain
import CorridorRules
import CorridorStore

/// The caseload at rest (ADR 12): every whole-caseload pass starts from the compact image the
/// store keeps — made at a known `seq`, checked whole before use — plus the log's records after
/// it, instead of decoding every record's JSON. The image is derived state: when it is missing,
/// damaged, of another format, made from another log or newer than what is asked for, the
/// caseload is rebuilt from the log and the reason is said; `audit replay` checks it against
/// the log.
public enum CaseloadAtRest {
    /// Records after the image beyond which a load asks for a new image to be written.
    public static let tailLimit = 50_000

    /// A caseload in memory and how it got there.
    public struct Loaded: Sendable {
        public enum Source: Sendable, Equatable {
            /// Read from the image made at `imageSeq`, then `tail` records after it.
            case image(imageSeq: Int64, tail: Int)
            /// Rebuilt from the log, for the reason given.
            case log(reason: String)
        }

        public var caseload: Caseload
        /// Every case record and fact at or before this seq is in `caseload`, and none after.
        public var seq: Int64
        public var source: Source
        /// Whether the load is known to be exactly the caseload as of `seq`: false when a `case`
        /// record was appended while it read (a case re-recorded after `seq` is read from the
        /// projections in its newest form, or not at all). Only exact loads become images.
        public var exact: Bool
        /// Whether writing a new image would save later loads work (rebuilt, or a long tail).
        public var imageDue: Bool {
            switch source {
            case .log: return exact
            case .image(_, let tail): return exact && tail > CaseloadAtRest.tailLimit
            }
        }
    }

    /// The caseload as of `through` (the head when nil): from the image and the records after
    /// it when the image can be used, else from the log.
    public static func load(_ store: some EventStore, through: Int64? = nil) async throws -> Loaded {
        let target: Int64
        if let through { target = through } else { target = try await store.head().seq }
        var reason = "the store keeps no image (none written yet, or its parts no longer form one)"
        if let image = try await store.caseloadImage() {
            // The caseload reads the image's bytes in place: hold no other reference to them,
            // or the first change would copy them all.
            var bytes = image.bytes
            _ = consume image
            do {
                let header = try Caseload.imageHeader(bytes)
                if header.seq > target {
                    reason = "the image (seq \(header.seq)) is newer than seq \(target)"
                } else if try await chainHash(store, at: header.seq) != header.chainHash {
                    reason = "the image (seq \(header.seq)) was made from another log: the chain hash at its seq differs"
                } else {
                    var caseload = try Caseload(image: bytes)
                    bytes = []
                    var tail = 0
                    for try await record in store.caseload(after: header.seq, through: target) {
                        caseload.apply(record)
                        tail += 1
                    }
                    return Loaded(
                        caseload: caseload, seq: target, source: .image(imageSeq: header.seq, tail: tail),
                        exact: try await isExact(store, through: target))
                }
            } catch let error as CaseloadImageError {
                reason = "the image cannot be used: \(error.message)"
            }
        }
        var builder = Caseload.Builder()
        for try await record in store.caseload(through: target) { builder.add(record) }
        return Loaded(caseload: builder.build(), seq: target, source: .log(reason: reason), exact: try await isExact(store, through: target))
    }

    /// Writes `caseload` (holding everything through `seq`, exactly) as the store's image,
    /// replacing the one kept. Returns the image's size in bytes.
    @discardableResult
    public static func save(_ caseload: Caseload, seq: Int64, to store: some EventStore) async throws -> Int {
        let bytes = caseload.image(seq: seq, chainHash: try await chainHash(store, at: seq))
        try await store.saveCaseloadImage(CaseloadImage(seq: seq, bytes: bytes))
        return bytes.count
    }

    /// Loads the caseload and writes a new image when one is due: what `seed`, `import` and the
    /// whole-caseload commands do, so that the next process starts from the image.
    /// A load of an earlier point of the log (`through`) never replaces the image.
    public static func loadAndRefresh(_ store: some EventStore, through: Int64? = nil) async throws -> Loaded {
        let loaded = try await load(store, through: through)
        if loaded.imageDue, through == nil { try await save(loaded.caseload, seq: loaded.seq, to: store) }
        return loaded
    }

    /// True unless a `case` record landed after `seq` (the projections then hold that case in
    /// a newer form than at `seq`, so a load through `seq` may miss it).
    static func isExact(_ store: some EventStore, through seq: Int64) async throws -> Bool {
        let head = try await store.head().seq
        guard head > seq else { return true }
        for try await record in store.caseload(after: seq, through: head) {
            if case .caseRecord = record { return false }
            return true  // case records come first: none after `seq`
        }
        return true
    }

    /// The chain hash of event `seq` (empty at 0).
    static func chainHash(_ store: some EventStore, at seq: Int64) async throws -> String {
        guard seq > 0 else { return "" }
        guard let event = try await store.events(from: seq, limit: 1).first, event.seq == seq else {
            throw StoreError(code: .corruptEvent, message: "event \(seq) is missing from the log")
        }
        return event.hash
    }

    // MARK: Audit

    /// What `audit replay` found of the image.
    public enum Check: Sendable, Equatable {
        case absent
        /// The image holds exactly the caseload the log gives at its seq.
        case matches(seq: Int64, cases: Int)
        /// The image cannot be read, or disagrees with the log (the reason names how).
        case differs(String)

        public var isProblem: Bool { if case .differs = self { return true } else { return false } }
    }

    /// Checks the store's image against the caseload rebuilt from the log's own records (every
    /// `case` record and fact event at or before the image's seq, in log order — not the
    /// projections): the same people, each with the same record and the same facts.
    public static func audit(_ store: some EventStore) async throws -> Check {
        guard let image = try await store.caseloadImage() else { return .absent }
        let stored: Caseload
        let header: CaseloadImageHeader
        do {
            header = try Caseload.imageHeader(image.bytes)
            stored = try Caseload(image: image.bytes)
        } catch let error as CaseloadImageError {
            return .differs("the image cannot be read: \(error.message)")
        }
        guard try await chainHash(store, at: header.seq) == header.chainHash else {
            return .differs("the image (seq \(header.seq)) was made from another log: the chain hash at its seq differs")
        }
        var builder = Caseload.Builder()
        if header.seq > 0 {
            for try await event in store.events(from: 1) {
                if event.seq > header.seq { break }
                guard let kind = Record.Kind(rawValue: event.type), kind.isAboutOnePerson else { continue }
                builder.add(try event.record())
            }
        }
        let rebuilt = builder.build()
        guard rebuilt.count == stored.count else {
            return .differs("the image holds \(stored.count) cases; the log gives \(rebuilt.count) at seq \(header.seq)")
        }
        for facts in rebuilt.cases {
            guard let kept = stored.facts(facts.id) else { return .differs("case \(facts.id) is missing from the image") }
            guard kept == facts else { return .differs("case \(facts.id) differs between the image and the log") }
        }
        return .matches(seq: header.seq, cases: stored.count)
    }
}
