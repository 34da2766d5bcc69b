/// The caseload at rest: an opaque byte image of the whole caseload as of `seq` (derived state;
/// its format, checksum and checks belong to the rules module's codec, not to the store).
///
/// A store keeps at most one image, beside the log and never part of it: saving one replaces the
/// one kept, whole, and never touches the log, the chain or ``StateDigest``. Stores keep it in
/// parts of ``partSize`` bytes (rows of a `caseload_image` table), so a 1 GB image is never one
/// database value. Whoever reads it checks it before trusting it, and rebuilds it from the log
/// (``EventStore/caseload(after:through:)`` reads only what came after it) when it is missing,
/// stale or corrupt.
public struct CaseloadImage: Sendable, Equatable {
    /// The log's `seq` the image describes (every record at or before it, none after).
    public var seq: Int64
    public var bytes: [UInt8]

    public init(seq: Int64, bytes: [UInt8]) {
        self.seq = seq
        self.bytes = bytes
    }

    /// Bytes per stored part (8 MiB): well under any backend's limit for one value (PostgreSQL's
    /// `bytea` stops at 1 GB), and the most a store holds beside the image while saving it.
    public static let partSize = 8 << 20

    /// The ranges of ``bytes`` each stored part holds, in order (one empty part for an empty image).
    public var partRanges: [Range<Int>] {
        guard !bytes.isEmpty else { return [0..<0] }
        return stride(from: 0, to: bytes.count, by: Self.partSize).map { $0..<min($0 + Self.partSize, bytes.count) }
    }

    /// Refuses an image that cannot describe a log whose head is `head`: a negative `seq`, or a
    /// `seq` beyond the head. Stores call it inside the transaction that saves the image.
    public func check(head: Int64) throws {
        if seq < 0 {
            throw StoreError(code: .invalidArgument, message: "caseload image at seq \(seq): a seq cannot be negative")
        }
        if seq > head {
            throw StoreError(
                code: .invalidArgument,
                message: "caseload image at seq \(seq) is beyond the log's head (seq \(head)): an image can describe only records the log holds")
        }
    }

}
