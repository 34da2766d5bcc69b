import CorridorDomain

@testable import CorridorSimulation

/// Small scenarios whose answers can be worked out by hand.
enum TestScenarios {
    static let policy = Scenario.Policy(id: "test", noticeDays: 10, screeningDays: 3, waitAfterNegativeDays: 15)

    static func nationality(
        _ code: String = "GTM", share: Double = 1, acceptance: Double = 0, docDays: Double = 20, protectedShare: Double = 0
    )
        -> Scenario.Nationality
    {
        Scenario.Nationality(code: CountryCode(code), share: share, acceptance: acceptance, docDays: docDays, protectedShare: protectedShare)
    }

    /// An arrangement that takes anyone and never limits anyone: daily flights from day 0.
    static func arrangement(
        _ id: String, accepts: Scenario.Arrangement.Acceptance = .any, startDay: Double = 0, endDay: Double? = nil,
        collapsePerYear: Double = 0, capacityPerMonth: Int = 10_000_000, flightEveryDays: Double = 1, seatsPerFlight: Int = 10_000_000,
        firstFlightDay: Double = 0, fearRate: Double = 0, positiveRate: Double = 0, repatriationRate: Double = 0, riskScore: Double = 0.1,
        bindingAssurances: Bool = false, lumpSumUSD: Double = 0, costPerPersonUSD: Double = 0
    ) -> Scenario.Arrangement {
        Scenario.Arrangement(
            id: Scenario.Arrangement.ID(id), partner: "PAN", accepts: accepts, startDay: startDay, endDay: endDay,
            collapsePerYear: collapsePerYear, capacityPerMonth: capacityPerMonth, flightEveryDays: flightEveryDays,
            seatsPerFlight: seatsPerFlight, firstFlightDay: firstFlightDay, fearRate: fearRate, positiveRate: positiveRate,
            repatriationRate: repatriationRate, riskScore: riskScore, bindingAssurances: bindingAssurances, lumpSumUSD: lumpSumUSD,
            costPerPersonUSD: costPerPersonUSD)
    }

    static func scenario(
        horizonDays: Int = 200, initialBacklog: Int = 2_000, arrivalsPerDay: Double = 0, homeSeatsPerDay: Int = 10_000_000,
        homeCostPerPersonUSD: Double = 0, injunctions: Scenario.Injunctions = .none, policy: Scenario.Policy = policy,
        nationalities: [Scenario.Nationality] = [nationality()], arrangements: [Scenario.Arrangement] = []
    ) -> Scenario {
        Scenario(
            name: "test", horizonDays: horizonDays, initialBacklog: initialBacklog, arrivalsPerDay: arrivalsPerDay,
            homeSeatsPerDay: homeSeatsPerDay, homeCostPerPersonUSD: homeCostPerPersonUSD, injunctions: injunctions, policy: policy,
            nationalities: nationalities, arrangements: arrangements)
    }

    /// The reference scenario scaled down (a tenth of the people, same rates and network), for
    /// tests that want every mechanism at work but must stay fast in a debug build.
    static func smallReference() throws -> Scenario {
        var scenario = try Scenario.reference
        scenario.initialBacklog = 10_000
        scenario.arrivalsPerDay = 30
        scenario.homeSeatsPerDay = 70
        scenario.injunctions = Scenario.Injunctions(ratePerYear: 6, meanDays: 30)
        for index in scenario.arrangements.indices {
            scenario.arrangements[index].capacityPerMonth = max(1, scenario.arrangements[index].capacityPerMonth / 10)
            scenario.arrangements[index].collapsePerYear *= 3
        }
        return scenario
    }

    /// One replication with a recording trace.
    static func traced(_ scenario: Scenario, seed: UInt64) throws -> (RunResult.Parts, RecordingTrace) {
        var engine = Replication(scenario: try scenario.validated(), seed: seed, trace: RecordingTrace())
        let parts = try engine.run()
        return (parts, engine.trace)
    }
}

/// Everything the engine reports through its trace, in order.
struct RecordingTrace: SimulationTrace {
    enum Entry: Equatable {
        case starts(Int, Double), ends(Int, Double), injunctionArrives(Double), injunctionLifts(Double)
        case flight(Int, Double, Int), homeFlight(Double, Int)
    }

    var entries: [Entry] = []

    mutating func arrangementStarts(_ arrangement: Int, at time: Double) { entries.append(.starts(arrangement, time)) }
    mutating func arrangementEnds(_ arrangement: Int, at time: Double) { entries.append(.ends(arrangement, time)) }
    mutating func injunctionArrives(at time: Double) { entries.append(.injunctionArrives(time)) }
    mutating func injunctionLifts(at time: Double) { entries.append(.injunctionLifts(time)) }
    mutating func flight(to arrangement: Int, at time: Double, carried: Int) { entries.append(.flight(arrangement, time, carried)) }
    mutating func homeFlight(at time: Double, carried: Int) { entries.append(.homeFlight(time, carried)) }
}
