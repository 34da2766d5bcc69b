import CorridorDomain
import CorridorStore

/// What `corridor serve` does on its first start with an empty store: records the reference
/// network, a synthetic caseload (labelled synthetic), the synthetic demo transfers and a first
/// admin token, so that a newcomer has a working system.
///
/// Deciding "empty" and seeding are one step under the store's setup lock
/// (``EventStore/withExclusiveSetup(_:)``): several instances started at once on one empty
/// PostgreSQL database seed it exactly once; the others wait, find it seeded and seed nothing.
public enum FirstStart {
    /// What one first start recorded.
    public struct Seeded: Sendable {
        /// The first admin token's secret, shown once (the store keeps only its hash).
        public var adminSecret: String
        /// The demo transfers' ids (empty when no synthetic cases were asked for).
        public var demoTransfers: [String]
    }

    /// Seeds `store` when it holds no events; nil when it held some (seeded earlier, or by
    /// another instance while this one waited for the setup lock). `willSeed` is called, under
    /// the lock, just before seeding begins (for a log line).
    public static func seedIfEmpty<Store: EventStore & TokenStore>(
        _ store: Store, cases: Int, now: @escaping @Sendable () -> Instant, context: (_ actor: String) -> AppendContext,
        willSeed: () -> Void = {}
    ) async throws -> Seeded? {
        try await store.withExclusiveSetup { () async throws -> Seeded? in
            // The head, not `summary()`: counting every table read a large store's pages at each start.
            guard try await store.head().seq == 0 else { return nil }
            willSeed()
            _ = try await Seeding.seedReference(into: store, context: context("seed:reference"))
            var demoTransfers: [String] = []
            if cases > 0 {
                _ = try await Seeding.seedSynthetic(count: cases, seed: 1, into: store, context: context("seed:synthetic"))
                demoTransfers = try await DemoOperations.seed(into: store, now: now(), context: context("seed:demo")).transfers
            }
            let admin = try await Tokens.issue(name: "first admin", role: .admin, in: store, context: context("serve:first-start"))
            return Seeded(adminSecret: admin.secret, demoTransfers: demoTransfers)
        }
    }
}
