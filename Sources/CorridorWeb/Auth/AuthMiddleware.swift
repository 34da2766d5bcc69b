import CorridorStore
import Hummingbird

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
        if let secret = Self.credential(request) ?? (isPage ? PageSession.secret(request) : nil) {
            if let token = try await state.tokens.authenticate(secret) {
                context.principal = Principal(tokenID: token.id, name: token.name, role: token.role)
            } else if !isOpen {
                if isPage { return PageSession.redirectToSignIn(request, clearCookie: true) }
                throw Problem(.unauthorized, code: "invalid-token", detail: "the token is unknown or revoked",
                              headers: [.wwwAuthenticate: "Bearer realm=\"corridor\", error=\"invalid_token\""])
            }
        }
        if context.principal == nil, !isOpen {
            // Pages send a browser to the sign-in form instead of a problem+json 401.
            if isPage { return PageSession.redirectToSignIn(request, clearCookie: false) }
            throw Problem(.unauthorized, code: "unauthenticated", detail: "send 'Authorization: Bearer <token>' (create one with `corridor token create`)",
                          headers: [.wwwAuthenticate: "Bearer realm=\"corridor\""])
        }
        return try await next(request, context)
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
