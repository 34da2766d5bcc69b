import Dispatch

/// What an interactive caller (the /simulate page) gets: the report (summary, runs, mean daily
/// series) and the chart.
public struct InteractiveSimulation: Sendable {
    public var report: SimulationReport
    /// The chart of the mean series, as a self-contained SVG document.
    public var svg: String

    public var summary: SimulationSummary { report.summary }
    public var series: MeanDailySeries { report.meanSeries }
}

extension Simulator {
    /// Validates a scenario against `limits`, runs it on a Dispatch queue (never blocking the
    /// caller's thread), and returns the summary, the mean daily series and the SVG chart.
    ///
    /// - Throws: ``SimulationError`` with `invalid-scenario`, `scenario-too-large` (each
    ///   exceeded limit as a problem naming its path), `invalid-request` or
    ///   `time-limit-exceeded`.
    public static func interactive(
        _ scenario: Scenario, runs: Int, seed: UInt64 = 1, timeLimit: Duration, limits: SimulationLimits = .interactive,
        chartIDPrefix: String = "simulation-chart"
    ) async throws(SimulationError) -> InteractiveSimulation {
        let scenario = try scenario.validated()
        let problems = limits.problems(scenario, runs: runs)
        guard problems.isEmpty else {
            throw SimulationError(code: .scenarioTooLarge, summary: "the scenario exceeds the limits of an interactive simulation", problems: problems)
        }
        let result: Result<InteractiveSimulation, SimulationError> = await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                do throws(SimulationError) {
                    let report = try replicate(scenario, runs: runs, seed: seed, timeLimit: timeLimit)
                    continuation.resume(returning: .success(InteractiveSimulation(report: report, svg: report.chartSVG(idPrefix: chartIDPrefix))))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }

    /// Parses the scenario JSON first (every problem at once), then runs ``interactive(_:runs:seed:timeLimit:limits:chartIDPrefix:)``.
    public static func interactive(
        json: String, runs: Int, seed: UInt64 = 1, timeLimit: Duration, limits: SimulationLimits = .interactive,
        chartIDPrefix: String = "simulation-chart"
    ) async throws(SimulationError) -> InteractiveSimulation {
        try await interactive(Scenario(json: json), runs: runs, seed: seed, timeLimit: timeLimit, limits: limits, chartIDPrefix: chartIDPrefix)
    }
}
