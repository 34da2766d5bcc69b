import Crypto
import Foundation
import Hummingbird

/// The browser session of the pages: a cookie holding the token secret, and the CSRF value
/// that every form carries (an HMAC-SHA256 of that secret under a per-process key).
///
/// The cookie is only a credential for pages, never for `/api/…`: the API stays bearer-only, so
/// a cross-site request can never ride the cookie into it.
enum PageSession {
    static let cookieName = "corridor_session"
    /// A random value set by the sign-in form before any session exists, so its CSRF value is
    /// bound to this browser too (a double-submit check).
    static let preSessionCookie = "corridor_presession"

    /// Forms are signed with a key that lives as long as the process: a restart only means a
    /// form must be reloaded.
    private static let key = SymmetricKey(size: .bits256)

    /// Page paths: everything but the API and the metrics endpoint (scrapers expect a 401).
    static func isPagePath(_ path: String) -> Bool {
        // Judge the path as the router does: empty segments ("//api/…") do not count.
        if path.utf8.starts(with: "/api/".utf8), !hasEmptySegment(path) { return false }
        let normalized = "/" + path.split(separator: "/", omittingEmptySubsequences: true).joined(separator: "/")
        return
            !(normalized.hasPrefix("/api/") || normalized == "/api" || normalized == "/metrics" || normalized == "/healthz" || normalized == "/readyz"
            || normalized == "/openapi.json")
    }

    private static func hasEmptySegment(_ path: String) -> Bool {
        var previous: UInt8 = 0
        for byte in path.utf8 {
            if byte == UInt8(ascii: "/"), previous == byte { return true }
            previous = byte
        }
        return false
    }

    static func cookie(_ request: Request, _ name: String) -> String? {
        guard let header = request.headers[.cookie] else { return nil }
        for part in header.split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1)
            if pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces) == name {
                let value = pair[1].trimmingCharacters(in: .whitespaces)
                return value.isEmpty ? nil : value
            }
        }
        return nil
    }

    /// The session token secret from the cookie.
    static func secret(_ request: Request) -> String? { cookie(request, cookieName) }

    /// The CSRF value for forms of this session (or of the pre-session nonce on /signin).
    static func csrf(for secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(secret.utf8), using: key)
        return mac.map { String(format: "%02x", $0) }.joined()
    }

    /// Constant-time check of a submitted CSRF value.
    static func verify(_ submitted: String?, secret: String?) -> Bool {
        guard let submitted, let secret else { return false }
        let expected = Array(csrf(for: secret).utf8), given = Array(submitted.utf8)
        guard expected.count == given.count else { return false }
        var difference: UInt8 = 0
        for index in expected.indices { difference |= expected[index] ^ given[index] }
        return difference == 0
    }

    /// `Set-Cookie` for a session. HttpOnly keeps it from scripts, SameSite=Strict from other
    /// sites' requests. `Secure` is left off on purpose: the server listens on plain http on
    /// loopback, where a Secure cookie would never be sent back; behind TLS it must be added.
    static func setCookie(_ secret: String) -> String {
        "\(cookieName)=\(secret); HttpOnly; SameSite=Strict; Path=/"
    }

    static var clearCookie: String {
        "\(cookieName)=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0"
    }

    static func redirect(_ location: String, cookies: [String] = []) -> Response {
        var headers: HTTPFields = [.location: location]
        for cookie in cookies { headers.append(HTTPFields.Element(name: .setCookie, value: cookie)) }
        return Response(status: .seeOther, headers: headers)
    }

    /// 303 to the sign-in form, remembering where the browser was going.
    static func redirectToSignIn(_ request: Request, clearCookie: Bool) -> Response {
        var target = request.uri.path
        if let query = request.uri.query, !query.isEmpty { target += "?" + query }
        let next = target.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/"
        return redirect("/signin?next=" + next, cookies: clearCookie ? [Self.clearCookie] : [])
    }

    /// A local path to go to after signing in: only same-site paths, never `//host`.
    static func safeNext(_ next: String?) -> String {
        // A local path only: no scheme, no "//host", no backslash, and no whitespace or control
        // characters (browsers strip tabs and newlines, turning "/\t/evil" into "//evil").
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\"),
            !next.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F })
        else { return "/" }
        return next
    }
}

/// A submitted `application/x-www-form-urlencoded` form.
struct PageForm: Sendable {
    var fields: [String: [String]]

    subscript(_ name: String) -> String? {
        guard let value = fields[name]?.first?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    func all(_ name: String) -> [String] { fields[name] ?? [] }

    static func decode(_ text: String) -> PageForm {
        var fields: [String: [String]] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String { String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            let name = decode(parts[0])
            fields[name, default: []].append(parts.count > 1 ? decode(parts[1]) : "")
        }
        return PageForm(fields: fields)
    }

    /// Reads the form and checks its CSRF value against the session cookie: 403 otherwise.
    static func read(_ request: Request, context: CorridorRequestContext, secret: String? = nil) async throws -> PageForm {
        let body = try await request.body.collect(upTo: 256 * 1024)
        let form = decode(String(buffer: body))
        guard PageSession.verify(form["csrf"], secret: secret ?? PageSession.secret(request)) else {
            throw Problem(.forbidden, code: "csrf", detail: "the form's CSRF value is missing or wrong; reload the page and submit again")
        }
        return form
    }
}
