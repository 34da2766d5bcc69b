import CorridorStore
import CorridorTestSupport
import Testing

/// Issue 16, hardening: token hashes are compared in full (no early exit at the first
/// differing byte), and a near miss authenticates nothing.
@Suite("Token hashes are compared in constant time")
struct TokenHashComparisonTests {
    @Test("Equal hashes match; a hash differing in its first or last character, or in length, does not")
    func comparison() {
        let hash = Tokens.hash(Tokens.newSecret())
        #expect(Tokens.hashesEqual(hash, String(hash)))
        for other in [(hash.first == "a" ? "b" : "a") + hash.dropFirst(), hash.dropLast() + (hash.last == "a" ? "b" : "a"), String(hash.dropLast()), hash + "0", ""] {
            #expect(!Tokens.hashesEqual(hash, other), "\(other)")
            #expect(!Tokens.hashesEqual(other, hash), "\(other)")
        }
    }

    @Test("The in-memory store finds a live token by its full hash only: a near miss and a revoked token authenticate nothing")
    func inMemoryLookup() async throws {
        let store = InMemoryEventStore()
        let (first, _) = try await Tokens.issue(name: "first", role: .officer, in: store, context: .test)
        let (second, info) = try await Tokens.issue(name: "second", role: .monitor, in: store, context: .test)
        #expect(try await Tokens.authenticate(second, in: store)?.id == info.id)
        #expect(try await Tokens.authenticate(first, in: store)?.role == .officer)
        let nearMiss = second.dropLast() + (second.last == "0" ? "1" : "0")
        #expect(try await Tokens.authenticate(String(nearMiss), in: store) == nil)
        #expect(try await store.revokeToken(id: info.id, context: .test))
        #expect(try await Tokens.authenticate(second, in: store) == nil)
    }
}
