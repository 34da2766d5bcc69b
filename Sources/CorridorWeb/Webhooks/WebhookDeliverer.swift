import AsyncHTTPClient
import CorridorDomain
import CorridorServices
import CorridorStore
import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// Delivers webhook subscriptions (issue #15), a `Service` in the application's group.
///
/// Each subscription is delivered on its own, in `seq` order: the next event goes only once the
/// one before was acknowledged (a 2xx answer), so a receiver sees every event at least once and
/// in order; the event's `seq` is the `webhook-id`, the same on every retry. A failure is
/// retried with exponential backoff and jitter; after ``WebhookSettings/pauseAfter`` of
/// failures the subscription is paused and says why. Where delivery stands is saved in the
/// store after every attempt, so a restart resumes from the last acknowledged `seq` and never
/// repeats an acknowledged event. Redirects are not followed; every delivery resolves the host
/// anew and refuses forbidden addresses (``WebhookAddressPolicy``).
public final class WebhookDeliverer<Store: EventStore>: Service, Sendable {
    let state: AppState<Store>
    let subscriptions: any SubscriptionStore
    let settings: WebhookSettings
    let now: @Sendable () -> Instant
    let logger: Logger
    private let running = Mutex<Set<String>>([])

    public init(
        state: AppState<Store>, subscriptions: any SubscriptionStore, settings: WebhookSettings, now: @escaping @Sendable () -> Instant,
        logger: Logger
    ) {
        self.state = state
        self.subscriptions = subscriptions
        self.settings = settings
        self.now = now
        self.logger = logger
    }

    public func run() async throws {
        let client = Self.client(settings)
        await withDiscardingTaskGroup { group in
            while !Task.isShuttingDownGracefully, !Task.isCancelled {
                do {
                    let head = try await self.state.store.head().seq
                    let now = self.now()
                    for subscription in try await subscriptions.subscriptions() where Self.isDue(subscription, head: head, now: now) {
                        guard running.withLock({ $0.insert(subscription.id).inserted }) else { continue }
                        group.addTask {
                            await self.deliver(subscription.id, client: client)
                            self.running.withLock { _ = $0.remove(subscription.id) }
                        }
                    }
                } catch {
                    logger.warning("webhooks: cannot read the subscriptions", metadata: ["error": "\(error)"])
                }
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.settings.poll) }
            }
        }
        try? await client.shutdown()
    }

    static func client(_ settings: WebhookSettings) -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .disabled
        configuration.timeout = .init(
            connect: .milliseconds(WebhookSettings.milliseconds(settings.connectTimeout)),
            read: .milliseconds(WebhookSettings.milliseconds(settings.requestTimeout)))
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    static func isDue(_ subscription: Subscription, head: Int64, now: Instant) -> Bool {
        guard subscription.deletedAt == nil, subscription.progress.pausedAt == nil, subscription.progress.acknowledged < head else { return false }
        return subscription.progress.nextAttemptAt.map { $0 <= now } ?? true
    }

    /// Delivers what is due of one subscription, holding its lease meanwhile (one instance at a
    /// time delivers a subscription; the lease is given up after the round).
    func deliver(_ id: String, client: HTTPClient) async {
        let start = now()
        do {
            guard
                try await subscriptions.lease(
                    id, holder: settings.holder, until: start.adding(milliseconds: WebhookSettings.milliseconds(settings.lease)),
                    now: start)
            else { return }
        } catch {
            logger.warning("webhooks: cannot take a subscription's lease", metadata: ["subscription": "\(id)", "error": "\(error)"])
            return
        }
        await deliverLeased(id, client: client, start: start)
        do { try await subscriptions.releaseLease(id, holder: settings.holder) } catch {
            logger.warning(
                "webhooks: cannot give up a subscription's lease (it runs out by itself)", metadata: ["subscription": "\(id)", "error": "\(error)"])
        }
    }

    /// Up to ``WebhookSettings/batch`` events, stopping at the first failure (the next attempt
    /// waits for its backoff).
    func deliverLeased(_ id: String, client: HTTPClient, start: Instant) async {
        do {
            guard var subscription = try await subscriptions.subscription(id: id), subscription.deletedAt == nil,
                subscription.progress.pausedAt == nil
            else { return }
            let owner = subscription.owner
            guard try await state.tokens.isLive(id: owner.tokenID) else {
                var progress = subscription.progress
                progress.pausedAt = start
                progress.pausedReason = "the token that made this subscription (\(owner.tokenID)) was revoked"
                try await subscriptions.saveProgress(id: id, progress, attempt: nil)
                logger.notice("webhook subscription paused: its token was revoked", metadata: ["subscription": "\(id)"])
                return
            }
            let principal = Principal(tokenID: owner.tokenID, name: owner.name, role: owner.role, counsel: owner.counsel)
            let query = EventFeed.Query(
                after: subscription.progress.acknowledged, types: subscription.types.map(Set.init),
                cases: subscription.cases.map { Set($0.map { CaseRecord.ID($0) }) }, limit: settings.batch)
            let page = try await EventFeed.page(state, scope: try await state.scopeNow(principal), query: query)
            for item in page.items {
                // The lease is renewed before each attempt; lost (this instance stalled past it), the round ends.
                let renewal = now()
                guard
                    try await subscriptions.lease(
                        id, holder: settings.holder, until: renewal.adding(milliseconds: WebhookSettings.milliseconds(settings.lease)),
                        now: renewal)
                else { return }
                let attempt = await self.attempt(item, subscription, client: client)
                var progress = subscription.progress
                if attempt.acknowledged {
                    progress = Subscription.Progress(acknowledged: item.seq)
                    try await subscriptions.saveProgress(id: id, progress, attempt: attempt)
                    subscription.progress = progress
                    try await EventRoutes.logReads([item], principal: principal, state: state, route: "webhook \(id)")
                    continue
                }
                progress.attempts += 1
                progress.lastError = attempt.error
                let failingSince = progress.failingSince ?? attempt.at
                progress.failingSince = failingSince
                let wait = settings.delay(afterFailures: progress.attempts, random: Double.random(in: 0..<1))
                progress.nextAttemptAt = attempt.at.adding(milliseconds: WebhookSettings.milliseconds(wait))
                if attempt.at.epochMilliseconds - failingSince.epochMilliseconds >= WebhookSettings.milliseconds(settings.pauseAfter) {
                    progress.pausedAt = attempt.at
                    progress.pausedReason =
                        "deliveries have failed since \(failingSince) (\(progress.attempts) attempts); last error: \(attempt.error ?? "unknown")"
                    logger.warning(
                        "webhook subscription paused after a day of failures", metadata: ["subscription": "\(id)", "error": "\(attempt.error ?? "")"])
                }
                try await subscriptions.saveProgress(id: id, progress, attempt: attempt)
                return
            }
            // Every event of the page was delivered; those after it up to the cursor were not for
            // this subscription: move past them too, so they are not read again.
            if page.next > subscription.progress.acknowledged, page.items.count < settings.batch {
                var progress = subscription.progress
                progress.acknowledged = page.next
                try await subscriptions.saveProgress(id: id, progress, attempt: nil)
            }
        } catch {
            logger.warning("webhooks: delivering a subscription failed", metadata: ["subscription": "\(id)", "error": "\(error)"])
        }
    }

    /// One POST of one event: the Standard Webhooks headers, the JSON body
    /// `{"type", "timestamp", "data"}` (data: the feed item), an answer within the timeout.
    func attempt(_ item: EventFeed.Item, _ subscription: Subscription, client: HTTPClient) async -> DeliveryAttempt {
        let at = now()
        let started = ContinuousClock.now
        let attemptNumber = subscription.progress.attempts + 1
        func result(_ status: Int?, _ error: String?) -> DeliveryAttempt {
            let elapsed = ContinuousClock.now - started
            return DeliveryAttempt(
                subscription: subscription.id, seq: item.seq, attempt: attemptNumber, at: at, status: status,
                error: error.map { String($0.prefix(500)) }, milliseconds: Int(WebhookSettings.milliseconds(elapsed)))
        }
        let url: WebhookURL
        let address: [UInt8]
        do {
            url = try WebhookURL(subscription.url)
            let policy = settings.addresses
            address = try await url.resolveOffPool(policy)
        } catch let refusal as WebhookRefusal {
            return result(nil, "refused: \(refusal.description)")
        } catch {
            return result(nil, "refused: \(error)")
        }
        let body = JSONValue.object(["type": .string(item.type), "timestamp": item.json["recordedAt"] ?? .null, "data": item.json]).canonicalString
        let timestamp = at.epochMilliseconds / 1_000
        let webhookID = String(item.seq)
        guard let signature = WebhookSignature.sign(id: webhookID, timestamp: timestamp, body: Array(body.utf8), secret: subscription.secret) else {
            return result(nil, "the subscription's secret is not a whsec_ secret")
        }
        let (target, hostHeader) = url.pinned(to: address)
        var request = HTTPClientRequest(url: target)
        request.method = .POST
        if let hostHeader { request.headers.replaceOrAdd(name: "Host", value: hostHeader) }
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "Corridor-Webhooks/1")
        request.headers.add(name: "webhook-id", value: webhookID)
        request.headers.add(name: "webhook-timestamp", value: String(timestamp))
        request.headers.add(name: "webhook-signature", value: signature)
        request.body = .bytes(ByteBuffer(string: body))
        do {
            let response = try await client.execute(request, timeout: .milliseconds(WebhookSettings.milliseconds(settings.requestTimeout)))
            let status = Int(response.status.code)
            // The answer's body is read (and dropped) so the connection can be reused; its size is bounded.
            _ = try? await response.body.collect(upTo: 64 * 1024)
            switch status {
            case 200..<300: return result(status, nil)
            case 300..<400:
                let location = response.headers.first(name: "Location").map { " to \($0.prefix(200))" } ?? ""
                return result(status, "HTTP \(status): redirects\(location) are not followed")
            default: return result(status, "HTTP \(status)")
            }
        } catch {
            return result(nil, "\(error)")
        }
    }
}
