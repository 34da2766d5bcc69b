import CorridorDomain
import Foundation
import Testing

@testable import CorridorSimulation

#if canImport(FoundationXML)
import FoundationXML
#endif

struct ReportTests {
    @Test("Estimates: mean, sample standard deviation and a Student-t 95% interval")
    func estimate() throws {
        let estimate = Estimate([1, 2, 3, 4])
        #expect(estimate.mean == 2.5 && estimate.count == 4)
        let deviation = try #require(estimate.standardDeviation)
        #expect(abs(deviation - 1.2910) < 1e-4)
        #expect(abs(try #require(estimate.upper) - (2.5 + 3.182 * deviation / 2)) < 1e-9)
        #expect(Estimate([7]).mean == 7 && Estimate([7]).lower == nil)
        #expect(Estimate([]).mean == nil)
        #expect(abs(Estimate.studentT975(degreesOfFreedom: 40) - 2.021) < 0.001)
        #expect(abs(Estimate.studentT975(degreesOfFreedom: 120) - 1.980) < 0.001)
    }

    private func report() throws -> SimulationReport {
        try Simulator.replicate(
            TestScenarios.scenario(
                horizonDays: 120, initialBacklog: 800, arrivalsPerDay: 5, injunctions: Scenario.Injunctions(ratePerYear: 20, meanDays: 10),
                nationalities: [TestScenarios.nationality(acceptance: 0.5, protectedShare: 0.1)],
                arrangements: [TestScenarios.arrangement("only", capacityPerMonth: 40, repatriationRate: 0.5, costPerPersonUSD: 100)]),
            runs: 5, seed: 1)
    }

    @Test("--json: {\"runs\": [...], \"summary\": {...}} with the outputs named as in docs/simulation.md")
    func json() throws {
        let report = try report()
        let parsed = try JSONParser.parse(report.json.text())
        let names = [
            "created", "removedHome", "removedThirdCountry", "byArrangement", "onwardReturns", "refoulementEvents", "positiveScreenings",
            "stuckAtEnd", "backlogAtEnd", "totalCostUSD", "costPerThirdCountryRemovalUSD", "meanDaysToRemoval",
        ]
        guard case .object(let root) = parsed, case .array(let runs) = root["runs"], case .object(let summary) = root["summary"] else {
            Issue.record("unexpected shape")
            return
        }
        #expect(Set(root.keys) == ["runs", "summary"])
        #expect(runs.count == 5)
        guard case .object(let first) = runs[0] else { return }
        #expect(Set(first.keys) == Set(names + ["seed"]))
        #expect(first["seed"] == 1)
        #expect(first["byArrangement"]?["only"] != nil)
        #expect(Set(summary.keys) == Set(names))
        #expect(summary["created"]?["n"] == 5)
        guard case .array(let interval) = summary["created"]?["ci95"] else { Issue.record("no interval"); return }
        #expect(interval.count == 2)
        #expect(summary["byArrangement"]?["only"]?["mean"] != nil)
        // Compact text parses to the same document.
        #expect(try JSONParser.parse(report.json.text(pretty: false)) == parsed)
    }

    @Test("The table lists every output with its interval")
    func table() throws {
        let table = try report().summaryTable()
        for name in RunOutputs.scalarFields.map(\.name) + ["byArrangement", "only"] { #expect(table.contains(name), "\(name)") }
        #expect(table.contains("95% confidence interval"))
    }

    @Test("CSV: one row per day with the header named")
    func csv() throws {
        let report = try report()
        let lines = report.runs[0].seriesCSV().split(separator: "\n")
        #expect(lines.first == "day,backlog,removedHome,removedThirdCountry,created,injunction")
        #expect(lines.count == 121)
        #expect(report.meanSeries.csv().split(separator: "\n").count == 121)
        #expect(MeanDailySeries.decimal(0.5) == "0.5" && MeanDailySeries.decimal(3) == "3")
    }

    @Test("The SVG is well formed, self-contained, with title, description, legend and shaded injunctions")
    func chart() throws {
        let report = try report()
        for svg in [report.chartSVG(), SimulationChart(run: report.runs[0], scenarioName: "test").svg()] {
            #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
            #expect(svg.contains("<title id=\"simulation-chart-title\">") && svg.contains("<desc id=\"simulation-chart-desc\">"))
            #expect(svg.contains("injunction in force"))
            #expect(!svg.contains("href") && !svg.contains("<script") && !svg.contains("@import"))
            #expect(svg.components(separatedBy: "<polyline").count - 1 == 4)  // three series and the axes
            let parser = XMLParser(data: Data(svg.utf8))
            #expect(parser.parse(), "\(String(describing: parser.parserError))")
        }
        let run = report.runs.first { !$0.injunctionPeriods.isEmpty }!
        let single = SimulationChart(run: run, scenarioName: "test").svg()
        #expect(single.components(separatedBy: "fill=\"#d62728\" fill-opacity=\"0.22\"").count - 1 == run.injunctionPeriods.count + 1)
        #expect(SimulationChart.escape("a<b & \"c\"") == "a&lt;b &amp; &quot;c&quot;")
    }

    @Test("The interactive API returns the summary, the mean series and the SVG, and refuses what is too large")
    func interactive() async throws {
        let small = TestScenarios.scenario(horizonDays: 90, initialBacklog: 500, nationalities: [TestScenarios.nationality(acceptance: 1)])
        let result = try await Simulator.interactive(small, runs: 3, seed: 4, timeLimit: .seconds(30))
        #expect(result.summary.runs == 3)
        #expect(result.series.count == 90)
        #expect(result.svg.contains("<svg"))
        await #expect(throws: SimulationError.self) {
            try await Simulator.interactive(small, runs: 10_000, seed: 1, timeLimit: .seconds(1))
        }
        do {
            _ = try await Simulator.interactive(json: "{\"horizonDays\": -1}", runs: 1, timeLimit: .seconds(1))
            Issue.record("accepted an invalid scenario")
        } catch {
            #expect(error.code == .invalidScenario)
            #expect(error.problems.first?.description == "horizonDays: must be at least 1")
        }
    }
}

/// No interval crosses a value its output cannot take.
struct EstimateBoundsTests {
    @Test("A skewed count (most runs 0, a few large) keeps its interval at or above 0; the mean is unchanged")
    func skewedCountIsClipped() throws {
        let values: [Double] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 412]
        let unclipped = Estimate(values)
        let clipped = Estimate(values, minimum: 0)
        #expect(try #require(unclipped.lower) < 0)
        #expect(clipped.lower == 0)
        #expect(clipped.upper == unclipped.upper)
        #expect(clipped.mean == unclipped.mean)
    }

    @Test("Every interval of the shipped scenario's summary is at or above 0")
    func shippedScenarioIntervals() throws {
        let report = try Simulator.replicate(try Scenario.reference, runs: 4, seed: 1, threads: 1)
        for named in report.summary.outputs {
            if let lower = named.estimate.lower { #expect(lower >= 0, "\(named.name): \(lower)") }
        }
    }

    @Test("Every output of a summary, byArrangement included, keeps its interval at or above 0 when its replications are skewed")
    func intervalsRespectBounds() throws {
        // Most replications 0, one large: the unclipped Student-t interval reaches below 0 for
        // every output (for stuckAtEnd once read [−38.9, …]).
        func run(_ value: Int) -> RunOutputs {
            RunOutputs(
                created: value, removedHome: value, removedThirdCountry: value,
                byArrangement: [RunOutputs.ArrangementCount(id: "only", count: value)], onwardReturns: value,
                refoulementEvents: value, positiveScreenings: value, stuckAtEnd: value, backlogAtEnd: value,
                totalCostUSD: Double(value), costPerThirdCountryRemovalUSD: Double(value), meanDaysToRemoval: Double(value))
        }
        let summary = SimulationSummary([run(0), run(0), run(0), run(0), run(500)])
        let estimates = summary.outputs.map { ($0.name, $0.estimate) } + summary.byArrangement.map { ("byArrangement.\($0.id)", $0.estimate) }
        #expect(estimates.count == RunOutputs.scalarFields.count + 1)
        for (name, estimate) in estimates {
            let lower = try #require(estimate.lower, "\(name)")
            let upper = try #require(estimate.upper, "\(name)")
            #expect(lower == 0, "\(name): \(lower)")
            // sd = √50,000; half-width = 2.776 · sd / √5 = 277.6.
            #expect(abs(upper - 377.6) < 0.01, "\(name): \(upper)")
        }
    }
}
