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
        for other in [
            (hash.first == "a" ? "b" : "a") + hash.dropFirst(), hash.dropLast() + (hash.last == "a" ? "b" : "a"), String(hash.dropLast()), hash + "0",
            "",
        ] {
            #expect(!Tokens.hashesEqual(hash, other), "\(other)")
            #expect(!Tokens.hashesEqual(other, hash), "\(other)")
        }
    }

    @Test(
        "Every store finds a live token by its full hash only: a near miss and a revoked token authenticate nothing",
        arguments: StoreBackend.allCases)
    func lookup(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
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

    @Test(
        "Every store keeps the counsel name a counsel token is bound to: lookup, listing and the creation event name it",
        arguments: StoreBackend.allCases)
    func counselBinding(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let (secret, info) = try await Tokens.issue(
                name: "counsel desk", role: .counsel, counsel: "Synthetic counsel 356", in: store, context: .test)
            let (officerSecret, _) = try await Tokens.issue(name: "officer", role: .officer, in: store, context: .test)
            #expect(info.counsel == "Synthetic counsel 356")
            #expect(try await Tokens.authenticate(secret, in: store) == info)
            #expect(try await Tokens.authenticate(officerSecret, in: store)?.counsel == nil)
            #expect(try await store.tokens().first { $0.id == info.id } == info)
            let created = try await store.events(from: 1, limit: 100).first { $0.type == "system.token-created" }
            #expect(created?.payload.contains("\"counsel\":\"Synthetic counsel 356\"") == true, "\(created?.payload ?? "no event")")
            #expect(try await store.revokeToken(id: info.id, context: .test))
            #expect(try await store.tokens().first { $0.id == info.id }?.counsel == "Synthetic counsel 356", "a revoked token keeps its binding")
        }
    }
}
