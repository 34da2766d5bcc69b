import Synchronization

/// Whether the server answers at full speed: set once the caseload is in memory and the home
/// page's figures are worked out (until then whole-caseload questions read the store, at a
/// fraction of the rate). `/readyz` reports it, so a load balancer sends traffic only to an
/// instance that is ready; `/healthz` stays liveness.
public final class Readiness: Sendable {
    private let ready = Atomic<Bool>(false)
    public let startedAt = ContinuousClock.now

    public init() {}

    public var isReady: Bool { ready.load(ordering: .acquiring) }

    public func markReady() { ready.store(true, ordering: .releasing) }
}
