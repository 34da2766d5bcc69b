import CorridorDomain
import CorridorSQLite
import CorridorSQLiteTestSupport
import CorridorStore
import CorridorTestSupport
import CorridorWeb
import Hummingbird
import HummingbirdTesting
import Testing

/// Issue #5, point 5: reading a person's record is logged. `GET /api/v1/cases/{id}`,
/// `/records` and `/check` each append one chained `system.read` event naming the case, the
/// token and its role, and the route, before the answer is sent.
@Suite("Reads of personal records are logged")
struct ReadAuditTests {
    static let readers: [Role] = [.officer, .supervisor, .counsel, .monitor, .admin]
    static let routes: [(uri: String, route: String)] = [
        ("/api/v1/cases/V1", "GET /api/v1/cases/{id}"),
        ("/api/v1/cases/V1/records", "GET /api/v1/cases/{id}/records"),
        ("/api/v1/cases/V1/check?to=SLV&on=2025-07-01", "GET /api/v1/cases/{id}/check"),
    ]

    @Test("Each logged route, read by each role, appends exactly one system.read naming case, token, role and route")
    func eachReadIsLogged() async throws {
        let world = try await Worlds.scenario()
        try await world.test { caller in
            for role in Self.readers {
                for (uri, route) in Self.routes {
                    let before = try await world.store.head()
                    let reply = try await caller.get(uri, as: .role(role))
                    try #require(reply.status == .ok, "GET \(uri) as \(role): \(reply)")
                    let appended = try await world.events(after: before.seq)
                    let context = "GET \(uri) as \(role.rawValue)"
                    #expect(appended.count == 1, "\(context): \(appended.map(\.type))")
                    let event = try #require(appended.first, "\(context) logged nothing")
                    #expect(event.type == "system.read", "\(context)")
                    #expect(event.json["case"] == "V1", "\(context): \(event.payload)")
                    #expect(event.json["token"] == .string(world.tokens.infos[role]!.id), "\(context): \(event.payload)")
                    #expect(event.json["role"] == .string(role.rawValue), "\(context): \(event.payload)")
                    #expect(event.json["route"] == .string(route), "\(context): \(event.payload)")
                    #expect(event.actor.contains(world.tokens.infos[role]!.id), "\(context): actor \(event.actor)")
                    #expect(
                        !event.payload.contains(world.tokens[role]) && !event.actor.contains(world.tokens[role]),
                        "\(context): the secret is in the log")
                }
            }
            #expect(try await world.store.verifyChain().isIntact)
        }
    }

    @Test("A check's read event also names the destination and the verdict")
    func checkReadNamesDestination() async throws {
        let world = try await Worlds.scenario()
        try await world.test { caller in
            let before = try await world.store.head()
            let decision = try await caller.getJSON("/api/v1/cases/V3/check?to=SLV&on=2025-07-01", as: .role(.counsel))
            let event = try #require(try await world.events(after: before.seq).first)
            #expect(event.json["destination"] == "SLV")
            #expect(event.json["verdict"] == decision["verdict"])
        }
    }

    @Test("Reads that are refused or find no case log nothing")
    func refusedReadsLogNothing() async throws {
        let world = try await Worlds.scenario()
        try await world.test { caller in
            let before = try await world.store.head()
            expectProblem(try await caller.get("/api/v1/cases/V1", as: .role(.public)), .forbidden, "public reads a case")
            expectProblem(try await caller.get("/api/v1/cases/V1/records", as: .anonymous), .unauthorized, "anonymous reads a case")
            expectProblem(try await caller.get("/api/v1/cases/NOBODY/check?to=SLV", as: .role(.officer)), .notFound, "check of an unknown case")
            #expect(try await world.store.head() == before)
        }
    }

    @Test("On SQLite the read is committed before the answer: another connection to the file sees it at once")
    func readIsDurable() async throws {
        let file = try TemporarySQLiteStore()
        let world = try await Worlds.scenario(file.store)
        try await world.test { caller in
            for (uri, route) in Self.routes {
                let reply = try await caller.get(uri, as: .role(.counsel))
                try #require(reply.status == .ok, "\(reply)")
                // As another process would open the database, right after the answer.
                let other = try file.reopen()
                let last = try #require(try await other.allEvents().last)
                #expect(
                    last.type == "system.read" && last.json["route"] == .string(route) && last.json["case"] == "V1",
                    "\(uri): \(last.type) \(last.payload)")
                #expect(last.json["token"] == .string(world.tokens.infos[.counsel]!.id))
            }
            #expect(try await file.reopen().verifyChain().isIntact)
        }
        withExtendedLifetime(file) {}
    }
}
