import CorridorDomain

/// The human-readable API reference, built from the same route list as /openapi.json and shown
/// in the pages' shared layout (`api-docs.mustache`).
struct APIDocsPage: Sendable {
    let routes: [RouteSpec]

    /// The template's data: one section per tag, in the order the routes declare them.
    var data: [String: Any] {
        let tags = routes.reduce(into: [String]()) { if !$0.contains($1.tag) { $0.append($1.tag) } }
        let sections: [[String: Any]] = tags.map { tag in
            let inTag = routes.filter { $0.tag == tag }
            return [
                "tag": tag, "anchor": Self.anchor(tag), "count": inTag.count,
                "routes": inTag.map { route -> [String: Any] in
                    [
                        "id": Self.anchor("\(route.method.rawValue) \(route.path)"),
                        "method": route.method.rawValue, "path": route.path, "summary": route.summary,
                        "access": route.access.description, "logsRead": route.logsRead,
                        "hasParameters": !route.parameters.isEmpty,
                        "parameters": route.parameters.map { parameter -> [String: Any] in
                            [
                                "name": parameter.name, "location": parameter.location.rawValue,
                                "required": parameter.required ? "yes" : "no", "description": parameter.description,
                            ]
                        },
                        "body": route.requestBody ?? "", "status": route.success.status, "schema": route.success.schema,
                    ]
                },
            ]
        }
        return ["sections": sections]
    }

    /// An id for a heading: letters, digits and dashes only.
    static func anchor(_ text: String) -> String {
        String(text.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" })
    }
}
