import CorridorDomain
import CorridorServices
import CorridorStore
import Foundation
import Hummingbird

/// `POST/GET/DELETE /api/v1/subscriptions`: webhooks of the event feed, each owned by the token
/// that made it and delivering only what that token may see.
enum SubscriptionRoutes {
    /// Live subscriptions a token may hold at once.
    static let perToken = 20

    static func routes<Store: EventStore>(_ state: AppState<Store>) -> [RouteSpec] {
        [
            RouteSpec(
                method: .post, path: "/api/v1/subscriptions", access: .authenticated, tag: "events",
                summary:
                    "Subscribe a URL to the event feed (signed Standard Webhooks deliveries, at least once, in seq order, from the next event); the secret is shown only in this answer",
                requestBody: "SubscriptionBody", success: (201, "SubscriptionCreated")
            ) { request, context in
                try await create(request, context, state)
            },
            RouteSpec(
                method: .get, path: "/api/v1/subscriptions", access: .authenticated, tag: "events",
                summary: "Your subscriptions (an admin's: everyone's) with delivery status and the latest attempts",
                success: (200, "SubscriptionList")
            ) { _, context in
                let principal = try context.requirePrincipal()
                let store = try requireStore(state)
                var items: [JSONValue] = []
                for subscription in try await store.subscriptions() where principal.role == .admin || subscription.owner.tokenID == principal.tokenID
                {
                    items.append(json(subscription, deliveries: try await store.deliveries(subscription: subscription.id, limit: 20)))
                }
                return .json(.object(["subscriptions": .array(items), "count": .number(Double(items.count))]))
            },
            RouteSpec(
                method: .delete, path: "/api/v1/subscriptions/{id}", access: .authenticated, tag: "events",
                summary: "Remove a subscription: nothing more is delivered (its delivery log stays)",
                parameters: [.path("id", "Subscription id")], success: (204, "empty")
            ) { request, context in
                _ = try await request.body.collect(upTo: 16 * 1024)  // none is expected; an oversized one is a 413 like anywhere
                let principal = try context.requirePrincipal()
                let store = try requireStore(state)
                let subscription = try await owned(context, store)
                guard try await store.deleteSubscription(id: subscription.id, at: state.clock()) else { throw unknown(subscription.id) }
                _ = try await state.store.appendSystemEvent(
                    type: "system.subscription-deleted", payload: .object(["id": .string(subscription.id)]),
                    context: AppendContext(actor: principal.actor, recordedAt: state.clock()), setting: nil)
                return Response(status: .noContent)
            },
            RouteSpec(
                method: .post, path: "/api/v1/subscriptions/{id}/resume", access: .authenticated, tag: "events",
                summary: "Resume a paused subscription: delivery tries again at once from the event it stopped at",
                parameters: [.path("id", "Subscription id")], success: (200, "Subscription")
            ) { request, context in
                _ = try await request.body.collect(upTo: 16 * 1024)
                let store = try requireStore(state)
                var subscription = try await owned(context, store)
                subscription.progress = Subscription.Progress(acknowledged: subscription.progress.acknowledged)
                try await store.saveProgress(id: subscription.id, subscription.progress, attempt: nil)
                return .json(json(subscription, deliveries: try await store.deliveries(subscription: subscription.id, limit: 20)))
            },
        ]
    }

    static func requireStore<Store: EventStore>(_ state: AppState<Store>) throws -> any SubscriptionStore {
        guard let store = state.subscriptions else {
            throw Problem(.notImplemented, code: "no-subscriptions", detail: "this server's store keeps no webhook subscriptions")
        }
        return store
    }

    static func unknown(_ id: String) -> Problem {
        Problem.notFound("no subscription '\(id.prefix(60))' of yours exists", code: "unknown-subscription")
    }

    /// The subscription in the path, if the caller made it (an admin: any); else 404.
    static func owned(_ context: CorridorRequestContext, _ store: any SubscriptionStore) async throws -> Subscription {
        let principal = try context.requirePrincipal()
        let id = try context.pathParameter("id")
        guard let subscription = try await store.subscription(id: id), subscription.deletedAt == nil,
            principal.role == .admin || subscription.owner.tokenID == principal.tokenID
        else { throw unknown(id) }
        return subscription
    }

    static func create<Store: EventStore>(_ request: Request, _ context: CorridorRequestContext, _ state: AppState<Store>) async throws -> Response {
        let principal = try context.requirePrincipal()
        _ = try requireStore(state)
        let body = try await request.body.collect(upTo: 64 * 1024)
        guard case .object(let fields)? = try? JSONParser.parse(String(buffer: body)) else {
            throw Problem.badRequest(
                "the body must be a JSON object: {\"url\": \"https://…\", \"types\": [...], \"cases\": [...]}", code: "invalid-body")
        }
        func invalid(_ field: String, _ detail: String, code: String = "invalid-field") -> Problem {
            Problem(
                .unprocessableContent, code: code, detail: "field '\(field)': \(detail); nothing was recorded", field: field)
        }
        for key in fields.keys where !["url", "types", "cases"].contains(key) { throw invalid(key, "unknown field (known: url, types, cases)") }
        guard let text = fields["url"]?.stringValue else { throw invalid("url", "required, a string") }
        func strings(_ name: String) throws -> [String]? {
            guard let value = fields[name], value != .null else { return nil }
            guard case .array(let items) = value, !items.isEmpty, items.count <= 1_000 else {
                throw invalid(name, "a non-empty array of at most 1,000 strings")
            }
            return try items.map { item in
                guard let string = item.stringValue, !string.isEmpty, string.utf8.count <= 200 else {
                    throw invalid(name, "every item must be a string of 1 to 200 bytes")
                }
                return string
            }
        }
        let subscription = try await subscribe(
            url: text, types: try strings("types"), cases: try strings("cases"), principal: principal,
            scope: try await state.scope(context), state: state)
        guard case .object(var object) = json(subscription, deliveries: []) else { return .json(.null) }
        object["secret"] = .string(subscription.secret)
        return .json(.object(object), status: .created)
    }

    /// Checks and stores a subscription for `principal` (the API's and the page's way); a
    /// refusal is a 4xx problem naming the field.
    static func subscribe<Store: EventStore>(
        url text: String, types: [String]?, cases: [String]?, principal: Principal, scope: CaseScope,
        state: AppState<Store>
    ) async throws -> Subscription {
        let store = try requireStore(state)
        func invalid(_ field: String, _ detail: String, code: String = "invalid-field") -> Problem {
            Problem(
                .unprocessableContent, code: code, detail: "field '\(field)': \(detail); nothing was recorded", field: field)
        }
        for type in types ?? [] where !EventAudience.knownTypes.contains(type) {
            throw invalid("types", "'\(type.prefix(60))' is not an event type (known: \(EventAudience.knownTypes.joined(separator: ", ")))")
        }
        if let cases {
            let caseload = try await state.live.withCaseload().caseload!
            let known = Set(cases.filter { caseload.facts(CaseRecord.ID($0)) != nil })
            // A case the caller may not see is answered like an unknown one.
            for id in cases where !known.contains(id) || !scope.sees(CaseRecord.ID(id)) {
                throw invalid("cases", "no case '\(id.prefix(60))' has been recorded")
            }
        }
        let url: WebhookURL
        do {
            url = try WebhookURL(text)
            let policy = state.webhooks.addresses
            _ = try await url.resolveOffPool(policy)
        } catch let refusal as WebhookRefusal {
            throw invalid("url", refusal.description, code: refusal.code)
        }
        let mine = try await store.subscriptions().filter { $0.owner.tokenID == principal.tokenID }.count
        guard mine < perToken else {
            throw Problem(.conflict, code: "too-many-subscriptions", detail: "a token may hold \(perToken) subscriptions; delete one first")
        }
        let now = state.clock()
        let head = try await state.store.head().seq
        var random = SystemRandomNumberGenerator()
        let id = "sub_" + (0..<12).map { _ in String(UInt8.random(in: 0...15, using: &random), radix: 16) }.joined()
        let secret = WebhookSignature.newSecret()
        let subscription = Subscription(
            id: id, url: text, types: types, cases: cases, secret: secret,
            owner: .init(tokenID: principal.tokenID, name: principal.name, role: principal.role, counsel: principal.counsel),
            createdAt: now, progress: .init(acknowledged: head))
        try await store.createSubscription(subscription)
        var logged: [String: JSONValue] = [
            "id": .string(id), "url": .string(text), "token": .string(principal.tokenID), "startsAfter": .number(Double(head)),
        ]
        if let types { logged["types"] = .array(types.map { .string($0) }) }
        if let cases { logged["cases"] = .array(cases.map { .string($0) }) }
        let payload = logged
        _ = try await state.store.appendSystemEvent(
            type: "system.subscription-created", payload: .object(payload),
            context: AppendContext(actor: principal.actor, recordedAt: now), setting: nil)
        return subscription
    }

    /// A subscription as the API shows it (never its secret).
    static func json(_ subscription: Subscription, deliveries: [DeliveryAttempt]) -> JSONValue {
        let progress = subscription.progress
        let status = progress.pausedAt != nil ? "paused" : (progress.failingSince != nil ? "retrying" : "active")
        return .object([
            "id": .string(subscription.id), "url": .string(subscription.url),
            "types": subscription.types.map { .array($0.map { .string($0) }) } ?? .null,
            "cases": subscription.cases.map { .array($0.map { .string($0) }) } ?? .null,
            "createdAt": .string(subscription.createdAt.description), "owner": .string(subscription.owner.tokenID),
            "status": .string(status), "acknowledged": .number(Double(progress.acknowledged)), "attempts": .number(Double(progress.attempts)),
            "failingSince": progress.failingSince.map { .string($0.description) } ?? .null,
            "nextAttemptAt": progress.nextAttemptAt.map { .string($0.description) } ?? .null,
            "pausedAt": progress.pausedAt.map { .string($0.description) } ?? .null,
            "pausedReason": progress.pausedReason.map { .string($0) } ?? .null, "lastError": progress.lastError.map { .string($0) } ?? .null,
            "deliveries": .array(
                deliveries.map { attempt in
                    .object([
                        "seq": .number(Double(attempt.seq)), "attempt": .number(Double(attempt.attempt)), "at": .string(attempt.at.description),
                        "status": attempt.status.map { .number(Double($0)) } ?? .null, "error": attempt.error.map { .string($0) } ?? .null,
                        "milliseconds": .number(Double(attempt.milliseconds)), "acknowledged": .bool(attempt.acknowledged),
                    ])
                }),
        ])
    }
}
