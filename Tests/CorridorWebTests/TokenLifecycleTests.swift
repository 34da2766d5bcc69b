import CorridorDomain
import CorridorSQLite
import CorridorSQLiteTestSupport
import CorridorStore
import CorridorTestSupport
import CorridorWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Issue #5, point 7: a token's secret is shown once and never stored (only its SHA-256), and a
/// revoked token stops working at once.
@Suite("Token lifecycle")
struct TokenLifecycleTests {
    @Test("Tokens.issue stores only the hash: neither tokens() nor any event holds the secret")
    func onlyTheHashIsStored() async throws {
        let store = InMemoryEventStore()
        let (secret, info) = try await Tokens.issue(
            name: "Ana (counsel)", role: .counsel, counsel: "Synthetic counsel 12", in: store, context: .test(actor: "admin"))
        #expect(secret.hasPrefix("cor_") && secret.utf8.count == 68)
        #expect(Tokens.hash(secret).count == 64 && Tokens.hash(secret) != secret)

        let stored = try #require(try await store.tokens().first { $0.id == info.id })
        #expect(stored == info)
        #expect(stored.role == .counsel && stored.name == "Ana (counsel)" && stored.revokedAt == nil)
        for text in [stored.id, stored.name, String(describing: stored)] {
            #expect(!text.contains(secret) && !text.contains(secret.dropFirst(4)), "'\(text)' holds the secret")
        }

        let events = try await store.allEvents()
        let created = try #require(events.first { $0.type == "system.token-created" })
        #expect(created.json["id"] == .string(info.id) && created.json["role"] == "counsel" && created.json["name"] == "Ana (counsel)")
        for event in events {
            for text in [event.payload, event.actor] {
                #expect(!text.contains(secret.dropFirst(4)), "event \(event.seq) \(event.type) holds the secret: \(text)")
            }
        }
        // The stored hash authenticates the secret and nothing else.
        #expect(try await Tokens.authenticate(secret, in: store)?.id == info.id)
        #expect(try await Tokens.authenticate(Tokens.hash(secret), in: store) == nil)
        #expect(try await Tokens.authenticate("cor_" + Tokens.hash(secret), in: store) == nil)
    }

    @Test("On SQLite, the database files never hold the secret (they hold its hash)")
    func secretNotOnDisk() async throws {
        let file = try TemporarySQLiteStore()
        let (secret, _) = try await Tokens.issue(name: "disk check", role: .monitor, in: file.store, context: .test)
        let bytes = try await Self.allBytes(in: file.directory.url)
        #expect(Self.contains(bytes, Tokens.hash(secret)), "the hash is not on disk: the scan did not read the data")
        #expect(!Self.contains(bytes, String(secret.dropFirst(4))), "the secret is on disk")
        withExtendedLifetime(file) {}
    }

    @Test("A revoked token stops working at once: the next request is a 401")
    func revocationIsImmediate() async throws {
        let world = try await Worlds.scenario()
        let (secret, info) = try await Tokens.issue(name: "short-lived", role: .officer, in: world.store, context: .test)
        try await world.test { caller in
            let headers: HTTPFields = [.authorization: "Bearer \(secret)"]
            #expect(try await caller.send(.get, "/api/v1/cases/V1", as: .anonymous, headers: headers).status == .ok)
            #expect(try await world.store.revokeToken(id: info.id, context: .test(actor: "admin")))
            let refused = try await caller.send(.get, "/api/v1/cases/V1", as: .anonymous, headers: headers)
            expectProblem(refused, .unauthorized, code: "invalid-token", "the request right after revocation")
            #expect(refused.headers[.wwwAuthenticate]?.contains("invalid_token") == true)
            // The stolen hash is no credential either.
            expectProblem(
                try await caller.send(.get, "/api/v1/policy", as: .anonymous, headers: [.authorization: "Bearer \(Tokens.hash(secret))"]),
                .unauthorized, code: "invalid-token", "the token's hash used as a token")
            // Other tokens are untouched.
            #expect(try await caller.get("/api/v1/cases/V1", as: .role(.officer)).status == .ok)
        }
        #expect(try await world.store.allEvents().contains { $0.type == "system.token-revoked" && $0.json["id"] == .string(info.id) })
    }

    @Test("On SQLite, a token revoked by another process (another connection to the file) stops working at the server's next request")
    func revocationFromAnotherProcess() async throws {
        let file = try TemporarySQLiteStore()
        let world = try await Worlds.scenario(file.store)
        try await world.test { caller in
            #expect(try await caller.get("/api/v1/policy", as: .role(.monitor)).status == .ok)
            let cli = try file.reopen()  // as `corridor token revoke` would open it
            #expect(try await cli.revokeToken(id: world.tokens.infos[.monitor]!.id, context: .test(actor: "cli")))
            expectProblem(
                try await caller.get("/api/v1/policy", as: .role(.monitor)), .unauthorized, code: "invalid-token", "after revocation by the CLI")
            #expect(try await caller.get("/api/v1/policy", as: .role(.counsel)).status == .ok)
        }
        withExtendedLifetime(file) {}
    }

    static func allBytes(in directory: URL) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
            bytes += Array(try Data(contentsOf: directory.appendingPathComponent(name)))
        }
        return bytes
    }

    static func contains(_ haystack: [UInt8], _ needle: String) -> Bool {
        let pattern = Array(needle.utf8)
        guard !pattern.isEmpty, haystack.count >= pattern.count else { return false }
        var index = 0
        while index <= haystack.count - pattern.count {
            if haystack[index] == pattern[0], Array(haystack[index..<index + pattern.count]) == pattern { return true }
            index += 1
        }
        return false
    }
}
