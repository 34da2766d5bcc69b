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
    /// caller's thread or Swift's cooperative pool), and returns the summary, the mean daily
    /// series and the SVG chart.
    ///
    /// - Parameters:
    ///   - deadline: the instant by which it must have finished, counted from when the caller
    ///     was asked (time spent waiting for a turn counts); at most `timeLimit` after it starts.
    ///   - threads: worker threads (default: every core). A server gives its pages one, so the
    ///     other cores keep answering requests.
    ///   - queue: where the run starts. A server passes a queue of its own: Dispatch's global
    ///     queues have about one thread per core, which its store reads need.
    /// - Throws: ``SimulationError`` with `invalid-scenario`, `scenario-too-large` (each
    ///   exceeded limit as a problem naming its path), `invalid-request`,
    ///   `time-limit-exceeded`, or `cancelled` when the calling task is cancelled.
    public static func interactive(
        _ scenario: Scenario, runs: Int, seed: UInt64 = 1, timeLimit: Duration, deadline: ContinuousClock.Instant? = nil,
        threads: Int? = nil, limits: SimulationLimits = .interactive, chartIDPrefix: String = "simulation-chart",
        queue: DispatchQueue = .global(qos: .userInitiated)
    ) async throws(SimulationError) -> InteractiveSimulation {
        let scenario = try scenario.validated()
        let problems = limits.problems(scenario, runs: runs)
        guard problems.isEmpty else {
            throw SimulationError(
                code: .scenarioTooLarge, summary: "the scenario exceeds the limits of an interactive simulation", problems: problems)
        }
        let cancellation = SimulationCancellation()
        let result: Result<InteractiveSimulation, SimulationError> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                queue.async {
                    do throws(SimulationError) {
                        let report = try replicate(
                            scenario, runs: runs, seed: seed, threads: threads, timeLimit: timeLimit,
                            deadline: deadline, cancellation: cancellation)
                        continuation.resume(returning: .success(InteractiveSimulation(report: report, svg: report.chartSVG(idPrefix: chartIDPrefix))))
                    } catch {
                        continuation.resume(returning: .failure(error))
                    }
                }
            }
        } onCancel: {
            cancellation.cancel()
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
