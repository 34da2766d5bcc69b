/// R replications of a scenario: each run, the summary of every output, and the mean daily
/// series.
public struct SimulationReport: Sendable {
    public var scenario: Scenario
    /// S: replication i used seed S + i.
    public var seed: UInt64
    public var runs: [RunResult]
    public var summary: SimulationSummary
    public var meanSeries: MeanDailySeries

    public init(scenario: Scenario, seed: UInt64, runs: [RunResult]) {
        self.scenario = scenario
        self.seed = seed
        self.runs = runs
        summary = SimulationSummary(runs.map(\.outputs))
        meanSeries = MeanDailySeries(runs)
    }
}
