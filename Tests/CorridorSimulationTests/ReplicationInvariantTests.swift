import CorridorDomain
import Testing

@testable import CorridorSimulation

struct ReplicationInvariantTests {
    @Test("The same seed gives the same run; another seed another run")
    func deterministic() throws {
        let scenario = try TestScenarios.smallReference()
        let a = try Simulator.run(scenario, seed: 42)
        let b = try Simulator.run(scenario, seed: 42)
        let c = try Simulator.run(scenario, seed: 43)
        #expect(a == b)
        #expect(a.outputs != c.outputs)
    }

    @Test("Replication i uses seed S+i and the results do not depend on the number of threads")
    func threadIndependent() throws {
        let scenario = try TestScenarios.smallReference()
        let one = try Simulator.replicate(scenario, runs: 4, seed: 100, threads: 1)
        let two = try Simulator.replicate(scenario, runs: 4, seed: 100, threads: 2)
        let many = try Simulator.replicate(scenario, runs: 4, seed: 100, threads: 8)
        #expect(one.runs == two.runs)
        #expect(one.runs == many.runs)
        #expect(one.summary == two.summary)
        for (index, run) in one.runs.enumerated() {
            #expect(run.replication == index)
            #expect(run.seed == 100 + UInt64(index))
            let alone = try Simulator.run(scenario, seed: 100 + UInt64(index), replication: index)
            #expect(run == alone)
        }
    }

    @Test("Conservation: created = removed home + removed third country + backlog, every day", arguments: [1, 2, 3] as [UInt64])
    func conservation(seed: UInt64) throws {
        let scenario = try TestScenarios.smallReference()
        let run = try Simulator.run(scenario, seed: seed)
        let series = run.series
        #expect(series.count == scenario.horizonDays)
        for day in 0..<series.count {
            #expect(series.created[day] == series.backlog[day] + series.removedHome[day] + series.removedThirdCountry[day], "day \(day)")
        }
        #expect(series.created.last == run.outputs.created)
        #expect(series.backlog.last == run.outputs.backlogAtEnd)
        #expect(series.removedHome.last == run.outputs.removedHome)
        #expect(series.removedThirdCountry.last == run.outputs.removedThirdCountry)
        #expect(run.outputs.backlogAtEnd == run.outputs.created - run.outputs.removedHome - run.outputs.removedThirdCountry)
        #expect(run.outputs.byArrangement.map(\.count).reduce(0, +) == run.outputs.removedThirdCountry)
        #expect(run.outputs.stuckAtEnd <= run.outputs.backlogAtEnd)
        #expect(run.outputs.refoulementEvents <= run.outputs.onwardReturns)
        #expect(run.outputs.onwardReturns <= run.outputs.removedThirdCountry)
    }

    @Test("Seats per flight and capacity per 30-day month are never exceeded", arguments: [7, 8] as [UInt64])
    func capacity(seed: UInt64) throws {
        let scenario = try TestScenarios.smallReference()
        let (parts, trace) = try TestScenarios.traced(scenario, seed: seed)
        var perMonth: [Int: [Int: Int]] = [:]
        var flights = 0
        for case .flight(let k, let time, let carried) in trace.entries {
            flights += 1
            #expect(carried <= scenario.arrangements[k].seatsPerFlight)
            perMonth[k, default: [:]][Int(time / 30), default: 0] += carried
        }
        #expect(flights > 100)
        for (k, months) in perMonth {
            for (month, carried) in months {
                #expect(carried <= scenario.arrangements[k].capacityPerMonth, "\(scenario.arrangements[k].id) month \(month)")
            }
        }
        var home = 0
        for case .homeFlight(_, let carried) in trace.entries {
            #expect(carried <= scenario.homeSeatsPerDay)
            home += carried
        }
        #expect(home == parts.outputs.removedHome)
    }

    @Test("Nobody is carried to a third country while an injunction is in force or the arrangement is inactive", arguments: [11, 12, 13] as [UInt64])
    func injunctionsAndLifecycle(seed: UInt64) throws {
        var scenario = try TestScenarios.smallReference()
        scenario.injunctions = Scenario.Injunctions(ratePerYear: 12, meanDays: 20)
        let (parts, trace) = try TestScenarios.traced(scenario, seed: seed)
        var inForce = 0, active = Set<Int>(), blockedFlights = 0, carriedTotal = 0
        for entry in trace.entries {
            switch entry {
            case .injunctionArrives: inForce += 1
            case .injunctionLifts: inForce -= 1
            case .starts(let k, let time):
                #expect(time == scenario.arrangements[k].startDay)
                active.insert(k)
            case .ends(let k, let time):
                #expect(time <= (scenario.arrangements[k].endDay ?? .infinity))
                active.remove(k)
            case .flight(let k, let time, let carried):
                carriedTotal += carried
                if inForce > 0 || !active.contains(k) {
                    blockedFlights += 1
                    #expect(carried == 0, "flight to \(scenario.arrangements[k].id) at \(time)")
                }
                for period in parts.injunctionPeriods where period.start <= time && time < period.end {
                    #expect(carried == 0)
                }
            case .homeFlight: break
            }
        }
        #expect(blockedFlights > 0)
        #expect(carriedTotal == parts.outputs.removedThirdCountry)
        // The periods are the union of the injunctions, disjoint and in order.
        for (earlier, later) in zip(parts.injunctionPeriods, parts.injunctionPeriods.dropFirst()) {
            #expect(earlier.end < later.start)
        }
    }

    @Test("Memory follows the live backlog, not the horizon: removed people's numbers are reused")
    func memoryFlat() throws {
        let scenario = TestScenarios.scenario(
            horizonDays: 1_000, initialBacklog: 0, arrivalsPerDay: 50, nationalities: [TestScenarios.nationality(acceptance: 1, docDays: 5)])
        var engine = Replication(scenario: try scenario.validated(), seed: 1, trace: NoTrace())
        let parts = try engine.run()
        #expect(parts.outputs.created > 45_000)
        #expect(engine.peopleHighWater < 1_000)
    }

    @Test("A time limit stops the replications with time-limit-exceeded")
    func timeLimit() throws {
        let scenario = TestScenarios.scenario(initialBacklog: 150_000, nationalities: [TestScenarios.nationality(acceptance: 1)])
        #expect {
            try Simulator.replicate(scenario, runs: 2, seed: 1, timeLimit: .zero)
        } throws: { error in
            (error as? SimulationError)?.code == .timeLimitExceeded
        }
    }
}
