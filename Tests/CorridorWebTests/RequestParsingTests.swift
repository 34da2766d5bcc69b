import CorridorDomain
import CorridorStore
import Foundation
import Hummingbird
import Testing

@testable import CorridorWeb

/// How the server reads what a caller sends: the bearer credential, query parameters and
/// percent-encoding. Each is decoded exactly once, the way RFC 3986 and RFC 9110 say.
@Suite("Request parsing: credentials, query parameters, percent-encoding")
struct RequestParsingTests {
    static func request(authorization: String?) -> Request {
        var fields = HTTPFields()
        if let authorization { fields[.authorization] = authorization }
        return Request(
            head: HTTPRequest(method: .get, scheme: "http", authority: "localhost", path: "/api/v1/policy", headerFields: fields),
            body: .init(buffer: ByteBuffer()))
    }

    @Test("The bearer credential: the scheme in any case, surrounding blanks ignored; other schemes are no credential")
    func bearerCredential() {
        let token = "cor_" + String(repeating: "a", count: 64)
        for header in [
            "Bearer \(token)", "bearer \(token)", "BEARER \(token)", "Bearer   \(token)  ", " Bearer \(token)",
            "Bearer\t\(token)".replacingOccurrences(of: "\t", with: " "),
        ] {
            #expect(AuthMiddleware<InMemoryStoreAlias>.credential(Self.request(authorization: header)) == token, "\(header)")
        }
        for header in ["Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "Bearertoken", token, ""] {
            #expect(AuthMiddleware<InMemoryStoreAlias>.credential(Self.request(authorization: header)) == "", "\(header) is not a bearer credential")
        }
        #expect(AuthMiddleware<InMemoryStoreAlias>.credential(Self.request(authorization: nil)) == nil)
    }

    @Test("Percent-decoding: once, UTF-8 only; a malformed escape is refused, not guessed")
    func percentDecoding() {
        #expect(URLText.percentDecoded("2025-09-01") == "2025-09-01")
        #expect(URLText.percentDecoded("2025-09-01T00%3A00%3A00%2B02%3A00") == "2025-09-01T00:00:00+02:00")
        #expect(URLText.percentDecoded("%2541") == "%41", "decoded twice")
        #expect(URLText.percentDecoded("C%C3%B4te") == "Côte")
        #expect(URLText.percentDecoded("a+b") == "a+b", "'+' is only a space in form bodies")
        #expect(URLText.percentDecoded("%") == nil)
        #expect(URLText.percentDecoded("%4") == nil)
        #expect(URLText.percentDecoded("%zz") == nil)
        #expect(URLText.percentDecoded("%FF") == nil, "not UTF-8")
    }

    @Test("Query lookup: the first value of the exact name; empty and repeated parameters")
    func queryLookup() {
        let query: Substring = "to=MEX&on=2025-09-01&policy=&toto=X&flag&on=2026-01-01"
        #expect(URLText.firstRawValue(of: "to", in: query) == "MEX")
        #expect(URLText.firstRawValue(of: "on", in: query) == "2025-09-01")
        #expect(URLText.firstRawValue(of: "policy", in: query) == "")
        #expect(URLText.firstRawValue(of: "flag", in: query) == "")
        #expect(URLText.firstRawValue(of: "t", in: query) == nil)
        #expect(URLText.firstRawValue(of: "missing", in: query) == nil)
        #expect(URLText.rawValues(of: "on", in: query) == ["2025-09-01", "2026-01-01"])
        #expect(URLText.firstRawValue(of: "to", in: "") == nil)
        #expect(URLText.firstRawValue(of: "to", in: "&&to=GTM&") == "GTM")
        // Bytes, not characters: a combining mark after '&' does not hide the separator, and
        // non-ASCII names and values come back whole.
        #expect(URLText.firstRawValue(of: "to", in: "a=1&to=SLV\u{301}") == "SLV\u{301}")
        #expect(URLText.firstRawValue(of: "é", in: "a=1&é=ü&b") == "ü")
        #expect(URLText.rawValues(of: "b", in: "b&b=&b=2") == ["", "", "2"])
        #expect(URLText.firstRawValue(of: "", in: "&=x") == "x")
    }

    @Test("Through the API: an encoded instant is read once; a double-encoded one is refused naming what arrived")
    func encodedInstantThroughTheAPI() async throws {
        let world = try await Worlds.scenario()
        try await world.test { caller in
            let once = try await caller.get("/api/v1/cases/V1/check?to=SLV&on=2025-07-01T12%3A00%3A00%2B02%3A00", as: .role(.officer))
            #expect(once.status == .ok, "\(once)")
            #expect(once.json?["on"]?.stringValue == "2025-07-01T10:00:00Z", "\(once)")
            let twice = try await caller.get("/api/v1/cases/V1/check?to=SLV&on=2025-07-01T12%253A00%253A00Z", as: .role(.officer))
            #expect(twice.status == .badRequest && twice.code == "invalid-parameter", "\(twice)")
            #expect(twice.detail?.contains("2025-07-01T12%3A00%3A00Z") == true, "\(twice)")
            let lower = try await caller.send(
                .get, "/api/v1/policy", as: .anonymous,
                headers: [.authorization: "bearer \(caller.tokens[.officer])"])
            #expect(lower.status == .ok, "a lower-case scheme is still a bearer token: \(lower)")
        }
    }

    @Test("An unknown profile in the query is named as the query parameter it came in, with the known ones")
    func unknownPolicyInQuery() async throws {
        let world = try await Worlds.scenario()
        try await world.test { caller in
            for uri in ["/api/v1/cases/V1/check?to=SLV&policy=nope", "/api/v1/eligible?to=SLV&policy=nope"] {
                let reply = try await caller.get(uri, as: .role(.officer))
                #expect(reply.status == .badRequest && reply.code == "unknown-policy", "\(uri): \(reply)")
                #expect(
                    reply.detail == "query parameter 'policy': unknown policy profile 'nope' (known: us-dhs-2025, us-dvd-2025, unhcr-2013)",
                    "\(uri): \(reply)")
            }
        }
    }
}

typealias InMemoryStoreAlias = CorridorStore.InMemoryEventStore
