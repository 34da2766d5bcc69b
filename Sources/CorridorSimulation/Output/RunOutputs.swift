/// The outputs of one replication, named exactly as in docs/simulation.md.
public struct RunOutputs: Sendable, Equatable {
    /// People who existed during the run (N0 plus arrivals).
    public var created: Int
    public var removedHome: Int
    public var removedThirdCountry: Int
    /// People carried per arrangement, in scenario order.
    public var byArrangement: [ArrangementCount]
    /// People the hosts returned to their country of origin.
    public var onwardReturns: Int
    /// Onward returns of protected people.
    public var refoulementEvents: Int
    public var positiveScreenings: Int
    /// People in the stuck pool at H.
    public var stuckAtEnd: Int
    /// created − removedHome − removedThirdCountry.
    public var backlogAtEnd: Int
    /// Lump sums + per-person third-country costs + home costs.
    public var totalCostUSD: Double
    /// (Lump sums + per-person third-country costs) / removedThirdCountry; nil when nobody
    /// was removed to a third country.
    public var costPerThirdCountryRemovalUSD: Double?
    /// Mean of removal time − creation time over everyone removed; nil when nobody was.
    public var meanDaysToRemoval: Double?

    /// People carried to one arrangement.
    public struct ArrangementCount: Sendable, Equatable {
        public var id: Scenario.Arrangement.ID
        public var count: Int
        public init(id: Scenario.Arrangement.ID, count: Int) {
            self.id = id
            self.count = count
        }
    }

    /// People carried to the arrangement `id` (0 when it is not in the scenario).
    public subscript(arrangement id: Scenario.Arrangement.ID) -> Int {
        byArrangement.first { $0.id == id }?.count ?? 0
    }

    /// A scalar output, for uniform handling of every output.
    public struct Field: Sendable {
        public let name: String
        public let unit: Unit
        public let value: @Sendable (RunOutputs) -> Double?
    }

    public enum Unit: Sendable { case people, usd, days }

    /// Every scalar output in docs/simulation.md order (`byArrangement` is handled separately and
    /// goes after `removedThirdCountry`).
    public static let scalarFields: [Field] = [
        Field(name: "created", unit: .people) { Double($0.created) },
        Field(name: "removedHome", unit: .people) { Double($0.removedHome) },
        Field(name: "removedThirdCountry", unit: .people) { Double($0.removedThirdCountry) },
        Field(name: "onwardReturns", unit: .people) { Double($0.onwardReturns) },
        Field(name: "refoulementEvents", unit: .people) { Double($0.refoulementEvents) },
        Field(name: "positiveScreenings", unit: .people) { Double($0.positiveScreenings) },
        Field(name: "stuckAtEnd", unit: .people) { Double($0.stuckAtEnd) },
        Field(name: "backlogAtEnd", unit: .people) { Double($0.backlogAtEnd) },
        Field(name: "totalCostUSD", unit: .usd) { $0.totalCostUSD },
        Field(name: "costPerThirdCountryRemovalUSD", unit: .usd) { $0.costPerThirdCountryRemovalUSD },
        Field(name: "meanDaysToRemoval", unit: .days) { $0.meanDaysToRemoval },
    ]
}
