import CorridorDomain
import CorridorServices
import CorridorStore
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// `GET /api/v1/events` (the log as a cursor-paged feed) and `GET /api/v1/events/stream` (the
/// same as Server-Sent Events), filtered to what the caller may see (``EventFeed``).
enum EventRoutes {
    static func routes<Store: EventStore>(_ state: AppState<Store>) -> [RouteSpec] {
        [
            RouteSpec(
                method: .get, path: "/api/v1/events", access: .authenticated, tag: "events",
                summary:
                    "The log as a feed of events in seq order, each with the facts a reader needs (transfer, verdict, deadline), filtered to what the token may see; continue with after=next",
                parameters: [
                    .integer("after", "Events after this seq (default 0)", in: 0...APIValues.maximumExactInteger - 1),
                    .query("types", "Comma-separated event types (default: every type)"), .query("case", "Only events about this case"),
                    .integer("limit", "1–1000 (default 100)", in: 1...1000),
                ],
                success: (200, EventFeedPage.schemaName)
            ) { request, context in
                let principal = try context.requirePrincipal()
                let query = try await Self.query(
                    request, context, state, after: try APIValues.integer(request, "after", in: 0...APIValues.maximumExactInteger - 1) ?? 0,
                    limit: try APIValues.limit(request, default: 100))
                let scope = try await state.scope(context)
                let page = try await EventFeed.page(state, scope: scope, query: query)
                try await logReads(page.items, principal: principal, state: state, route: "GET /api/v1/events")
                return .json(EventFeedPage(events: page.items.map(\.body), next: page.next, head: page.head, more: page.next < page.head).jsonValue)
            },
            RouteSpec(
                method: .get, path: "/api/v1/events/stream", access: .authenticated, tag: "events",
                summary:
                    "The same events as Server-Sent Events (id = seq, event = type, data = the feed item); resumes after Last-Event-ID, sends a heartbeat comment with the cursor when idle; a reader that stops reading is cut off and resumes from its last id",
                parameters: [
                    .integer(
                        "after", "Start after this seq (default: the head, i.e. only new events; Last-Event-ID wins)",
                        in: 0...APIValues.maximumExactInteger - 1),
                    .query("types", "Comma-separated event types (default: every type)"), .query("case", "Only events about this case"),
                ],
                success: (200, "event-stream")
            ) { request, context in
                try await stream(request, context, state)
            },
        ]
    }

    /// The filters common to both routes; bad values are a 400 naming the parameter, a case the
    /// caller may not see a 404 like an unknown one.
    static func query<Store: EventStore>(
        _ request: Request, _ context: CorridorRequestContext, _ state: AppState<Store>,
        after: Int64, limit: Int
    ) async throws -> EventFeed.Query {
        var types: Set<String>?
        if let text = request.query("types") {
            let names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            for name in names where !EventAudience.knownTypes.contains(name) {
                throw Problem.badRequest(
                    "query parameter 'types': '\(name.prefix(60))' is not an event type (known: \(EventAudience.knownTypes.joined(separator: ", ")))",
                    code: "invalid-parameter")
            }
            guard !names.isEmpty else { throw Problem.badRequest("query parameter 'types' names no event type", code: "invalid-parameter") }
            types = Set(names)
        }
        var caseID: CaseRecord.ID?
        if let text = request.query("case") {
            let id = CaseRecord.ID(text)
            let scope = try await state.scope(context)
            try scope.require(id)
            let known = try await state.live.withCaseload().caseload?.facts(id) != nil
            guard known else { throw Problem.notFound("no case '\(text.prefix(60))' has been recorded", code: "unknown-case") }
            caseID = id
        }
        return EventFeed.Query(after: after, types: types, cases: caseID.map { [$0] }, limit: limit)
    }

    /// Reading the feed reads personal records: one `system.read` per person per page.
    static func logReads<Store: EventStore>(_ items: [EventFeed.Item], principal: Principal, state: AppState<Store>, route: String) async throws {
        var reads: [(id: String, seq: Int64)] = []
        var seen: Set<String> = []
        for item in items {
            for id in item.body.cases where seen.insert(id).inserted { reads.append((id, item.seq)) }
        }
        // Queued together, so the read log commits them in one transaction.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for read in reads {
                group.addTask {
                    try await state.readLog.record(
                        principal, caseID: CaseRecord.ID(read.id), route: route, detail: ["seq": .number(Double(read.seq))])
                }
            }
            try await group.waitForAll()
        }
    }

    /// The Server-Sent Events stream. Nothing is queued per reader: each round reads one page
    /// of the log after the reader's cursor and writes it; a write waits while the connection
    /// cannot take more (the socket's buffers are the only buffer), and a reader that accepts
    /// nothing for ``EventStreamSettings/stallTimeout`` is cut off. Its last event id (or the
    /// cursor sent with each heartbeat) is where it resumes.
    static func stream<Store: EventStore>(_ request: Request, _ context: CorridorRequestContext, _ state: AppState<Store>) async throws -> Response {
        let principal = try context.requirePrincipal()
        var start: Int64
        if let header = request.headers[HTTPFields.Element.Name("Last-Event-ID")!] {
            guard let seq = APIValues.parseInteger(header.trimmingCharacters(in: .whitespaces)), (0...APIValues.maximumExactInteger - 1).contains(seq)
            else {
                throw Problem.badRequest("header Last-Event-ID must be an event seq this server sent (a whole number)", code: "invalid-header")
            }
            start = seq
        } else if let after = try APIValues.integer(request, "after", in: 0...APIValues.maximumExactInteger - 1) {
            start = after
        } else {
            start = try await state.store.head().seq
        }
        let query = try await Self.query(request, context, state, after: start, limit: 100)
        let settings = state.streams
        let channel = context.channel
        let logger = context.logger
        let headers: HTTPFields = [
            .contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-cache, no-transform",
            HTTPFields.Element.Name("X-Accel-Buffering")!: "no",
        ]
        let body = ResponseBody { writer in
            let writingSince = WriteClock()
            try await withThrowingTaskGroup(of: Void.self) { group in
                // The watchdog: a write the reader has not accepted for too long ends the connection.
                group.addTask {
                    while !Task.isCancelled {
                        try await Task.sleep(for: .milliseconds(200))
                        if let since = writingSince.since.withLock({ $0 }), ContinuousClock.now - since > settings.stallTimeout {
                            logger.notice(
                                "event stream cut off: the reader accepted nothing for too long; it resumes from its last event id",
                                metadata: ["token": "\(principal.tokenID)", "stall_s": "\(settings.stallTimeout)"])
                            channel.close(promise: nil)
                            return
                        }
                    }
                }
                func send(_ text: String) async throws {
                    writingSince.since.withLock { $0 = .now }
                    defer { writingSince.since.withLock { $0 = nil } }
                    try await writer.write(ByteBuffer(string: text))
                }
                do {
                    var cursor = query.after
                    var lastSent = ContinuousClock.now
                    let ends = ContinuousClock.now + settings.maximumDuration
                    var epoch = state.live.peek()?.tokenEpoch
                    try await send("retry: 2000\n: corridor event stream after \(cursor)\n\n")
                    while !Task.isCancelled, !Task.isShuttingDownGracefully, ContinuousClock.now < ends {
                        // A revoked token's stream ends (its clients may have changed too: the scope is read anew each round).
                        var round = query
                        round.after = cursor
                        let next = round
                        let page = try await EventFeed.page(state, scope: try await state.scopeNow(principal), query: next)
                        let currentEpoch = try await state.live.current().tokenEpoch
                        if epoch != currentEpoch {
                            if epoch != nil, !(try await state.tokens.isLive(id: principal.tokenID)) { break }
                            epoch = currentEpoch
                        }
                        if !page.items.isEmpty {
                            var text = ""
                            for item in page.items {
                                text += "id: \(item.seq)\nevent: \(item.type)\ndata: \(item.json.canonicalString)\n\n"
                            }
                            try await logReads(page.items, principal: principal, state: state, route: "GET /api/v1/events/stream")
                            try await send(text)
                            lastSent = .now
                        }
                        cursor = page.next
                        if page.next >= page.head {
                            if ContinuousClock.now - lastSent >= settings.heartbeat {
                                // The cursor moves past events this reader may not see, so a reconnect does not read them again.
                                try await send(": heartbeat\nid: \(cursor)\n\n")
                                lastSent = .now
                            }
                            try await Task.sleep(for: settings.poll)
                        }
                    }
                    group.cancelAll()
                } catch {
                    group.cancelAll()
                    throw error
                }
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }
}

/// When the write under way began (nil between writes), read by a stream's watchdog.
final class WriteClock: Sendable {
    let since = Mutex<ContinuousClock.Instant?>(nil)
}
