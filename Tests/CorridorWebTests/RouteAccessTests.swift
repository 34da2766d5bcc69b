import CorridorDomain
import CorridorStore
import CorridorTestSupport
import CorridorWeb
import Hummingbird
import HummingbirdTesting
import Testing

/// Issue #5, point 1: every route checks its role. The routes come from `routeSpecs(state:)`,
/// the list the router is built from, so a route added later is tested without anyone
/// remembering to.
@Suite("Every route checks its role")
struct RouteAccessTests {
    /// `METHOD /path` of every route the server serves (from a server over an empty store).
    static func routeNames() async -> [String] {
        guard let state = try? await AppState(store: InMemoryEventStore(), clock: { TestClock.instant }, logger: WebWorld<InMemoryEventStore>.logger)
        else { return [] }
        return routeSpecs(state: state).map(RouteProbe.name)
    }

    @Test("The route table is not empty (so the role matrix below ran over something)")
    func routeTableIsNotEmpty() async {
        let names = await Self.routeNames()
        #expect(names.count >= 20, "\(names)")
        #expect(Set(names).count == names.count, "a route is listed twice")
    }

    /// Issue #19: the split is by what the data is. The network (countries, arrangements),
    /// court orders as court records, the public report, the feed and the server's own pages
    /// are open; anything about a person is not. A route added to this list is a decision.
    static let openToAnyone: Set<String> = [
        "GET /", "GET /ping", "GET /healthz", "GET /readyz", "GET /openapi.json", "GET /docs/api", "GET /static/corridor.css",
        "GET /static/corridor.js",
        "GET /signin", "POST /signin", "POST /signout", "GET /simulate", "GET /report", "GET /report/files/{file}", "GET /api/v1/reports/public",
        "GET /api/v1/reports/stranded",
        "GET /api/v1/countries", "GET /api/v1/countries/{code}", "GET /api/v1/arrangements", "GET /api/v1/arrangements/{id}",
        "GET /api/v1/court-orders", "GET /api/v1/court-orders/{id}",
        "GET /arrangements", "GET /arrangements/{id}", "GET /countries/{code}", "GET /court-orders", "GET /court-orders/{id}",
        "GET /feeds/network.atom", "GET /schemas/records.json",
    ]

    @Test("The routes open to anyone are exactly the network's, the court orders', the public report's and the server's own")
    func openRoutes() async throws {
        let state = try await AppState(store: InMemoryEventStore(), clock: { TestClock.instant }, logger: WebWorld<InMemoryEventStore>.logger)
        let open = Set(routeSpecs(state: state).filter { $0.access == .anyone }.map(RouteProbe.name))
        #expect(open.subtracting(Self.openToAnyone).isEmpty, "open but not meant to be: \(open.subtracting(Self.openToAnyone).sorted())")
        #expect(Self.openToAnyone.subtracting(open).isEmpty, "meant to be open but not: \(Self.openToAnyone.subtracting(open).sorted())")
        for name in open {
            let segments = Set(name.split(separator: " ").last?.split(separator: "/").map(String.init) ?? [])
            for personal in ["cases", "transfers", "audit", "impact", "eligible", "compare", "records", "tokens", "events"] {
                #expect(!segments.contains(personal), "\(name) is open to anyone but is about people")
            }
        }
    }

    @Test("Each role, no token, a revoked and an unknown token get what the route's rule says", arguments: await routeNames())
    func roleRule(_ name: String) async throws {
        let world = try await Worlds.scenario()
        let route = try await #require(routeSpecs(state: world.state).first { RouteProbe.name($0) == name })
        let probe = RouteProbe(ids: world.ids)
        let uri = try await probe.uri(route)
        try await world.test { caller in
            for who in Who.everyone {
                let before = try await world.store.head()
                let reply =
                    RouteProbe.isPage(route)
                    ? try await Self.callPage(route, uri: uri, as: who, caller: caller, probe: probe)
                    : try await caller.send(
                        route.method, uri, as: who,
                        body: try await probe.body(route, as: who, unique: "\(who)".replacingOccurrences(of: " ", with: "-")).map {
                            ByteBuffer(string: $0.canonicalString)
                        })
                let context = "\(name) as \(who)"
                #expect(reply.status.code < 500, "\(context): \(reply)")
                #expect(!reply.isRouterNotFound, "\(context): the router does not serve \(uri)")
                let refused = reply.isAuthenticationProblem || reply.isSignInRedirect || reply.isRoleRefusal

                switch (route.access, who) {
                case (.anyone, _):
                    // (A handler may still answer a bad credential in a form, e.g. POST /signin with a revoked token.)
                    #expect(!refused, "\(context): an open route refused: \(reply)")
                    if route.method == .get { #expect(reply.status == .ok, "\(context): \(reply)") }
                case (.roles, .anonymous) where RouteProbe.isPage(route), (.roles, .revoked) where RouteProbe.isPage(route),
                    (.roles, .unknownToken) where RouteProbe.isPage(route):
                    // A browser without a live session is sent to sign in, never shown the page.
                    #expect(
                        reply.isSignInRedirect, "\(context): expected 303 to /signin, got \(reply) (Location \(reply.headers[.location] ?? "none"))")
                case (.roles, .anonymous):
                    expectProblem(reply, .unauthorized, code: "unauthenticated", context)
                    #expect(reply.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true, "\(context): no WWW-Authenticate: Bearer")
                case (.roles, .revoked), (.roles, .unknownToken):
                    expectProblem(reply, .unauthorized, code: "invalid-token", context)
                    #expect(
                        reply.headers[.wwwAuthenticate]?.contains("error=\"invalid_token\"") == true,
                        "\(context): WWW-Authenticate \(reply.headers[.wwwAuthenticate] ?? "missing")")
                case (.roles(let roles), .role(let role)) where !roles.contains(role):
                    #expect(reply.status == .forbidden, "\(context): expected 403, got \(reply)")
                    if !RouteProbe.isPage(route) {
                        expectProblem(reply, .forbidden, code: "forbidden", context)
                        #expect(reply.detail?.contains("'\(role.rawValue)'") == true, "\(context): the detail does not name the role: \(reply)")
                    }
                case (.roles, .role):
                    #expect(
                        !refused && reply.status != .unauthorized && reply.status != .forbidden, "\(context): an allowed role was refused: \(reply)")
                    if route.method == .get { #expect(reply.status == .ok, "\(context): \(reply)") }
                }
                if refused { #expect(try await world.store.head() == before, "\(context): a refused call changed the log") }
            }
        }
    }

    /// Calls a page as a browser would: `who`'s session cookie, and for a form its CSRF value
    /// (read off a page of the same session, or off the sign-in form).
    static func callPage(_ route: RouteSpec, uri: String, as who: Who, caller: Caller, probe: RouteProbe) async throws -> Reply {
        var cookies = caller.sessionCookie(who).map { [$0] } ?? []
        guard route.method != .get else {
            return try await caller.send(.get, uri, as: .anonymous, headers: cookies.isEmpty ? [:] : [.cookie: cookies.joined(separator: "; ")])
        }
        var fields: [String] = []
        if route.path == "/signin" {
            let form = try await #require(try await caller.signInForm(), "GET /signin has no CSRF value and pre-session cookie")
            cookies.append(form.cookie)
            fields = ["csrf=\(form.csrf)", "token=\(caller.secret(who) ?? "")", "next=%2F"]
        } else if case .role = who, let cookie = caller.sessionCookie(who) {
            let csrf = try await #require(try await caller.pageCSRF(cookie: cookie), "the public report page of a \(who) session has no CSRF value")
            fields = ["csrf=\(csrf)"]
        }
        fields += probe.formFields(route)
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if !cookies.isEmpty { headers[.cookie] = cookies.joined(separator: "; ") }
        return try await caller.send(route.method, uri, as: .anonymous, body: ByteBuffer(string: fields.joined(separator: "&")), headers: headers)
    }

    @Test("Open routes stay open whatever token is sent, and other routes refuse a malformed Authorization header")
    func malformedAuthorization() async throws {
        let world = try await Worlds.scenario()
        try await world.test { caller in
            for header in ["Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "Bearer cor_short", "bearer \(TestTokens.neverIssued)x", "Token abc"] {
                let closed = try await caller.send(.get, "/api/v1/policy", as: .anonymous, headers: [.authorization: header])
                expectProblem(closed, .unauthorized, "GET /api/v1/policy with Authorization '\(header)'")
                let open = try await caller.send(.get, "/api/v1/reports/public", as: .anonymous, headers: [.authorization: header])
                #expect(open.status == .ok, "GET /api/v1/reports/public with Authorization '\(header)': \(open)")
            }
            // The scheme is case-insensitive (RFC 9110 §11.1).
            let lower = try await caller.send(.get, "/api/v1/policy", as: .anonymous, headers: [.authorization: "bearer \(world.tokens[.officer])"])
            #expect(lower.status == .ok, "\(lower)")
        }
    }

    @Test("An open route asked for with a trailing slash is served without a token, as the router serves it")
    func openRouteTrailingSlash() async throws {
        let world = try await Worlds.scenario()
        try await world.test { caller in
            let withToken = try await caller.get("/api/v1/reports/public/", as: .role(.public))
            try await #require(withToken.status == .ok, "the router serves the path with a trailing slash: \(withToken)")
            let anonymous = try await caller.get("/api/v1/reports/public/", as: .anonymous)
            do {
                #expect(anonymous.status == .ok, "GET /api/v1/reports/public/ without a token: \(anonymous)")
            }
        }
    }

    @Test("An unknown path reveals nothing without a token (401, or for pages a 303 to sign in) and, with one, is a 404 problem")
    func unknownPaths() async throws {
        let world = try await Worlds.scenario()
        try await world.test { caller in
            for path in ["/api/v1/nothing-here", "/api/v2/cases", "/api/v1/cases/\(world.ids.caseID)/nothing"] {
                expectProblem(try await caller.get(path, as: .anonymous), .unauthorized, "GET \(path) without a token")
                expectProblem(try await caller.get(path, as: .role(.officer)), .notFound, code: "not-found", "GET \(path) as officer")
            }
            for path in ["/admin", "/.env", "/cases/\(world.ids.caseID)/nothing"] {
                let anonymous = try await caller.get(path, as: .anonymous)
                #expect(anonymous.isSignInRedirect || anonymous.isAuthenticationProblem, "GET \(path) without a token: \(anonymous)")
                #expect(try await caller.get(path, as: .role(.officer)).status == .notFound, "GET \(path) as officer")
            }
        }
    }
}

/// `POST /api/v1/records`: besides the route's rule, each record type has its own roles
/// (`RecordPermissions`). A refused record records nothing.
@Suite("Who may record which record type")
struct RecordPermissionTests {
    /// A valid record of each type, with what must be recorded first for it to be accepted
    /// in the scenario world.
    static func sample(_ kind: Record.Kind) -> (setup: [JSONValue], record: JSONValue)? {
        let lock = TestRecords.step(.lock, "T1", at: Scenario.lockAt)
        let depart = TestRecords.step(.depart, "T1", at: Scenario.departAt)
        switch kind {
        case .country: return ([], TestRecords.country("PAN"))
        case .arrangement: return ([], TestRecords.arrangement("arr-new", partner: "CRI", kind: "transit"))
        case .arrangementStatus: return ([], TestRecords.arrangementStatus("arr-cri", "suspended", on: "2025-08-01"))
        case .caseRecord: return ([], TestRecords.caseRecord("N1", nationalities: ["GTM"]))
        case .order: return ([], TestRecords.order("G1", kind: "final", on: "2025-02-01"))
        case .claim: return ([], TestRecords.claim("V2", "asylum", against: "VEN", status: "pending", on: "2025-05-01"))
        case .designation: return ([], ["type": "designation", "case": "V2", "kind": "aea", "on": "2025-05-01"])
        case .notice: return ([], Scenario.notice("V3", "SLV", servedOn: "2025-06-02T09:00:00Z"))
        case .fear: return ([], ["type": "fear", "case": "V3", "destination": "SLV", "on": "2025-06-02"])
        case .screening: return ([], ["type": "screening", "case": "V3", "destination": "SLV", "outcome": "negative", "on": "2025-06-03"])
        case .courtOrder: return ([], TestRecords.courtOrder("CO-NEW", issuedOn: "2025-05-01", scope: ["nationalities": ["CUB"]]))
        case .courtOrderLift: return ([], TestRecords.courtOrderLift("CO-1", on: "2025-06-01"))
        case .transfer: return ([], TestRecords.transfer("T-NEW", destination: "SLV", arrangement: "arr-slv"))
        case .manifestAdd: return ([], TestRecords.manifestAdd("T1", "V3"))
        case .manifestStrike: return ([], TestRecords.manifestStrike("T1", "V2", reason: "withdrawn from the flight"))
        case .transferLock: return ([], lock)
        case .transferDepart: return ([lock], depart)
        case .transferArrive: return ([lock, depart], TestRecords.step(.arrive, "T1", at: "2025-07-01T15:00:00Z"))
        case .transferCancel: return ([], TestRecords.step(.cancel, "T1", at: Scenario.lockAt))
        case .disposition: return ([lock, depart], TestRecords.disposition("V2", outcome: "detained", on: "2025-07-02"))
        }
    }

    @Test(
        "Each record type is refused (403, recording nothing) for the roles not allowed it, and recorded (201) for those allowed",
        arguments: Record.Kind.allCases)
    func perRecordType(_ kind: Record.Kind) async throws {
        let (setup, record) = try await #require(Self.sample(kind), "no sample record for '\(kind.rawValue)'")
        let allowed = RecordPermissions.roles(for: kind)
        let world = try await Worlds.scenario()
        if !setup.isEmpty { try await world.store.append(records: setup) }
        // Refused roles first (they change nothing), then the allowed ones: the first records the
        // sample; after it the sample may conflict with itself (409/422), but never for want of a role.
        let roles = Role.allCases.filter { !allowed.contains($0) } + Role.allCases.filter(allowed.contains)
        let route = try await #require(routeSpecs(state: world.state).first { $0.method == .post && $0.path == "/api/v1/records" })
        try await world.test { caller in
            var recorded = false
            for role in roles {
                let before = try await world.store.head()
                let reply = try await caller.send(.post, "/api/v1/records", as: .role(role), json: record)
                let context = "\(role.rawValue) records '\(kind.rawValue)'"
                if !allowed.contains(role) {
                    expectProblem(reply, .forbidden, code: "forbidden", context)
                    if route.access.allows(role) {
                        #expect(
                            reply.detail?.contains("'\(kind.rawValue)'") == true, "\(context): the detail does not name the record type: \(reply)")
                    }
                    #expect(try await world.store.head() == before, "\(context): a refused record changed the log")
                } else if !recorded {
                    #expect(reply.status == .created, "\(context): \(reply)")
                    #expect(try await world.store.head().seq > before.seq, "\(context): nothing was recorded")
                    recorded = true
                } else {
                    #expect(reply.status != .forbidden && reply.status != .unauthorized && reply.status.code < 500, "\(context): \(reply)")
                }
            }
        }
    }

    @Test("Officer may record a claim but not a court order; counsel the reverse; a mixed array is refused whole")
    func officerAndCounsel() async throws {
        let world = try await Worlds.scenario()
        let claim = TestRecords.claim("V2", "asylum", against: "VEN", status: "pending", on: "2025-05-01")
        let order = TestRecords.courtOrder("CO-NEW", issuedOn: "2025-05-01", scope: ["nationalities": ["CUB"]])
        try await world.test { caller in
            var head = try await world.store.head()
            let officerOrder = try await caller.send(.post, "/api/v1/records", as: .role(.officer), json: order)
            expectProblem(officerOrder, .forbidden, code: "forbidden", "officer records a court order")
            #expect(officerOrder.detail?.contains("court-order") == true, "\(officerOrder)")
            #expect(try await world.store.head() == head)

            let counselClaim = try await caller.send(.post, "/api/v1/records", as: .role(.counsel), json: claim)
            expectProblem(counselClaim, .forbidden, code: "forbidden", "counsel records a claim")
            #expect(try await world.store.head() == head)

            let mixed = try await caller.send(.post, "/api/v1/records", as: .role(.officer), json: [claim, order])
            expectProblem(mixed, .forbidden, code: "forbidden", "officer records [claim, court order]")
            #expect(mixed.detail?.contains("record 2") == true, "the detail names the record: \(mixed)")
            #expect(try await world.store.head() == head, "the claim of a refused array was recorded")

            let officerClaim = try await caller.send(.post, "/api/v1/records", as: .role(.officer), json: claim)
            #expect(officerClaim.status == .created, "\(officerClaim)")
            #expect(try await world.store.head().seq == head.seq + 1)
            head = try await world.store.head()

            let counselOrder = try await caller.send(.post, "/api/v1/records", as: .role(.counsel), json: order)
            #expect(counselOrder.status == .created, "\(counselOrder)")
            #expect(try await world.store.head().seq > head.seq)
            #expect(try await world.store.allEvents().contains { $0.type == "court-order" && $0.json["id"] == "CO-NEW" })
        }
    }
}
