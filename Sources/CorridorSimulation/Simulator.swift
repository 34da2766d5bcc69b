import CorridorDomain
import Dispatch
import Foundation
import Synchronization

/// Runs the model of docs/simulation.md: one replication, or R of them in parallel on every core.
///
/// Replication i uses `SplitMix64(seed: S + i)` and nothing else random, so its result is the
/// same whatever the number of threads and whichever thread ran it.
public enum Simulator {
    /// One replication with seed `seed`.
    ///
    /// - Throws: ``SimulationError`` `invalid-scenario` when the scenario breaks the rules a
    ///   JSON scenario must pass.
    public static func run(_ scenario: Scenario, seed: UInt64, replication: Int = 0) throws(SimulationError) -> RunResult {
        var engine = Replication(scenario: try scenario.validated(), seed: seed, trace: NoTrace())
        let parts = try engine.run()
        return RunResult(
            replication: replication, seed: seed, outputs: parts.outputs, series: parts.series,
            injunctionPeriods: parts.injunctionPeriods)
    }

    /// R replications, S + i for replication i, in parallel.
    ///
    /// - Parameters:
    ///   - threads: worker threads (default: every core); results do not depend on it.
    ///   - timeLimit: stop with `time-limit-exceeded` when the replications run longer.
    ///   - progress: called (serially, from worker threads) at least every half second while
    ///     running and once at the end.
    /// - Throws: ``SimulationError`` (`invalid-scenario`, `invalid-request`, `time-limit-exceeded`).
    ///   - deadline: stop with `time-limit-exceeded` at this instant (whichever of it and
    ///     `timeLimit` comes first): a caller that waited before starting counts that wait.
    ///   - cancellation: stop with `cancelled` once it is set.
    public static func replicate(
        _ scenario: Scenario, runs: Int, seed: UInt64, threads: Int? = nil, timeLimit: Duration? = nil,
        deadline callerDeadline: ContinuousClock.Instant? = nil, cancellation: SimulationCancellation? = nil,
        progress: (@Sendable (SimulationProgress) -> Void)? = nil
    ) throws(SimulationError) -> SimulationReport {
        guard runs >= 1 else { throw SimulationError(code: .invalidRequest, summary: "the number of runs must be at least 1") }
        let scenario = try scenario.validated()
        let clock = ContinuousClock()
        let started = clock.now
        let deadline = [timeLimit.map { started + $0 }, callerDeadline].compactMap { $0 }.min()
        if let deadline, started >= deadline {
            throw SimulationError(code: .timeLimitExceeded, summary: "the simulation did not start within its time limit")
        }
        let workers = max(1, min(threads ?? ProcessInfo.processInfo.activeProcessorCount, runs))
        let board = ReplicationBoard(runs: runs)
        let totalDays = runs * scenario.horizonDays

        let report: @Sendable () -> Void = {
            guard let progress else { return }
            board.reporting.withLock { _ in
                progress(
                    SimulationProgress(
                        completedRuns: board.completed.load(ordering: .relaxed), totalRuns: runs,
                        simulatedDays: board.counter.simulatedDays, totalDays: totalDays, elapsed: clock.now - started))
            }
        }
        let timer = progress == nil ? nil : DispatchSource.makeTimerSource(queue: .global())
        if let timer {
            timer.schedule(deadline: .now() + .milliseconds(500), repeating: .milliseconds(500))
            timer.setEventHandler(handler: report)
            timer.resume()
        }

        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while !board.stopped.load(ordering: .relaxed) {
                let index = board.next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard index < runs else { return }
                let runSeed = seed &+ UInt64(index)
                var engine = Replication(
                    scenario: scenario, seed: runSeed, trace: NoTrace(), deadline: deadline,
                    cancellation: cancellation, progress: board.counter)
                do throws(SimulationError) {
                    let parts = try engine.run()
                    let result = RunResult(
                        replication: index, seed: runSeed, outputs: parts.outputs, series: parts.series,
                        injunctionPeriods: parts.injunctionPeriods)
                    board.results.withLock { $0[index] = result }
                    board.completed.add(1, ordering: .relaxed)
                } catch {
                    board.failure.withLock { $0 = $0 ?? error }
                    board.stopped.store(true, ordering: .relaxed)
                }
            }
        }
        timer?.cancel()
        if let failure = board.failure.withLock({ $0 }) {
            let done = board.completed.load(ordering: .relaxed)
            throw SimulationError(
                code: failure.code,
                summary: "\(failure.summary) (\(done) of \(runs) replications finished in \(Self.seconds(clock.now - started)))",
                problems: failure.problems)
        }
        report()
        let results = board.results.withLock { $0.map { $0! } }
        return SimulationReport(scenario: scenario, seed: seed, runs: results)
    }

    static func seconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        return String(format: "%.1f s", Double(seconds) + Double(attoseconds) / 1e18)
    }
}

/// How far the replications have got.
public struct SimulationProgress: Sendable {
    public var completedRuns: Int
    public var totalRuns: Int
    /// Simulated days over every replication (finished or running).
    public var simulatedDays: Int
    public var totalDays: Int
    public var elapsed: Duration

    /// In [0, 1].
    public var fractionDone: Double { totalDays == 0 ? 1 : min(1, Double(simulatedDays) / Double(totalDays)) }
}

/// Shared state of the worker threads.
private final class ReplicationBoard: Sendable {
    let next = Atomic<Int>(0)
    let completed = Atomic<Int>(0)
    let stopped = Atomic<Bool>(false)
    let results: Mutex<[RunResult?]>
    let failure = Mutex<SimulationError?>(nil)
    let reporting = Mutex(())
    let counter = ProgressCounter()

    init(runs: Int) { results = Mutex(Array(repeating: nil, count: runs)) }
}

/// A flag a caller sets to stop running replications (checked every few thousand events).
public final class SimulationCancellation: Sendable {
    private let flag = Atomic<Bool>(false)
    public init() {}
    public func cancel() { flag.store(true, ordering: .relaxed) }
    public var isCancelled: Bool { flag.load(ordering: .relaxed) }
}
