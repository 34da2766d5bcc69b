import CorridorDomain
import CorridorRules
import CorridorStore

/// The OpenAPI 3.1 document, generated from the same route list the router serves, so it
/// cannot list a route that does not exist or miss one that does.
enum OpenAPIDocument {
    static func make(_ routes: [RouteSpec]) -> JSONValue {
        var paths: [String: JSONValue] = [:]
        for route in routes {
            var operations: [String: JSONValue] = [:]
            if case .object(let existing)? = paths[route.path] { operations = existing }
            operations[route.method.rawValue.lowercased()] = operation(route)
            paths[route.path] = .object(operations)
        }
        return .object([
            "openapi": "3.1.0",
            "info": .object([
                "title": "Corridor API", "version": "1.0.0",
                "description": .string(
                    """
                    System of record, rules engine and simulator for third-country transfer networks. \
                    Authenticate with 'Authorization: Bearer <token>' (tokens: `corridor token create --role R --name N`). \
                    Errors are application/problem+json. Writes use the record vocabulary (JSON Schema at /schemas/records.json) through POST /api/v1/records.
                    """),
            ]),
            "servers": .array([.object(["url": "/"])]),
            "security": .array([.object(["bearer": .array([])])]),
            "paths": .object(paths),
            "components": components,
        ])
    }

    /// One Server-Sent Event as OpenAPI 3.1 describes a `text/event-stream` response: `schema`
    /// is each event's fields (3.2's `itemSchema` would say the same). `data` is a ``FeedItem``
    /// as JSON; a heartbeat carries only `id`, the cursor to resume from.
    static let sseEvent: JSONValue = .object([
        "type": .string("object"),
        "properties": .object([
            "id": .object(["type": .string("string"), "description": .string("The event's seq: send it back as Last-Event-ID to resume.")]),
            "event": .object(["type": .string("string"), "description": .string("The event's type (a record type, or system.*).")]),
            "data": .object([
                "type": .string("string"), "contentMediaType": .string("application/json"), "contentSchema": ref(FeedItem.schemaName),
                "description": .string("The event as a FeedItem, in JSON."),
            ]),
            "retry": .object(["type": .string("integer"), "description": .string("Milliseconds to wait before reconnecting.")]),
        ]),
    ])

    static func operation(_ route: RouteSpec) -> JSONValue {
        var responses: [String: JSONValue] = [:]
        let content: JSONValue
        switch route.success.schema {
        case "html": content = .object(["text/html": .object(["schema": .object(["type": "string"])])])
        case "text": content = .object(["text/plain": .object(["schema": .object(["type": "string"])])])
        case "empty": content = .null
        case "event-stream": content = .object(["text/event-stream": .object(["schema": sseEvent])])
        case "atom": content = .object(["application/atom+xml": .object(["schema": .object(["type": "string"])])])
        case "json": content = .object(["application/json": .object(["schema": .object(["type": "object"])])])
        case "schema": content = .object(["application/schema+json": .object(["schema": .object(["type": "object"])])])
        default: content = .object(["application/json": .object(["schema": ref(route.success.schema)])])
        }
        responses[String(route.success.status)] =
            content == .null ? .object(["description": "Success"]) : .object(["description": "Success", "content": content])
        let problem: JSONValue = .object(["application/problem+json": .object(["schema": ref(ProblemBody.schemaName)])])
        responses["400"] = .object(["description": "Malformed request", "content": problem])
        if route.access != .anyone {
            responses["401"] = .object(["description": "No token, or an unknown or revoked one", "content": problem])
            responses["403"] = .object(["description": "The token's role may not use this route", "content": problem])
            let retryAfter: JSONValue = .object(["description": "Seconds until the address may try again", "schema": .object(["type": "integer"])])
            responses["429"] = .object([
                "description": "Too many failed authentications from this client address; nothing it sends is authenticated until Retry-After",
                "content": problem, "headers": .object(["Retry-After": retryAfter]),
            ])
        }
        if let unavailable = route.unavailable {
            let body: JSONValue = route.success.schema == "html" ? content : problem
            responses["503"] = .object([
                "description": .string(unavailable), "content": body,
                "headers": .object([
                    "Retry-After": .object(["description": "Seconds to wait before asking again", "schema": .object(["type": "integer"])])
                ]),
            ])
        }
        if route.path.contains("{") { responses["404"] = .object(["description": "No such resource", "content": problem]) }
        if route.requestBody != nil {
            responses["409"] = .object([
                "description": "Refused by the state rules (e.g. a departure with someone not allowed); nothing was recorded", "content": problem,
            ])
            responses["413"] = .object(["description": "Body too large", "content": problem])
            responses["422"] = .object([
                "description": "A record is invalid; the problem names the field (and record index); nothing was recorded", "content": problem,
            ])
        }
        var object: [String: JSONValue] = [
            "operationId": .string(operationID(route)), "summary": .string(route.summary), "tags": .array([.string(route.tag)]),
            "description": .string(
                "Access: \(route.access.description).\(route.logsRead ? " Each call is logged as a read of the person's record." : "")"),
            "responses": .object(responses),
            "x-corridor-roles": .array(accessRoles(route.access)),
        ]
        if route.access == .anyone { object["security"] = .array([]) }
        if !route.parameters.isEmpty {
            object["parameters"] = .array(
                route.parameters.map { parameter in
                    var schema: [String: JSONValue] = ["type": .string(parameter.schema)]
                    if let range = parameter.range {
                        schema["minimum"] = .number(Double(range.lowerBound))
                        schema["maximum"] = .number(Double(range.upperBound))
                    }
                    return .object([
                        "name": .string(parameter.name), "in": .string(parameter.location.rawValue), "required": .bool(parameter.required),
                        "description": .string(parameter.description), "schema": .object(schema),
                    ])
                })
        }
        if let body = route.requestBody {
            object["requestBody"] = .object([
                "required": .bool(body != "StepBody"), "content": .object(["application/json": .object(["schema": ref(body)])]),
            ])
        }
        return .object(object)
    }

    static func accessRoles(_ access: Access) -> [JSONValue] {
        switch access {
        case .anyone: return ["anyone"]
        case .roles(let roles): return roles.map(\.rawValue).sorted().map { .string($0) }
        }
    }

    static func operationID(_ route: RouteSpec) -> String {
        let words = route.path.split(separator: "/").map { segment -> String in
            let clean = segment.replacingOccurrences(of: "{", with: "by-").replacingOccurrences(of: "}", with: "").replacingOccurrences(
                of: ".", with: "-")
            return clean
        }
        return route.method.rawValue.lowercased() + "-" + (words.isEmpty ? "root" : words.joined(separator: "-"))
    }

    static func ref(_ name: String) -> JSONValue { .object(["$ref": .string("#/components/schemas/\(name)")]) }

    static let object: JSONValue = .object(["type": "object"])

    static func objectSchema(_ properties: [String: JSONValue], required: [String] = [], description: String? = nil) -> JSONValue {
        var schema: [String: JSONValue] = ["type": "object", "properties": .object(properties)]
        if !required.isEmpty { schema["required"] = .array(required.map { .string($0) }) }
        if let description { schema["description"] = .string(description) }
        return .object(schema)
    }

    static let string: JSONValue = .object(["type": "string"])
    static let integer: JSONValue = .object(["type": "integer"])
    static let number: JSONValue = .object(["type": "number"])
    static let boolean: JSONValue = .object(["type": "boolean"])
    static func array(_ items: JSONValue) -> JSONValue { .object(["type": "array", "items": items]) }
    static func nullable(_ type: String) -> JSONValue { .object(["type": .array([.string(type), "null"])]) }

    static var components: JSONValue {
        // The records' own schema is served beside this document and referred to, not copied.
        let record: JSONValue = .object([
            "$ref": .string(RecordVocabulary.schemaPath),
            "description": "A record of the vocabulary; its fields depend on its type. Unknown fields are refused.",
        ])
        let courtOrder: JSONValue = .object(["$ref": .string(RecordVocabulary.schemaPath + "#/$defs/" + Record.Kind.courtOrder.rawValue)])
        var schemas: [String: JSONValue] = [
            "Record": record,
            "RecordBody": .object(["oneOf": .array([ref("Record"), array(ref("Record"))])]),
            "CourtOrderRecord": courtOrder,
            "Eligibility": objectSchema([
                "destination": string, "on": string, "policy": string, "policyVersion": string, "total": integer,
                "allowedCount": integer, "pendingCount": integer, "blockedCount": integer,
                "failing": object, "waiting": object, "allowed": array(string),
            ]),
            "CaseRecords": objectSchema(["case": ref("Record"), "records": array(ref("Event"))], required: ["case", "records"]),
            "Event": objectSchema(["seq": integer, "type": string, "actor": string, "recordedAt": string, "hash": string, "record": object]),
            "EventList": objectSchema(["events": array(ref("Event"))]),
            "SubscriptionBody": objectSchema(
                ["url": string, "types": array(string), "cases": array(string)], required: ["url"],
                description:
                    "`url`: http(s), resolving to no loopback, private, link-local or metadata address unless the operator allows it; `types` and `cases` narrow what is delivered (default: everything the token may see)."
            ),
            "Subscription": objectSchema(
                [
                    "id": string, "url": string, "types": nullable("array"), "cases": nullable("array"), "createdAt": string, "owner": string,
                    "status": .object(["type": "string", "enum": ["active", "retrying", "paused"]]), "acknowledged": integer, "attempts": integer,
                    "failingSince": nullable("string"), "nextAttemptAt": nullable("string"), "pausedAt": nullable("string"),
                    "pausedReason": nullable("string"),
                    "lastError": nullable("string"),
                    "deliveries": array(
                        objectSchema([
                            "seq": integer, "attempt": integer, "at": string, "status": nullable("integer"), "error": nullable("string"),
                            "milliseconds": integer,
                            "acknowledged": boolean,
                        ])),
                ], description: "`acknowledged`: every event up to this seq has been delivered (or was not for this subscription)."),
            "SubscriptionCreated": objectSchema(
                ["id": string, "url": string, "secret": string, "status": string, "acknowledged": integer],
                required: ["id", "secret"],
                description:
                    "The Subscription and its signing `secret` (`whsec_<base64>`), shown only here. Deliveries are POSTs with `webhook-id` (the event's seq), `webhook-timestamp` and `webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body>` (Standard Webhooks); the body is {type, timestamp, data: FeedItem}."
            ),
            "TokenBody": objectSchema(
                [
                    "name": string, "role": .object(["type": "string", "enum": .array(Role.allCases.map { .string($0.rawValue) })]),
                    "counsel": string,
                ], required: ["name", "role"],
                description: "`counsel`: required for the counsel role (the counsel name as the case records spell it), refused for others."),
            "Token": objectSchema([
                "id": string, "name": string, "role": string, "counsel": nullable("string"), "createdAt": string, "revokedAt": nullable("string"),
            ]),
            "TokenCreated": objectSchema(
                ["id": string, "name": string, "role": string, "counsel": nullable("string"), "secret": string], required: ["id", "secret"],
                description: "The token and its secret (`cor_…`), shown only here; the store keeps its SHA-256."),
            "TokenList": objectSchema(["tokens": array(ref("Token")), "count": integer]),
            "SubscriptionList": objectSchema(["subscriptions": array(ref("Subscription")), "count": integer]),
            "Country": object, "CountryList": objectSchema(["countries": array(object), "count": integer]),
            "Arrangement": object, "ArrangementList": objectSchema(["arrangements": array(object), "count": integer]),
            "CourtOrderList": objectSchema(["courtOrders": array(object), "count": integer]),
            "CourtOrderPublic": objectSchema(
                [
                    "order": object, "coveredCount": .object(["type": .array(["integer", "string"])]),
                    "coveredByNationality": .object([
                        "type": .array(["array", "null"]),
                        "items": objectSchema(["nationality": string, "people": .object(["type": .array(["integer", "string"])])]),
                    ]),
                    "suppression": string,
                ], description: "Counts from 1 to 4 are the string \"<5\"; with fewer than 5 covered in all, coveredByNationality is null."),
            "CourtOrderImpact": objectSchema(["order": object, "coveredCount": integer, "covered": array(string), "transfers": array(object)]),
            "TransferList": objectSchema(["transfers": array(object), "count": integer]),
            "TransferDetail": objectSchema([
                "id": string, "destination": string, "status": string, "passengers": array(object), "history": array(ref("Event")),
            ]),
            "StepBody": objectSchema(["at": string, "reason": string], description: "Optional; `at` defaults to now."),
            "StrikeBody": objectSchema(["case": string, "reason": string], required: ["case", "reason"]),
            "OperationsReport": objectSchema(["arrangements": array(object), "total": object, "incidents": array(object)]),
            "PublicReport": objectSchema([
                "asOf": string, "period": object, "policy": object, "headline": object, "reported": array(object),
                "lines": array(object), "total": object, "tables": object, "suppression": string,
            ]),
            "StrandedReport": objectSchema([
                "on": string, "policy": string, "policyVersion": string, "partners": array(string), "caseload": number,
                "stranded": .object([:]), "nationalities": array(object), "suppression": string,
            ]),
            "ChainVerification": objectSchema(["intact": boolean, "eventsChecked": integer, "head": ref("ChainHead"), "firstBad": object]),
            "PolicyProfile": objectSchema([
                "id": string, "version": string, "title": string, "legalStatus": string, "active": boolean, "parameters": object,
            ]),
            "PolicyChoice": objectSchema(["policy": string], required: ["policy"]),
        ]
        // The bodies described once (ADR 0011): their schemas come from the same description
        // that builds them.
        for body in DescribedResponses.all {
            precondition(schemas[body.schemaName] == nil, "\(body.schemaName) is both described and written by hand")
            schemas[body.schemaName] = body.schema
        }
        return .object([
            "schemas": .object(schemas),
            "securitySchemes": .object(["bearer": .object(["type": "http", "scheme": "bearer"])]),
        ])
    }
}
