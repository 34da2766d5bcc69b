/// Daily series of one replication. Entry `d` (0 ≤ d < H) is the state at the end of day d,
/// after every event at t < d + 1; the last entry is the state at H.
public struct DailySeries: Sendable, Equatable {
    /// People created and not yet removed, counted compartment by compartment (waiting for
    /// documents, home queue, pipelines, arrangement queues, stuck pool).
    public var backlog: [Int]
    /// Cumulative removals home.
    public var removedHome: [Int]
    /// Cumulative removals to third countries.
    public var removedThirdCountry: [Int]
    /// Cumulative people created.
    public var created: [Int]

    public init(backlog: [Int] = [], removedHome: [Int] = [], removedThirdCountry: [Int] = [], created: [Int] = []) {
        self.backlog = backlog
        self.removedHome = removedHome
        self.removedThirdCountry = removedThirdCountry
        self.created = created
    }

    /// Number of days.
    public var count: Int { backlog.count }
}

/// A stretch of time during which at least one injunction was in force: [start, end).
public struct InjunctionPeriod: Sendable, Equatable {
    public var start: Double
    public var end: Double
    public init(start: Double, end: Double) {
        self.start = start
        self.end = end
    }
}

extension Array where Element == InjunctionPeriod {
    /// For each day d of `days`, the fraction of [d, d + 1) covered by these periods.
    public func dailyCoverage(days: Int) -> [Double] {
        var coverage = [Double](repeating: 0, count: days)
        for period in self {
            let first = Swift.max(0, Int(period.start.rounded(.down)))
            let last = Swift.min(days - 1, Int(period.end.rounded(.up)) - 1)
            guard first <= last else { continue }
            for day in first...last {
                let overlap = Swift.min(period.end, Double(day + 1)) - Swift.max(period.start, Double(day))
                if overlap > 0 { coverage[day] += overlap }
            }
        }
        return coverage.map { Swift.min(1, $0) }
    }

    /// Total days covered.
    public var totalDays: Double { reduce(0) { $0 + ($1.end - $1.start) } }
}
