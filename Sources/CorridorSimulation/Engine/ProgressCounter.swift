import Synchronization

/// Simulated days completed across every replication in flight, for progress reports.
final class ProgressCounter: Sendable {
    private let days = Atomic<Int>(0)

    func add(days count: Int) {
        if count > 0 { days.add(count, ordering: .relaxed) }
    }

    var simulatedDays: Int { days.load(ordering: .relaxed) }
}
