import CorridorDomain
import CorridorRules
import CorridorServices
import CorridorStore
import Foundation
import Hummingbird

/// The server-rendered pages. Each is a ``RouteSpec`` (tag `pages`), so the access rules, the
/// OpenAPI document and the API reference cover them like every API route. Pages read the
/// same live view and services as the API and are allowed to the same roles.
enum PageRoutes {
    static func routes<Store: EventStore>(_ state: AppState<Store>) -> [RouteSpec] {
        var routes: [RouteSpec] = [
            SimulatePage.route(state.simulations),
            RouteSpec(
                method: .get, path: "/static/corridor.css", access: .anyone, tag: "pages", summary: "The pages' stylesheet",
                success: (200, "text")
            ) { _, _ in
                .text(stylesheet, contentType: "text/css; charset=utf-8")
            },
            RouteSpec(
                method: .get, path: "/static/corridor.js", access: .anyone, tag: "pages", summary: "The pages' script (no page has inline script)",
                success: (200, "text")
            ) { _, _ in
                .text(script, contentType: "text/javascript; charset=utf-8")
            },
            RouteSpec(
                method: .get, path: "/signin", access: .anyone, tag: "pages", summary: "Sign-in form: paste a token",
                parameters: [.query("next", "Local path to go to after signing in")], success: (200, "html")
            ) { request, context in
                signInForm(request, context, error: nil, status: .ok)
            },
            RouteSpec(
                method: .post, path: "/signin", access: .anyone, tag: "pages",
                summary: "Sign in: checks the token and sets an HttpOnly, SameSite=Strict session cookie", success: (303, "html")
            ) { request, context in
                let form = try await PageForm.read(request, context: context, secret: PageSession.cookie(request, PageSession.preSessionCookie))
                let address = context.clientAddress
                if let address, let seconds = state.authFailures.retryAfter(address) {
                    return try AuthMiddleware<Store>.tooManyFailures(request, context, retryAfter: seconds, isPage: true)
                }
                guard let secret = form["token"], let token = try await state.tokens.authenticate(secret) else {
                    if let address { AuthMiddleware<Store>.countFailure(address, state: state, logger: context.logger) }
                    return signInForm(request, context, error: "That token is unknown or revoked.", status: .unauthorized, next: form["next"])
                }
                // Counsel land on their clients, unless they were on their way somewhere.
                var next = PageSession.safeNext(form["next"])
                if token.role == .counsel, next == "/" { next = "/clients" }
                return PageSession.redirect(next, cookies: [PageSession.setCookie(secret)])
            },
            RouteSpec(
                method: .post, path: "/signout", access: .anyone, tag: "pages", summary: "Sign out: clears the session cookie",
                success: (303, "html")
            ) { request, context in
                _ = try await PageForm.read(request, context: context)
                return PageSession.redirect("/", cookies: [PageSession.clearCookie])
            },
        ]
        routes += networkPages(state)
        routes += casePages(state)
        routes += clientPages(state)
        routes += operationsPages(state)
        return routes
    }

    static let stylesheet: String = {
        guard let url = PageRenderer.resource("static/corridor.css") else { return "" }
        return (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    }()

    static let script: String = {
        guard let url = PageRenderer.resource("static/corridor.js") else { return "" }
        return (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    }()

    static func signInForm(
        _ request: Request, _ context: CorridorRequestContext, error: String?, status: HTTPResponse.Status,
        next: String? = nil
    ) -> Response {
        // A fresh random value per form, kept in a cookie: the form's CSRF value is its HMAC.
        let nonce = PageSession.cookie(request, PageSession.preSessionCookie) ?? UUID().uuidString + UUID().uuidString
        var response = html(
            request, context, "signin", title: "Sign in",
            [
                "next": PageSession.safeNext(next ?? request.query("next")), "formCSRF": PageSession.csrf(for: nonce), "error": error ?? "",
            ], status: status)
        response.headers.append(
            HTTPFields.Element(name: .setCookie, value: "\(PageSession.preSessionCookie)=\(nonce); HttpOnly; SameSite=Strict; Path=/signin"))
        return response
    }

    /// Renders a page template inside the layout, with the session's CSRF value for its forms.
    /// What search engines and link previews read comes from `data` too: `description` (else a
    /// sentence naming the page), `openGraph` (true for pages worth a preview card); the
    /// canonical link is the page's path on the origin the caller reached, without its query.
    static func html(
        _ request: Request, _ context: CorridorRequestContext, _ template: String, title: String, _ data: [String: Any],
        status: HTTPResponse.Status = .ok
    ) -> Response {
        let csrf = PageSession.secret(request).map(PageSession.csrf(for:))
        var data = data
        data["csrf"] = csrf ?? ""
        data["canonical"] = PublicURL.base(request) + request.uri.path
        let page = PageRenderer.page(template, title: title, context: data, principal: context.principal, csrf: csrf, path: request.uri.path)
        var response = Response.html(page, status: status)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// A page saying what went wrong, in the layout (for refusals a person can act on).
    static func message(_ request: Request, _ context: CorridorRequestContext, title: String, _ text: String, status: HTTPResponse.Status) -> Response
    {
        html(request, context, "message", title: title, ["heading": title, "text": text], status: status)
    }

    // MARK: formatting shared by the pages

    static func count(_ value: Int) -> String { value.grouped }

    /// A count for public pages: 1–4 are shown as "<5" (the public report's rule).
    static func publicCount(_ value: Int) -> String {
        value > 0 && value < ReportJSON.suppressionThreshold ? "<\(ReportJSON.suppressionThreshold)" : value.grouped
    }

    static func dollars(_ value: Double?) -> String {
        guard let value else { return "—" }
        if value >= 1_000_000 { return String(format: "$%.1fM", value / 1_000_000) }
        return "$" + value.groupedWhole
    }

    static func percent(_ value: Double?) -> String {
        value.map { String(format: "%.0f%%", $0 * 100) } ?? "—"
    }

    static func pathComponent(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/?#"))) ?? text
    }

    static func queryValue(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_.~"))) ?? text
    }

    static func options(_ values: [String], selected: String?, labels: [String: String] = [:]) -> [[String: Any]] {
        values.map { ["value": $0, "label": labels[$0] ?? $0, "selected": $0 == selected] }
    }
}
