import CorridorDomain
import CorridorStore
import CorridorTestSupport
import CorridorWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

/// Issue #19: a feed of network changes for people who follow the story, and `?since=` on the
/// JSON lists. Here the structure is checked with Foundation's XML parser; CI also reads the
/// feed of a running server with a real Atom parser (`scripts/feed-check.py`, feedparser).
@Suite("The network's Atom feed and ?since=")
struct NetworkFeedTests {
    /// The feed as a small tree: enough of XML to check what Atom requires.
    final class Element {
        let name: String
        let namespace: String?
        let attributes: [String: String]
        var children: [Element] = []
        var text = ""
        init(name: String, namespace: String?, attributes: [String: String]) {
            self.name = name
            self.namespace = namespace
            self.attributes = attributes
        }
        func all(_ name: String) -> [Element] { children.filter { $0.name == name } }
        func first(_ name: String) -> Element? { children.first { $0.name == name } }
    }

    final class TreeBuilder: NSObject, XMLParserDelegate {
        var stack: [Element] = []
        var root: Element?
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
            let element = Element(name: name, namespace: namespaceURI, attributes: attributes)
            stack.last?.children.append(element)
            if root == nil { root = element }
            stack.append(element)
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) { stack.last?.text += string }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) { stack.removeLast() }
    }

    static func parse(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> Element {
        let parser = XMLParser(data: Data(text.utf8))
        parser.shouldProcessNamespaces = true
        let builder = TreeBuilder()
        parser.delegate = builder
        let ok = parser.parse()
        try #require(
            ok, "the feed is not well-formed XML: \(parser.parserError.map { "\($0)" } ?? "?") at line \(parser.lineNumber)",
            sourceLocation: sourceLocation)
        return try #require(builder.root, sourceLocation: sourceLocation)
    }

    static let atom = "http://www.w3.org/2005/Atom"

    @Test("Signed out, /feeds/network.atom is well-formed Atom 1.0 with what RFC 4287 requires of a feed and of every entry")
    func feedIsAtom() async throws {
        let world = try await Worlds.reference()
        try await world.test { caller in
            let reply = try await caller.get("/feeds/network.atom", as: .anonymous)
            try #require(reply.status == .ok, "\(reply)")
            #expect(reply.contentType.hasPrefix("application/atom+xml"), "\(reply.contentType)")
            let feed = try await Self.parse(reply.text)
            #expect(feed.name == "feed" && feed.namespace == Self.atom, "root \(feed.name) in \(feed.namespace ?? "no namespace")")
            for required in ["id", "title", "updated", "author"] {
                #expect(feed.first(required) != nil, "the feed has no <\(required)>")
            }
            let selfLink = feed.all("link").first { $0.attributes["rel"] == "self" }
            let selfHref = selfLink?.attributes["href"] ?? ""
            #expect(selfHref.hasPrefix("http") && selfHref.hasSuffix("/feeds/network.atom"), "\(String(describing: selfLink?.attributes))")
            let base = String(selfHref.dropLast("/feeds/network.atom".count))

            let entries = feed.all("entry")
            var ids = Set<String>()
            for entry in entries {
                let id = entry.first("id")?.text ?? ""
                #expect(id.hasPrefix("tag:corridor.invalid,2025:"), "entry id \(id)")
                #expect(ids.insert(id).inserted, "entry id \(id) is used twice")
                #expect(entry.first("title")?.text.isEmpty == false, "\(id) has no title")
                let updated = entry.first("updated")?.text ?? ""
                #expect(Instant(rfc3339: updated) != nil, "\(id): updated '\(updated)' is not RFC 3339")
                let page = entry.all("link").first { $0.attributes["rel"] == "alternate" }?.attributes["href"] ?? ""
                #expect(
                    page.hasPrefix(base + "/arrangements/") || page.hasPrefix(base + "/court-orders/"),
                    "\(id) links to \(page)")
                let summary = entry.first("summary")?.text ?? ""
                #expect(summary.contains("Source: ") && !summary.contains("Source: none recorded"), "\(id) cites no source")
            }
            #expect(!reply.text.contains("SYN-"), "the feed names a person")

            // One entry per status change of the reference network, and the court order.
            let statusRecords = try await world.store.networkEvents().filter { $0.type == "arrangement-status" }.count
            let statusEntries = entries.filter { $0.first("category")?.attributes["term"] == "arrangement-status" }
            #expect(statusRecords >= 60 && statusEntries.count == statusRecords, "\(statusEntries.count) status entries for \(statusRecords) records")
            let arrangements = entries.filter { $0.first("category")?.attributes["term"] == "arrangement" }
            #expect(arrangements.count == (try await world.store.network().arrangements.count))
            #expect(entries.contains { $0.first("id")?.text == "tag:corridor.invalid,2025:court-order/CO-WEB-1" })
            // A status whose source names the arrangement's sources by tag links to them.
            #expect(
                statusEntries.contains { entry in
                    entry.all("link").contains { $0.attributes["rel"] == "related" && $0.attributes["href"]?.hasPrefix("https://") == true }
                },
                "no status entry links its source")
        }
    }

    @Test("Entry ids do not depend on where the records sit in the log: the same network after other events gives the same ids")
    func stableIDs() async throws {
        func ids(_ store: InMemoryEventStore) async throws -> Set<String> {
            let world = try await WebWorld(
                store: store, ids: .init(caseID: "", country: "SLV", arrangement: "", courtOrder: "", transfer: "", manifestCase: ""))
            return try await world.test { caller in
                let feed = try await Self.parse(try await caller.get("/feeds/network.atom", as: .anonymous).text)
                return Set(feed.all("entry").compactMap { $0.first("id")?.text })
            }
        }
        let plain = InMemoryEventStore()
        _ = try await Seeding.seedReference(into: plain, context: .test(actor: "seed"))
        let busy = InMemoryEventStore()
        // Events before the network move every record to another place in the log.
        for _ in 0..<3 {
            try await busy.appendSystemEvent(
                type: "system.policy-use", payload: ["policy": "us-dvd-2025"], context: .test(actor: "test"), setting: nil)
        }
        _ = try await Seeding.seedReference(into: busy, context: .test(actor: "seed"))
        let first = try await ids(plain), second = try await ids(busy)
        #expect(!first.isEmpty && first == second, "\(first.symmetricDifference(second).sorted().prefix(5))")
    }

    @Test("?since= keeps what changed on or after the day, on the feed and the JSON lists; a bad day is a 400 naming the parameter")
    func since() async throws {
        let world = try await Worlds.reference()
        try await world.test { caller in
            let all = try await caller.getJSON("/api/v1/arrangements", as: .anonymous)
            let recent = try await caller.getJSON("/api/v1/arrangements?since=2025-01-01", as: .anonymous)
            let ids = Set(recent["arrangements"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? [])
            #expect(ids.contains("us-slv-cecot-2025") && !ids.contains("us-gtm-aca-2019"), "\(ids.sorted())")
            #expect(ids.count < (all["arrangements"]?.arrayValue?.count ?? 0))
            #expect(recent["count"]?.intValue == ids.count)

            let orders = try await caller.getJSON("/api/v1/court-orders?since=2025-04-01", as: .anonymous)
            #expect(orders["courtOrders"]?.arrayValue?.contains { $0["id"] == "CO-WEB-1" } == true, "\(orders)")
            let later = try await caller.getJSON("/api/v1/court-orders?since=2025-04-02", as: .anonymous)
            #expect(later["count"] == 0, "\(later)")

            let feed = try await Self.parse(try await caller.get("/feeds/network.atom?since=2025-06-01", as: .anonymous).text)
            let days = feed.all("entry").compactMap { $0.first("updated")?.text }
            #expect(!days.isEmpty && days.allSatisfy { $0 >= "2025-06-01" }, "\(days.prefix(5))")

            for path in ["/api/v1/arrangements?since=2025-13-01", "/api/v1/court-orders?since=yesterday", "/feeds/network.atom?since=2025"] {
                let reply = try await caller.get(path, as: .anonymous)
                expectProblem(reply, .badRequest, code: "invalid-parameter", "GET \(path)")
                #expect(reply.detail?.contains("since") == true, "\(reply)")
            }
        }
    }

    @Test("A court order and its lift are entries dated by the order and the lift, linking to the order's page, naming no one it names")
    func courtOrderAndLift() async throws {
        let store = InMemoryEventStore()
        let world = try await Worlds.scenario(store)
        try await store.append(records: [
            TestRecords.courtOrder("CO-NAMES", issuedOn: "2025-05-02", scope: ["cases": ["V1", "V2"]]),
            ["type": "court-order-lift", "id": "CO-NAMES", "on": "2025-06-10", "reason": "vacated on appeal"],
        ])
        try await world.test { caller in
            let reply = try await caller.get("/feeds/network.atom", as: .anonymous)
            let feed = try await Self.parse(reply.text)
            let entries = Dictionary(
                feed.all("entry").compactMap { entry in entry.first("id").map { ($0.text, entry) } }, uniquingKeysWith: { a, _ in a })
            let order = try #require(entries["tag:corridor.invalid,2025:court-order/CO-NAMES"], "no entry for the order")
            let lift = try #require(entries["tag:corridor.invalid,2025:court-order/CO-NAMES/lift"], "no entry for the lift")
            #expect(order.first("updated")?.text == "2025-05-02T00:00:00Z" && lift.first("updated")?.text == "2025-06-10T00:00:00Z")
            for entry in [order, lift] {
                let href = entry.all("link").first { $0.attributes["rel"] == "alternate" }?.attributes["href"] ?? ""
                #expect(href.hasSuffix("/court-orders/CO-NAMES"), "\(href)")
                #expect(entry.first("summary")?.text.contains("No. 25-cv-10676") == true, "the entry does not cite the order")
            }
            #expect(order.first("summary")?.text.contains("2 named people") == true, "\(order.first("summary")?.text ?? "")")
            #expect(lift.first("summary")?.text.contains("vacated on appeal") == true)
            #expect(!reply.text.contains("V1") && !reply.text.contains("V2"), "the feed names a covered person")
            // The feed's newest entry is the lift, and the feed is as new as it.
            #expect(feed.first("updated")?.text == "2025-06-10T00:00:00Z", "\(feed.first("updated")?.text ?? "")")
            #expect(feed.all("entry").first?.first("id")?.text == "tag:corridor.invalid,2025:court-order/CO-NAMES/lift")
        }
    }
}
