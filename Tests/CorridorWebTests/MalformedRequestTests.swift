import CorridorDomain
import CorridorSQLite
import CorridorSQLiteTestSupport
import CorridorStore
import CorridorTestSupport
import CorridorWeb
import Hummingbird
import HummingbirdTesting
import Testing

/// Issue #5, point 3: every error is `application/problem+json` whose `detail` says what to
/// fix, and every malformed request is a 4xx, never a 5xx, and changes nothing.
@Suite("Malformed requests are 4xx problems")
struct MalformedRequestTests {
    /// One malformed request and what it must get (`status` nil: any 4xx).
    struct Malformed: Sendable, CustomStringConvertible {
        var method: HTTPRequest.Method
        var uri: String
        var body: [UInt8]?
        var status: HTTPResponse.Status?
        var code: String?
        var field: String?
        /// Set when the behaviour is known to be wrong: the reason, reported as a known issue.
        var knownIssue: String?

        init(
            _ method: HTTPRequest.Method, _ uri: String, text: String? = nil, bytes: [UInt8]? = nil, _ status: HTTPResponse.Status? = nil,
            code: String? = nil, field: String? = nil, knownIssue: String? = nil
        ) {
            self.method = method
            self.uri = uri
            self.body = bytes ?? text.map { Array($0.utf8) }
            self.status = status
            self.code = code
            self.field = field
            self.knownIssue = knownIssue
        }

        var description: String {
            let shown = body.map { String(decoding: $0.prefix(80), as: UTF8.self) + ($0.count > 80 ? "… (\($0.count) bytes)" : "") }
            return "\(method) \(uri.prefix(120))\(shown.map { " body \($0)" } ?? "")"
        }
    }

    static let records = "/api/v1/records"

    /// The table, over the reference world (`SYN-0000001` … `SYN-0000300`, transfer `T-WEB-1`
    /// carrying `SYN-0000001`…`3`, court order `CO-WEB-1`).
    static let table: [Malformed] = {
        let unknownCaseClaim = #"{"type":"claim","case":"NO-SUCH-CASE","claim":"asylum","against":"VEN","status":"pending","on":"2025-05-01"}"#
        let goodCase = #"{"type":"case","case":"NEW-1","nationalities":["GTM"]}"#
        let deep = String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000)
        let tooMany = "[" + Array(repeating: goodCase, count: 10_001).joined(separator: ",") + "]"
        let checkURI = "/api/v1/cases/SYN-0000001/check"
        return [
            // Bodies that are not JSON, or not records.
            Malformed(.post, records, text: "", .badRequest, code: "invalid-json"),
            Malformed(.post, records, text: "{", .badRequest, code: "invalid-json"),
            Malformed(.post, records, text: "not json at all", .badRequest, code: "invalid-json"),
            Malformed(.post, records, text: #"{"type":"case",}"#, .badRequest, code: "invalid-json"),
            Malformed(.post, records, bytes: [0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x3A, 0x31, 0x7D], .badRequest),
            Malformed(.post, records, text: deep, .badRequest, code: "invalid-json"),
            Malformed(.post, records, text: "42", .badRequest, code: "invalid-body"),
            Malformed(.post, records, text: "null", .badRequest, code: "invalid-body"),
            Malformed(.post, records, text: #""a record""#, .badRequest, code: "invalid-body"),
            Malformed(.post, records, text: "[]", .badRequest, code: "invalid-body"),
            Malformed(.post, records, text: tooMany, .badRequest, code: "invalid-body"),
            Malformed(.post, records, text: "[1, 2]", .unprocessableContent),
            // Records that are not valid: missing, wrong types, unknown fields, bad values.
            Malformed(.post, records, text: "{}", .unprocessableContent, code: "missing-field", field: "type"),
            Malformed(.post, records, text: #"{"type":"spaceship"}"#, .unprocessableContent, field: "type"),
            Malformed(.post, records, text: #"{"type":7}"#, .unprocessableContent, field: "type"),
            Malformed(.post, records, text: #"{"type":"case","case":5,"nationalities":["GTM"]}"#, .unprocessableContent, field: "case"),
            Malformed(.post, records, text: #"{"type":"case","case":"X1","nationalities":"GTM"}"#, .unprocessableContent, field: "nationalities"),
            Malformed(.post, records, text: #"{"type":"case","case":"X1","nationalities":["ZZZ"]}"#, .unprocessableContent),
            Malformed(
                .post, records, text: #"{"type":"case","case":"X1","nationalities":["GTM"],"colour":"red"}"#, .unprocessableContent, field: "colour"),
            Malformed(.post, records, text: #"{"type":"case","case":"","nationalities":["GTM"]}"#, .unprocessableContent, field: "case"),
            Malformed(
                .post, records, text: #"{"type":"order","case":"SYN-0000001","kind":"final","on":"2025-13-01"}"#, .unprocessableContent, field: "on"),
            Malformed(
                .post, records, text: #"{"type":"notice","case":"SYN-0000001","destination":"SLV","servedOn":"2025-06-01"}"#, .unprocessableContent,
                field: "servedOn"),
            Malformed(
                .post, records, text: #"{"type":"transfer","id":"T-X","destination":"SLV","departs":"2025-07-01T10:00:00Z","seats":-1}"#,
                .unprocessableContent, field: "seats"),
            Malformed(
                .post, records, text: #"{"type":"transfer","id":"T-X","destination":"SLV","departs":"2025-07-01T10:00:00Z","seats":1.5}"#,
                .unprocessableContent, field: "seats"),
            Malformed(
                .post, records, text: #"{"type":"transfer","id":"T-X","destination":"SLV","departs":"2025-07-01T10:00:00Z","seats":"10"}"#,
                .unprocessableContent, field: "seats"),
            Malformed(.post, records, text: #"{"type":"transfer","id":"T-X","destination":"SLV","departs":"2025-07-01T10:00:00Z","seats":1e400}"#),
            Malformed(
                .post, records,
                text: #"{"type":"court-order","id":"CO-X","court":"D. Mass.","citation":"x","issuedOn":"2025-05-01","scope":{},"effect":"maybe"}"#,
                .unprocessableContent, field: "effect"),
            // Unknown references and state conflicts: 422 or 409, naming the field.
            Malformed(.post, records, text: unknownCaseClaim, .unprocessableContent, code: "unknown-reference", field: "case"),
            Malformed(
                .post, records, text: #"{"type":"manifest-add","transfer":"NO-SUCH-TRANSFER","case":"SYN-0000010"}"#, .unprocessableContent,
                field: "transfer"),
            Malformed(
                .post, records, text: #"{"type":"court-order-lift","id":"NO-SUCH-ORDER","on":"2025-06-01"}"#, .unprocessableContent, field: "id"),
            Malformed(
                .post, records,
                text: #"{"type":"transfer","id":"T-X","destination":"SLV","departs":"2025-07-01T10:00:00Z","seats":5,"arrangement":"no-such"}"#,
                .unprocessableContent, field: "arrangement"),
            Malformed(
                .post, records,
                text:
                    #"{"type":"court-order","id":"CO-WEB-1","court":"D. Mass.","citation":"x","issuedOn":"2025-05-01","scope":{},"effect":"block"}"#,
                .conflict, code: "state-conflict", field: "id"),
            Malformed(
                .post, records, text: #"{"type":"transfer-depart","transfer":"T-WEB-1","at":"2025-07-01T09:00:00Z"}"#, .conflict, field: "transfer"),
            // One bad record in an array: nothing of it is recorded.
            Malformed(.post, records, text: "[\(goodCase),\(unknownCaseClaim)]", .unprocessableContent, field: "case"),
            Malformed(
                .post, records, text: "[\(goodCase),\(goodCase.replacingOccurrences(of: "NEW-1", with: "NEW-2")),{\"type\":\"case\"}]",
                .unprocessableContent, field: "case"),
            // Too large: more than 8 MiB.
            Malformed(
                .post, records, text: "[" + String(repeating: " ", count: 8 * 1024 * 1024) + "]", .contentTooLarge, code: "body-too-large",
                knownIssue:
                    "ProblemMiddleware turns Hummingbird's NIOTooManyBytesError (from request.body.collect(upTo:)) into a 500 'internal' instead of a 413 problem"
            ),
            // Convenience routes' bodies.
            Malformed(.post, "/api/v1/transfers/T-WEB-1/lock", text: "[]", .badRequest),
            Malformed(.post, "/api/v1/transfers/T-WEB-1/lock", text: "{", .badRequest),
            Malformed(.post, "/api/v1/transfers/T-WEB-1/lock", text: #"{"at":"tomorrow"}"#, .unprocessableContent, field: "at"),
            Malformed(
                .post, "/api/v1/transfers/T-WEB-1/lock", text: #"{"at":"2025-06-28T12:00:00Z","colour":1}"#, .unprocessableContent, field: "colour"),
            Malformed(.post, "/api/v1/transfers/T-WEB-1/depart", text: #"{"at":42}"#, .unprocessableContent, field: "at"),
            Malformed(.post, "/api/v1/transfers/T-WEB-1/strike", text: "{}", .unprocessableContent),
            Malformed(.post, "/api/v1/transfers/T-WEB-1/strike", text: #"{"case":"SYN-0000003"}"#, .unprocessableContent, field: "reason"),
            Malformed(.post, "/api/v1/transfers/T-WEB-1/strike", text: #"{"case":"SYN-0000100","reason":"not on it"}"#, .conflict, field: "case"),
            Malformed(.post, "/api/v1/transfers/T-WEB-1/strike", text: "nope", .badRequest),
            Malformed(
                .post, "/api/v1/transfers/T-WEB-1/strike", text: String(repeating: "x", count: 70 * 1024), .contentTooLarge,
                knownIssue:
                    "ProblemMiddleware turns Hummingbird's NIOTooManyBytesError (from request.body.collect(upTo:)) into a 500 'internal' instead of a 413 problem"
            ),
            Malformed(.post, "/api/v1/court-orders/impact", text: "", .badRequest),
            Malformed(.post, "/api/v1/court-orders/impact", text: goodCase, .unprocessableContent, field: "type"),
            Malformed(.post, "/api/v1/court-orders/impact", text: #"{"type":"court-order","id":"CO-P"}"#, .unprocessableContent),
            Malformed(
                .post, "/api/v1/court-orders/impact", text: String(repeating: " ", count: 300 * 1024), .contentTooLarge,
                knownIssue:
                    "ProblemMiddleware turns Hummingbird's NIOTooManyBytesError (from request.body.collect(upTo:)) into a 500 'internal' instead of a 413 problem"
            ),
            Malformed(.put, "/api/v1/policy", text: "", .badRequest),
            Malformed(.put, "/api/v1/policy", text: #"{"policy":"nope"}"#, .badRequest, code: "unknown-policy"),
            Malformed(.put, "/api/v1/policy", text: #"{"policy":"us-dvd-2025","also":1}"#, .badRequest),
            Malformed(.put, "/api/v1/policy", text: #"{"policy":7}"#, .badRequest),
            // Bad query parameters.
            Malformed(.get, checkURI, .badRequest, code: "missing-parameter"),
            Malformed(.get, checkURI + "?to=XX", .badRequest, code: "invalid-parameter"),
            Malformed(.get, checkURI + "?to=slv", .badRequest, code: "invalid-parameter"),
            Malformed(.get, checkURI + "?to=SLV&on=2025-13-01", .badRequest, code: "invalid-parameter"),
            Malformed(.get, checkURI + "?to=SLV&on=yesterday", .badRequest, code: "invalid-parameter"),
            Malformed(.get, checkURI + "?to=SLV&policy=nope", .badRequest, code: "unknown-policy"),
            Malformed(.get, "/api/v1/eligible", .badRequest, code: "missing-parameter"),
            Malformed(.get, "/api/v1/eligible?to=XX", .badRequest, code: "invalid-parameter"),
            Malformed(.get, "/api/v1/eligible?to=SLV&on=2025-13-01", .badRequest, code: "invalid-parameter"),
            Malformed(.get, "/api/v1/eligible?to=SLV&limit=0", .badRequest, code: "invalid-parameter"),
            Malformed(.get, "/api/v1/eligible?to=SLV&limit=abc", .badRequest, code: "invalid-parameter"),
            Malformed(.get, "/api/v1/eligible?to=SLV&policy=nope", .badRequest, code: "unknown-policy"),
            Malformed(.get, "/api/v1/cases?limit=0", .badRequest, code: "invalid-parameter"),
            Malformed(.get, "/api/v1/cases?limit=1001", .badRequest, code: "invalid-parameter"),
            Malformed(.get, "/api/v1/cases?limit=-3", .badRequest, code: "invalid-parameter"),
            Malformed(.get, "/api/v1/cases?cursor=zzz", .badRequest, code: "invalid-parameter"),
            Malformed(.get, "/api/v1/cases?cursor=c-1", .badRequest, code: "invalid-parameter"),
            Malformed(.get, "/api/v1/cases?status=nope", .badRequest, code: "invalid-parameter"),
            Malformed(.get, "/api/v1/cases?pathway=nope", .badRequest, code: "invalid-parameter"),
            Malformed(.get, "/api/v1/cases?nationality=XX", .badRequest, code: "invalid-parameter"),
            Malformed(.get, "/api/v1/cases?blocked=not-a-gate&to=SLV", .badRequest, code: "invalid-parameter"),
            Malformed(.get, "/api/v1/cases?blocked=notice", .badRequest, code: "missing-parameter"),
            Malformed(.get, "/api/v1/cases?blocked=notice&to=SLV&policy=nope", .badRequest, code: "unknown-policy"),
            Malformed(.get, "/api/v1/cases?blocked=notice&to=SLV&on=2025-13-01", .badRequest, code: "invalid-parameter"),
            Malformed(.get, "/api/v1/transfers?status=nope", .badRequest, code: "invalid-parameter"),
            Malformed(.get, "/api/v1/transfers/T-WEB-1?at=2025-13-01", .badRequest, code: "invalid-parameter"),
            Malformed(.get, "/api/v1/transfers/T-WEB-1?policy=nope", .badRequest, code: "unknown-policy"),
            Malformed(.get, "/api/v1/court-orders/CO-WEB-1/impact?limit=0", .badRequest, code: "invalid-parameter"),
            Malformed(.get, "/api/v1/audit/events?after=-1", .badRequest, code: "invalid-parameter"),
            Malformed(.get, "/api/v1/audit/events?after=abc", .badRequest, code: "invalid-parameter"),
            Malformed(.get, "/api/v1/audit/events?limit=0", .badRequest, code: "invalid-parameter"),
            Malformed(
                .get, "/api/v1/arrangements?status=nope", .badRequest,
                knownIssue: "GET /api/v1/arrangements does not validate 'status': an unknown status answers 200 with an empty list"),
            Malformed(
                .get, "/api/v1/arrangements?kind=nope", .badRequest,
                knownIssue: "GET /api/v1/arrangements does not validate 'kind': an unknown kind answers 200 with an empty list"),
            Malformed(
                .get, "/api/v1/arrangements?partner=XX", .badRequest,
                knownIssue: "GET /api/v1/arrangements does not validate 'partner': a non-ISO3 code answers 200 with an empty list"),
            // Unknown ids.
            Malformed(.get, "/api/v1/cases/NO-SUCH-CASE", .notFound, code: "unknown-case"),
            Malformed(.get, "/api/v1/cases/NO-SUCH-CASE/records", .notFound, code: "unknown-case"),
            Malformed(.get, "/api/v1/cases/NO-SUCH-CASE/check?to=SLV", .notFound, code: "unknown-case"),
            Malformed(.get, "/api/v1/cases/" + String(repeating: "A", count: 5_000), .notFound, code: "unknown-case"),
            Malformed(.get, "/api/v1/cases/%FF%FE", .notFound, code: "unknown-case"),
            Malformed(.get, "/api/v1/cases/..%2F..%2Fetc", .notFound, code: "unknown-case"),
            Malformed(.get, "/api/v1/transfers/NO-SUCH-TRANSFER", .notFound, code: "unknown-transfer"),
            Malformed(.get, "/api/v1/arrangements/no-such-arrangement", .notFound, code: "unknown-arrangement"),
            Malformed(.get, "/api/v1/court-orders/NO-SUCH-ORDER", .notFound, code: "unknown-court-order"),
            Malformed(.get, "/api/v1/countries/ZZZ", .notFound, code: "unknown-country"),
            Malformed(
                .post, "/api/v1/transfers/NO-SUCH-TRANSFER/lock", text: "{}", .notFound,
                knownIssue:
                    "POST /api/v1/transfers/{id}/lock for an unknown transfer answers 422 unknown-reference, not the 404 the OpenAPI document promises"
            ),
            Malformed(
                .post, "/api/v1/transfers/NO-SUCH-TRANSFER/depart", text: "{}", .notFound,
                knownIssue:
                    "POST /api/v1/transfers/{id}/depart for an unknown transfer answers 422 unknown-reference, not the 404 the OpenAPI document promises"
            ),
            Malformed(
                .post, "/api/v1/transfers/NO-SUCH-TRANSFER/strike", text: #"{"case":"SYN-0000001","reason":"x"}"#, .notFound,
                knownIssue:
                    "POST /api/v1/transfers/{id}/strike for an unknown transfer answers 422 unknown-reference, not the 404 the OpenAPI document promises"
            ),
            // Wrong methods and unknown paths.
            Malformed(.delete, "/api/v1/cases"),
            Malformed(.get, records),
            Malformed(.put, records, text: goodCase),
            Malformed(.post, "/api/v1/cases/SYN-0000001", text: "{}"),
            Malformed(.patch, "/api/v1/policy", text: #"{"policy":"us-dvd-2025"}"#),
            Malformed(.delete, "/openapi.json"),
            Malformed(.get, "/api/v1/transfers/T-WEB-1/lock"),
            Malformed(.get, "/api/v1/no-such-thing", .notFound, code: "not-found"),
            Malformed(.get, "/api/v1/cases/SYN-0000001/nothing", .notFound, code: "not-found"),
        ]
    }()

    @Test("Each malformed request of the table gets its 4xx problem, with a detail, and changes nothing (in memory)")
    func tableInMemory() async throws {
        try await run(try await Worlds.reference())
    }

    @Test("Each malformed request of the table gets its 4xx problem, with a detail, and changes nothing (SQLite file)")
    func tableSQLite() async throws {
        let file = try TemporarySQLiteStore()
        try await run(try await Worlds.reference(file.store))
        withExtendedLifetime(file) {}
    }

    func run<Store: EventStore>(_ world: WebWorld<Store>) async throws {
        try await world.test { caller in
            for malformed in Self.table {
                let before = try await world.store.head()
                let reply = try await caller.send(
                    malformed.method, malformed.uri, as: .role(.admin), body: malformed.body.map { ByteBuffer(bytes: $0) })
                let context = "\(malformed)"
                let check = {
                    expectClientError(reply, context)
                    if let status = malformed.status { #expect(reply.status == status, "\(context): expected \(status.code), got \(reply)") }
                    if let code = malformed.code {
                        #expect(reply.code == code, "\(context): code \(reply.code ?? "none"), expected \(code): \(reply)")
                    }
                    if let field = malformed.field {
                        #expect(reply.json?["field"] == .string(field), "\(context): the problem does not name field '\(field)': \(reply)")
                    }
                    // A bad query parameter's problem names it, so the client knows what to fix.
                    if reply.code == "invalid-parameter" || reply.code == "missing-parameter" {
                        let names = Self.queryNames(malformed.uri) + ["to"]
                        #expect(names.contains { reply.detail?.contains("'\($0)'") == true }, "\(context): the detail names no parameter: \(reply)")
                    }
                }
                check()
                // Reads of an unknown case log nothing either; a refused write records nothing.
                #expect(try await world.store.head() == before, "\(context): the store changed")
            }
        }
    }

    static func queryNames(_ uri: String) -> [String] {
        guard let query = uri.split(separator: "?", maxSplits: 1).dropFirst().first else { return [] }
        return query.split(separator: "&").compactMap { $0.split(separator: "=", maxSplits: 1).first.map(String.init) }
    }

    @Test("The problem of a bad record in an array names its index and field; nothing of the array is kept")
    func arrayIndex() async throws {
        let world = try await Worlds.reference()
        let records: JSONValue = [
            TestRecords.caseRecord("NEW-1"),
            TestRecords.order("NEW-1", kind: "final", on: "2025-02-01"),
            TestRecords.claim("NO-SUCH-CASE", "asylum", against: "VEN", status: "pending", on: "2025-05-01"),
        ]
        try await world.test { caller in
            let before = try await world.store.snapshot()
            let reply = try await caller.send(.post, "/api/v1/records", as: .role(.officer), json: records)
            expectProblem(reply, .unprocessableContent, code: "unknown-reference", "array with a bad third record")
            #expect(reply.json?["index"] == 3, "\(reply)")
            #expect(reply.json?["field"] == "case", "\(reply)")
            #expect(reply.detail?.contains("record 3") == true, "\(reply)")
            #expect(reply.detail?.contains("NO-SUCH-CASE") == true, "\(reply)")
            #expect(reply.detail?.contains("nothing was recorded") == true, "\(reply)")
            #expect(try await world.store.snapshot() == before)
            #expect(try await world.store.caseEvents("NEW-1").isEmpty, "the first record of a refused array was kept")
        }
    }

    /// Bad values for query parameters, as a client might send them.
    static let badValues: [String] = [
        "", "XX", "nope", "-1", "0", "99999999999999999999", "2025-13-01", "c-1", "%00", "%FF", "%", "%27%20OR%201%3D1%20--",
        String(repeating: "A", count: 4_000),
    ]

    @Test("Fuzz: every query parameter of every GET route, given garbage, never answers a 5xx")
    func queryFuzz() async throws {
        let world = try await Worlds.scenario()
        let probe = RouteProbe(ids: world.ids)
        try await world.test { caller in
            for route in routeSpecs(state: world.state) where route.method == .get {
                for parameter in route.parameters where parameter.location == .query {
                    for value in Self.badValues {
                        var uri = try probe.uri(route)
                        let given = uri.contains("?\(parameter.name)=") || uri.contains("&\(parameter.name)=")
                        if given {
                            uri = uri.replacingOccurrences(of: "\(parameter.name)=SLV", with: "\(parameter.name)=\(value)")
                        } else {
                            uri += (uri.contains("?") ? "&" : "?") + "\(parameter.name)=\(value)"
                        }
                        let reply = try await caller.get(uri, as: .role(.admin))
                        #expect(reply.status.code < 500, "GET \(uri.prefix(200)): \(reply)")
                        // The API answers problems; pages answer a page saying what went wrong.
                        if reply.status.code >= 400, !RouteProbe.isPage(route) { expectWellFormedProblem(reply, "GET \(uri.prefix(200))") }
                    }
                }
            }
        }
    }

    @Test(
        "Fuzz: mutated records (seeded) are recorded whole (201) or refused whole (4xx problem, nothing changed), never a 5xx",
        arguments: [StoreBackend.inMemory, .sqliteFile])
    func bodyFuzz(_ backend: StoreBackend) async throws {
        switch backend {
        case .sqliteFile:
            let file = try TemporarySQLiteStore()
            try await bodyFuzz(try await Worlds.reference(file.store), count: 120)
            withExtendedLifetime(file) {}
        default:
            try await bodyFuzz(try await Worlds.reference(), count: 400)
        }
    }

    func bodyFuzz<Store: EventStore>(_ world: WebWorld<Store>, count: Int) async throws {
        let seeds: [JSONValue] = [
            TestRecords.caseRecord("FUZZ-1", nationalities: ["VEN", "CUB"], extra: ["birthYear": 1990, "familyUnit": "F1", "pathway": "removal"]),
            TestRecords.claim("SYN-0000004", "withholding", against: "VEN", status: "granted", on: "2024-03-01"),
            TestRecords.courtOrder(
                "CO-FUZZ", issuedOn: "2025-05-01", scope: ["nationalities": ["VEN"], "destinations": ["SLV"], "thirdCountryOnly": true],
                effect: ["noticeDays": 10]),
            TestRecords.transfer("T-FUZZ", destination: "SLV", seats: 10, arrangement: "us-slv-cecot-2025"),
            Scenario.notice("SYN-0000005", "SLV"),
            TestRecords.manifestAdd("T-WEB-1", "SYN-0000006"),
            TestRecords.manifestStrike("T-WEB-1", "SYN-0000002"),
            TestRecords.step(.lock, "T-WEB-1", at: Scenario.lockAt),
            ["type": "screening", "case": "SYN-0000007", "destination": "SLV", "outcome": "negative", "on": "2025-06-03"],
        ]
        let routes = ["/api/v1/records", "/api/v1/court-orders/impact", "/api/v1/transfers/T-WEB-1/strike", "/api/v1/transfers/T-WEB-1/lock"]
        try await world.test { caller in
            var random = SeededRandom(seed: 0xC0FFEE)
            var outcomes: [Int: Int] = [:]
            for round in 0..<count {
                let seed = seeds[random.next(seeds.count)]
                let text = Self.mutate(seed, &random)
                let uri = round % 5 == 4 ? routes[random.next(routes.count)] : "/api/v1/records"
                let before = try await world.store.head()
                let reply = try await caller.send(.post, uri, as: .role(.admin), body: ByteBuffer(string: text))
                let context = "fuzz round \(round): POST \(uri) \(text.prefix(300))"
                outcomes[reply.status.code, default: 0] += 1
                #expect(reply.status.code < 500, "\(context): \(reply)")
                if reply.status.code >= 400 {
                    expectWellFormedProblem(reply, context)
                    #expect(try await world.store.head() == before, "\(context): refused, but the store changed")
                } else if uri == "/api/v1/records" {
                    #expect(reply.status == .created, "\(context): \(reply)")
                    #expect(try await world.store.head().seq > before.seq, "\(context): accepted, but nothing was recorded")
                }
            }
            // The mutations reached both sides: some were still valid records, most were not.
            #expect(outcomes[201, default: 0] > 0 && outcomes.filter { $0.key >= 400 }.values.reduce(0, +) > count / 2, "\(outcomes)")
        }
    }

    /// One random mutation of a record's JSON text.
    static func mutate(_ record: JSONValue, _ random: inout SeededRandom) -> String {
        guard case .object(var fields) = record else { return record.canonicalString }
        let keys = fields.keys.sorted()
        let odd: [JSONValue] = [
            .null, true, 0, -1, 1.5, 1e300, -1e300, "", "x", .string(String(repeating: "é", count: 500)), "2025-13-01", "ZZZ", "\u{0}", [], [1, "a"],
            [:],
            ["nested": ["deeper": [1, 2, 3]]], "SYN-0000001", "us-slv-cecot-2025", "any", "2025-07-01T10:00:00Z",
        ]
        switch random.next(7) {
        case 0: fields.removeValue(forKey: keys[random.next(keys.count)])
        case 1, 2: fields[keys[random.next(keys.count)]] = odd[random.next(odd.count)]
        case 3: fields["unexpected\(random.next(3))"] = odd[random.next(odd.count)]
        case 4:
            let text = JSONValue.object(fields).canonicalString
            return String(text.prefix(random.next(text.count)))
        case 5:
            var bytes = Array(JSONValue.object(fields).canonicalString.utf8)
            bytes[random.next(bytes.count)] = UInt8(random.next(256))
            return String(decoding: bytes, as: UTF8.self)
        default:
            return JSONValue.array([.object(fields), odd[random.next(odd.count)]]).canonicalString
        }
        return JSONValue.object(fields).canonicalString
    }
}

/// A small deterministic generator (SplitMix64), so a failing fuzz round can be replayed.
struct SeededRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in 0..<bound.
    mutating func next(_ bound: Int) -> Int { bound <= 1 ? 0 : Int(next() % UInt64(bound)) }
}
