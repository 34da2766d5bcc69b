/// One replication: its seed, its outputs, its daily series and its injunction periods.
public struct RunResult: Sendable, Equatable {
    /// i in 0..<R.
    public var replication: Int
    /// S + i.
    public var seed: UInt64
    public var outputs: RunOutputs
    public var series: DailySeries
    public var injunctionPeriods: [InjunctionPeriod]
}
