import CorridorStore
import Hummingbird

/// Authenticates every request except to routes open to anyone: a bearer token (or, for
/// pages, a session cookie) must belong to a live token, else 401 — whatever the path, so
/// unauthenticated callers learn nothing about which resources exist.
struct AuthMiddleware<Store: EventStore>: RouterMiddleware {
    typealias Context = CorridorRequestContext
    let state: AppState<Store>
    /// Exact paths open to anyone.
    let openPaths: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let isPage = PageSession.isPagePath(request.uri.path)
        let isOpen = openPaths.contains(Self.normalized(request.uri.path))
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

    /// The path as the router matches it: a trailing slash does not make another route.
    static func normalized(_ path: String) -> String {
        var path = path
        while path.count > 1, path.hasSuffix("/") { path.removeLast() }
        return path
    }

    static func credential(_ request: Request) -> String? {
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" { return String(parts[1]).trimmingCharacters(in: .whitespaces) }
            return ""
        }
        return nil
    }
}
