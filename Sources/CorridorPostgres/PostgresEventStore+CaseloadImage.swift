import CorridorStore
import NIOCore
import PostgresNIO

/// The caseload image (``CaseloadImage``) in the `caseload_image` table (schema version 3):
/// `bytea` parts of at most ``CaseloadImage/partSize`` bytes, `part` 0, 1, … all with the
/// image's seq. Saves and reads go through the pool, not the writer, so a large image never
/// holds up appends; saves take an advisory lock of their own, so two instances saving at once
/// replace the image one after the other.
extension PostgresEventStore {
    /// How long an image may take to read or write (up to about 1 GB at 10M cases).
    static let imageTimeout: Duration = .seconds(600)

    private enum ImageRead: Sendable {
        case absent
        case image(CaseloadImage)
        /// Parts that do not make one image (cannot happen in one snapshot; read again).
        case mixed
    }

    /// Both statements (the parts' sizes, then the parts in order) in one read-only
    /// `REPEATABLE READ` transaction, so they see one snapshot; every part is checked to carry
    /// the same seq and to follow the one before. Parts that still do not make one image are
    /// read once more, then treated as absent (the caller rebuilds).
    public func caseloadImage() async throws -> CaseloadImage? {
        for _ in 0..<2 {
            switch try await readImage() {
            case .absent: return nil
            case .image(let image): return image
            case .mixed: continue
            }
        }
        return nil
    }

    private func readImage() async throws -> ImageRead {
        try await throughPool("reading", timeout: Self.imageTimeout) { client, logger in
            try await client.withConnection { connection in
                try await connection.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
                do {
                    let result = try await Self.readImage(connection, logger: logger)
                    try await connection.query("COMMIT", logger: logger)
                    return result
                } catch {
                    _ = try? await connection.query("ROLLBACK", logger: logger)
                    throw error
                }
            }
        }
    }

    private static func readImage(_ connection: PostgresConnection, logger: Logger) async throws -> ImageRead {
        // octet_length of an out-of-line value comes from its TOAST pointer: no part is read here.
        var summary: (Int64, Int64, Int64?)?
        for try await row in try await connection.query(
            "SELECT COUNT(*), COALESCE(SUM(octet_length(bytes)), 0)::BIGINT, MIN(seq) FROM caseload_image", logger: logger)
        {
            summary = try row.decode((Int64, Int64, Int64?).self)
        }
        guard let (count, total, first) = summary, count > 0, let seq = first else { return .absent }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(total))
        var expected: Int32 = 0
        var mixed = false
        for try await row in try await connection.query("SELECT part, seq, bytes FROM caseload_image ORDER BY part", logger: logger) {
            let (part, partSeq, buffer) = try row.decode((Int32, Int64, ByteBuffer).self)
            guard !mixed, part == expected, partSeq == seq, bytes.count + buffer.readableBytes <= total else {
                mixed = true
                continue  // drain the rows; the image is not used
            }
            buffer.withUnsafeReadableBytes { bytes.append(contentsOf: $0) }
            expected += 1
        }
        guard !mixed, Int64(expected) == count, bytes.count == Int(total) else { return .mixed }
        return .image(CaseloadImage(seq: seq, bytes: bytes))
    }

    /// One transaction on a pooled connection, under the image lock: check the seq against the
    /// head, delete every part, insert the new ones (one statement per part, the only copy
    /// beside the image being the part on its way).
    public func saveCaseloadImage(_ image: CaseloadImage) async throws {
        try await withImageLock("writing") { connection, logger in
            var head: Int64 = 0
            for try await row in try await connection.query("SELECT COALESCE(MAX(seq), 0)::BIGINT FROM events", logger: logger) {
                head = try row.decode(Int64.self)
            }
            try image.check(head: head)
            try await connection.query("DELETE FROM caseload_image", logger: logger)
            for (part, range) in image.partRanges.enumerated() {
                let buffer = ByteBuffer(bytes: image.bytes[range])
                try await connection.query(
                    "INSERT INTO caseload_image (part, seq, bytes) VALUES (\(Int32(part)), \(image.seq), \(buffer))", logger: logger)
            }
        }
    }

    public func discardCaseloadImage() async throws {
        try await withImageLock("writing") { connection, logger in
            try await connection.query("DELETE FROM caseload_image", logger: logger)
        }
    }

    private func withImageLock(
        _ action: String, _ body: @escaping @Sendable (PostgresConnection, Logger) async throws -> Void
    ) async throws {
        try await throughPool(action, timeout: Self.imageTimeout) { client, logger in
            try await client.withConnection { connection in
                try await connection.query("BEGIN", logger: logger)
                do {
                    try await connection.query(PostgresQuery(unsafeSQL: PostgresSchema.imageLock), logger: logger)
                    try await body(connection, logger)
                    try await connection.query("COMMIT", logger: logger)
                } catch {
                    _ = try? await connection.query("ROLLBACK", logger: logger)
                    throw error
                }
            }
        }
    }
}
