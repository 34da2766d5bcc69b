import CorridorDomain
import Synchronization

/// The in-memory store's webhook subscriptions (gone with the process, like everything it holds).
struct SubscriptionTables: Sendable {
    var subscriptions: [Subscription] = []
    var deliveries: [String: [DeliveryAttempt]] = [:]
    var leases: [String: (holder: String, until: Instant)] = [:]
}

extension InMemoryEventStore: SubscriptionStore {
    public func createSubscription(_ subscription: Subscription) async throws {
        try subscriptionTables.withLock { tables in
            guard !tables.subscriptions.contains(where: { $0.id == subscription.id }) else {
                throw StoreError(code: .invalidArgument, message: "a subscription '\(subscription.id)' already exists")
            }
            tables.subscriptions.append(subscription)
        }
    }

    public func subscriptions() async throws -> [Subscription] {
        subscriptionTables.withLock { $0.subscriptions.filter { $0.deletedAt == nil } }
    }

    public func subscription(id: String) async throws -> Subscription? {
        subscriptionTables.withLock { $0.subscriptions.first { $0.id == id } }
    }

    public func deleteSubscription(id: String, at: Instant) async throws -> Bool {
        subscriptionTables.withLock { tables in
            guard let index = tables.subscriptions.firstIndex(where: { $0.id == id && $0.deletedAt == nil }) else { return false }
            tables.subscriptions[index].deletedAt = at
            return true
        }
    }

    public func saveProgress(id: String, _ progress: Subscription.Progress, attempt: DeliveryAttempt?) async throws {
        try subscriptionTables.withLock { tables in
            guard let index = tables.subscriptions.firstIndex(where: { $0.id == id }) else {
                throw StoreError(code: .invalidArgument, message: "no subscription '\(id)'")
            }
            tables.subscriptions[index].progress = progress
            if let attempt {
                tables.deliveries[id, default: []].append(attempt)
                let kept = Self.deliveriesKept
                if tables.deliveries[id]!.count > kept { tables.deliveries[id]!.removeFirst(tables.deliveries[id]!.count - kept) }
            }
        }
    }

    public func deliveries(subscription id: String, limit: Int) async throws -> [DeliveryAttempt] {
        subscriptionTables.withLock { Array(($0.deliveries[id] ?? []).suffix(limit).reversed()) }
    }

    public func lease(_ id: String, holder: String, until: Instant, now: Instant) async throws -> Bool {
        subscriptionTables.withLock { tables in
            if let current = tables.leases[id], current.holder != holder, current.until > now { return false }
            tables.leases[id] = (holder, until)
            return true
        }
    }

    public func releaseLease(_ id: String, holder: String) async throws {
        subscriptionTables.withLock { tables in
            if tables.leases[id]?.holder == holder { tables.leases[id] = nil }
        }
    }
}
