import CorridorDomain
import CorridorRules
import CorridorServices
import CorridorStore
import CorridorTestSupport
import CorridorWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Issue #5, point 6: the API answers what the rules engine answers. A check is the JSON of
/// `RulesService.check`; the case list pages through every case exactly once, filters
/// included; eligibility counts are `Caseload.eligibility`'s.
@Suite("The API answers what the rules answer")
struct RulesAPITests {
    static let destinations = ["SLV", "MEX", "CRI", "GTM", "SWZ", "VEN", "HND"]
    static let policies: [String?] = [nil, "us-dvd-2025", "us-dhs-2025", "unhcr-2013"]
    static let instants = ["2025-07-01", "2025-09-15T08:30:00Z", "2025-03-20T23:59:59%2B02:00", nil]

    /// The engine's decision as the JSON the API must send (optional members left out).
    static func expectedJSON(_ decision: Decision) async throws -> JSONValue {
        let data = try await JSONEncoder().encode(decision.json)
        return try JSONParser.parse(String(decoding: data, as: UTF8.self))
    }

    @Test("GET /api/v1/cases/{id}/check is RulesService.check, for 150 synthetic cases, across destinations, instants and profiles")
    func checkMatchesTheEngine() async throws {
        let world = try await Worlds.reference()
        let rules = RulesService(store: world.store)
        // Every other case (RulesService.check rebuilds the network per call, the expensive half).
        let cases = stride(from: 0, to: Worlds.syntheticCount, by: 2).map(SyntheticCaseload.caseID)
        let verdicts = try await world.test { caller in
            var verdicts: [String: Int] = [:]
            for (index, id) in cases.enumerated() {
                let destination = Self.destinations[index % Self.destinations.count]
                let policy = Self.policies[(index / Self.destinations.count) % Self.policies.count]
                let on = Self.instants[(index / 3) % Self.instants.count]
                var uri = "/api/v1/cases/\(id)/check?to=\(destination)"
                if let on { uri += "&on=\(on)" }
                if let policy { uri += "&policy=\(policy)" }
                let reply = try await caller.get(uri, as: .role(.monitor))
                try await #require(reply.status == .ok, "GET \(uri): \(reply)")

                let instant = try await #require(on.map { Instant(dateOrInstant: $0.removingPercentEncoding!) } ?? TestClock.instant)
                let decision = try await rules.check(CaseRecord.ID(id), to: CountryCode(destination), at: instant, policy: policy)
                let expected = try await Self.expectedJSON(decision)
                #expect(reply.json == expected, "GET \(uri):\n  api    \(reply.text)\n  engine \(expected.canonicalString)")
                verdicts[decision.verdict.rawValue, default: 0] += 1
            }
            return verdicts
        }
        // The comparison was over more than one kind of answer.
        #expect(verdicts.count >= 2, "\(verdicts)")
    }

    @Test("The check of the scenario's cases at departure matches the engine, allowed ones included")
    func checkMatchesInTheScenario() async throws {
        let world = try await Worlds.scenario()
        let rules = RulesService(store: world.store)
        try await world.test { caller in
            var verdicts: Set<String> = []
            for id in ["V1", "V2", "V3", "C1", "G1", "R1"] {
                for destination in ["SLV", "CRI", "GTM", "MEX", "VEN"] {
                    let uri = "/api/v1/cases/\(id)/check?to=\(destination)&on=\(Scenario.departs)"
                    let reply = try await caller.get(uri, as: .role(.officer))
                    let decision = try await rules.check(CaseRecord.ID(id), to: CountryCode(destination), at: Instant(rfc3339: Scenario.departs)!)
                    let expected = try await Self.expectedJSON(decision)
                    #expect(reply.json == expected, "GET \(uri): \(reply)")
                    verdicts.insert(decision.verdict.rawValue)
                }
            }
            #expect(verdicts == ["allowed", "blocked", "pending"], "\(verdicts)")
        }
    }

    /// Follows `nextCursor` from the first page to the last; returns the ids in order.
    static func allPages(
        _ caller: Caller, query: String, limit: Int, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> (ids: [String], total: Int?) {
        var ids: [String] = []
        var cursor: String?
        var total: Int?
        for _ in 0..<10_000 {
            var uri = "/api/v1/cases?limit=\(limit)" + (query.isEmpty ? "" : "&" + query)
            if let cursor { uri += "&cursor=\(cursor)" }
            let page = try await caller.getJSON(uri, as: .role(.monitor), sourceLocation: sourceLocation)
            let items = try await #require(page["cases"]?.arrayValue, sourceLocation: sourceLocation)
            #expect(items.count <= limit, "GET \(uri): \(items.count) items", sourceLocation: sourceLocation)
            ids += items.compactMap { $0["id"]?.stringValue }
            total = page["total"]?.intValue
            guard let next = page["nextCursor"]?.stringValue else {
                #expect(
                    page["nextCursor"] == .null, "GET \(uri): nextCursor \(String(describing: page["nextCursor"]))", sourceLocation: sourceLocation)
                return (ids, total)
            }
            #expect(items.count == limit, "GET \(uri): a page before the last is not full", sourceLocation: sourceLocation)
            cursor = next
        }
        Issue.record("the cursor never ended", sourceLocation: sourceLocation)
        return (ids, total)
    }

    @Test("Cursor pagination of /api/v1/cases pages through every case exactly once, with and without filters")
    func pagination() async throws {
        let world = try await Worlds.reference()
        let caseload = try await RulesService(store: world.store).loadCaseload()
        let all = caseload.cases.map(\.id.rawValue)
        let rules = RulesService(store: world.store)
        let on = Instant(dateOrInstant: "2025-07-01")!
        let outcomes = caseload.outcomes(try await rules.destination("SLV", at: on, policy: try await rules.profile(nil)))
        let blockedOnNotice = zip(caseload.cases, outcomes).filter { $0.1.result(.notice) != .pass }.map(\.0.id.rawValue)
        let blockedUnderUNHCR = zip(
            caseload.cases, caseload.outcomes(try await rules.destination("MEX", at: on, policy: try await rules.profile("unhcr-2013")))
        )
        .filter { $0.1.result(.humanRightsRisk) != .pass }.map(\.0.id.rawValue)
        let filters: [(query: String, expected: [String])] = [
            ("", all),
            ("nationality=GTM", caseload.cases.filter { $0.person.nationalities.contains("GTM") }.map(\.id.rawValue)),
            ("nationality=VEN", caseload.cases.filter { $0.person.nationalities.contains("VEN") }.map(\.id.rawValue)),
            ("pathway=asylum-transfer", caseload.cases.filter { $0.person.pathway == .asylumTransfer }.map(\.id.rawValue)),
            ("status=closed", caseload.cases.filter { $0.person.closedOn != nil }.map(\.id.rawValue)),
            ("status=open", caseload.cases.filter { $0.person.closedOn == nil }.map(\.id.rawValue)),
            ("status=departed", []),
            ("blocked=notice&to=SLV&on=2025-07-01", blockedOnNotice),
            ("blocked=human-rights-risk&to=MEX&on=2025-07-01&policy=unhcr-2013", blockedUnderUNHCR),
        ]
        #expect(all.count == Worlds.syntheticCount)
        #expect(
            !blockedOnNotice.isEmpty && blockedOnNotice.count < all.count, "the blocked filter should select some cases: \(blockedOnNotice.count)")
        try await world.test { caller in
            for (query, expected) in filters {
                for limit in [1, 7, 50, 1000] where limit >= 7 || query.isEmpty {
                    let (ids, total) = try await Self.allPages(caller, query: query, limit: limit)
                    #expect(
                        ids == expected,
                        "?\(query) limit \(limit): \(ids.count) ids, expected \(expected.count); missing \(Set(expected).subtracting(ids).sorted().prefix(5)), extra \(Set(ids).subtracting(expected).sorted().prefix(5))"
                    )
                    #expect(Set(ids).count == ids.count, "?\(query) limit \(limit): a case came twice")
                    #expect(total == all.count, "?\(query): total \(String(describing: total))")
                }
            }
        }
    }

    @Test("status=departed lists exactly the people on departed transfers")
    func departedFilter() async throws {
        let world = try await Worlds.scenario()
        try await world.test { caller in
            #expect(
                try await caller.send(.post, "/api/v1/transfers/T2/lock", as: .role(.supervisor), json: ["at": .string(Scenario.lockAt)]).status
                    == .created)
            #expect(
                try await caller.send(.post, "/api/v1/transfers/T2/depart", as: .role(.supervisor), json: ["at": .string(Scenario.departAt)]).status
                    == .created)
            let (departed, _) = try await Self.allPages(caller, query: "status=departed", limit: 4)
            #expect(departed.sorted() == Scenario.costaRicaCases)
            let (open, _) = try await Self.allPages(caller, query: "status=open", limit: 4)
            #expect(Set(open).isDisjoint(with: departed))
            #expect(open.count + departed.count == 11)
        }
    }

    @Test("GET /api/v1/eligible counts are Caseload.eligibility's, for several destinations and profiles")
    func eligibleMatchesTheCaseload() async throws {
        let world = try await Worlds.reference()
        let rules = RulesService(store: world.store)
        let caseload = try await rules.loadCaseload()
        try await world.test { caller in
            for destination in ["SLV", "MEX", "CRI", "GTM", "SWZ", "HND"] {
                for policy in Self.policies {
                    for on in ["2025-07-01", "2025-12-24T18:00:00Z"] {
                        var uri = "/api/v1/eligible?to=\(destination)&on=\(on)&limit=100000"
                        if let policy { uri += "&policy=\(policy)" }
                        let json = try await caller.getJSON(uri, as: .role(.supervisor))
                        let expected = caseload.eligibility(
                            try await rules.destination(
                                CountryCode(destination), at: Instant(dateOrInstant: on)!, policy: try await rules.profile(policy)))
                        let context = "GET \(uri)"
                        #expect(json["total"]?.intValue == expected.total, "\(context)")
                        #expect(json["allowedCount"]?.intValue == expected.allowed.count, "\(context)")
                        #expect(json["pendingCount"]?.intValue == expected.pendingCount, "\(context)")
                        #expect(json["blockedCount"]?.intValue == expected.blockedCount, "\(context)")
                        #expect(json["policy"] == .string(expected.policy) && json["policyVersion"] == .string(expected.policyVersion), "\(context)")
                        #expect(json["allowed"] == .array(expected.allowed.map { .string($0.rawValue) }), "\(context)")
                        let failing = (json["failing"]?.objectValue ?? [:]).mapValues { $0.intValue ?? -1 }
                        let waiting = (json["waiting"]?.objectValue ?? [:]).mapValues { $0.intValue ?? -1 }
                        #expect(failing == Dictionary(uniqueKeysWithValues: expected.failing.map { ($0.key.rawValue, $0.value) }), "\(context)")
                        #expect(waiting == Dictionary(uniqueKeysWithValues: expected.waiting.map { ($0.key.rawValue, $0.value) }), "\(context)")
                    }
                }
            }
            // And the limit only shortens the list, not the counts.
            let short = try await caller.getJSON("/api/v1/eligible?to=SLV&on=2025-07-01&limit=1", as: .role(.officer))
            #expect((short["allowed"]?.arrayValue?.count ?? 0) <= 1)
        }
    }
}
