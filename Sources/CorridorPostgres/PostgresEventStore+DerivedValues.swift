import CorridorStore
import NIOCore
import PostgresNIO

/// Derived values (``DerivedValue``) in the `derived_values` table (schema version 4), one
/// `bytea` per key. Reads and writes go through the pool, not the writer: a cache never holds up
/// appends, and every statement binds its key and bytes as parameters.
extension PostgresEventStore {
    public func derivedValue(_ key: String) async throws -> [UInt8]? {
        for row in try await rows("SELECT bytes FROM derived_values WHERE key = \(key)") {
            let buffer = try row.decode(ByteBuffer.self)
            return buffer.getBytes(at: buffer.readerIndex, length: buffer.readableBytes) ?? []
        }
        return nil
    }

    /// One upsert (`ON CONFLICT … DO UPDATE`), so two instances saving the same key at once
    /// leave one of their values, whole.
    public func saveDerivedValue(_ key: String, _ bytes: [UInt8]) async throws {
        try DerivedValue.check(key: key, bytes: bytes)
        let buffer = ByteBuffer(bytes: bytes)
        try await write("INSERT INTO derived_values (key, bytes) VALUES (\(key), \(buffer)) ON CONFLICT (key) DO UPDATE SET bytes = EXCLUDED.bytes")
    }

    public func discardDerivedValue(_ key: String) async throws {
        try await write("DELETE FROM derived_values WHERE key = \(key)")
    }

    private func write(_ query: PostgresQuery) async throws {
        try await throughPool("writing") { client, logger in _ = try await client.query(query, logger: logger) }
    }
}
