import CorridorDomain
import CorridorSimulation
import Foundation
import Hummingbird

/// `/simulate`: the reference scenario with the knobs an analyst turns (capacities, the
/// policy's waiting periods and thresholds, injunction rate, horizon), run in a bounded number
/// of replications under a time limit, with the chart and the summary table. A GET form: it
/// changes nothing, so it needs no sign-in and no CSRF token.
enum SimulatePage {
    /// Small enough for a page: a few seconds at most on two cores.
    static let limits = SimulationLimits(
        maximumRuns: 20, maximumHorizonDays: 3_650, maximumExpectedPeople: 2_000_000,
        maximumFlights: 500_000, maximumInjunctionsPerYear: 52)

    static func route(_ runner: SimulationRunner) -> RouteSpec {
        RouteSpec(
            method: .get, path: "/simulate", access: .anyone, tag: "pages",
            summary: "Run the network simulator on the reference scenario with your capacities and policy (bounded, time-limited)",
            parameters: [
                .query("run", "1 to run the scenario; otherwise only the form is shown"),
                .integer("runs", "Replications, 1–20 (default 5)", in: 1...Int64(limits.maximumRuns)),
                .integer("seed", "Seed (default 1)", in: 0...1_000_000_000_000_000),
                .integer("horizonDays", "Days simulated", in: 30...Int64(limits.maximumHorizonDays)),
                .query("injunctionsPerYear", "Injunction rate", schema: "number"),
                .query("noticeDays", "Policy: notice days", schema: "number"), .query("screeningDays", "Policy: screening days", schema: "number"),
                .query("waitAfterNegativeDays", "Policy: wait after a negative screening", schema: "number"),
                .query("riskThreshold", "Policy: country-risk threshold (empty for none)", schema: "number"),
                .query("blockChainRefoulement", "Policy: block chain refoulement (on/off)"),
                .integer("cap.<arrangement>", "Capacity per month of an arrangement", in: 0...100_000),
            ],
            success: (200, "html"), showsFormProblems: true,
            unavailable: "Every simulation slot and the queue are taken; retry after Retry-After seconds"
        ) { request, context in
            let deadline = ContinuousClock.now + runner.timeLimit  // the wait for a turn counts
            var problems: [String] = []
            var busy: SimulationRunner.Busy?
            var scenario = try Scenario.reference
            func number(_ name: String, _ range: ClosedRange<Double>) -> Double? {
                guard let text = request.query(name) else { return nil }
                guard let value = Double(text), range.contains(value) else {
                    problems.append(
                        "\(name): '\(text.prefix(20))' must be a number from \(range.lowerBound.formatted()) to \(range.upperBound.formatted())")
                    return nil
                }
                return value
            }
            let runs = Int(number("runs", 1...Double(limits.maximumRuns)) ?? 5)
            let seed = UInt64(number("seed", 0...1e15) ?? 1)
            if let horizon = number("horizonDays", 30...Double(limits.maximumHorizonDays)) { scenario.horizonDays = Int(horizon) }
            if let rate = number("injunctionsPerYear", 0...limits.maximumInjunctionsPerYear) { scenario.injunctions.ratePerYear = rate }
            if let days = number("noticeDays", 0...365) { scenario.policy.noticeDays = days }
            if let days = number("screeningDays", 0...365) { scenario.policy.screeningDays = days }
            if let days = number("waitAfterNegativeDays", 0...365) { scenario.policy.waitAfterNegativeDays = days }
            if request.uri.queryParameters["riskThreshold"] != nil {
                scenario.policy.riskThreshold = request.query("riskThreshold") == nil ? nil : number("riskThreshold", 0...1)
            }
            let run = request.query("run") == "1"
            if run { scenario.policy.blockChainRefoulement = request.query("blockChainRefoulement") == "on" }
            for index in scenario.arrangements.indices {
                if let cap = number("cap.\(scenario.arrangements[index].id.rawValue)", 0...100_000) {
                    scenario.arrangements[index].capacityPerMonth = Int(cap)
                }
            }
            var data: [String: Any] = form(scenario, runs: runs, seed: seed)
            if problems.isEmpty, run {
                do {
                    let started = ContinuousClock.now
                    let result = try await runner.run {
                        try await Simulator.interactive(
                            scenario, runs: runs, seed: seed, timeLimit: runner.timeLimit, deadline: deadline,
                            threads: 1, limits: limits, chartIDPrefix: "simulate", queue: runner.queue)
                    }
                    let elapsed = ContinuousClock.now - started
                    data["chart"] = result.svg
                    data["rows"] = rows(result.summary)
                    data["hasRows"] = true
                    data["ran"] =
                        "\(runs) replication\(runs == 1 ? "" : "s") (seeds \(seed)–\(seed + UInt64(runs) - 1)) in \(elapsed.formatted(.units(allowed: [.seconds, .milliseconds], width: .abbreviated)))"
                } catch let error as SimulationError {
                    problems.append(error.summary)
                    problems += error.problems.map { "\($0)" }
                } catch let error as SimulationRunner.Busy {
                    busy = error
                    problems.append(
                        "The simulator is busy with other visitors' runs; nothing was run. Try again in \(error.retryAfterSeconds) seconds.")
                }
            }
            if !problems.isEmpty { data["problems"] = problems.map { ["text": $0] } }
            var response = PageRoutes.html(
                request, context, "simulate", title: "Simulate the network", data,
                status: busy != nil ? .serviceUnavailable : problems.isEmpty ? .ok : .badRequest)
            if let busy { response.headers[.retryAfter] = String(busy.retryAfterSeconds) }
            return response
        }
    }

    static func form(_ scenario: Scenario, runs: Int, seed: UInt64) -> [String: Any] {
        [
            "runs": String(runs), "seed": String(seed), "horizonDays": String(scenario.horizonDays),
            "injunctionsPerYear": clean(scenario.injunctions.ratePerYear), "noticeDays": clean(scenario.policy.noticeDays),
            "screeningDays": clean(scenario.policy.screeningDays), "waitAfterNegativeDays": clean(scenario.policy.waitAfterNegativeDays),
            "riskThreshold": scenario.policy.riskThreshold.map(clean) ?? "", "blockChainRefoulement": scenario.policy.blockChainRefoulement,
            "maxRuns": String(limits.maximumRuns),
            "arrangements": scenario.arrangements.map { ["id": $0.id.rawValue, "partner": $0.partner.rawValue, "cap": String($0.capacityPerMonth)] },
        ]
    }

    static func rows(_ summary: SimulationSummary) -> [[String: Any]] {
        var rows: [[String: Any]] = summary.outputs.map { named in
            ["name": named.name, "mean": format(named.estimate.mean), "interval": interval(named.estimate)]
        }
        rows += summary.byArrangement.map { entry in
            ["name": "carried by \(entry.id.rawValue)", "mean": format(entry.estimate.mean), "interval": interval(entry.estimate)]
        }
        return rows
    }

    static func interval(_ estimate: Estimate) -> String {
        guard let lower = estimate.lower, let upper = estimate.upper else { return "—" }
        return "\(format(lower)) – \(format(upper))"
    }

    static func format(_ value: Double?) -> String {
        guard let value else { return "—" }
        if abs(value) >= 1000 { return value.groupedWhole }
        return String(format: "%.1f", value)
    }

    static func clean(_ value: Double) -> String {
        Int(exactly: value).map { String($0) } ?? String(value)
    }
}
