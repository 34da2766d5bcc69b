/// Every output of docs/simulation.md summarised over the replications.
public struct SimulationSummary: Sendable, Equatable {
    public var runs: Int
    /// The scalar outputs, in docs/simulation.md order.
    public var outputs: [Named]
    /// People carried per arrangement, in scenario order.
    public var byArrangement: [PerArrangement]

    public struct Named: Sendable, Equatable {
        public var name: String
        public var unit: RunOutputs.Unit
        public var estimate: Estimate
    }

    public struct PerArrangement: Sendable, Equatable {
        public var id: Scenario.Arrangement.ID
        public var estimate: Estimate
    }

    public init(_ runs: [RunOutputs]) {
        self.runs = runs.count
        outputs = RunOutputs.scalarFields.map { field in
            Named(name: field.name, unit: field.unit, estimate: Estimate(runs.compactMap(field.value)))
        }
        byArrangement = (runs.first?.byArrangement ?? []).enumerated().map { index, entry in
            PerArrangement(id: entry.id, estimate: Estimate(runs.map { Double($0.byArrangement[index].count) }))
        }
    }

    /// The estimate of a scalar output by its docs/simulation.md name.
    public subscript(_ name: String) -> Estimate? {
        outputs.first { $0.name == name }?.estimate
    }

    /// The estimate of people carried to one arrangement.
    public subscript(arrangement id: Scenario.Arrangement.ID) -> Estimate? {
        byArrangement.first { $0.id == id }?.estimate
    }
}
