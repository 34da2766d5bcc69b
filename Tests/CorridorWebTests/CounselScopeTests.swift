import CorridorDomain
import CorridorStore
import CorridorTestSupport
import CorridorWeb
import Hummingbird
import HummingbirdTesting
import Testing

/// Issue #15: a counsel token is bound to one counsel name and sees only the cases that name it
/// (V1–V3 in the scenario world). Everyone else is answered as unknown, on every route; the
/// network, court orders and aggregate figures stay visible. The routes come from
/// `routeSpecs(state:)`, so a route added later is covered without anyone remembering to.
@Suite("A counsel token sees its clients only")
struct CounselScopeTests {
    /// A person represented by someone else, on transfer T1 beside the counsel's clients.
    static let stranger = "NOT-A-CLIENT-7"

    static func world(streams: EventStreamSettings = WebWorld<InMemoryEventStore>.quickStreams) async throws -> WebWorld<InMemoryEventStore> {
        let world = try await Worlds.scenario(InMemoryEventStore(), streams: streams)
        try await world.store.append(records: [
            TestRecords.caseRecord(stranger, nationalities: ["VEN"], extra: ["counsel": "Another synthetic counsel"]),
            TestRecords.order(stranger, kind: "final", on: "2025-01-10"),
            [
                "type": "notice", "case": .string(stranger), "destination": "SLV", "servedOn": "2025-06-01T09:00:00Z", "language": "es",
                "counselNotified": true,
            ],
            TestRecords.manifestAdd("T1", stranger),
        ])
        return world
    }

    static func routeNames() async -> [String] {
        guard let world = try? await world() else { return [] }
        return routeSpecs(state: world.state).filter { $0.method == .get }.map(RouteProbe.name)
    }

    /// The URI a route is probed with; the feed is read from the start of the log.
    static func uri(_ route: RouteSpec, probe: RouteProbe) throws -> String {
        let uri = try probe.uri(route)
        return route.path.hasPrefix("/api/v1/events") ? uri + (uri.contains("?") ? "&" : "?") + "after=0" : uri
    }

    @Test("No GET route shows counsel anything about a person who is not their client", arguments: await routeNames())
    func nothingAboutStrangers(_ name: String) async throws {
        let world = try await Self.world()
        let route = try #require(routeSpecs(state: world.state).first { RouteProbe.name($0) == name })
        guard route.access.allows(.counsel) else { return }
        let probe = RouteProbe(ids: world.ids)
        let uri = try Self.uri(route, probe: probe)
        try await world.test { caller in
            let reply =
                RouteProbe.isPage(route)
                ? try await RouteAccessTests.callPage(route, uri: uri, as: .role(.counsel), caller: caller, probe: probe)
                : try await caller.get(uri, as: .role(.counsel))
            #expect(reply.status.code < 500, "\(name): \(reply)")
            #expect(!reply.text.contains(Self.stranger), "\(name) showed counsel a person who is not their client: \(reply.text.prefix(400))")
        }
    }

    @Test(
        "Every route naming a person or a transfer answers counsel 404 for someone else's, as for an unknown one; a monitor reads it",
        arguments: await routeNames().filter { $0.contains("/cases/{id}") || $0.contains("/transfers/{id}") })
    func othersAreNotFound(_ name: String) async throws {
        let world = try await Self.world()
        let route = try #require(routeSpecs(state: world.state).first { RouteProbe.name($0) == name })
        // T2 carries R1…R6 only: no client of this counsel is on it.
        let ids = SampleIDs(caseID: Self.stranger, country: "SLV", arrangement: "arr-slv", courtOrder: "CO-1", transfer: "T2", manifestCase: "R1")
        let probe = RouteProbe(ids: ids)
        let uri = try probe.uri(route)
        let unknownURI = uri.replacingOccurrences(of: Self.stranger, with: "NEVER-RECORDED-9").replacingOccurrences(of: "/T2", with: "/T-NEVER")
        try await world.test { caller in
            func call(_ uri: String, _ who: Who) async throws -> Reply {
                RouteProbe.isPage(route)
                    ? try await RouteAccessTests.callPage(route, uri: uri, as: who, caller: caller, probe: probe)
                    : try await caller.get(uri, as: who)
            }
            let counsel = try await call(uri, .role(.counsel))
            let unknown = try await call(unknownURI, .role(.counsel))
            #expect(counsel.status == .notFound, "\(name) as counsel for someone else's: \(counsel)")
            #expect(unknown.status == .notFound, "\(name) as counsel for an unknown one: \(unknown)")
            if !RouteProbe.isPage(route) {
                #expect(
                    counsel.code == unknown.code, "\(name): someone else's (\(counsel.code ?? "-")) differs from unknown (\(unknown.code ?? "-"))")
                #expect(
                    counsel.detail?.replacingOccurrences(of: Self.stranger, with: "X").replacingOccurrences(of: "T2", with: "X")
                        == unknown.detail?.replacingOccurrences(of: "NEVER-RECORDED-9", with: "X").replacingOccurrences(of: "T-NEVER", with: "X"),
                    "\(name): the 404 tells someone else's from an unknown one")
            }
            let monitor = try await call(uri, .role(.monitor))
            #expect(monitor.status == .ok, "\(name) as monitor: \(monitor)")
        }
    }

    @Test("Lists, manifests, eligibility and impact hold the counsel's clients only; the log of reads still records counsel's reads")
    func listsAreScoped() async throws {
        let world = try await Self.world()
        try await world.test { caller in
            let cases = try await caller.getJSON("/api/v1/cases?limit=1000", as: .role(.counsel))
            let ids = Set(cases["cases"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? [])
            #expect(ids == Scenario.counselClients, "\(ids.sorted())")
            #expect(cases["total"] == .number(3))

            let transfers = try await caller.getJSON("/api/v1/transfers", as: .role(.counsel))
            #expect(transfers["transfers"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == ["T1"])
            let t1 = try await caller.getJSON("/api/v1/transfers/T1", as: .role(.counsel))
            let passengers = Set(t1["passengers"]?.arrayValue?.compactMap { $0["case"]?.stringValue } ?? [])
            #expect(passengers == ["V1", "V2"], "C1 and the stranger are on T1 too, but are not this counsel's clients: \(passengers.sorted())")

            let eligible = try await caller.getJSON("/api/v1/eligible?to=SLV&on=2025-07-01&limit=1000", as: .role(.counsel))
            #expect(eligible["total"] == .number(3))
            let allowed = Set(eligible["allowed"]?.arrayValue?.compactMap(\.stringValue) ?? [])
            #expect(allowed.isSubset(of: Scenario.counselClients) && allowed.contains("V2"), "\(allowed.sorted())")
            let everyone = try await caller.getJSON("/api/v1/eligible?to=SLV&on=2025-07-01&limit=1000", as: .role(.monitor))
            #expect(everyone["allowed"]?.arrayValue?.contains(.string(Self.stranger)) == true, "the monitor sees the stranger allowed: \(everyone)")

            let before = try await world.store.head().seq
            #expect(try await caller.get("/api/v1/cases/V1", as: .role(.counsel)).status == .ok)
            let read = try await world.events(after: before).last
            #expect(read?.type == "system.read" && read?.json["case"] == "V1" && read?.json["role"] == "counsel")

            // The network and court orders are unchanged for counsel.
            #expect(try await caller.get("/api/v1/court-orders/CO-1", as: .role(.counsel)).status == .ok)
            #expect(try await caller.get("/api/v1/reports/operations", as: .role(.counsel)).status == .ok)
        }
    }

    @Test("A counsel token must be bound to a counsel name, and only a counsel token may be")
    func binding() async throws {
        let store = InMemoryEventStore()
        await #expect(throws: StoreError.self) { try await Tokens.issue(name: "unbound", role: .counsel, in: store, context: .test) }
        await #expect(throws: StoreError.self) { try await Tokens.issue(name: "blank", role: .counsel, counsel: "  ", in: store, context: .test) }
        await #expect(throws: StoreError.self) {
            try await Tokens.issue(name: "officer", role: .officer, counsel: "Someone", in: store, context: .test)
        }
        let (_, info) = try await Tokens.issue(name: "ok", role: .counsel, counsel: " Synthetic counsel 356 ", in: store, context: .test)
        #expect(info.counsel == "Synthetic counsel 356")
        #expect(try await store.tokens().first { $0.id == info.id }?.counsel == "Synthetic counsel 356")
        #expect(try await store.allEvents().last?.json["counsel"] == "Synthetic counsel 356", "the token's creation names the counsel it is bound to")
    }
}
