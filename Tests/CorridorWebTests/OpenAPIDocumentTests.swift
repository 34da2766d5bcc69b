import CorridorDomain
import CorridorStore
import CorridorTestSupport
import CorridorWeb
import Hummingbird
import HummingbirdTesting
import Testing

/// Issue #5, point 2: `/openapi.json` is kept true. What the router serves and what the
/// document lists are the same set of (method, path); each documented operation routes; the
/// document is OpenAPI 3.1 in shape; `/docs/api` lists every path.
@Suite("The OpenAPI document is true")
struct OpenAPIDocumentTests {
    static let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    /// The document as served, with its operations as `METHOD /path`.
    static func document(_ caller: Caller) async throws -> (json: JSONValue, operations: [String: JSONValue]) {
        let reply = try await caller.get("/openapi.json", as: .anonymous)
        try #require(reply.status == .ok, "\(reply)")
        #expect(reply.contentType.hasPrefix("application/json"), "\(reply.contentType)")
        let json = try #require(reply.json, "the document is not JSON")
        var operations: [String: JSONValue] = [:]
        for (path, item) in json["paths"]?.objectValue ?? [:] {
            for (method, operation) in item.objectValue ?? [:] where methods.contains(method) {
                operations["\(method.uppercased()) \(path)"] = operation
            }
        }
        return (json, operations)
    }

    @Test("The router serves exactly the routes of routeSpecs, and the document lists exactly those, with the right methods")
    func routerTableAndDocumentAgree() async throws {
        let world = try await Worlds.scenario()
        let router = buildRouter(state: world.state)
        try router.validate()
        let served = Set(router.routes.map { "\($0.method.rawValue) \($0.path.description)" })
        let specified = Set(routeSpecs(state: world.state).map(RouteProbe.name))
        #expect(
            served == specified,
            "served but not specified: \(served.subtracting(specified).sorted()); specified but not served: \(specified.subtracting(served).sorted())"
        )
        let documented = try await world.test { caller in Set(try await Self.document(caller).operations.keys) }
        #expect(served.subtracting(documented).isEmpty, "served but not documented: \(served.subtracting(documented).sorted())")
        #expect(documented.subtracting(served).isEmpty, "documented but not served: \(documented.subtracting(served).sorted())")
    }

    @Test("Every documented operation routes: asked for with an admin token and real ids, none is the router's 404")
    func everyDocumentedOperationRoutes() async throws {
        let world = try await Worlds.scenario()
        let probe = RouteProbe(ids: world.ids)
        try await world.test { caller in
            let operations = try await Self.document(caller).operations
            #expect(operations.count >= 20)
            for (name, operation) in operations.sorted(by: { $0.key < $1.key }) {
                let parts = name.split(separator: " ", maxSplits: 1).map(String.init)
                let required = (operation["parameters"]?.arrayValue ?? []).filter { $0["in"] == "query" && $0["required"] == .bool(true) }
                    .compactMap { $0["name"]?.stringValue }
                let uri = try probe.uri(path: parts[1], requiredQuery: required)
                let reply = try await caller.send(HTTPRequest.Method(parts[0])!, uri, as: .role(.admin))
                #expect(!reply.isRouterNotFound, "\(name) is documented but \(uri) does not route: \(reply)")
                #expect(reply.status != .methodNotAllowed && reply.status.code < 500, "\(name): \(reply)")
            }
        }
    }

    @Test("The document says who may use each route, as the router enforces it")
    func documentedAccessMatchesTheRules() async throws {
        let world = try await Worlds.scenario()
        try await world.test { caller in
            let operations = try await Self.document(caller).operations
            for route in routeSpecs(state: world.state) {
                let name = RouteProbe.name(route)
                guard let operation = operations[name] else { Issue.record("\(name) is not documented"); continue }
                let roles = Set((operation["x-corridor-roles"]?.arrayValue ?? []).compactMap(\.stringValue))
                switch route.access {
                case .anyone:
                    #expect(roles == ["anyone"], "\(name): \(roles)")
                    #expect(operation["security"] == .array([]), "\(name): an open route must override the global bearer requirement")
                    #expect(operation["responses"]?["401"] == nil, "\(name) documents a 401 it never answers")
                case .roles(let allowed):
                    #expect(
                        roles == Set(allowed.map(\.rawValue)), "\(name): documented \(roles.sorted()), enforced \(allowed.map(\.rawValue).sorted())")
                    #expect(operation["security"] == nil, "\(name): a protected route must not drop the bearer requirement")
                    #expect(operation["responses"]?["401"] != nil && operation["responses"]?["403"] != nil, "\(name) does not document 401 and 403")
                }
                #expect(
                    operation["responses"]?[String(route.success.status)] != nil,
                    "\(name) does not document its success status \(route.success.status)")
            }
        }
    }

    @Test("The document is OpenAPI 3.1 in shape: version, info, paths, components, and every $ref resolves")
    func documentShape() async throws {
        let world = try await Worlds.scenario()
        let (document, recordSchema) = try await world.test { caller in
            (try await Self.document(caller), try await caller.get(RecordVocabulary.schemaPath, as: .anonymous).json)
        }
        let json = document.json
        #expect(json["openapi"] == "3.1.0")
        #expect(json["info"]?["title"]?.stringValue?.isEmpty == false)
        #expect(json["info"]?["version"]?.stringValue?.isEmpty == false)
        #expect(json["paths"]?.objectValue?.isEmpty == false)
        let schemas = try #require(json["components"]?["schemas"]?.objectValue, "no components/schemas")
        #expect(!schemas.isEmpty)
        #expect(schemas["Problem"] != nil)
        for (name, _) in json["components"]?["securitySchemes"]?.objectValue ?? [:] { #expect(name == "bearer") }
        for requirement in json["security"]?.arrayValue ?? [] {
            for (scheme, _) in requirement.objectValue ?? [:] {
                #expect(json["components"]?["securitySchemes"]?[scheme] != nil, "security names an undefined scheme '\(scheme)'")
            }
        }

        // Every $ref resolves: a JSON pointer into the document, or into the record schema the
        // server serves beside it.
        var references: [String] = []
        Self.collectReferences(json, into: &references)
        #expect(!references.isEmpty)
        let schema = try #require(recordSchema, "\(RecordVocabulary.schemaPath) is not served as JSON")
        for reference in Set(references) {
            if reference.hasPrefix(RecordVocabulary.schemaPath) {
                let fragment = reference.dropFirst(RecordVocabulary.schemaPath.count)
                #expect(fragment.isEmpty || Self.resolve(String(fragment), in: schema) != nil, "$ref '\(reference)' does not resolve")
            } else {
                #expect(Self.resolve(reference, in: json) != nil, "$ref '\(reference)' does not resolve")
            }
        }

        var operationIDs: [String] = []
        for (path, item) in json["paths"]?.objectValue ?? [:] {
            #expect(path.hasPrefix("/"), "path '\(path)' does not begin with /")
            let templated = Set(path.split(separator: "/").filter { $0.hasPrefix("{") }.map { String($0.dropFirst().dropLast()) })
            for (method, operation) in item.objectValue ?? [:] {
                let name = "\(method.uppercased()) \(path)"
                #expect(Self.methods.contains(method), "\(path): '\(method)' is not an HTTP method")
                if let id = operation["operationId"]?.stringValue { operationIDs.append(id) } else { Issue.record("\(name) has no operationId") }
                let responses = operation["responses"]?.objectValue ?? [:]
                #expect(!responses.isEmpty, "\(name) has no responses")
                for (status, response) in responses {
                    #expect(Int(status).map { (100...599).contains($0) } == true, "\(name): response key '\(status)'")
                    #expect(response["description"]?.stringValue?.isEmpty == false, "\(name) \(status) has no description")
                }
                // Path parameters: each template is declared, in: path, required.
                let parameters = operation["parameters"]?.arrayValue ?? []
                let declared = Set(parameters.filter { $0["in"] == "path" }.compactMap { $0["name"]?.stringValue })
                #expect(declared == templated, "\(name): path parameters declared \(declared.sorted()), templated \(templated.sorted())")
                for parameter in parameters {
                    #expect(["path", "query", "header", "cookie"].contains(parameter["in"]?.stringValue ?? ""), "\(name): parameter \(parameter)")
                    if parameter["in"] == "path" { #expect(parameter["required"] == .bool(true), "\(name): a path parameter must be required") }
                    #expect(parameter["schema"] != nil, "\(name): parameter without a schema")
                }
                if let body = operation["requestBody"] {
                    #expect(body["content"]?.objectValue?.isEmpty == false, "\(name): a request body without content")
                }
            }
        }
        let duplicates = Dictionary(grouping: operationIDs, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
        do {
            #expect(duplicates.isEmpty, "operationIds must be unique (OpenAPI 3.1 §4.8.10); duplicated: \(duplicates)")
        }
    }

    @Test("/schemas/records.json serves the record schema to anyone, and the record writes' bodies refer to it")
    func recordSchemaIsServedAndReferenced() async throws {
        let world = try await Worlds.scenario()
        try await world.test { caller in
            let reply = try await caller.get(RecordVocabulary.schemaPath, as: .anonymous)
            #expect(reply.status == .ok)
            #expect(reply.contentType.hasPrefix("application/schema+json"), "\(reply.contentType)")
            #expect(reply.json == RecordVocabulary.jsonSchema)
            let document = try await Self.document(caller)
            #expect(document.operations["GET \(RecordVocabulary.schemaPath)"]?["security"] == .array([]))
            let schemas = document.json["components"]?["schemas"]
            #expect(schemas?["Record"]?["$ref"] == .string(RecordVocabulary.schemaPath))
            #expect(schemas?["CourtOrderRecord"]?["$ref"] == .string(RecordVocabulary.schemaPath + "#/$defs/court-order"))
            let body = document.operations["POST /api/v1/records"]?["requestBody"]?["content"]?["application/json"]?["schema"]?["$ref"]
            #expect(body == "#/components/schemas/RecordBody")
            #expect(document.json["info"]?["description"]?.stringValue?.contains(RecordVocabulary.schemaPath) == true)
            let page = try await caller.get("/docs/api", as: .anonymous)
            #expect(page.text.contains("href=\"\(RecordVocabulary.schemaPath)\""), "/docs/api does not link the record schema")
        }
    }

    @Test("/docs/api renders HTML listing every route")
    func apiReferencePage() async throws {
        let world = try await Worlds.scenario()
        try await world.test { caller in
            let reply = try await caller.get("/docs/api", as: .anonymous)
            #expect(reply.status == .ok)
            #expect(reply.contentType.hasPrefix("text/html"), "\(reply.contentType)")
            #expect(reply.text.contains("<html") || reply.text.contains("<!DOCTYPE") || reply.text.contains("<!doctype"))
            let operations = try await Self.document(caller).operations
            for name in operations.keys.sorted() where name != "GET /docs/api" {
                #expect(reply.text.contains("<code>\(name)</code>"), "/docs/api does not list \(name)")
            }
            do {
                #expect(reply.text.contains("<code>GET /docs/api</code>"), "/docs/api does not list itself")
            }
        }
    }

    static func collectReferences(_ value: JSONValue, into references: inout [String]) {
        switch value {
        case .object(let object):
            for (key, member) in object {
                if key == "$ref", let reference = member.stringValue {
                    references.append(reference)
                } else {
                    collectReferences(member, into: &references)
                }
            }
        case .array(let array): for member in array { collectReferences(member, into: &references) }
        default: break
        }
    }

    /// Resolves a local reference `#/a/b` (RFC 6901 escapes included).
    static func resolve(_ reference: String, in document: JSONValue) -> JSONValue? {
        guard reference.hasPrefix("#/") else { return nil }
        var current: JSONValue? = document
        for token in reference.dropFirst(2).split(separator: "/", omittingEmptySubsequences: false) {
            let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            current = current?[key]
        }
        return current
    }
}
