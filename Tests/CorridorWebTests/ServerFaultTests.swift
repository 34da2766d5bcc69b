import CorridorDomain
import CorridorSQLite
import CorridorSQLiteTestSupport
import CorridorStore
import CorridorTestSupport
import CorridorWeb
import Hummingbird
import HummingbirdTesting
import Testing

/// A store fault is the server's fault: a 500 problem with a generic detail and the request's
/// id (the details go to the log), never a refusal of the caller's record, and a failed write
/// keeps nothing.
@Suite("Store faults through the API")
struct ServerFaultTests {
    /// Checks `reply` is the generic 500: problem+json, code `internal`, the request id in the
    /// body, and nothing of the store's internals.
    func expectFault(_ reply: Reply, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        #expect(reply.status == .internalServerError, "\(reply)", sourceLocation: sourceLocation)
        #expect(reply.contentType == "application/problem+json", sourceLocation: sourceLocation)
        let json = try await #require(reply.json, "\(reply)", sourceLocation: sourceLocation)
        #expect(json["code"] == "internal", "\(reply)", sourceLocation: sourceLocation)
        let requestID = try await #require(json["requestId"]?.stringValue, "\(reply)", sourceLocation: sourceLocation)
        #expect(json["detail"]?.stringValue?.contains(requestID) == true, "\(reply)", sourceLocation: sourceLocation)
        for leak in ["SQLite", "sqlite", "table", "INSERT", "SELECT", "read-only", "corridor.sqlite"] {
            #expect(!reply.text.contains(leak), "the body reveals '\(leak)': \(reply.text)", sourceLocation: sourceLocation)
        }
    }

    @Test("POST /api/v1/records whose lookup fails is a 500, not 'unknown case', and records nothing")
    func failedLookupOnWrite() async throws {
        let temporary = try await TemporarySQLiteStore()
        let world = try await Worlds.scenario(temporary.store)
        let claim = TestRecords.claim("V2", "asylum", against: "VEN", status: "pending", on: "2025-05-01")
        try await world.test { caller in
            let before = try await world.store.head()
            try await temporary.store.inject(.missingTable("cases"))
            let reply = try await caller.send(.post, "/api/v1/records", as: .role(.officer), json: claim)
            try await expectFault(reply)
            #expect(try await world.store.head() == before)
        }
    }

    @Test("POST /api/v1/records on a read-only database is a 500 and records nothing")
    func readOnlyWrite() async throws {
        let temporary = try await TemporarySQLiteStore()
        let world = try await Worlds.scenario(temporary.store)
        let records: JSONValue = [TestRecords.caseRecord("N1", nationalities: ["CUB"]), TestRecords.order("N1", kind: "final", on: "2025-02-01")]
        try await world.test { caller in
            let before = try await world.store.snapshot()
            try await temporary.store.inject(.readOnly)
            let reply = try await caller.send(.post, "/api/v1/records", as: .role(.officer), json: records)
            try await expectFault(reply)
            #expect(try await world.store.snapshot() == before)
        }
    }

    @Test("A read the store cannot answer is a 500 with nothing of the store's internals")
    func failedRead() async throws {
        let temporary = try await TemporarySQLiteStore()
        let world = try await Worlds.scenario(temporary.store)
        try await world.test { caller in
            try await temporary.store.inject(.missingTable("cases"))
            try await expectFault(try await caller.get("/api/v1/cases/V1/records", as: .role(.officer)))
        }
    }

    @Test("A logged read whose read log cannot be written is a 500: no personal record leaves unlogged")
    func unloggedReadIsRefused() async throws {
        let temporary = try await TemporarySQLiteStore()
        let world = try await Worlds.scenario(temporary.store)
        try await world.test { caller in
            try await temporary.store.inject(.readOnly)
            let reply = try await caller.get("/api/v1/cases/V1/records", as: .role(.officer))
            try await expectFault(reply)
            #expect(
                reply.json?["records"] == nil && !reply.text.contains("nationalities"),
                "the record was sent without its read being logged: \(reply.text)")
        }
    }
}
