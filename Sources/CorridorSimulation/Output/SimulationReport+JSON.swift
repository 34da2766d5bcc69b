extension RunOutputs {
    /// The outputs under their docs/simulation.md names, in its order.
    public var json: [(String, OrderedJSON)] {
        [
            ("created", .integer(created)),
            ("removedHome", .integer(removedHome)),
            ("removedThirdCountry", .integer(removedThirdCountry)),
            ("byArrangement", .object(byArrangement.map { ($0.id.rawValue, .integer($0.count)) })),
            ("onwardReturns", .integer(onwardReturns)),
            ("refoulementEvents", .integer(refoulementEvents)),
            ("positiveScreenings", .integer(positiveScreenings)),
            ("stuckAtEnd", .integer(stuckAtEnd)),
            ("backlogAtEnd", .integer(backlogAtEnd)),
            ("totalCostUSD", .number(totalCostUSD)),
            ("costPerThirdCountryRemovalUSD", .optional(costPerThirdCountryRemovalUSD)),
            ("meanDaysToRemoval", .optional(meanDaysToRemoval)),
        ]
    }
}

extension RunResult {
    /// `{"seed": S+i, outputs…}`: one entry of `runs`.
    public var json: OrderedJSON {
        .object([("seed", .unsigned(seed))] + outputs.json)
    }

    /// The per-run file: the entry of `runs` plus the replication index and the injunction
    /// periods.
    public var detailedJSON: OrderedJSON {
        let periods = OrderedJSON.array(injunctionPeriods.map { .array([.number($0.start), .number($0.end)]) })
        return .object(
            [("replication", .integer(replication)), ("seed", .unsigned(seed))] + outputs.json
                + [("injunctionPeriods", periods)])
    }
}

extension Estimate {
    /// `{"mean": …, "ci95": [low, high], "sd": …, "n": …}` (nulls where undefined).
    public var json: OrderedJSON {
        let interval: OrderedJSON = if let lower, let upper { .array([.number(lower), .number(upper)]) } else { .null }
        return .object([("mean", .optional(mean)), ("ci95", interval), ("sd", .optional(standardDeviation)), ("n", .integer(count))])
    }
}

extension SimulationSummary {
    /// Every output by its docs/simulation.md name, `byArrangement` as an object by id.
    public var json: OrderedJSON {
        var fields: [(String, OrderedJSON)] = []
        for output in outputs {
            fields.append((output.name, output.estimate.json))
            if output.name == "removedThirdCountry" {
                fields.append(("byArrangement", .object(byArrangement.map { ($0.id.rawValue, $0.estimate.json) })))
            }
        }
        return .object(fields)
    }
}

extension SimulationReport {
    /// `{"runs": [ {outputs…}, … ], "summary": {…}}`.
    public var json: OrderedJSON {
        .object([("runs", .array(runs.map(\.json))), ("summary", summary.json)])
    }
}
