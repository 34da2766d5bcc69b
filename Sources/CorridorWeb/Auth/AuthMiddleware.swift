import CorridorStore
import Hummingbird
import Logging
import Metrics

/// Authenticates every request except to routes open to anyone: a bearer token (or, for
/// pages, a session cookie) must belong to a live token, else 401 — whatever the path, so
/// unauthenticated callers learn nothing about which resources exist.
///
/// Hummingbird runs the router's middleware after it has matched the route, so whether a
/// request is open is read off the route the router chose (`context.endpointPath`, the
/// route's path in `RouteSpec` form) and the method: `/court-orders/{id}` can be open while
/// `/court-orders/new` and `POST /court-orders` are not, exactly as the router tells them apart.
struct AuthMiddleware<Store: EventStore>: RouterMiddleware {
    typealias Context = CorridorRequestContext
    let state: AppState<Store>
    /// `METHOD /path` (the route's path as `RouteSpec` writes it) of every route open to anyone.
    let openRoutes: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let isPage = PageSession.isPagePath(request.uri.path)
        let isOpen = context.endpointPath.map { openRoutes.contains("\(request.method.rawValue) \($0)") } ?? false
        let credential = Self.credential(request) ?? (isPage ? PageSession.secret(request) : nil)
        // A limited address is not authenticated at all (a right guess would look like a wrong
        // one), whatever it sends with a credential or to a route that needs one.
        if credential != nil || !isOpen, state.authFailures.anyLimited, let address = context.clientAddress,
            let seconds = state.authFailures.retryAfter(address)
        {
            return try Self.tooManyFailures(request, context, retryAfter: seconds, isPage: isPage)
        }
        var staleCookie = false
        if let secret = credential {
            if let token = try await state.tokens.authenticate(secret) {
                context.principal = Principal(tokenID: token.id, name: token.name, role: token.role, counsel: token.counsel)
            } else {
                failed(context)
                if !isOpen {
                    if isPage { return PageSession.redirectToSignIn(request, clearCookie: true) }
                    throw Problem(
                        .unauthorized, code: "invalid-token", detail: "the token is unknown or revoked",
                        headers: [.wwwAuthenticate: "Bearer realm=\"corridor\", error=\"invalid_token\""])
                }
                staleCookie = isPage && Self.credential(request) == nil
            }
        }
        if context.principal == nil, !isOpen {
            // Pages send a browser to the sign-in form instead of a problem+json 401.
            if isPage { return PageSession.redirectToSignIn(request, clearCookie: false) }
            failed(context)
            throw Problem(
                .unauthorized, code: "unauthenticated", detail: "send 'Authorization: Bearer <token>' (create one with `corridor token create`)",
                headers: [.wwwAuthenticate: "Bearer realm=\"corridor\""])
        }
        var response = try await next(request, context)
        // A revoked session on an open page: the browser forgets it, so it does not fail again
        // on every page (and count towards the limit) until the person signs in anew.
        if staleCookie, !response.headers[values: .setCookie].contains(where: { $0.hasPrefix(PageSession.cookieName + "=") }) {
            response.headers.append(HTTPFields.Element(name: .setCookie, value: PageSession.clearCookie))
        }
        return response
    }

    /// Counts a failed authentication of the request's client; the failure that reaches the
    /// limit is logged (once per window).
    private func failed(_ context: Context) {
        guard let address = context.clientAddress else { return }
        Self.countFailure(address, state: state, logger: context.logger)
    }

    static func countFailure(_ address: String, state: AppState<Store>, logger: Logger) {
        let outcome = state.authFailures.recordFailure(address)
        AuthFailureCounters.failures.increment()
        if outcome.limitedNow {
            logger.warning(
                "authentication failures limited: the client gets 429 until its window ends",
                metadata: [
                    "client": "\(address)", "failures": "\(outcome.failures)", "retry_after_s": "\(outcome.retryAfter ?? 0)",
                ])
        }
    }

    /// 429 with `Retry-After`: problem+json for programs, a page for a person.
    static func tooManyFailures(_ request: Request, _ context: Context, retryAfter seconds: Int, isPage: Bool) throws -> Response {
        AuthFailureCounters.refused.increment()
        let detail = "too many failed authentications from this address; try again in \(seconds) s"
        if isPage {
            var response = PageRoutes.message(
                request, context, title: "Too many failed sign-ins",
                "Too many failed sign-ins came from your address. Try again in \(seconds) seconds.", status: .tooManyRequests)
            response.headers[.retryAfter] = "\(seconds)"
            return response
        }
        throw Problem(.tooManyRequests, code: "too-many-failed-authentications", detail: detail, headers: [.retryAfter: "\(seconds)"])
    }

    /// The bearer token in `Authorization` (the scheme is case-insensitive, RFC 9110 §11.1);
    /// "" when the header is present but is not a bearer credential, nil when it is absent.
    static func credential(_ request: Request) -> String? {
        guard let header = request.headers[.authorization] else { return nil }
        let value = header.utf8.drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        guard let space = value.firstIndex(of: UInt8(ascii: " ")) else { return "" }
        let scheme = value[..<space]
        guard scheme.count == 6, zip(scheme, "bearer".utf8).allSatisfy({ $0 | 0x20 == $1 }) else { return "" }
        var token = value[space...]
        while let first = token.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") { token = token.dropFirst() }
        while let last = token.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") { token = token.dropLast() }
        return String(Substring(token))
    }
}

/// `corridor_auth_failures_total` (failed authentications) and `corridor_auth_limited_total`
/// (requests answered 429 because their address is limited), made at first use (after the
/// metrics system is bootstrapped).
enum AuthFailureCounters {
    static let failures = Counter(label: "corridor_auth_failures_total")
    static let refused = Counter(label: "corridor_auth_limited_total")
}
