/// Bounds on the work one request may ask for (the /simulate page). The model accepts larger
/// scenarios from the command line; these keep a shared server responsive.
public struct SimulationLimits: Sendable, Equatable {
    public var maximumRuns: Int
    public var maximumHorizonDays: Int
    /// initialBacklog + arrivalsPerDay × horizonDays, per replication.
    public var maximumExpectedPeople: Double
    /// Third-country flights per replication, over every arrangement.
    public var maximumFlights: Double
    public var maximumInjunctionsPerYear: Double

    public init(
        maximumRuns: Int = 200, maximumHorizonDays: Int = 3_650, maximumExpectedPeople: Double = 2_000_000,
        maximumFlights: Double = 500_000, maximumInjunctionsPerYear: Double = 365
    ) {
        self.maximumRuns = maximumRuns
        self.maximumHorizonDays = maximumHorizonDays
        self.maximumExpectedPeople = maximumExpectedPeople
        self.maximumFlights = maximumFlights
        self.maximumInjunctionsPerYear = maximumInjunctionsPerYear
    }

    /// Defaults for a page: the reference scenario (about 430,000 people, 3 years) fits with
    /// room to spare.
    public static let interactive = SimulationLimits()

    /// Every limit the request exceeds, each naming the path at fault (`runs` for the run count).
    public func problems(_ scenario: Scenario, runs: Int) -> [ScenarioProblem] {
        var problems: [ScenarioProblem] = []
        if runs < 1 || runs > maximumRuns {
            problems.append(ScenarioProblem(path: "runs", message: "must be between 1 and \(maximumRuns)"))
        }
        if scenario.horizonDays > maximumHorizonDays {
            problems.append(ScenarioProblem(path: "horizonDays", message: "must be at most \(maximumHorizonDays) here"))
        }
        let horizon = Double(scenario.horizonDays)
        let people = Double(scenario.initialBacklog) + scenario.arrivalsPerDay * horizon
        if people > maximumExpectedPeople {
            problems.append(
                ScenarioProblem(
                    path: "arrivalsPerDay",
                    message: "initialBacklog + arrivalsPerDay × horizonDays is \(Int(people)); at most \(Int(maximumExpectedPeople)) here"))
        }
        var flights = 0.0
        for (index, arrangement) in scenario.arrangements.enumerated() {
            let window = horizon - max(arrangement.firstFlightDay, arrangement.startDay)
            let count = window > 0 ? window / arrangement.flightEveryDays : 0
            flights += count
            if count > maximumFlights {
                problems.append(
                    ScenarioProblem(
                        path: "arrangements[\(index)].flightEveryDays", message: "gives \(Int(count)) flights; at most \(Int(maximumFlights)) here"))
            }
        }
        if flights > maximumFlights, !problems.contains(where: { $0.path.hasSuffix("flightEveryDays") }) {
            problems.append(ScenarioProblem(path: "arrangements", message: "\(Int(flights)) flights in all; at most \(Int(maximumFlights)) here"))
        }
        if scenario.injunctions.ratePerYear > maximumInjunctionsPerYear {
            problems.append(ScenarioProblem(path: "injunctions.ratePerYear", message: "must be at most \(maximumInjunctionsPerYear) here"))
        }
        return problems
    }
}
