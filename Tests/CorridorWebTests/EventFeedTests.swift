import CorridorDomain
import CorridorStore
import CorridorTestSupport
import CorridorWeb
import Hummingbird
import HummingbirdTesting
import Testing

/// Issue #15: `GET /api/v1/events` — the log as a cursor-paged feed, each event with the facts a
/// reader needs, filtered to what the token may see.
@Suite("The event feed")
struct EventFeedTests {
    static let network: Set<String> = ["country", "arrangement", "arrangement-status", "court-order", "court-order-lift", "system.policy-use"]

    /// Every item of the feed from the start, read page by page through `next`.
    static func all(_ caller: Caller, as who: Who, query: String = "", limit: Int = 1000) async throws -> [JSONValue] {
        var items: [JSONValue] = []
        var after = 0
        for _ in 0..<10_000 {
            let page = try await caller.getJSON("/api/v1/events?after=\(after)&limit=\(limit)\(query)", as: who)
            items += page["events"]?.arrayValue ?? []
            guard page["more"] == .bool(true), case .number(let next)? = page["next"] else { break }
            after = Int(next)
        }
        return items
    }

    @Test("Counsel read their clients' events and the network's, nothing about anyone else; the public reads the network only")
    func scoped() async throws {
        let world = try await CounselScopeTests.world()
        try await world.test { caller in
            let counsel = try await Self.all(caller, as: .role(.counsel))
            #expect(counsel.contains { $0["type"] == "case" && $0["cases"] == ["V1"] })
            for item in counsel {
                let cases = Set(item["cases"]?.arrayValue?.compactMap(\.stringValue) ?? [])
                let type = item["type"]?.stringValue ?? ""
                #expect(Self.network.contains(type) || (!cases.isEmpty && cases.isSubset(of: Scenario.counselClients)), "counsel saw \(item)")
                #expect(item["actor"] == nil, "counsel is not shown who recorded: \(item)")
            }
            #expect(!counsel.contains { $0.canonicalString.contains(CounselScopeTests.stranger) || $0.canonicalString.contains("\"C1\"") })
            let everyone = try await Self.all(caller, as: .role(.monitor))
            #expect(everyone.count > counsel.count && everyone.contains { $0.canonicalString.contains(CounselScopeTests.stranger) })

            let pub = try await Self.all(caller, as: .role(.public))
            #expect(!pub.isEmpty && pub.allSatisfy { Self.network.contains($0["type"]?.stringValue ?? "") }, "\(pub.map { $0["type"] ?? .null })")
        }
    }

    @Test("A manifest addition carries the transfer and the person's verdict for it; a notice carries the earliest lawful departure")
    func facts() async throws {
        let world = try await CounselScopeTests.world()
        try await world.test { caller in
            let items = try await Self.all(caller, as: .role(.counsel))
            let added = try #require(items.first { $0["type"] == "manifest-add" && $0["cases"] == ["V1"] })
            #expect(
                added["transfer"]?["id"] == "T1" && added["transfer"]?["destination"] == "SLV"
                    && added["transfer"]?["departs"] == .string(Scenario.departs))
            #expect(added["verdict"]?["verdict"] == "allowed", "\(added)")
            #expect(added["verdict"]?["policy"] == "us-dvd-2025")

            // The deadline is the notice gate's own reading at service, as a check at that instant gives it.
            let notice = try #require(items.first { $0["type"] == "notice" && $0["cases"] == ["V1"] })
            let check = try await caller.getJSON("/api/v1/cases/V1/check?to=SLV&on=2025-06-01T09:00:00Z", as: .role(.monitor))
            let gate = try #require(check["gates"]?.arrayValue?.first { $0["gate"] == "notice" })
            #expect(gate["result"] == "pending")
            let clears = try #require(gate["clears"]?.stringValue)
            #expect(notice["deadline"]?["earliestDeparture"] == .string(clears), "\(notice)")
            #expect(notice["deadline"]?["gate"] == "notice" && notice["deadline"]?["citation"]?.stringValue?.isEmpty == false)
            #expect(clears > "2025-06-01T09:00:00Z")
        }
    }

    @Test("Pages of any size join into the same feed, in seq order with no gap or repeat; types and case narrow it")
    func paging() async throws {
        let world = try await CounselScopeTests.world()
        try await world.test { caller in
            // An officer sees everyone but not the read log, which these very reads append to.
            let whole = try await Self.all(caller, as: .role(.officer))
            let paged = try await Self.all(caller, as: .role(.officer), limit: 3)
            #expect(whole.map { $0["seq"] ?? .null } == paged.map { $0["seq"] ?? .null })
            let seqs = whole.compactMap { item -> Double? in if case .number(let n)? = item["seq"] { return n } else { return nil } }
            #expect(seqs == seqs.sorted() && Set(seqs).count == seqs.count)

            let notices = try await Self.all(caller, as: .role(.counsel), query: "&types=notice,manifest-add")
            #expect(!notices.isEmpty && notices.allSatisfy { ["notice", "manifest-add"].contains($0["type"]?.stringValue ?? "") })
            let v2 = try await Self.all(caller, as: .role(.counsel), query: "&case=V2")
            #expect(!v2.isEmpty && v2.allSatisfy { $0["cases"]?.arrayValue?.contains("V2") == true })

            expectProblem(try await caller.get("/api/v1/events?types=notice,nonsense", as: .role(.counsel)), .badRequest, code: "invalid-parameter")
            expectProblem(try await caller.get("/api/v1/events?case=C1", as: .role(.counsel)), .notFound, code: "unknown-case")
            expectProblem(try await caller.get("/api/v1/events?case=NEVER-1", as: .role(.monitor)), .notFound, code: "unknown-case")
            #expect(try await caller.get("/api/v1/events?case=C1", as: .role(.monitor)).status == .ok)
            expectProblem(try await caller.get("/api/v1/events?after=-1", as: .role(.monitor)), .badRequest)
        }
    }

    @Test("The stream sends the same items as Server-Sent Events after the cursor, and a heartbeat with the cursor when idle")
    func streamThroughRouter() async throws {
        // Long enough to send the whole feed and go idle even on a loaded machine.
        let world = try await CounselScopeTests.world(
            streams: EventStreamSettings(poll: .milliseconds(20), heartbeat: .milliseconds(300), maximumDuration: .seconds(3)))
        try await world.test { caller in
            let feed = try await Self.all(caller, as: .role(.counsel))
            let reply = try await caller.get("/api/v1/events/stream?after=0", as: .role(.counsel))
            #expect(reply.status == .ok && reply.contentType.hasPrefix("text/event-stream"))
            let ids = reply.text.split(separator: "\n").filter { $0.hasPrefix("id: ") }.map { String($0.dropFirst(4)) }
            let sent = feed.compactMap { item -> String? in if case .number(let n)? = item["seq"] { return String(Int(n)) } else { return nil } }
            #expect(Array(ids.prefix(sent.count)) == sent, "the stream's ids are the feed's seqs")
            #expect(reply.text.contains(": heartbeat\nid: "), "no heartbeat in \(reply.text.suffix(200))")
            #expect(!reply.text.contains(CounselScopeTests.stranger))
            let resumed = try await caller.send(
                .get, "/api/v1/events/stream", as: .role(.counsel), headers: [HTTPFields.Element.Name("Last-Event-ID")!: sent[sent.count - 2]])
            let resumedIDs = resumed.text.split(separator: "\n").filter { $0.hasPrefix("id: ") }.map { String($0.dropFirst(4)) }
            #expect(resumedIDs.first == sent.last, "resumed after Last-Event-ID: \(resumedIDs.prefix(3))")
        }
    }
}
