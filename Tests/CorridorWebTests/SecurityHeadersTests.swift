import CorridorDomain
import CorridorStore
import CorridorTestSupport
import CorridorWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Issue 16, hardening: every answer carries headers that keep a browser from running or
/// framing what it was not meant to; no page needs inline script or style to work; bodies and
/// header fields past their limits are refused with a problem, never a 5xx.
@Suite("Security headers and size limits")
struct SecurityHeadersTests {
    /// Asserts the headers every answer must carry.
    static func expectSecurityHeaders(_ reply: Reply, _ context: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let policy = reply.headers[.contentSecurityPolicy] ?? ""
        let directives = Dictionary(
            policy.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.map { directive in
                let words = directive.split(separator: " ").map(String.init)
                return (words.first ?? "", Set(words.dropFirst()))
            }, uniquingKeysWith: { first, _ in first })
        #expect(directives["frame-ancestors"] == ["'none'"], "\(context): frame-ancestors in '\(policy)'", sourceLocation: sourceLocation)
        #expect(directives["default-src"] == ["'none'"], "\(context): default-src in '\(policy)'", sourceLocation: sourceLocation)
        for directive in ["script-src", "style-src"] {
            let sources = directives[directive] ?? []
            #expect(sources == ["'self'"], "\(context): \(directive) allows \(sources) in '\(policy)'", sourceLocation: sourceLocation)
        }
        #expect(reply.headers[.xContentTypeOptions] == "nosniff", "\(context): X-Content-Type-Options", sourceLocation: sourceLocation)
        #expect(
            reply.headers[HTTPFields.Element.Name("Referrer-Policy")!] == "no-referrer", "\(context): Referrer-Policy", sourceLocation: sourceLocation
        )
    }

    /// Inline script or style (which the policy refuses, so a page relying on it would break).
    static func inlineCode(_ html: String) -> [String] {
        var found: [String] = []
        for match in html.matches(of: #/<script\b[^>]*>/#.ignoresCase()) where !match.output.contains("src=") {
            found.append(String(match.output))
        }
        // Event handler or style attributes: looked for in each tag with its quoted values taken out.
        for tag in html.matches(of: #/<[a-zA-Z][^>]*>/#) {
            let bare = String(tag.output).replacing(#/"[^"]*"|'[^']*'/#, with: "\"\"")
            if bare.contains(#/\s(on[a-zA-Z]+|style)\s*=/#.ignoresCase()) { found.append(String(tag.output.prefix(120))) }
        }
        if html.range(of: "<style", options: .caseInsensitive) != nil { found.append("<style>") }
        if html.range(of: "javascript:", options: .caseInsensitive) != nil { found.append("javascript: URL") }
        return found
    }

    @Test("Every route, answered or refused, carries the policy, nosniff and no-referrer; no page has inline script or style")
    func everyRoute() async throws {
        let world = try await Worlds.scenario()
        let probe = RouteProbe(ids: world.ids)
        try await world.test { caller in
            for route in routeSpecs(state: world.state) {
                let uri = try await probe.uri(route)
                for who in [Who.role(.admin), .anonymous, .unknownToken] {
                    let body =
                        route.method == .get
                        ? nil : try await probe.body(route, as: who, unique: "sec").map { ByteBuffer(string: $0.canonicalString) }
                    let reply = try await caller.send(route.method, uri, as: who, body: body)
                    let context = "\(RouteProbe.name(route)) as \(who) → \(reply.status.code)"
                    Self.expectSecurityHeaders(reply, context)
                    if reply.contentType.hasPrefix("text/html") {
                        #expect(Self.inlineCode(reply.text).isEmpty, "\(context): \(Self.inlineCode(reply.text))")
                    }
                }
            }
            // The router's own 404 and a refused body too.
            Self.expectSecurityHeaders(try await caller.get("/no-such-page", as: .anonymous), "404")
            Self.expectSecurityHeaders(try await caller.send(.post, "/api/v1/records", as: .role(.admin), text: "{"), "400")
            // The script the case page uses is served from this site.
            let script = try await caller.get("/static/corridor.js", as: .anonymous)
            #expect(script.status == .ok && script.contentType.hasPrefix("text/javascript") && script.text.contains("openFinding"), "\(script)")
            let casePage = try await caller.get("/cases/V1", as: .role(.officer))
            #expect(casePage.text.contains(#"<script src="/static/corridor.js""#), "the case page does not load its script")
        }
    }

    @Test("Every route that takes a body answers 413 problem+json for one past its limit (pages' forms too), never a 5xx, and records nothing")
    func bodiesTooLarge() async throws {
        let world = try await Worlds.scenario()
        let probe = RouteProbe(ids: world.ids)
        let huge = ByteBuffer(repeating: UInt8(ascii: " "), count: 8 * 1024 * 1024 + 1)
        try await world.test { caller in
            let routes = routeSpecs(state: world.state).filter { $0.method != .get }
            #expect(routes.count >= 10, "\(routes.count) routes take a body")
            for route in routes {
                let before = try await world.store.head()
                let reply = try await caller.send(
                    route.method, try await probe.uri(route), as: .role(.admin), body: huge,
                    headers: RouteProbe.isPage(route) ? [.contentType: "application/x-www-form-urlencoded"] : [:])
                expectProblem(reply, .contentTooLarge, code: "body-too-large", RouteProbe.name(route))
                #expect(reply.detail?.contains("bytes") == true, "\(RouteProbe.name(route)): the limit is not named: \(reply)")
                #expect(try await world.store.head() == before, "\(RouteProbe.name(route)): the store changed")
            }
        }
    }

    @Test("Header fields past 16 KiB in all are refused with 431 problem+json before authentication; a normal request is served")
    func headersTooLarge() async throws {
        let world = try await Worlds.scenario()
        try await world.test { caller in
            let big = String(repeating: "a", count: 17 * 1024)
            for who in [Who.role(.officer), .anonymous] {
                let reply = try await caller.send(.get, "/api/v1/cases/V1", as: who, headers: [HTTPFields.Element.Name("X-Padding")!: big])
                expectProblem(reply, .init(code: 431, reasonPhrase: "Request Header Fields Too Large"), code: "headers-too-large", "\(who)")
            }
            let many = try await caller.send(
                .get, "/report", as: .anonymous,
                headers: HTTPFields(
                    (0..<400).map {
                        HTTPFields.Element(name: HTTPFields.Element.Name("X-Field-\($0)")!, value: String(repeating: "b", count: 40))
                    }))
            #expect(many.status.code == 431, "\(many)")
            #expect(
                try await caller.send(
                    .get, "/api/v1/cases/V1", as: .role(.officer), headers: [HTTPFields.Element.Name("X-Padding")!: String(big.prefix(8 * 1024))]
                ).status == .ok)
        }
    }
}
