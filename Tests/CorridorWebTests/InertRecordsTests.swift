import CorridorDomain
import CorridorStore
import CorridorTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CorridorWeb

/// Issue 16, hardening: records holding markup (`<script>`, `"><img onerror>`) or spreadsheet
/// formula prefixes (`=`, `+`, `-`, `@`) are shown as text on every page, served as data by the
/// API, and exported unchanged: nothing in them runs anywhere.
@Suite("Records with markup and formulas are inert in every page and export")
struct InertRecordsTests {
    static let script = "<script>alert('corridor')</script>"
    static let image = #""><img src=x onerror=alert(1)>"#
    static let formulas = [
        #"=HYPERLINK("https://example.invalid/","open")"#, "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
    ]
    /// How each attack reads on a page, escaped.
    static let markers = [
        "&lt;script&gt;alert(", "&lt;img src=x onerror=alert(1)&gt;", "&lt;img src=x onerror=alert(2)&gt;",
        "=HYPERLINK(", "+cmd|", "-2+3+cmd|", "@SUM(1+1)",
    ]
    /// A case id that is itself an attack (ids allow spaces and punctuation).
    static let caseID = #"X"><img src=x onerror=alert(2)>"#

    /// The scenario world with every free-text field of the vocabulary filled with an attack.
    static func world() async throws -> (WebWorld<InMemoryEventStore>, admin: String) {
        let store = InMemoryEventStore()
        let world = try await Worlds.scenario(store)
        let source: JSONValue = ["title": .string(formulas[0] + " " + script), "url": "https://example.org/x", "date": "2025-01-01"]
        try await store.append(records: [
            TestRecords.country("PER", name: "Peru " + image),
            TestRecords.arrangement(
                "arr-per", partner: "PER", kind: "transit",
                extra: [
                    "name": .string(script + formulas[1]), "sources": [source],
                    "terms": ["nationalities": "any", "hostHandling": ["release"], "notes": .string(image + formulas[2])],
                ]),
            ["type": "arrangement-status", "arrangement": "arr-per", "status": "active", "on": "2025-02-01", "reason": .string(formulas[3] + image)],
            TestRecords.caseRecord(caseID, nationalities: ["VEN"]),
            TestRecords.order(caseID, kind: "final", on: "2025-01-10"),
            TestRecords.courtOrder("CO-INERT", issuedOn: "2025-04-01", scope: ["cases": [.string(caseID), "V2"]]),
            TestRecords.manifestAdd("T1", caseID),
            TestRecords.manifestStrike("T1", caseID, reason: image + " " + formulas[0]),
        ])
        // The court order's free text, through the API as counsel records it.
        let (admin, _) = try await Tokens.issue(name: "Admin " + script, role: .admin, in: store, context: .test)
        return (world, admin)
    }

    static let courtOrder: JSONValue = TestRecords.courtOrder("CO-TEXT", issuedOn: "2025-04-02", scope: ["nationalities": ["CUB"]])
        .merging(["court": .string(script + " " + formulas[0]), "citation": .string(image + " " + formulas[3])])

    @Test("Every page, as an admin whose token name is markup, shows the records' markup as text and nothing of it as markup")
    func pages() async throws {
        let (world, admin) = try await Self.world()
        let probe = RouteProbe(ids: world.ids)
        try await world.test { caller in
            let recorded = try await caller.send(.post, "/api/v1/records", as: .role(.admin), json: Self.courtOrder)
            #expect(recorded.status == .created, "\(recorded)")
            let cookie = "corridor_session=\(admin)"
            let encodedCase = Self.caseID.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            var uris = [
                "/", "/report", "/arrangements", "/arrangements/arr-per", "/cases", "/cases?q=%22%3E%3Cimg", "/cases/\(encodedCase)",
                "/cases/\(encodedCase)?policy=unhcr-2013", "/court-orders", "/court-orders/CO-INERT", "/court-orders/CO-TEXT",
                "/transfers", "/transfers/T1", "/audit", "/docs/api", "/simulate", "/court-orders/new",
            ]
            uris += try routeSpecs(state: world.state).filter { RouteProbe.isPage($0) && $0.method == .get }.map { try probe.uri($0) }
            var shown: Set<String> = []
            for uri in uris {
                let page = try await caller.send(.get, uri, as: .anonymous, headers: [.cookie: cookie])
                #expect(page.status.code < 400, "GET \(uri): \(page)")
                guard page.contentType.hasPrefix("text/html") else { continue }
                for raw in ["<script>alert", "<img"] {
                    #expect(!page.text.contains(raw), "GET \(uri): '\(raw)' appears as markup")
                }
                #expect(SecurityHeadersTests.inlineCode(page.text).isEmpty, "GET \(uri): \(SecurityHeadersTests.inlineCode(page.text))")
                for marker in Self.markers where page.text.contains(marker) { shown.insert(marker) }
            }
            // The attacks were on the pages (as text), so the checks above read them.
            #expect(shown == Set(Self.markers), "never shown as text: \(Set(Self.markers).subtracting(shown))")
        }
    }

    @Test("The API serves them as JSON (nosniff), and the export holds them unchanged, so it re-imports to the same values")
    func apiAndExport() async throws {
        let (world, _) = try await Self.world()
        try await world.test { caller in
            #expect(try await caller.send(.post, "/api/v1/records", as: .role(.admin), json: Self.courtOrder).status == .created)
            for uri in ["/api/v1/court-orders/CO-TEXT", "/api/v1/arrangements/arr-per", "/api/v1/audit/events?limit=1000"] {
                let reply = try await caller.get(uri, as: .role(.admin))
                #expect(reply.status == .ok && reply.contentType.hasPrefix("application/json"), "GET \(uri): \(reply)")
                #expect(reply.headers[.xContentTypeOptions] == "nosniff", "GET \(uri)")
                #expect(reply.json != nil, "GET \(uri): not JSON")
            }
            let order = try await caller.getJSON("/api/v1/court-orders/CO-TEXT", as: .role(.admin))
            #expect(order.canonicalString.contains("HYPERLINK"), "\(order)")
        }
        var exported: [String] = []
        _ = try await world.store.exportRecords { exported.append($0) }
        let values = exported.compactMap { try? JSONParser.parse($0) }.flatMap(Self.strings)
        for text in [Self.script, Self.image, Self.caseID] + Self.formulas {
            #expect(values.contains { $0.contains(text) }, "the export does not hold '\(text)' unchanged")
        }
        // Exported, re-imported, exported again: the same lines.
        let copy = InMemoryEventStore()
        try await copy.append(records: exported.map { try JSONParser.parse($0) })
        var again: [String] = []
        _ = try await copy.exportRecords { again.append($0) }
        #expect(again == exported)
    }

    /// Every string inside a JSON value.
    static func strings(_ value: JSONValue) -> [String] {
        switch value {
        case .string(let text): [text]
        case .array(let items): items.flatMap(strings)
        case .object(let fields): fields.values.flatMap(strings)
        default: []
        }
    }
}

extension JSONValue {
    func merging(_ fields: [String: JSONValue]) -> JSONValue {
        guard case .object(var object) = self else { return self }
        for (key, value) in fields { object[key] = value }
        return .object(object)
    }
}
