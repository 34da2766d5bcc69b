import Dispatch
import Synchronization

/// Counts failed authentications per client address and says when an address must wait.
///
/// A failure is a missing, unknown or revoked token on a route that needs one, an unknown or
/// revoked token (or session cookie) on any route, and a refused page sign-in. After
/// `failures` of them within `window` of an address's first one, that address is limited until
/// the window ends: nothing it sends is authenticated, and it gets 429 with `Retry-After`.
///
/// The address is the connection's remote address: behind a reverse proxy every client shares
/// the proxy's address (and one client's failures would limit all of them), so such a
/// deployment must limit failures at the proxy instead.
///
/// Memory stays bounded: at most `maximumAddresses` are remembered; when a new address would
/// exceed that, the addresses whose window has ended are forgotten, and then, if still full,
/// the eighth with the oldest windows.
public final class AuthFailureLimiter: Sendable {
    public struct Policy: Sendable {
        /// Failures allowed in a window; 0 turns the limit off.
        public var failures: Int
        var window: Duration
        var maximumAddresses: Int

        /// Ten failures a minute: enough for a person mistyping, useless for guessing 256-bit tokens.
        public static let standard = Policy(failures: 10, window: .seconds(60), maximumAddresses: 10_000)
    }

    /// What a failure changed.
    struct Outcome: Sendable, Equatable {
        /// This failure reached the limit: the address is limited from now (log it, once per window).
        var limitedNow: Bool
        /// Failures of the address in its current window, this one included.
        var failures: Int
        /// Whole seconds until the address may try again, when it is limited.
        var retryAfter: Int?
    }

    private struct Entry {
        var started: UInt64
        var failures: Int
    }

    let policy: Policy
    private let now: @Sendable () -> UInt64
    private let entries = Mutex<[String: Entry]>([:])
    /// When the last window of any limited address ends (clock nanoseconds; 0: none ever was).
    /// Every authenticated request asks whether its address is limited; while nobody is, this
    /// answers without the lock, the dictionary or formatting the address.
    private let limitedUntil = Atomic<UInt64>(0)
    private var windowNanoseconds: UInt64 {
        let parts = policy.window.components
        return UInt64(max(0, parts.seconds)) * 1_000_000_000 + UInt64(max(0, parts.attoseconds / 1_000_000_000))
    }

    /// - Parameter now: a monotonic clock in nanoseconds (tests pass their own).
    init(policy: Policy = .standard, now: @escaping @Sendable () -> UInt64 = { DispatchTime.now().uptimeNanoseconds }) {
        self.policy = policy
        self.now = now
    }

    /// Whether any address may be limited now: when false, ``retryAfter(_:)`` is nil for all.
    var anyLimited: Bool { now() < limitedUntil.load(ordering: .relaxed) }

    /// Whole seconds until `address` may try again, or nil when it is not limited.
    func retryAfter(_ address: String) -> Int? {
        let now = self.now(), window = windowNanoseconds
        guard policy.failures > 0 else { return nil }
        return entries.withLock { entries in
            guard let entry = entries[address] else { return nil }
            guard now &- entry.started < window else {
                entries[address] = nil
                return nil
            }
            return entry.failures >= policy.failures ? Self.seconds(entry.started &+ window &- now) : nil
        }
    }

    /// Counts one failed authentication from `address`.
    @discardableResult
    func recordFailure(_ address: String) -> Outcome {
        guard policy.failures > 0 else { return Outcome(limitedNow: false, failures: 0, retryAfter: nil) }
        let now = self.now(), window = windowNanoseconds
        return entries.withLock { entries in
            var entry = entries[address].flatMap { now &- $0.started < window ? $0 : nil } ?? Entry(started: now, failures: 0)
            if entries[address] == nil, entries.count >= policy.maximumAddresses { Self.makeRoom(&entries, now: now, window: window) }
            entry.failures += 1
            entries[address] = entry
            let limited = entry.failures >= policy.failures
            if limited { limitedUntil.max(entry.started &+ window, ordering: .relaxed) }
            return Outcome(
                limitedNow: entry.failures == policy.failures, failures: entry.failures,
                retryAfter: limited ? Self.seconds(entry.started &+ window &- now) : nil)
        }
    }

    /// Addresses remembered (for tests of the bound).
    var count: Int { entries.withLock { $0.count } }

    private static func makeRoom(_ entries: inout [String: Entry], now: UInt64, window: UInt64) {
        let capacity = entries.count
        entries = entries.filter { now &- $0.value.started < window }
        guard entries.count >= capacity else { return }
        let oldest = entries.sorted { $0.value.started < $1.value.started }.prefix(max(1, capacity / 8))
        for (address, _) in oldest { entries[address] = nil }
    }

    private static func seconds(_ nanoseconds: UInt64) -> Int {
        max(1, Int((nanoseconds + 999_999_999) / 1_000_000_000))
    }
}
