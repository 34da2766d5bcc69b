import CorridorDomain
import CorridorStore
import CorridorTestSupport
import CorridorWeb
import Hummingbird
import HummingbirdTesting
import Testing

/// Issue #19: the network is public. Arrangements, countries and court orders come from public
/// reporting and public court records and are open to anyone, pages and API alike; what is about
/// a person (cases, manifests, an order's impact list, the audit chain) stays behind a token.
@Suite("The network is public; people are not")
struct PublicNetworkTests {
    @Test("Signed out, the network, court orders and the public report answer 200, pages and API alike")
    func networkOpenSignedOut() async throws {
        let world = try await Worlds.reference()
        try await world.test { caller in
            for path in [
                "/arrangements", "/arrangements/us-slv-cecot-2025", "/arrangements?partner=SLV", "/court-orders", "/court-orders/CO-WEB-1",
                "/report", "/api/v1/arrangements", "/api/v1/arrangements/us-slv-cecot-2025", "/api/v1/countries",
                "/api/v1/countries/SLV", "/api/v1/court-orders", "/api/v1/court-orders/CO-WEB-1", "/api/v1/reports/public",
            ] {
                let reply = try await caller.get(path, as: .anonymous)
                #expect(reply.status == .ok, "GET \(path) signed out: \(reply)")
            }
        }
    }

    @Test("Signed out, cases, transfers, the audit chain and an order's impact list still send pages to sign in and the API to 401")
    func peopleClosedSignedOut() async throws {
        let world = try await Worlds.reference()
        try await world.test { caller in
            for path in [
                "/cases", "/cases/\(world.ids.caseID)", "/transfers", "/transfers/T-WEB-1", "/audit", "/court-orders/CO-WEB-1/impact",
                "/court-orders/new",
            ] {
                let reply = try await caller.get(path, as: .anonymous)
                #expect(reply.isSignInRedirect, "GET \(path) signed out: \(reply)")
            }
            for path in [
                "/api/v1/cases", "/api/v1/cases/\(world.ids.caseID)", "/api/v1/transfers", "/api/v1/transfers/T-WEB-1",
                "/api/v1/audit/events", "/api/v1/audit/verify", "/api/v1/court-orders/CO-WEB-1/impact", "/api/v1/eligible?to=SLV",
            ] {
                let reply = try await caller.get(path, as: .anonymous)
                expectProblem(reply, .unauthorized, code: "unauthenticated", "GET \(path) signed out")
            }
            // Open and closed routes share a path: the open GET does not open the closed POST.
            let post = try await caller.send(
                .post, "/api/v1/court-orders/impact", as: .anonymous,
                json: TestRecords.courtOrder("CO-P", scope: ["nationalities": ["VEN"]]))
            expectProblem(post, .unauthorized, code: "unauthenticated", "POST /api/v1/court-orders/impact signed out")
        }
    }

    @Test("A court order's public page and API name nobody: case ids in its scope are a count, the people it covers are counts by nationality")
    func courtOrderNamesNobody() async throws {
        let store = InMemoryEventStore()
        let world = try await Worlds.reference(store)
        let named = [SyntheticCaseload.caseID(0), SyntheticCaseload.caseID(1)]
        try await store.append(records: [
            TestRecords.courtOrder("CO-NAMED", issuedOn: "2025-05-01", scope: ["cases": .array(named.map { .string($0) })])
        ])
        try await world.test { caller in
            for id in ["CO-WEB-1", "CO-NAMED"] {
                for path in ["/court-orders/\(id)", "/api/v1/court-orders/\(id)", "/court-orders", "/api/v1/court-orders"] {
                    let reply = try await caller.get(path, as: .anonymous)
                    try #require(reply.status == .ok, "GET \(path): \(reply)")
                    #expect(!reply.text.contains("SYN-"), "GET \(path) signed out shows a case id: \(reply.text.prefix(3000))")
                    #expect(!reply.text.contains("/impact"), "GET \(path) signed out links to the impact list")
                }
            }
            let page = try await caller.get("/court-orders/CO-NAMED", as: .anonymous)
            #expect(page.text.contains("2 named people"), "the public scope does not count the named cases")
            let api = try await caller.getJSON("/api/v1/court-orders/CO-NAMED", as: .anonymous)
            #expect(api["order"]?["scope"]?["namedCases"] == 2 && api["order"]?["scope"]?["cases"] == nil, "\(api)")

            // CO-WEB-1 covers Venezuelans: the public sees how many, by nationality.
            let impact = try await caller.getJSON("/api/v1/court-orders/CO-WEB-1/impact?limit=1000", as: .role(.monitor))
            let covered = try #require(impact["coveredCount"]?.intValue)
            try #require(covered >= 5, "the reference world should cover at least 5 Venezuelans: \(impact)")
            let open = try await caller.getJSON("/api/v1/court-orders/CO-WEB-1", as: .anonymous)
            #expect(open["coveredCount"]?.intValue == covered, "\(open)")
            let venezuela = open["coveredByNationality"]?.arrayValue?.first { $0["nationality"] == "VEN" }
            #expect(venezuela?["people"]?.intValue == covered, "\(open)")
            #expect(open["covered"] == nil && open["transfers"] == nil, "the public answer carries the impact list: \(open)")

            // Those who may read cases see the impact list, and are linked to it from the order.
            let monitorPage = try await caller.send(
                .get, "/court-orders/CO-NAMED", as: .anonymous,
                headers: [.cookie: try #require(caller.sessionCookie(.role(.monitor)))])
            #expect(monitorPage.text.contains(#"href="/court-orders/CO-NAMED/impact""#), "no link to the impact list for a monitor")
            let list = try await caller.send(
                .get, "/court-orders/CO-NAMED/impact", as: .anonymous,
                headers: [.cookie: try #require(caller.sessionCookie(.role(.monitor)))])
            #expect(list.status == .ok && named.allSatisfy { list.text.contains($0) }, "\(list)")
            let named2 = try await caller.getJSON("/api/v1/court-orders/CO-NAMED/impact", as: .role(.officer))
            #expect(named2["covered"]?.arrayValue?.compactMap(\.stringValue).sorted() == named, "\(named2)")
            #expect(named2["order"]?["scope"]?["cases"]?.arrayValue?.count == 2, "\(named2)")
        }
    }

    @Test("Counts from 1 to 4 of the people an order covers are shown as <5, and with fewer than 5 in all their nationalities are withheld")
    func smallImpactSuppressed() async throws {
        // In the scenario, CO-1 covers the one Cuban (C1); CO-2 the nine Venezuelans and C1.
        let store = InMemoryEventStore()
        let world = try await Worlds.scenario(store)
        try await store.append(records: [TestRecords.courtOrder("CO-2", issuedOn: "2025-04-01", scope: ["nationalities": ["VEN", "CUB"]])])
        try await world.test { caller in
            let both = try await caller.getJSON("/api/v1/court-orders/CO-2", as: .anonymous)
            #expect(both["coveredCount"] == 10, "\(both)")
            #expect(both["coveredByNationality"] == [["nationality": "VEN", "people": 9], ["nationality": "CUB", "people": "<5"]], "\(both)")

            let open = try await caller.getJSON("/api/v1/court-orders/CO-1", as: .anonymous)
            #expect(open["coveredCount"] == "<5", "\(open)")
            // With fewer than 5 covered in all, even their nationalities are withheld.
            #expect(open["coveredByNationality"] == .null, "\(open)")
            let page = try await caller.get("/court-orders/CO-1", as: .anonymous)
            #expect(
                page.text.contains("<strong>&lt;5</strong>") && page.text.contains("Withheld: with fewer than 5 people covered"),
                "\(page.text.prefix(4000))")
            #expect(!page.text.contains("<th scope=\"row\">Cuba</th>"), "the page gives the one covered person's nationality")
            #expect(!page.text.contains("C1"), "the page names the covered person")
        }
    }

    @Test("An arrangement's figures counted from recorded transfers are suppressed like the public report, on its page and in the API")
    func arrangementAccountingSuppressed() async throws {
        let world = try await Worlds.scenario()
        try await world.test { caller in
            try await PublicReportTests.moveEveryone(caller)
            let slv = try await caller.getJSON("/api/v1/arrangements/arr-slv", as: .anonymous)
            #expect(slv["accounting"]?["peopleMoved"] == "<5" && slv["accounting"]?["costPerPersonMovedUSD"] == .null, "\(slv)")
            #expect(slv["accounting"]?["onwardReturnRate"] == .null && slv["accounting"]?["incidents"] == "<5", "\(slv)")
            let cri = try await caller.getJSON("/api/v1/arrangements/arr-cri", as: .anonymous)
            // 6, but hidden too: beside the 9 in all it would give El Salvador's 3 away (complementary suppression).
            #expect(cri["accounting"]?["peopleMoved"] == "suppressed" && cri["accounting"]?["costPerPersonMovedUSD"] == .null, "\(cri)")
            #expect(cri["reported"]?["peopleMoved"] == .null && cri["reported"]?["payments"] == [], "nothing reported for a test arrangement: \(cri)")
            let page = try await caller.get("/arrangements/arr-slv", as: .anonymous)
            #expect(page.text.contains(#"<th scope="row">People moved</th><td class="num">&lt;5</td>"#), "\(page.text.prefix(6000))")
            #expect(!page.text.contains(#"<th scope="row">People moved</th><td class="num">3</td>"#))
        }
    }

    @Test("The map's partners are links: one arrangement opens it, several or talks open the country's page; each is named with its status")
    func mapLinks() async throws {
        let store = InMemoryEventStore()
        let world = try await Worlds.scenario(store)
        try await store.append(records: [
            Scenario.arrangement("arr-cri-2", partner: "CRI", kind: "detention", terms: ["nationalities": "any"]),
            TestRecords.arrangementStatus("arr-cri-2", "signed", on: "2025-05-01"),
            Scenario.arrangement("arr-mex", partner: "MEX", kind: "transit", terms: ["nationalities": "any"]),
            TestRecords.arrangementStatus("arr-mex", "negotiating", on: "2025-05-01"),
        ])
        try await world.test { caller in
            let home = try await caller.get("/", as: .anonymous)
            try #require(home.status == .ok, "\(home)")
            func link(_ code: String) -> String? {
                guard let range = home.text.range(of: #"<a class="partner" href=""#) else { return nil }
                // Each partner link carries its code after its href and label.
                for part in home.text[range.lowerBound...].components(separatedBy: #"<a class="partner" "#).dropFirst()
                where part.contains(#"data-partner="\#(code)""#) {
                    return String(part.prefix { $0 != ">" })
                }
                return nil
            }
            let salvador = try #require(link("SLV"), "no link for El Salvador")
            #expect(salvador.contains(#"href="/arrangements/arr-slv""#) && salvador.contains("aria-label=\"El Salvador, active"), "\(salvador)")
            let costaRica = try #require(link("CRI"), "no link for Costa Rica")
            #expect(costaRica.contains(#"href="/countries/CRI""#) && costaRica.contains("2 arrangements"), "\(costaRica)")
            let mexico = try #require(link("MEX"), "no link for Mexico")
            #expect(mexico.contains(#"href="/countries/MEX""#) && mexico.contains("negotiating"), "\(mexico)")
            #expect(link("VEN") == nil, "a country with no arrangement is a link")
            #expect(home.text.contains(#"<a class="flow" href="/arrangements/arr-slv""#), "the flow to El Salvador is not a link")
            #expect(!home.text.contains(#"role="img" aria-labelledby="map-title"#), "the map hides its links from screen readers")
            #expect(home.text.contains(#"<a href="/arrangements/arr-cri-2">"#), "the flows table does not link the arrangement")

            // Where the links lead.
            let country = try await caller.get("/countries/CRI", as: .anonymous)
            #expect(country.status == .ok, "\(country)")
            for text in [#"href="/arrangements/arr-cri""#, #"href="/arrangements/arr-cri-2""#, "Costa Rica", "<strong>accepts</strong>", "0.10"] {
                #expect(country.text.contains(text), "the country page lacks \(text): \(country.text.prefix(4000))")
            }
            let unknown = try await caller.get("/countries/ZZZ", as: .anonymous)
            #expect(unknown.status == .notFound, "\(unknown)")
        }
    }

    @Test("Public pages carry a title, a description and a canonical link; arrangement pages Open Graph tags for link previews")
    func searchAndPreviews() async throws {
        let world = try await Worlds.reference()
        try await world.test { caller in
            for path in [
                "/", "/arrangements", "/arrangements/us-slv-cecot-2025", "/countries/SLV", "/court-orders", "/court-orders/CO-WEB-1", "/report",
            ] {
                let page = try await caller.get(path + "?utm=x", as: .anonymous)
                try #require(page.status == .ok, "GET \(path): \(page)")
                #expect(page.text.contains("<title>") && page.text.contains(" — Corridor</title>"), "GET \(path): no title")
                let description = Self.attribute(page.text, #"<meta name="description" content=""#)
                #expect((description?.count ?? 0) > 40, "GET \(path): description \(description ?? "missing")")
                let canonical = Self.attribute(page.text, #"<link rel="canonical" href=""#) ?? ""
                #expect(canonical.hasPrefix("http") && canonical.hasSuffix(path), "GET \(path): canonical \(canonical)")
            }
            let arrangement = try await caller.get("/arrangements/us-slv-cecot-2025", as: .anonymous).text
            #expect(Self.attribute(arrangement, #"<meta property="og:title" content=""#) == "US–El Salvador CECOT detention arrangement (2025)")
            #expect(Self.attribute(arrangement, #"<meta property="og:description" content=""#)?.contains("El Salvador") == true)
            #expect(Self.attribute(arrangement, #"<meta property="og:url" content=""#)?.hasSuffix("/arrangements/us-slv-cecot-2025") == true)
            #expect(Self.attribute(arrangement, #"<meta property="og:type" content=""#) == "article")
        }
    }

    /// The value of the first attribute that follows `prefix` (which ends with its opening quote).
    static func attribute(_ html: String, _ prefix: String) -> String? {
        guard let range = html.range(of: prefix) else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }
}
