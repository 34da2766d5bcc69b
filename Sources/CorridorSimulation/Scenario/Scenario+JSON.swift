import CorridorDomain
import Foundation

extension Scenario {
    /// Parses and validates a scenario, refusing it with every problem at once.
    ///
    /// - Throws: ``SimulationError`` with code `invalid-scenario` and one ``ScenarioProblem``
    ///   per problem, each naming its JSON path (`arrangements[2].capacityPerMonth: must not
    ///   be negative`).
    public init(json: String) throws(SimulationError) {
        let document: JSONValue
        do { document = try JSONParser.parse(json) } catch {
            throw SimulationError(
                code: .invalidScenario, summary: "the scenario is not valid JSON",
                problems: [ScenarioProblem(path: "", message: error.description)])
        }
        try self.init(document: document)
    }

    /// Validates a parsed scenario document.
    public init(document: JSONValue) throws(SimulationError) {
        var reader = ScenarioReader()
        guard let scenario = reader.scenario(document) else {
            let count = reader.problems.count
            throw SimulationError(
                code: .invalidScenario, summary: "the scenario has \(count) problem\(count == 1 ? "" : "s")",
                problems: reader.problems)
        }
        self = scenario
    }

    /// Reads and validates a scenario file.
    public init(contentsOf path: String) throws(SimulationError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SimulationError(code: .invalidRequest, summary: "cannot read the scenario file '\(path)'")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw SimulationError(code: .invalidScenario, summary: "the scenario file '\(path)' is not UTF-8 text")
        }
        try self.init(json: text)
    }

    /// The same scenario, checked by the rules a JSON scenario must pass (a scenario built in
    /// code goes through exactly the same validation).
    public func validated() throws(SimulationError) -> Scenario {
        try Scenario(document: jsonValue)
    }

    /// The scenario as a JSON document in the shape docs/simulation.md describes.
    public var jsonValue: JSONValue {
        var root: [String: JSONValue] = [
            "horizonDays": .number(Double(horizonDays)),
            "initialBacklog": .number(Double(initialBacklog)),
            "arrivalsPerDay": .number(arrivalsPerDay),
            "homeSeatsPerDay": .number(Double(homeSeatsPerDay)),
            "homeCostPerPersonUSD": .number(homeCostPerPersonUSD),
            "injunctions": ["ratePerYear": .number(injunctions.ratePerYear), "meanDays": .number(injunctions.meanDays)],
            "nationalities": .array(nationalities.map(\.jsonValue)),
            "arrangements": .array(arrangements.map(\.jsonValue)),
        ]
        var policy: [String: JSONValue] = [
            "noticeDays": .number(self.policy.noticeDays),
            "screeningDays": .number(self.policy.screeningDays),
            "waitAfterNegativeDays": .number(self.policy.waitAfterNegativeDays),
            "riskThreshold": self.policy.riskThreshold.map(JSONValue.number) ?? .null,
            "blockChainRefoulement": .bool(self.policy.blockChainRefoulement),
        ]
        if let id = self.policy.id { policy["id"] = .string(id) }
        root["policy"] = .object(policy)
        if let name { root["name"] = .string(name) }
        if let description { root["description"] = .string(description) }
        return .object(root)
    }
}

extension Scenario.Nationality {
    var jsonValue: JSONValue {
        [
            "code": .string(code.rawValue), "share": .number(share), "acceptance": .number(acceptance), "docDays": .number(docDays),
            "protectedShare": .number(protectedShare),
        ]
    }
}

extension Scenario.Arrangement {
    var jsonValue: JSONValue {
        let accepts: JSONValue =
            switch self.accepts {
            case .any: "any"
            case .only(let codes): .array(codes.map { .string($0.rawValue) })
            }
        return [
            "id": .string(id.rawValue), "partner": .string(partner.rawValue), "accepts": accepts, "startDay": .number(startDay),
            "endDay": endDay.map(JSONValue.number) ?? .null, "collapsePerYear": .number(collapsePerYear),
            "capacityPerMonth": .number(Double(capacityPerMonth)), "flightEveryDays": .number(flightEveryDays),
            "seatsPerFlight": .number(Double(seatsPerFlight)), "firstFlightDay": .number(firstFlightDay), "fearRate": .number(fearRate),
            "positiveRate": .number(positiveRate), "repatriationRate": .number(repatriationRate), "riskScore": .number(riskScore),
            "bindingAssurances": .bool(bindingAssurances), "lumpSumUSD": .number(lumpSumUSD), "costPerPersonUSD": .number(costPerPersonUSD),
        ]
    }
}
