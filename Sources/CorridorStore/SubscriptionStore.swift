import CorridorDomain

/// A webhook subscription: where to deliver which events, for whom, and how far delivery has
/// got. Deliveries carry what the token that made it may see, nothing more.
public struct Subscription: Sendable, Equatable {
    /// Who made it: the token's id, name and role (and for counsel, the name it is bound to).
    /// Deliveries are filtered to what this token may see, and stop if it is revoked.
    public struct Owner: Sendable, Equatable {
        public var tokenID: String
        public var name: String
        public var role: Role
        public var counsel: String?
        public init(tokenID: String, name: String, role: Role, counsel: String?) {
            self.tokenID = tokenID
            self.name = name
            self.role = role
            self.counsel = counsel
        }
    }

    /// Where delivery stands. Kept in the store, so a restart resumes from `acknowledged`.
    public struct Progress: Sendable, Equatable {
        /// Every event up to this `seq` has been delivered (a 2xx answer) or was not for this
        /// subscription.
        public var acknowledged: Int64
        /// Failed attempts at the next event, in a row.
        public var attempts: Int
        /// Since when deliveries have been failing (nil while they succeed).
        public var failingSince: Instant?
        /// Not before this instant is the next attempt made.
        public var nextAttemptAt: Instant?
        /// Paused: no deliveries until resumed; `pausedReason` says why.
        public var pausedAt: Instant?
        public var pausedReason: String?
        public var lastError: String?
        public init(
            acknowledged: Int64, attempts: Int = 0, failingSince: Instant? = nil, nextAttemptAt: Instant? = nil, pausedAt: Instant? = nil,
            pausedReason: String? = nil, lastError: String? = nil
        ) {
            self.acknowledged = acknowledged
            self.attempts = attempts
            self.failingSince = failingSince
            self.nextAttemptAt = nextAttemptAt
            self.pausedAt = pausedAt
            self.pausedReason = pausedReason
            self.lastError = lastError
        }
    }

    public var id: String
    public var url: String
    /// Only these event types (nil: every type the owner may see).
    public var types: [String]?
    /// Only events about these cases (nil: every case the owner may see).
    public var cases: [String]?
    /// The signing secret, `whsec_<base64>`: shown once at creation; kept to sign deliveries.
    public var secret: String
    public var owner: Owner
    public var createdAt: Instant
    public var deletedAt: Instant?
    public var progress: Progress

    public init(
        id: String, url: String, types: [String]?, cases: [String]?, secret: String, owner: Owner, createdAt: Instant,
        deletedAt: Instant? = nil, progress: Progress
    ) {
        self.id = id
        self.url = url
        self.types = types
        self.cases = cases
        self.secret = secret
        self.owner = owner
        self.createdAt = createdAt
        self.deletedAt = deletedAt
        self.progress = progress
    }
}

/// One delivery attempt, as the per-subscription delivery log keeps it.
public struct DeliveryAttempt: Sendable, Equatable {
    public var subscription: String
    public var seq: Int64
    /// 1 for the first try of this event, 2 for the first retry, …
    public var attempt: Int
    public var at: Instant
    /// The HTTP status the receiver answered (nil when there was no answer).
    public var status: Int?
    /// Why the attempt failed (nil when acknowledged).
    public var error: String?
    public var milliseconds: Int

    public init(subscription: String, seq: Int64, attempt: Int, at: Instant, status: Int?, error: String?, milliseconds: Int) {
        self.subscription = subscription
        self.seq = seq
        self.attempt = attempt
        self.at = at
        self.status = status
        self.error = error
        self.milliseconds = milliseconds
    }

    public var acknowledged: Bool { error == nil }
}

/// Where webhook subscriptions and their delivery state live: in the store, beside the log, so
/// that deliveries resume after a restart from the last acknowledged `seq`.
///
/// Implemented by every store. With several server instances on one database (PostgreSQL),
/// ``lease(_:holder:until:now:)`` makes exactly one of them deliver each subscription.
public protocol SubscriptionStore: Sendable {
    /// Stores a new subscription (its id must be new).
    func createSubscription(_ subscription: Subscription) async throws
    /// Every subscription not deleted, oldest first.
    func subscriptions() async throws -> [Subscription]
    /// One subscription, deleted or not.
    func subscription(id: String) async throws -> Subscription?
    /// Marks a subscription deleted (its delivery log stays); false when there is no live one.
    func deleteSubscription(id: String, at: Instant) async throws -> Bool
    /// Saves where delivery stands and, in the same transaction, the attempt that got it there.
    func saveProgress(id: String, _ progress: Subscription.Progress, attempt: DeliveryAttempt?) async throws
    /// The newest attempts first, at most `limit`.
    func deliveries(subscription id: String, limit: Int) async throws -> [DeliveryAttempt]
    /// Takes (or renews) the right to deliver `id` until `until`, for `holder`; false while
    /// another holder's lease has not run out at `now`.
    func lease(_ id: String, holder: String, until: Instant, now: Instant) async throws -> Bool
    /// Gives the lease up (when `holder` holds it), so another instance — or this one after a
    /// restart — may deliver at once; a lease not given up (a crash) runs out at its `until`.
    func releaseLease(_ id: String, holder: String) async throws
}

extension SubscriptionStore {
    /// Delivery attempts kept per subscription: older ones are dropped (the event log itself
    /// is never touched).
    public static var deliveriesKept: Int { 1_000 }
}
