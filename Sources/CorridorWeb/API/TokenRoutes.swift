import CorridorDomain
import CorridorStore
import Foundation
import Hummingbird

/// `POST/GET/DELETE /api/v1/tokens`: what `corridor token create|list|revoke` does, for admins.
/// A counsel token is bound to one counsel name (`counsel`), its clients' name on the case records.
enum TokenRoutes {
    static func routes<Store: EventStore>(_ state: AppState<Store>) -> [RouteSpec] {
        [
            RouteSpec(
                method: .post, path: "/api/v1/tokens", access: .adminOnly, tag: "tokens",
                summary:
                    "Create a token (a counsel token needs `counsel`, the name on its clients' case records); the secret is shown only in this answer",
                requestBody: "TokenBody", success: (201, "TokenCreated")
            ) { request, context in
                let principal = try context.requirePrincipal()
                let body = try await request.body.collect(upTo: 16 * 1024)
                guard case .object(let fields)? = try? JSONParser.parse(String(buffer: body)) else {
                    throw Problem.badRequest(
                        "the body must be a JSON object: {\"name\": \"…\", \"role\": \"counsel\", \"counsel\": \"…\"}", code: "invalid-body")
                }
                func invalid(_ field: String, _ detail: String) -> Problem {
                    Problem(
                        .unprocessableContent, code: "invalid-field", detail: "field '\(field)': \(detail); nothing was recorded",
                        field: field)
                }
                for key in fields.keys where !["name", "role", "counsel"].contains(key) {
                    throw invalid(key, "unknown field (known: name, role, counsel)")
                }
                guard let name = fields["name"]?.stringValue else { throw invalid("name", "required, a string") }
                guard let roleText = fields["role"]?.stringValue, let role = Role(rawValue: roleText) else {
                    throw invalid("role", "required, one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                let counsel: String?
                switch fields["counsel"] {
                case nil, .null?: counsel = nil
                case .string(let text)?: counsel = text
                default: throw invalid("counsel", "a string")
                }
                let store = state.tokens.store
                let context = AppendContext(actor: principal.actor, recordedAt: state.clock())
                let (secret, info): (String, TokenInfo)
                do {
                    (secret, info) = try await Tokens.issue(name: name, role: role, counsel: counsel, in: store, context: context)
                } catch let error as StoreError where error.code == .invalidArgument {
                    throw invalid(error.message.contains("counsel") ? "counsel" : "name", error.message)
                }
                state.live.invalidate()
                guard case .object(var object) = json(info) else { return .json(.null) }
                object["secret"] = .string(secret)
                return .json(.object(object), status: .created)
            },
            RouteSpec(
                method: .get, path: "/api/v1/tokens", access: .adminOnly, tag: "tokens",
                summary: "Every token (never a secret), live or revoked", success: (200, "TokenList")
            ) { _, _ in
                let store = state.tokens.store
                let tokens = try await store.tokens()
                return .json(.object(["tokens": .array(tokens.map(json)), "count": .number(Double(tokens.count))]))
            },
            RouteSpec(
                method: .delete, path: "/api/v1/tokens/{id}", access: .adminOnly, tag: "tokens",
                summary: "Revoke a token: it stops working at once (its webhook subscriptions pause)", parameters: [.path("id", "Token id")],
                success: (204, "empty")
            ) { request, context in
                _ = try await request.body.collect(upTo: 16 * 1024)  // none is expected; an oversized one is a 413 like anywhere
                let principal = try context.requirePrincipal()
                let id = try context.pathParameter("id")
                let store = state.tokens.store
                let context = AppendContext(actor: principal.actor, recordedAt: state.clock())
                guard try await store.revokeToken(id: id, context: context) else {
                    throw Problem.notFound("no live token '\(id.prefix(60))'", code: "unknown-token")
                }
                state.live.invalidate()
                return Response(status: .noContent)
            },
        ]
    }

    static func json(_ token: TokenInfo) -> JSONValue {
        .object([
            "id": .string(token.id), "name": .string(token.name), "role": .string(token.role.rawValue),
            "counsel": token.counsel.map { .string($0) } ?? .null, "createdAt": .string(token.createdAt.description),
            "revokedAt": token.revokedAt.map { .string($0.description) } ?? .null,
        ])
    }
}
