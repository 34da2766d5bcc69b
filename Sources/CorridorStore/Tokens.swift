import CorridorDomain
import Crypto
import Foundation

/// Issuing and checking bearer tokens. The secret is shown once, at creation; only its SHA-256
/// is stored.
public enum Tokens {
    /// A fresh token secret: `cor_` and 32 random bytes in hex.
    public static func newSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return "cor_" + EventHash.hex(bytes)
    }

    public static func hash(_ secret: String) -> String {
        EventHash.hex(SHA256.hash(data: Array(secret.utf8)))
    }

    /// Whether two token hashes are equal, in time that depends only on their length (never an
    /// early exit at the first differing byte).
    ///
    /// What needs this: secrets are never compared at all, only their SHA-256 hashes. A store
    /// finds a token by its hash (SQLite through an index, the server's cache through a
    /// dictionary); the time of such a lookup can tell at most how much of an unknown hash
    /// matches a stored one, which does not help to find a secret with that hash. Where code
    /// compares hashes itself (the in-memory store), it uses this.
    public static func hashesEqual(_ lhs: String, _ rhs: String) -> Bool {
        let left = Array(lhs.utf8), right = Array(rhs.utf8)
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }

    /// Creates a token and returns its secret (shown once) with what is stored. A `counsel`
    /// token must be bound to a counsel name (as case records spell it, 1 to 300 characters);
    /// no other role may be.
    public static func issue(
        name: String, role: Role, counsel: String? = nil, in store: some TokenStore,
        context: AppendContext
    ) async throws -> (secret: String, info: TokenInfo) {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.count <= 100 else {
            throw StoreError(code: .invalidArgument, message: "a token needs a name of 1 to 100 characters")
        }
        let binding = try counselBinding(counsel, role: role)
        let secret = newSecret()
        let id = "tok_" + String(hash(secret).prefix(12))
        let info = try await store.createToken(id: id, name: trimmed, role: role, counsel: binding, hash: hash(secret), context: context)
        return (secret, info)
    }

    /// The counsel name a token of `role` is bound to: required (and checked) for `counsel`,
    /// refused for every other role.
    public static func counselBinding(_ counsel: String?, role: Role) throws -> String? {
        let trimmed = counsel?.trimmingCharacters(in: .whitespaces)
        guard role == .counsel else {
            if trimmed != nil {
                throw StoreError(code: .invalidArgument, message: "only a counsel token is bound to a counsel name (this one is '\(role.rawValue)')")
            }
            return nil
        }
        guard let trimmed, !trimmed.isEmpty, trimmed.utf8.count <= 300 else {
            throw StoreError(
                code: .invalidArgument,
                message: "a counsel token must be bound to a counsel name of 1 to 300 bytes, as the case records spell it (--counsel \"…\")")
        }
        guard !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw StoreError(code: .invalidArgument, message: "the counsel name must not contain control characters")
        }
        return trimmed
    }

    /// The live token a presented secret belongs to.
    public static func authenticate(_ secret: String, in store: some TokenStore) async throws -> TokenInfo? {
        guard secret.hasPrefix("cor_"), secret.utf8.count == 68 else { return nil }
        return try await store.token(hash: hash(secret))
    }
}
