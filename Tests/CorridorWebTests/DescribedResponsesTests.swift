import CorridorDomain
import CorridorRules
import CorridorStore
import CorridorTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CorridorWeb

/// ADR 0011: a described response body (``DescribedJSON``) is sent as its description says and
/// published in the OpenAPI document with exactly the schema that description gives. Served
/// bodies of every described kind are checked against the schema the document publishes.
@Suite("Response bodies and their schemas come from one description")
struct DescribedResponsesTests {
    /// A decision (its memberwise initialiser is internal to CorridorRules): pending, with a
    /// gate that clears and one that passes.
    static let decisionSample: Decision.JSON = try! JSONDecoder().decode(
        Decision.JSON.self,
        from: Data(
            """
            {"case":"SYN-1","destination":"CRI","on":"2025-07-01T10:00:00Z","policy":"us-dvd-2025","policyVersion":"1","verdict":"pending",
             "clears":"2025-07-10T00:00:00Z","gates":[
              {"gate":"notice","result":"pending","reason":"notice runs","citation":"§ 1","clears":"2025-07-10T00:00:00Z","wouldClear":"wait"},
              {"gate":"arrangement","result":"pass","reason":"ok","citation":"§ 2"}]}
            """.utf8))

    /// Sample bodies, optional members present and absent. Every described type has one.
    static let samples: [any DescribedJSON] = [
        ProblemBody(
            type: "https://corridor.invalid/problems/invalid-field", title: "Unprocessable Content", status: 422, detail: "field 'x': bad",
            code: "invalid-field", instance: "/api/v1/records", field: "x", index: 2, requestId: nil),
        ProblemBody(
            type: "https://corridor.invalid/problems/internal", title: "Internal Server Error", status: 500, detail: "logged", code: "internal",
            instance: "/", field: nil, index: nil, requestId: "abc"),
        decisionSample,
        CaseList(
            cases: [
                CaseSummary(id: "SYN-1", nationalities: ["SLV"], pathway: .removal, synthetic: true, departed: false, closedOn: nil),
                CaseSummary(id: "C2", nationalities: [], pathway: .asylumTransfer, synthetic: false, departed: true, closedOn: "2025-01-02"),
            ], total: 2, nextCursor: "c2"),
        EventFeedPage(
            events: [
                FeedItem(
                    seq: 1, type: "notice", recordedAt: "2025-06-01T09:00:00Z", cases: ["C1"], actor: "clerk", record: ["type": "notice"],
                    transfer: nil, verdict: nil, deadline: .null, coversClients: nil),
                FeedItem(
                    seq: 2, type: "court-order", recordedAt: "2025-06-01T09:00:00Z", cases: [], actor: nil, record: ["type": "court-order"],
                    transfer: ["id": "T1"], verdict: ["verdict": "allowed"], deadline: ["gate": "notice"], coversClients: ["V1"]),
            ], next: 2, head: 9, more: true),
        FeedItem(
            seq: 3, type: "manifest-add", recordedAt: "2025-06-01T09:00:00Z", cases: ["C1"], actor: "clerk", record: ["type": "manifest-add"],
            transfer: ["id": "T1"], verdict: ["verdict": "pending"], deadline: nil, coversClients: nil),
        AppendReceiptBody(AppendReceipt(count: 0, firstSeq: nil, lastSeq: nil, headHash: "00")),
        ChainHeadBody(ChainHead(seq: 3, hash: "ab")),
        HealthBody(events: 3),
        ReadinessBody(events: 3, cases: nil),
    ]

    /// Every member of `value` (and of the objects and arrays of objects it holds) is one the
    /// schema lists, so a body cannot carry an undocumented member.
    static func undeclaredMembers(_ value: JSONValue, _ schema: JSONValue, at path: String = "") -> [String] {
        switch value {
        case .object(let object):
            guard let properties = schema["properties"]?.objectValue else { return [] }
            return object.flatMap { key, member -> [String] in
                guard let memberSchema = properties[key] else { return ["\(path)/\(key)"] }
                return undeclaredMembers(member, memberSchema, at: "\(path)/\(key)")
            }
        case .array(let items):
            guard let itemSchema = schema["items"] else { return [] }
            return items.enumerated().flatMap { undeclaredMembers($1, itemSchema, at: "\(path)/\($0)") }
        default: return []
        }
    }

    static func expectConforms(_ body: JSONValue, to schema: JSONValue, _ context: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let errors = try JSONSchemaChecker(schema).errors(body)
        #expect(errors.isEmpty, "\(context): \(errors) in \(body.canonicalString)", sourceLocation: sourceLocation)
        let undeclared = undeclaredMembers(body, schema)
        #expect(undeclared.isEmpty, "\(context): members the schema does not list: \(undeclared)", sourceLocation: sourceLocation)
    }

    @Test("Each described type's sample validates against the schema it produces, and every type has a sample")
    func samplesValidate() throws {
        var sampled: Set<String> = []
        for sample in Self.samples {
            let type = Swift.type(of: sample)
            sampled.insert(type.schemaName)
            try Self.expectConforms(sample.jsonValue, to: type.schema, type.schemaName)
        }
        #expect(sampled == Set(DescribedResponses.all.map { $0.schemaName }))
    }

    @Test("The checker refuses a body that breaks the schema (a wrong enum value, a missing member, a wrong type)")
    func brokenBodiesAreRefused() throws {
        let decision = try JSONSchemaChecker(Decision.JSON.schema)
        var body = (Self.samples[2].jsonValue.objectValue)!
        body["verdict"] = "maybe"
        #expect(!decision.isValid(.object(body)))
        body["verdict"] = "allowed"
        #expect(decision.isValid(.object(body)))
        body["case"] = nil
        #expect(!decision.isValid(.object(body)))
        let list = try JSONSchemaChecker(CaseList.schema)
        #expect(
            !list.isValid([
                "cases": [["id": "C1", "nationalities": [], "pathway": "removal", "synthetic": "no", "departed": false, "closedOn": .null]],
                "total": 1, "nextCursor": .null,
            ]))
    }

    @Test("The check route's fast writer sends what the description builds")
    func checkBytesAreTheDescribedBody() async throws {
        let world = try await Worlds.reference()
        let decisions = try await world.test { caller in
            var decisions: [JSONValue] = []
            for index in 0..<40 {
                let destination = RulesAPITests.destinations[index % RulesAPITests.destinations.count]
                let uri = "/api/v1/cases/\(SyntheticCaseload.caseID(index))/check?to=\(destination)&on=2025-07-01"
                let reply = try await caller.get(uri, as: .role(.admin))
                try #require(reply.status == .ok, "\(reply)")
                decisions.append(try #require(reply.json))
            }
            return decisions
        }
        for body in decisions {
            let decoded = try JSONDecoder().decode(Decision.JSON.self, from: Data(body.canonicalString.utf8))
            #expect(decoded.jsonValue == body)
            try Self.expectConforms(body, to: Decision.JSON.schema, "check")
        }
        #expect(Set(decisions.compactMap { $0["verdict"]?.stringValue }).count >= 2, "the scenario judged more than one kind of verdict")
    }

    @Test("The OpenAPI document publishes exactly each described schema, and the routes' bodies refer to it")
    func documentPublishesTheDescriptions() async throws {
        let world = try await Worlds.reference()
        let document = try await world.test { caller in try await OpenAPIDocumentTests.document(caller) }
        for type in DescribedResponses.all {
            #expect(document.json["components"]?["schemas"]?[type.schemaName] == type.schema, "\(type.schemaName)")
        }
        let expected: [String: String] = [
            "GET /api/v1/cases/{id}/check": "Decision", "GET /api/v1/cases": "CaseList", "GET /api/v1/events": "EventFeed",
            "GET /healthz": "Health", "GET /readyz": "Readiness", "GET /api/v1/audit/head": "ChainHead", "POST /api/v1/records": "AppendReceipt",
        ]
        for (operation, name) in expected {
            let responses = document.operations[operation]?["responses"]
            let success = responses?["200"] ?? responses?["201"]
            #expect(success?["content"]?["application/json"]?["schema"]?["$ref"] == .string("#/components/schemas/\(name)"), "\(operation)")
            #expect(
                responses?["404"]?["content"]?["application/problem+json"]?["schema"]?["$ref"] == "#/components/schemas/Problem"
                    || !operation.contains("{"), "\(operation)")
        }
    }

    @Test("Served bodies of every described kind validate against the schema the document publishes")
    func servedBodiesValidate() async throws {
        let world = try await Worlds.scenario()
        let served = try await world.test { caller in
            let document = try await OpenAPIDocumentTests.document(caller).json
            var served: [(String, JSONValue, JSONValue)] = []
            func take(_ uri: String, as who: Who, _ name: String, status: HTTPResponse.Status = .ok, json: JSONValue? = nil) async throws {
                let reply: Reply
                if let json { reply = try await caller.send(.post, uri, as: who, json: json) } else { reply = try await caller.get(uri, as: who) }
                try #require(reply.status == status, "\(uri): \(reply)")
                let schema = try #require(document["components"]?["schemas"]?[name], "\(name)")
                served.append(("\(uri) as \(who)", try #require(reply.json, "\(uri)"), schema))
            }
            try await take("/api/v1/cases?limit=5", as: .role(.admin), "CaseList")
            try await take("/api/v1/cases?limit=1000&status=departed", as: .role(.admin), "CaseList")
            try await take("/api/v1/cases/R1/check?to=CRI&on=\(Scenario.departs)", as: .role(.monitor), "Decision")
            try await take("/api/v1/events?limit=1000", as: .role(.admin), "EventFeed")
            try await take("/api/v1/events?limit=1000", as: .role(.counsel), "EventFeed")
            try await take("/healthz", as: .anonymous, "Health")
            try await take("/readyz", as: .anonymous, "Readiness")
            try await take("/api/v1/audit/head", as: .role(.admin), "ChainHead")
            try await take("/api/v1/cases/NOPE/check?to=CRI", as: .role(.admin), "Problem", status: .notFound)
            try await take("/api/v1/records", as: .role(.admin), "Problem", status: .unprocessableContent, json: [["type": "case"]])
            try await take("/api/v1/records", as: .role(.admin), "AppendReceipt", status: .created, json: Scenario.notice("R1", "CRI"))
            return served
        }
        for (context, body, schema) in served { try Self.expectConforms(body, to: schema, context) }
        // The feed exercised the optional members: a verdict, a deadline, a transfer.
        let feed = served.first { $0.0.hasPrefix("/api/v1/events") }!.1["events"]?.arrayValue ?? []
        for member in ["verdict", "deadline", "transfer", "actor"] { #expect(feed.contains { $0[member] != nil }, "no feed item with \(member)") }
    }
}
