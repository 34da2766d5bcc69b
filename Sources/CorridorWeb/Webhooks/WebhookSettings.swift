import CorridorDomain
import Foundation

/// How webhooks are delivered: where they may go, how often to retry, and the pace of the
/// delivery worker.
public struct WebhookSettings: Sendable {
    public var addresses: WebhookAddressPolicy
    /// The first retry waits this long; each next one twice as long, up to ``maximumDelay``,
    /// each scaled by a random factor from 0.5 to 1 (jitter), so failing receivers are not
    /// hit by every subscription at once.
    public var initialDelay: Duration
    public var maximumDelay: Duration
    /// After failing this long without a success, a subscription is paused (and says why).
    public var pauseAfter: Duration
    /// How often the worker looks for new events.
    public var poll: Duration
    public var connectTimeout: Duration
    /// A receiver must answer within this long, or the attempt failed.
    public var requestTimeout: Duration
    /// Events delivered per subscription before the worker looks at the others again.
    public var batch: Int
    /// How long this instance may hold the right to deliver a subscription: it gives it up after
    /// each round; after a crash another instance waits at most this long.
    public var lease: Duration
    /// This instance's name in leases.
    public var holder: String

    public init(
        addresses: WebhookAddressPolicy = WebhookAddressPolicy(), initialDelay: Duration = .seconds(1), maximumDelay: Duration = .seconds(3_600),
        pauseAfter: Duration = .seconds(86_400), poll: Duration = .milliseconds(250), connectTimeout: Duration = .seconds(5),
        requestTimeout: Duration = .seconds(10), batch: Int = 50, lease: Duration = .seconds(30),
        holder: String = "corridor-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
    ) {
        self.addresses = addresses
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.pauseAfter = pauseAfter
        self.poll = poll
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.batch = batch
        self.lease = lease
        self.holder = holder
    }

    /// The wait before the next attempt after `failures` failures in a row, with `random` in
    /// 0..<1 drawn by the caller: initial × 2^(failures−1), at most the maximum, × (0.5 + random/2).
    public func delay(afterFailures failures: Int, random: Double) -> Duration {
        let initial = Self.milliseconds(initialDelay), maximum = Self.milliseconds(maximumDelay)
        var delay = initial
        for _ in 1..<Swift.max(failures, 1) {
            delay *= 2
            if delay >= maximum { delay = maximum; break }
        }
        delay = Swift.min(delay, maximum)
        let factor = 0.5 + Swift.min(Swift.max(random, 0), 1) / 2
        return .milliseconds(Int64((Double(delay) * factor).rounded()))
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        let parts = duration.components
        return parts.seconds * 1_000 + parts.attoseconds / 1_000_000_000_000_000
    }
}

extension Instant {
    /// The system's wall clock, to the millisecond.
    static func wallClock() -> Instant { Instant(epochMilliseconds: Int64((Date().timeIntervalSince1970 * 1_000).rounded(.down))) }
}
