import CorridorDomain
import CorridorStore
import CorridorTestSupport
import Hummingbird
import HummingbirdTesting
import Testing

/// Who sends a request.
enum Who: Sendable, Hashable, CustomStringConvertible {
    case role(Role)
    /// No `Authorization` header.
    case anonymous
    /// A token that was issued and then revoked.
    case revoked
    /// A well-formed token that was never issued.
    case unknownToken

    static let everyone: [Who] = Role.allCases.map(Who.role) + [.anonymous, .revoked, .unknownToken]

    var role: Role? {
        if case .role(let role) = self { return role }
        return nil
    }

    var description: String {
        switch self {
        case .role(let role): role.rawValue
        case .anonymous: "no token"
        case .revoked: "a revoked token"
        case .unknownToken: "an unknown token"
        }
    }
}

/// One answer, with its body as text and (when it is JSON) parsed.
struct Reply: Sendable, CustomStringConvertible {
    var status: HTTPResponse.Status
    var headers: HTTPFields
    var text: String

    var json: JSONValue? { try? JSONParser.parse(text) }
    var contentType: String { headers[.contentType] ?? "" }
    var isProblem: Bool { contentType.hasPrefix("application/problem+json") }
    var code: String? { json?["code"]?.stringValue }
    var detail: String? { json?["detail"]?.stringValue }
    /// The router's own 404: no route for this method and path (as opposed to a handler's
    /// "no such case").
    /// A page's answer to a caller without a live session: 303 to the sign-in form.
    var isSignInRedirect: Bool { status == .seeOther && (headers[.location] ?? "").hasPrefix("/signin") }
    /// The auth middleware's refusal of an API call: 401 problem.
    var isAuthenticationProblem: Bool { status == .unauthorized && isProblem && (code == "unauthenticated" || code == "invalid-token") }
    /// The role rule's refusal.
    var isRoleRefusal: Bool { status == .forbidden && (code == nil || code == "forbidden") }
    var isRouterNotFound: Bool { status == .notFound && code == "not-found" && (detail ?? "").hasPrefix("no such resource") }

    var description: String { "\(status.code) \(contentType) \(text.prefix(600))" }
}

/// Sends requests to the router in process as someone.
struct Caller: Sendable {
    let client: any TestClientProtocol
    let tokens: TestTokens
    let revokedSecret: String

    func headers(_ who: Who) -> HTTPFields {
        switch who {
        case .role(let role): [.authorization: "Bearer \(tokens[role])"]
        case .anonymous: [:]
        case .revoked: [.authorization: "Bearer \(revokedSecret)"]
        case .unknownToken: [.authorization: "Bearer \(TestTokens.neverIssued)"]
        }
    }

    func send(
        _ method: HTTPRequest.Method, _ uri: String, as who: Who, body: ByteBuffer? = nil, headers extra: HTTPFields = [:]
    ) async throws -> Reply {
        var headers = headers(who)
        headers.append(contentsOf: extra)
        if body != nil, headers[.contentType] == nil { headers[.contentType] = "application/json" }
        return try await client.execute(uri: uri, method: method, headers: headers, body: body) { response in
            Reply(status: response.status, headers: response.headers, text: String(buffer: response.body))
        }
    }

    func send(_ method: HTTPRequest.Method, _ uri: String, as who: Who, text: String) async throws -> Reply {
        try await send(method, uri, as: who, body: ByteBuffer(string: text))
    }

    func send(_ method: HTTPRequest.Method, _ uri: String, as who: Who, json: JSONValue) async throws -> Reply {
        try await send(method, uri, as: who, body: ByteBuffer(string: json.canonicalString))
    }

    func get(_ uri: String, as who: Who) async throws -> Reply { try await send(.get, uri, as: who) }

    // MARK: Pages, as a browser uses them

    /// The token secret `who` would hold in a browser session (none when anonymous).
    func secret(_ who: Who) -> String? {
        switch who {
        case .role(let role): tokens[role]
        case .anonymous: nil
        case .revoked: revokedSecret
        case .unknownToken: TestTokens.neverIssued
        }
    }

    /// The session cookie of `who`'s browser.
    func sessionCookie(_ who: Who) -> String? { secret(who).map { "corridor_session=\($0)" } }

    /// The CSRF value the pages put in their forms for a session (read off the sign-out form of
    /// the public report page, which every signed-in page carries).
    func pageCSRF(cookie: String) async throws -> String? {
        let page = try await send(.get, "/report", as: .anonymous, headers: [.cookie: cookie])
        return Self.hiddenCSRF(page.text)
    }

    /// The sign-in form's pre-session cookie and CSRF value.
    func signInForm() async throws -> (cookie: String, csrf: String)? {
        let form = try await send(.get, "/signin", as: .anonymous)
        guard let csrf = Self.hiddenCSRF(form.text) else { return nil }
        for field in form.headers[values: .setCookie] {
            let pair = field.split(separator: ";").first.map(String.init) ?? ""
            if pair.hasPrefix("corridor_presession=") { return (pair, csrf) }
        }
        return nil
    }

    static func hiddenCSRF(_ html: String) -> String? {
        guard let range = html.range(of: #"name="csrf" value=""#) else { return nil }
        let value = html[range.upperBound...].prefix { $0 != "\"" }
        return value.isEmpty ? nil : String(value)
    }

    /// GET as `who`, requiring 200 and a JSON body.
    func getJSON(_ uri: String, as who: Who, sourceLocation: SourceLocation = #_sourceLocation) async throws -> JSONValue {
        let reply = try await get(uri, as: who)
        try #require(reply.status == .ok, "GET \(uri) as \(who): \(reply)", sourceLocation: sourceLocation)
        return try #require(reply.json, "GET \(uri): not JSON: \(reply)", sourceLocation: sourceLocation)
    }
}

/// Asserts that `reply` is an RFC 9457 problem with `status`: `application/problem+json`, the
/// same status in the body, a stable code and a `detail` that is not empty.
func expectProblem(
    _ reply: Reply, _ status: HTTPResponse.Status, code: String? = nil, _ context: String = "",
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(reply.status == status, "\(context): expected \(status.code), got \(reply)", sourceLocation: sourceLocation)
    expectWellFormedProblem(reply, context, sourceLocation: sourceLocation)
    if let code { #expect(reply.code == code, "\(context): code \(reply.code ?? "none"), expected \(code)", sourceLocation: sourceLocation) }
}

/// Asserts the shape of a problem answer, whatever its status.
func expectWellFormedProblem(_ reply: Reply, _ context: String = "", sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(reply.isProblem, "\(context): content type '\(reply.contentType)' is not application/problem+json", sourceLocation: sourceLocation)
    guard let json = reply.json else {
        Issue.record("\(context): the problem body is not JSON: \(reply)", sourceLocation: sourceLocation)
        return
    }
    #expect(
        json["status"] == .number(Double(reply.status.code)), "\(context): body status \(String(describing: json["status"]))",
        sourceLocation: sourceLocation)
    #expect(json["title"]?.stringValue?.isEmpty == false, "\(context): no title", sourceLocation: sourceLocation)
    #expect(json["code"]?.stringValue?.isEmpty == false, "\(context): no code", sourceLocation: sourceLocation)
    #expect(
        (json["detail"]?.stringValue?.count ?? 0) >= 10, "\(context): the detail does not say what to fix: \(reply)", sourceLocation: sourceLocation)
}

/// Asserts a 4xx problem (a malformed request is the client's to fix, never a 5xx).
func expectClientError(_ reply: Reply, _ context: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect((400..<500).contains(reply.status.code), "\(context): expected a 4xx, got \(reply)", sourceLocation: sourceLocation)
    expectWellFormedProblem(reply, context, sourceLocation: sourceLocation)
}

extension JSONValue {
    var intValue: Int? { numberValue.flatMap { Int(exactly: $0) } }
}

extension Event {
    /// The event's payload, parsed.
    var json: JSONValue { (try? JSONParser.parse(payload)) ?? .null }
}
