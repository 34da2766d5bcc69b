/// The limits of the store's derived values (``EventStore/saveDerivedValue(_:_:)``): small
/// caches keyed by name — figures that take long to compute and are kept so a restart does not
/// recompute them. Like the caseload image they are derived state beside the log: never part of
/// the log, the chain, a projection or ``StateDigest``, replaced whole, removable, and whoever
/// reads one checks it (or recomputes it) before trusting it.
public enum DerivedValue {
    /// The longest key, in UTF-8 bytes.
    public static let maximumKeyBytes = 200
    /// The largest value (4 MiB): a cache of figures, not a second image.
    public static let maximumValueBytes = 4 << 20

    /// Refuses an empty key, a key longer than ``maximumKeyBytes`` or a value larger than
    /// ``maximumValueBytes`` (`invalid-argument`, naming the limit). Stores call it before
    /// writing anything.
    public static func check(key: String, bytes: [UInt8]) throws {
        let keyBytes = key.utf8.count
        if keyBytes == 0 {
            throw StoreError(code: .invalidArgument, message: "derived value: the key is empty; a key is 1 to \(maximumKeyBytes) bytes")
        }
        if keyBytes > maximumKeyBytes {
            throw StoreError(
                code: .invalidArgument,
                message: "derived value key of \(keyBytes) bytes is longer than the limit of \(maximumKeyBytes) bytes")
        }
        if bytes.count > maximumValueBytes {
            throw StoreError(
                code: .invalidArgument,
                message:
                    "derived value '\(key)' of \(bytes.count) bytes is larger than the limit of \(maximumValueBytes) bytes (4 MiB)")
        }
    }
}
