import CorridorDomain
import Foundation
import Testing

@testable import CorridorSimulation

/// Small scenarios whose outputs follow from the model by hand.
struct ClosedFormTests {
    @Test("No third countries, unlimited seats, documents for all: days to removal ≈ the mean document time (+ the wait for the next daily flight)")
    func homeOnly() throws {
        let scenario = TestScenarios.scenario(
            horizonDays: 400, initialBacklog: 20_000, nationalities: [TestScenarios.nationality(acceptance: 1, docDays: 20)])
        let run = try Simulator.run(scenario, seed: 5).outputs
        #expect(run.removedHome == run.created)
        #expect(run.removedThirdCountry == 0 && run.stuckAtEnd == 0 && run.backlogAtEnd == 0)
        // Removal at ⌈X⌉ for X ~ Exp(20): E = 1 / (1 − e^(−1/20)) = 20.504; s.e. ≈ 0.14.
        let expected = 1 / (1 - exp(-1.0 / 20))
        let mean = try #require(run.meanDaysToRemoval)
        #expect(abs(mean - expected) < 0.6, "mean \(mean), expected \(expected)")
        #expect(abs(mean - 20) < 1.2)
        #expect(run.costPerThirdCountryRemovalUSD == nil)
    }

    @Test("Arrivals are Poisson: created ≈ N0 + λH")
    func arrivals() throws {
        let scenario = TestScenarios.scenario(
            horizonDays: 400, initialBacklog: 1_000, arrivalsPerDay: 50, nationalities: [TestScenarios.nationality(acceptance: 1, docDays: 5)])
        let created = try (0..<3).map { try Simulator.run(scenario, seed: UInt64($0)).outputs.created }
        for count in created { #expect(abs(Double(count) - 21_000) < 600, "\(count)") }  // s.d. 141
        #expect(Set(created).count == 3)
    }

    @Test("One open arrangement: screenings, removals, onward returns and days to removal follow the rates")
    func pipelineRates() throws {
        let scenario = TestScenarios.scenario(
            horizonDays: 100, initialBacklog: 40_000,
            nationalities: [TestScenarios.nationality(acceptance: 0, protectedShare: 0.2)],
            arrangements: [TestScenarios.arrangement("open", fearRate: 0.4, positiveRate: 0.25, repatriationRate: 0.5, costPerPersonUSD: 1_000)])
        let run = try Simulator.run(scenario, seed: 9).outputs
        let created = Double(run.created)
        #expect(run.created == 40_000)
        // Fear 0.4 × positive 0.25 = 10% are ruled out of the only arrangement and stuck.
        #expect(abs(Double(run.positiveScreenings) / created - 0.1) < 0.006)
        #expect(run.stuckAtEnd == run.positiveScreenings)
        #expect(run.removedThirdCountry + run.stuckAtEnd == run.created)
        #expect(abs(Double(run.onwardReturns) / Double(run.removedThirdCountry) - 0.5) < 0.012)
        #expect(abs(Double(run.refoulementEvents) / Double(run.onwardReturns) - 0.2) < 0.015)
        // Everyone starts at t = 0 and flights are daily at whole days: no fear → 10 days,
        // fear and negative → 10 + 3 + 15 = 28 days. (0.6·10 + 0.3·28) / 0.9 = 16.
        let mean = try #require(run.meanDaysToRemoval)
        #expect(abs(mean - 16) < 0.2, "\(mean)")
        #expect(run.costPerThirdCountryRemovalUSD == 1_000)
        #expect(run.totalCostUSD == Double(run.removedThirdCountry) * 1_000)
    }

    @Test("A saturated arrangement carries exactly its monthly capacity, months starting at 0, 30, 60, …")
    func monthlyCapacity() throws {
        let scenario = TestScenarios.scenario(
            horizonDays: 300, initialBacklog: 10_000,
            arrangements: [TestScenarios.arrangement("narrow", capacityPerMonth: 50, seatsPerFlight: 100)])
        let run = try Simulator.run(scenario, seed: 1)
        #expect(run.outputs.removedThirdCountry == 500)
        // The first flight after the notice (day 10) fills month 0; each later month fills on its first day.
        #expect(run.series.removedThirdCountry[9] == 0)
        #expect(run.series.removedThirdCountry[10] == 50)
        #expect(run.series.removedThirdCountry[29] == 50)
        #expect(run.series.removedThirdCountry[30] == 100)
        #expect(run.outputs.backlogAtEnd == 9_500)
    }

    @Test("Seats limit each flight: 7 seats every 3 days")
    func seats() throws {
        let scenario = TestScenarios.scenario(
            horizonDays: 100, initialBacklog: 1_000,
            arrangements: [TestScenarios.arrangement("small", flightEveryDays: 3, seatsPerFlight: 7, firstFlightDay: 1)])
        let run = try Simulator.run(scenario, seed: 1).outputs
        // Flights at 1, 4, …, 97; those at 10, 13, …, 97 find people: 30 flights × 7.
        #expect(run.removedThirdCountry == 30 * 7)
    }

    @Test("An arrangement's end sends its queue to search; a later start takes the stuck pool at once")
    func lifecycle() throws {
        let scenario = TestScenarios.scenario(
            horizonDays: 300, initialBacklog: 1_000,
            arrangements: [
                TestScenarios.arrangement("closed", endDay: 50, capacityPerMonth: 0, lumpSumUSD: 1_000_000),
                TestScenarios.arrangement("later", startDay: 100, lumpSumUSD: 2_000_000, costPerPersonUSD: 10),
                TestScenarios.arrangement("never", startDay: 300, lumpSumUSD: 99_000_000),
            ])
        let run = try Simulator.run(scenario, seed: 3)
        #expect(run.outputs[arrangement: "closed"] == 0)
        #expect(run.outputs[arrangement: "later"] == 1_000)
        #expect(run.outputs[arrangement: "never"] == 0)
        // Stuck from day 50, searched when "later" starts on day 100, notice 10 days, daily flights.
        #expect(run.outputs.meanDaysToRemoval == 110)
        #expect(run.series.backlog[109] == 1_000 && run.series.backlog[110] == 0)  // removed at t = 110, in day 110
        // Lump sums of arrangements starting before H only.
        #expect(run.outputs.totalCostUSD == 3_000_000 + 10_000)
        #expect(run.outputs.costPerThirdCountryRemovalUSD == 3_010)
    }

    @Test("A positive screening rules the arrangement out and the person searches on at once")
    func ruledOut() throws {
        let scenario = TestScenarios.scenario(
            horizonDays: 100, initialBacklog: 500,
            arrangements: [TestScenarios.arrangement("first", fearRate: 1, positiveRate: 1), TestScenarios.arrangement("second")])
        let run = try Simulator.run(scenario, seed: 1).outputs
        #expect(run.positiveScreenings == 500)
        #expect(run[arrangement: "first"] == 0)
        #expect(run[arrangement: "second"] == 500)
        #expect(run.meanDaysToRemoval == 23)  // 10 + 3, then 10 more with the second
    }

    @Test("The policy: risk threshold and the chain-refoulement block")
    func policy() throws {
        var policy = TestScenarios.policy
        policy.riskThreshold = 0.5
        policy.blockChainRefoulement = true
        let scenario = TestScenarios.scenario(
            horizonDays: 100, initialBacklog: 4_000, policy: policy,
            nationalities: [TestScenarios.nationality(protectedShare: 0.5)],
            arrangements: [
                TestScenarios.arrangement("risky", riskScore: 0.5),
                TestScenarios.arrangement("returns", repatriationRate: 1, riskScore: 0.2),
                TestScenarios.arrangement("assured", repatriationRate: 1, riskScore: 0.2, bindingAssurances: true),
            ])
        let run = try Simulator.run(scenario, seed: 2).outputs
        #expect(run[arrangement: "risky"] == 0)
        #expect(run.refoulementEvents == run.removedThirdCountry - run[arrangement: "returns"])
        #expect(run[arrangement: "returns"] + run[arrangement: "assured"] == 4_000)
        #expect(abs(Double(run[arrangement: "assured"]) - 2_000) < 200)
        #expect(run.onwardReturns == 4_000)
    }

    @Test("With no arrangement at all everyone without documents is stuck")
    func stuck() throws {
        let scenario = TestScenarios.scenario(horizonDays: 60, initialBacklog: 3_000, nationalities: [TestScenarios.nationality(acceptance: 0)])
        let run = try Simulator.run(scenario, seed: 1).outputs
        #expect(run.stuckAtEnd == 3_000 && run.backlogAtEnd == 3_000)
        #expect(run.meanDaysToRemoval == nil && run.costPerThirdCountryRemovalUSD == nil)
    }

    @Test("Injunctions are in force 1 − exp(−ρ·m/365) of the time (overlapping allowed)")
    func injunctionCoverage() throws {
        let scenario = TestScenarios.scenario(
            horizonDays: 36_500, initialBacklog: 0, injunctions: Scenario.Injunctions(ratePerYear: 10, meanDays: 30))
        let share =
            try (0..<4).map { seed in
                try Simulator.run(scenario, seed: UInt64(seed)).injunctionPeriods.totalDays / 36_500
            }.reduce(0, +) / 4
        let expected = 1 - exp(-10.0 * 30 / 365)
        #expect(abs(share - expected) < 0.03, "\(share) vs \(expected)")
    }

    @Test("Collapse: an arrangement lasts Exp(365 / collapsePerYear) days (truncated at H: E min(X, H) = m(1 − e^(−H/m)))")
    func collapse() throws {
        let scenario = TestScenarios.scenario(
            horizonDays: 730, initialBacklog: 0, arrangements: [TestScenarios.arrangement("fragile", collapsePerYear: 2, flightEveryDays: 30)])
        var total = 0.0
        for seed in 0..<400 {
            let (_, trace) = try TestScenarios.traced(scenario, seed: UInt64(seed))
            let end = trace.entries.compactMap { entry -> Double? in
                if case .ends(_, let time) = entry { return time } else { return nil }
            }
            total += end.first ?? 730
        }
        let expected = 182.5 * (1 - exp(-730 / 182.5))
        #expect(abs(total / 400 - expected) < 30, "\(total / 400) vs \(expected)")  // s.e. 9
    }
}
