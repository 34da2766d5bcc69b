import ArgumentParser
import CorridorSimulation
import Foundation
import Synchronization

struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Simulate a third-country removal network: is it viable, at what cost, and whom does it put at risk?",
        discussion: """
            Runs R independent replications of the model described in docs/simulation.md in parallel on every core, then prints the mean and 95% confidence interval of every output. Replication i uses seed S+i, so a seed always gives the same results, whatever the number of threads.

            A scenario with errors is refused with every problem listed, each naming its JSON path (e.g. arrangements[2].capacityPerMonth: must not be negative); the command then exits 2.

            Outputs: created, removedHome, removedThirdCountry, byArrangement, onwardReturns, refoulementEvents, positiveScreenings, stuckAtEnd, backlogAtEnd, totalCostUSD, costPerThirdCountryRemovalUSD, meanDaysToRemoval.

            --json prints {"runs": [...], "summary": {...}}. --out DIR writes summary.json (the same document), run-NNNN.json and series-NNNN.csv per replication (daily backlog, cumulative removals home and to third countries, people created, share of the day under an injunction), series-mean.csv, and chart.svg (the mean series, injunction periods shaded).

            Examples:
              corridor simulate --scenario network-2025 --runs 20 --seed 1
              corridor simulate my-scenario.json --runs 100 --seed 7 --out results --json
            """
    )

    @Argument(help: ArgumentHelp("A scenario file (JSON, shape in docs/simulation.md).", valueName: "scenario.json"))
    var scenarioFile: String?

    @Option(
        name: .customLong("scenario"),
        help: ArgumentHelp(
            "A scenario shipped with Corridor instead of a file (\(Scenario.bundledNames.joined(separator: ", "))).", valueName: "name"))
    var bundled: String?

    @Option(name: .long, help: ArgumentHelp("Number of replications R.", valueName: "R"))
    var runs: Int = 20

    @Option(name: .long, help: ArgumentHelp("Seed S: replication i uses S+i.", valueName: "S"))
    var seed: UInt64 = 1

    @Option(name: .long, help: ArgumentHelp("Write per-run JSON, daily series as CSV and an SVG chart to this directory.", valueName: "dir"))
    var out: String?

    @Option(name: .long, help: ArgumentHelp("Worker threads (default: every core). Results do not depend on it.", valueName: "n"))
    var threads: Int?

    @Flag(name: .long, help: "Print JSON instead of the table.")
    var json = false

    func validate() throws {
        switch (scenarioFile, bundled) {
        case (nil, nil): throw ValidationError("give a scenario file or --scenario NAME (\(Scenario.bundledNames.joined(separator: ", ")))")
        case (.some, .some): throw ValidationError("give either a scenario file or --scenario, not both")
        default: break
        }
        try CommandLimits.check("--runs", runs, in: 1...100_000)
        if let threads { try CommandLimits.check("--threads", threads, in: 1...1_024) }
    }

    func run() throws {
        let scenario = try loadScenario()
        let report: SimulationReport
        do {
            report = try Simulator.replicate(scenario, runs: runs, seed: seed, threads: threads, progress: Self.progressPrinter())
        } catch {
            throw CLIError(error.description)
        }
        if json {
            print(report.json.text())
        } else {
            print(report.summaryTable())
        }
        if let out {
            let count = try write(report, to: out)
            let note = "wrote \(count) files to \(out)"
            if json { Edge.printError(note) } else { print("\n" + note) }
        }
    }

    private func loadScenario() throws -> Scenario {
        do {
            if let bundled { return try Scenario.bundled(bundled) }
            return try Scenario(contentsOf: scenarioFile!)
        } catch {
            Edge.printError("corridor simulate: \(scenarioFile ?? bundled ?? ""): \(error.description)")
            throw ExitCode(error.code == .invalidScenario ? 2 : 1)
        }
    }

    /// Progress lines on standard error once the work has taken more than a second.
    private static func progressPrinter() -> @Sendable (SimulationProgress) -> Void {
        struct Printed { var last: Duration?, finished = false }
        let printed = Mutex(Printed())
        return { progress in
            guard progress.elapsed >= .seconds(1) else { return }
            let finished = progress.completedRuns == progress.totalRuns
            let due = printed.withLock { state in
                guard !state.finished else { return false }
                guard finished || state.last.map({ progress.elapsed - $0 >= .seconds(1) }) ?? true else { return false }
                state.last = progress.elapsed
                state.finished = finished
                return true
            }
            guard due else { return }
            let seconds = Double(progress.elapsed.components.seconds) + Double(progress.elapsed.components.attoseconds) / 1e18
            Edge.printError(
                String(
                    format: "simulate: %d of %d replications done, %.0f%% of simulated days, %.1f s",
                    progress.completedRuns, progress.totalRuns, progress.fractionDone * 100, seconds))
        }
    }

    /// Writes the files of --out and returns how many.
    private func write(_ report: SimulationReport, to directory: String) throws -> Int {
        let manager = FileManager.default
        do {
            try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw CLIError("cannot create the directory '\(directory)': \(error.localizedDescription)")
        }
        let width = max(4, String(report.runs.count - 1).count)
        var files: [(String, String)] = [
            ("summary.json", report.json.text() + "\n"),
            ("series-mean.csv", report.meanSeries.csv()),
            ("chart.svg", report.chartSVG()),
        ]
        for run in report.runs {
            let number = String(run.replication)
            let name = String(repeating: "0", count: max(0, width - number.count)) + number
            files.append(("run-\(name).json", run.detailedJSON.text() + "\n"))
            files.append(("series-\(name).csv", run.seriesCSV()))
        }
        for (name, contents) in files {
            let path = (directory as NSString).appendingPathComponent(name)
            do { try contents.write(toFile: path, atomically: true, encoding: .utf8) } catch {
                throw CLIError("cannot write '\(path)': \(error.localizedDescription)")
            }
        }
        return files.count
    }
}
