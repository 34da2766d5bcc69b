import CorridorDomain
import CorridorStore

/// The fixed time tests record at: stores never read a clock, so neither do tests.
public enum TestClock {
    /// 2025-06-01T12:00:00Z.
    public static let instant = Instant(epochMilliseconds: 1_748_779_200_000)
}

extension AppendContext {
    /// An append by the actor `test` at ``TestClock/instant``.
    public static let test = AppendContext(actor: "test", recordedAt: TestClock.instant)

    /// An append by `actor` at ``TestClock/instant``.
    public static func test(actor: String) -> AppendContext {
        AppendContext(actor: actor, recordedAt: TestClock.instant)
    }
}
