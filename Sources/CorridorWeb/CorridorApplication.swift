import CorridorDomain
import CorridorRules
import CorridorServices
import CorridorStore
import Foundation
import Hummingbird
import Logging
import Prometheus
import ServiceLifecycle

/// How to run the server.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// A connection that sends nothing (or only part of a request) for this long is closed.
    public var idleTimeout: Duration
    /// Connections open at once; past this the server accepts no more until one closes.
    public var maximumConnections: Int
    /// Connections open at once from one client address (0: no limit, e.g. behind a proxy).
    public var maximumConnectionsPerClient: Int
    /// Failed authentications an address may make in a minute before it gets 429 (0: no limit,
    /// e.g. behind a proxy that limits them, or for an API fuzzer).
    public var authFailuresPerMinute = AuthFailureLimiter.Policy.standard.failures
    /// Webhook delivery: the address ranges the operator allows (`--webhook-allow`), retries.
    public var webhooks = WebhookSettings()
    /// How event streams pace themselves (heartbeats, cut-off of readers that stop reading).
    public var streams = EventStreamSettings()

    public init(
        host: String = "127.0.0.1", port: Int = 8080, idleTimeout: Duration = .seconds(30),
        maximumConnections: Int = 10_000, maximumConnectionsPerClient: Int = 256
    ) {
        self.host = host
        self.port = port
        self.idleTimeout = idleTimeout
        self.maximumConnections = maximumConnections
        self.maximumConnectionsPerClient = maximumConnectionsPerClient
    }
}

/// Assembles the Corridor server over a store: `serve` runs it, and tests run it too (whole, with
/// `.live`, or its router alone through `buildRouter`).
///
/// Everything long-lived runs in the application's service group: `services` (the store's own,
/// such as a WAL checkpointer, and the log sink) first, then the read log, the caseload
/// warmer and the live view's follower (which looks for other processes' writes every second),
/// then the server. A graceful shutdown (SIGTERM, SIGINT) stops them in reverse order:
/// the server answers the requests in flight (each waits for its read to be logged), the read log
/// commits what is left, and only then do the store's services and the log sink stop.
public func buildApplication(
    store: some EventStore & TokenStore, configuration: ServerConfiguration, logger: Logger,
    clock: @escaping @Sendable () -> Instant, simulations: SimulationRunner = SimulationRunner(),
    services: [any Service] = [], changes: AsyncStream<Int64>? = nil
) async throws -> some ApplicationProtocol {
    let state = try await AppState(
        store: store, clock: clock, logger: logger, staleness: 5_000_000, simulations: simulations,
        authFailuresPerMinute: configuration.authFailuresPerMinute, streams: configuration.streams,
        webhooks: configuration.webhooks)
    // The webhook worker runs in the served application (and in tests that run it whole), after
    // the store's own services: it stops before them.
    return buildApplication(
        state: state, configuration: configuration, logger: logger, services: services + webhookServices(state, logger: logger),
        changes: changes)
}

/// The same application over state the caller made (tests share it to inspect the store).
public func buildApplication<Store: EventStore>(
    state: AppState<Store>, configuration: ServerConfiguration = ServerConfiguration(), logger: Logger,
    services: [any Service] = [], changes: AsyncStream<Int64>? = nil
) -> some ApplicationProtocol {
    Observability.bootstrap()  // before any metric is made, or it goes to the no-op factory
    let limits = ConnectionLimits(perClient: configuration.maximumConnectionsPerClient, logger: logger)
    let idle = configuration.idleTimeout.components
    return Application(
        router: buildRouter(state: state),
        server: .http1(
            configuration: .init(
                additionalChannelHandlers: [limits.handler()],
                idleTimeout: .nanoseconds(idle.seconds * 1_000_000_000 + idle.attoseconds / 1_000_000_000))),
        configuration: .init(
            address: .hostname(configuration.host, port: configuration.port), serverName: "Corridor",
            availableConnectionsDelegate: LoggedMaximumConnections(maximum: configuration.maximumConnections, logger: logger)),
        services: services + [state.readLog, CaseloadWarmer(state: state, logger: logger), LiveViewFollower(live: state.live, changes: changes)],
        logger: logger
    )
}

/// The webhook delivery worker, when the store keeps subscriptions. It runs on the wall clock:
/// receivers check the signed timestamp against theirs.
func webhookServices<Store: EventStore>(_ state: AppState<Store>, logger: Logger) -> [any Service] {
    guard let subscriptions = state.subscriptions else { return [] }
    return [WebhookDeliverer(state: state, subscriptions: subscriptions, settings: state.webhooks, now: { Instant.wallClock() }, logger: logger)]
}

/// Every route the server serves, with its access rule: the single source for the router, the
/// OpenAPI document and the API reference.
public func routeSpecs<Store: EventStore>(state: AppState<Store>) -> [RouteSpec] {
    var routes: [RouteSpec] = []
    routes += MetaRoutes.routes(state)
    routes += NetworkRoutes.routes(state)
    routes += CaseRoutes.routes(state)
    routes += TransferRoutes.routes(state)
    routes += RecordRoutes.routes(state)
    routes += OversightRoutes.routes(state)
    routes += PageRoutes.routes(state)
    routes += NetworkFeed.routes(state)
    routes += EventRoutes.routes(state)
    routes += SubscriptionRoutes.routes(state)
    routes += TokenRoutes.routes(state)
    let document = OpenAPIDocument.make(routes + [MetaRoutes.openAPIRoute(.null), MetaRoutes.docsRoute([])])
    let text = document.canonicalString
    routes.append(MetaRoutes.openAPIRoute(.string(text)))
    routes.append(MetaRoutes.docsRoute(routes + [MetaRoutes.docsRoute([])]))
    return routes
}

/// The router: middleware (problem+json errors, metrics, security headers, header limits,
/// authentication) and every route, each checking its role before it runs.
public func buildRouter<Store: EventStore>(state: AppState<Store>) -> Router<CorridorRequestContext> {
    Observability.bootstrap()
    let router = Router(context: CorridorRequestContext.self)
    let routes = routeSpecs(state: state)
    router.add(middleware: AccessLogMiddleware(level: .info))
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: HeaderLimitMiddleware())
    router.add(middleware: ProblemMiddleware())
    let open = Set(routes.filter { $0.access == .anyone }.map { "\($0.method.rawValue) \($0.path)" })
    router.add(middleware: AuthMiddleware(state: state, openRoutes: open))
    for route in routes {
        let access = route.access
        let handler = route.handler
        let integers = route.showsFormProblems ? [] : route.parameters.filter { $0.location == .query && $0.range != nil && !$0.name.contains("<") }
        router.on(RouterPath(route.routerPath), method: route.method) { request, context -> Response in
            // Every declared integer is checked against its range before any handler sees it.
            for parameter in integers {
                do { _ = try APIValues.integer(request, parameter.name, in: parameter.range!) } catch let problem as Problem {
                    guard PageSession.isPagePath(request.uri.path), request.method == .get else { throw problem }
                    return PageRoutes.message(request, context, title: "Cannot show this page", problem.detail, status: .badRequest)
                }
            }
            if !access.allows(context.principal?.role) {
                // A person on a page gets a page saying so; programs get problem+json.
                if PageSession.isPagePath(request.uri.path), request.method == .get {
                    return PageRoutes.message(
                        request, context, title: "Not available to your role",
                        "Your role (\(context.principal?.role.rawValue ?? "none")) may not open this page. Roles that may: \(access.description).",
                        status: .forbidden)
                }
                throw Problem(
                    .forbidden, code: "forbidden",
                    detail:
                        "role '\(context.principal?.role.rawValue ?? "none")' may not use \(request.method) \(request.uri.path) (allowed: \(access.description))"
                )
            }
            return try await handler(request, context)
        }
    }
    return router
}

/// Health, metrics, the OpenAPI document and the API reference (the home page is in `PageRoutes`).
enum MetaRoutes {
    static func routes<Store: EventStore>(_ state: AppState<Store>) -> [RouteSpec] {
        [
            RouteSpec(
                method: .get, path: "/ping", access: .anyone, tag: "operations",
                summary: "Liveness of the HTTP layer alone (touches nothing): the server's ceiling in benchmarks", success: (200, "text")
            ) { _, _ in
                .text("pong\n")
            },
            RouteSpec(
                method: .get, path: "/healthz", access: .anyone, tag: "operations", summary: "Liveness: the store answers",
                success: (200, HealthBody.schemaName)
            ) { _, _ in
                let head = try await state.store.head()
                return .json(HealthBody(events: head.seq).jsonValue)
            },
            RouteSpec(
                method: .get, path: "/readyz", access: .anyone, tag: "operations",
                summary:
                    "Readiness: 200 once the caseload and home figures are in memory and the store answers; 503 before, or while the store cannot be reached",
                success: (200, ReadinessBody.schemaName), unavailable: "Not ready yet (loading), or the store cannot be reached"
            ) { _, _ in
                guard state.readiness.isReady else {
                    let seconds = (ContinuousClock.now - state.readiness.startedAt).components.seconds
                    throw Problem(
                        .serviceUnavailable, code: "not-ready",
                        detail: "the server is loading the caseload into memory (started \(seconds) s ago); it answers at full speed once ready",
                        headers: [.retryAfter: "1"])
                }
                let head: ChainHead
                do { head = try await state.store.head() } catch {
                    state.logger.warning("readiness: the store cannot be read", metadata: ["error": "\(error)"])
                    throw Problem(
                        .serviceUnavailable, code: "store-unavailable", detail: "the store cannot be read; see the server's log",
                        headers: [.retryAfter: "5"])
                }
                let cases = state.live.peek()?.caseload?.count
                return .json(ReadinessBody(events: head.seq, cases: cases).jsonValue)
            },
            RouteSpec(
                method: .get, path: RecordVocabulary.schemaPath, access: .anyone, tag: "records",
                summary: "The JSON Schema (draft 2020-12) of one record of the vocabulary, as `corridor schema records` prints it",
                success: (200, "schema")
            ) { _, _ in
                Response(
                    status: .ok, headers: [.contentType: "application/schema+json"],
                    body: .init(byteBuffer: ByteBuffer(string: recordSchemaText)))
            },
            RouteSpec(
                method: .get, path: "/metrics", access: .roles([.monitor, .admin]), tag: "operations",
                summary: "Prometheus metrics: requests and latencies per route, decisions per gate outcome", success: (200, "text")
            ) { _, _ in
                .text(Observability.registry.emitToString(), contentType: "text/plain; version=0.0.4; charset=utf-8")
            },
        ]
    }

    /// The record schema's text, made once.
    static let recordSchemaText = RecordVocabulary.jsonSchema.prettyString

    static func openAPIRoute(_ document: JSONValue) -> RouteSpec {
        RouteSpec(
            method: .get, path: "/openapi.json", access: .anyone, tag: "operations", summary: "This API's OpenAPI 3.1 document",
            success: (200, "json")
        ) { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: document.stringValue ?? "{}")))
        }
    }

    static func docsRoute(_ routes: [RouteSpec]) -> RouteSpec {
        let page = APIDocsPage(routes: routes)
        return RouteSpec(
            method: .get, path: "/docs/api", access: .anyone, tag: "pages", summary: "The API reference, rendered from the OpenAPI routes",
            success: (200, "html")
        ) { request, context in
            PageRoutes.html(request, context, "api-docs", title: "API reference", page.data)
        }
    }
}

/// Keeps the live view following the store: every second it asks whether anything changed
/// (the cheap change marker) and applies what did, so each instance sees writes made through
/// the others within a second even when no request asks. Stops at graceful shutdown.
///
/// `changes`, when the store announces commits (PostgreSQL's NOTIFY), makes the view look at
/// once on each announcement; the poll stays as the fallback for announcements missed while the
/// listening connection was down.
struct LiveViewFollower<Store: EventStore>: Service {
    let live: LiveView<Store>
    var changes: AsyncStream<Int64>? = nil

    func run() async throws {
        let live = self.live, changes = self.changes
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await live.follow(every: .seconds(1)) }
                if let changes {
                    group.addTask {
                        for await _ in changes {
                            live.invalidate()
                            try? await live.refresh()
                        }
                    }
                }
                await group.waitForAll()
            }
        }
    }
}

/// Loads the caseload into the live view once the server is up (from the caseload at rest when
/// the store keeps an image), so whole-caseload pages and decisions answer from memory, and
/// works out the home page's figures (people blocked per gate at every partner), so the first
/// visitor does not wait for them; then marks the server ready. Requests served before that read
/// the store instead. Once ready it writes a new caseload image when one is due (after a
/// rebuild from the log, or once many records have come since the last), checking every
/// `imageInterval`, until shutdown.
struct CaseloadWarmer<Store: EventStore>: Service {
    let state: AppState<Store>
    let logger: Logger
    var imageInterval: Duration = .seconds(60)

    func run() async throws {
        let state = self.state
        let started = ContinuousClock.now
        let view = try await state.live.withCaseload()
        var metadata: Logger.Metadata = ["cases": "\(view.caseload?.count ?? 0)", "seconds": "\(ContinuousClock.now - started)"]
        switch view.caseloadSource {
        case .image(let imageSeq, let tail): metadata["from"] = "image at seq \(imageSeq) and \(tail) records after it"
        case .log(let reason): metadata["from"] = "the log (\(reason))"
        case nil: break
        }
        view.caseload?.prepareIndex()
        logger.info("caseload in memory", metadata: metadata)
        let figuresStarted = ContinuousClock.now
        var refreshFigures = false
        do {
            let rest = try await HomeFigures.startFromRest(state)
            refreshFigures = rest.stale
            let figures = try await HomeFigures.current(state)
            logger.info(
                "home page figures ready",
                metadata: [
                    "partners": "\(figures.partners.count)", "seconds": "\(ContinuousClock.now - figuresStarted)",
                    "from":
                        "\(rest.used ? (rest.stale ? "rest (records about people came since: working them out again)" : "rest") : "the caseload")",
                ])
        } catch {
            logger.warning("home page figures not prepared; the first visit computes them", metadata: ["error": "\(error)"])
        }
        state.readiness.markReady()
        logger.info("ready", metadata: ["seconds": "\(ContinuousClock.now - started)"])
        if refreshFigures {
            let again = ContinuousClock.now
            do {
                try await HomeFigures.recompute(state)
                logger.info("home page figures brought up to date", metadata: ["seconds": "\(ContinuousClock.now - again)"])
            } catch {
                logger.warning("home page figures not brought up to date", metadata: ["error": "\(error)"])
            }
        }
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await writeImageIfDue()
                do { try await Task.sleep(for: imageInterval) } catch { return }
            }
        }
    }

    private func writeImageIfDue() async {
        let started = ContinuousClock.now
        do {
            if let seq = try await state.live.writeImageIfDue() {
                logger.info("caseload image written", metadata: ["seq": "\(seq)", "seconds": "\(ContinuousClock.now - started)"])
            }
        } catch {
            // The image is an optimisation: a failure leaves the previous one (or none) in place.
            logger.warning("caseload image not written", metadata: ["error": "\(error)"])
        }
    }
}
