import CorridorDomain

/// Human-readable API reference, rendered from the same route list as /openapi.json.
struct APIDocsPage {
    let routes: [RouteSpec]

    func render() -> String {
        let tags = routes.reduce(into: [String]()) { if !$0.contains($1.tag) { $0.append($1.tag) } }
        var body = """
            <h1>API reference</h1>
            <p>Every route below is also described by the machine-readable <a href="/openapi.json">OpenAPI 3.1 document</a>,
            generated from the same list the server routes. Send <code>Authorization: Bearer &lt;token&gt;</code>; create tokens with
            <code>corridor token create --role ROLE --name NAME</code>. Errors are <code>application/problem+json</code> whose
            <code>detail</code> says what to fix. Writes use the record vocabulary through <code>POST /api/v1/records</code>,
            one record or an array, all or nothing.</p>
            <nav aria-label="Sections"><ul>
            """
        for tag in tags { body += "<li><a href=\"#\(anchor(tag))\">\(HTML.escape(tag))</a></li>" }
        body += "</ul></nav>\n"
        for tag in tags {
            body += "<h2 id=\"\(anchor(tag))\">\(HTML.escape(tag))</h2>\n"
            for route in routes where route.tag == tag {
                body += "<section class=\"route\"><h3><code>\(route.method.rawValue) \(HTML.escape(route.path))</code></h3>\n"
                body += "<p>\(HTML.escape(route.summary))</p>\n"
                body += "<p class=\"note\">Who: \(HTML.escape(route.access.description))\(route.logsRead ? " · each call is logged as a read of the person's record" : "")</p>\n"
                if !route.parameters.isEmpty {
                    body += "<table><thead><tr><th scope=\"col\">Parameter</th><th scope=\"col\">In</th><th scope=\"col\">Required</th><th scope=\"col\">Meaning</th></tr></thead><tbody>"
                    for parameter in route.parameters {
                        body += "<tr><td><code>\(HTML.escape(parameter.name))</code></td><td>\(parameter.location.rawValue)</td><td>\(parameter.required ? "yes" : "no")</td><td>\(HTML.escape(parameter.description))</td></tr>"
                    }
                    body += "</tbody></table>\n"
                }
                if let request = route.requestBody { body += "<p>Body: <code>\(HTML.escape(request))</code></p>\n" }
                body += "<p>Success: \(route.success.status) <code>\(HTML.escape(route.success.schema))</code></p></section>\n"
            }
        }
        return HTML.page(title: "API reference", body: body)
    }

    func anchor(_ tag: String) -> String { tag.replacingOccurrences(of: " ", with: "-") }
}
